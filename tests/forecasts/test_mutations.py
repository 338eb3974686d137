"""Setting forecasts, actuals and goals: who may, versioned upserts, clear errors for bad
input, the history they leave, and the year's figures per product line. Every refused
mutation leaves the database exactly as it was."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.conftest import count_statements
from tests.forecasts.support import (
    ENTRIES,
    FORECAST,
    NODE,
    SET_ENTRY,
    SET_GOAL,
    ok,
    set_entry,
    set_goal,
)
from tests.support import error_codes, gql, snapshot

ENTRY_EDITORS = [Role.KAM, Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER]


async def refused(runtime, http, query, variables, *, code, field=None):
    """Run a mutation that must be refused with `code`; the database must not change."""
    before = await snapshot(runtime.session_factory)
    result = await gql(http, query, variables)
    assert await snapshot(runtime.session_factory) == before, "a refused mutation changed data"
    if code == "FORBIDDEN":
        assert error_codes(result) == [code], result
        return result
    (payload,) = result["data"].values()
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], payload
    return payload


@pytest.fixture
async def kam(world, clients):
    return await clients.as_user(world.a.email(Role.KAM))


def entry(world, month="2027-03-01", **fields):
    return {"input": {"workspaceId": world.a.workspace_gid, "month": month, **fields}}


def goal(world, year=2027, **fields):
    return {"input": {"workspaceId": world.a.workspace_gid, "year": year, **fields}}


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ENTRY_EDITORS)
async def test_editors_set_shared_entries(world, clients, role):
    http = await clients.as_user(world.a.email(role))
    made = await set_entry(http, world.a.workspace_gid, "2027-03-01", forecast="1000")
    assert (made["visibility"], made["forecast"], made["actual"]) == ("SHARED", "1000.00", None)
    updated = await set_entry(
        http, world.a.workspace_gid, "2027-03-01", actual="900.5", version=made["version"]
    )
    assert (updated["forecast"], updated["actual"], updated["version"]) == ("1000.00", "900.50", 2)


@pytest.mark.parametrize("role", [r for r in Role if r not in ENTRY_EDITORS])
async def test_others_cannot_set_entries(world, kam, clients, runtime, role):
    await set_entry(kam, world.a.workspace_gid, "2027-03-01", forecast="1")
    http = await clients.as_user(world.a.email(role))
    await refused(runtime, http, SET_ENTRY, entry(world, forecast="5"), code="FORBIDDEN")
    await refused(runtime, http, SET_ENTRY, entry(world, actual="5", version=1), code="FORBIDDEN")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.KAM])
async def test_only_the_kam_sets_the_goal(world, kam, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    await refused(runtime, http, SET_GOAL, goal(world, annualGoal="100"), code="FORBIDDEN")
    await set_goal(kam, world.a.workspace_gid, 2027, annualGoal="100")
    await refused(
        runtime,
        http,
        SET_GOAL,
        goal(world, deviationThresholdPct="50", version=1),
        code="FORBIDDEN",
    )


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_cannot_set_anything(world, clients, runtime, role):
    http = await clients.as_user(world.b.email(role))
    await refused(
        runtime, http, SET_ENTRY, entry(world, forecast="1"), code="NOT_FOUND", field="id"
    )
    await refused(
        runtime, http, SET_GOAL, goal(world, annualGoal="1"), code="NOT_FOUND", field="id"
    )


async def test_only_the_kam_keeps_figures_internal(world, kam, clients, runtime):
    for role in (Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER):
        http = await clients.as_user(world.a.email(role))
        await refused(
            runtime,
            http,
            SET_ENTRY,
            entry(world, forecast="1", visibility="INTERNAL"),
            code="FORBIDDEN",
        )
    made = await set_entry(kam, world.a.workspace_gid, "2027-03-01", forecast="1")
    hidden = await ok(kam, SET_ENTRY, entry(world, version=made["version"], visibility="INTERNAL"))
    assert hidden["visibility"] == "INTERNAL"


async def test_an_internal_month_answers_the_customer_like_a_free_one(world, kam, clients):
    """The customer sets a month the supplier keeps internal exactly as it sets a free month:
    its joint figures go beside the internal ones, which it never sees nor touches."""
    made = await set_entry(kam, world.a.workspace_gid, "2027-03-01", forecast="1")
    hidden = await ok(kam, SET_ENTRY, entry(world, version=made["version"], visibility="INTERNAL"))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    answers = []
    for month in ("2027-03-01", "2027-04-01"):  # internal, free
        result = await gql(
            buyer, SET_ENTRY, entry(world, month, forecast="2", version=hidden["version"])
        )
        shared = result["data"]["setForecastEntry"]["entry"]
        answers.append((shared["visibility"], shared["version"], shared["forecast"]))
        assert shared["id"] != hidden["id"]
    assert answers == [("SHARED", 1, "2.00")] * 2
    march = {"ws": world.a.workspace_gid, "year": 2027}
    query = FORECAST.replace("entry { id version }", "entry { id } internalEntry { id forecast }")
    seen = (await gql(kam, query, march))["data"]["forecast"]["months"][2]
    assert (seen["forecast"], seen["internalEntry"]["forecast"]) == ("2.00", "1.00")
    assert seen["entry"]["id"] != seen["internalEntry"]["id"] == hidden["id"]
    seen = (await gql(buyer, query, march))["data"]["forecast"]["months"][2]
    assert (seen["forecast"], seen["internalEntry"]) == ("2.00", None)
    # The KAM keeps setting her internal figures beside the joint ones.
    mine = await ok(
        kam,
        SET_ENTRY,
        entry(world, forecast="7", version=hidden["version"], visibility="INTERNAL"),
    )
    assert (mine["id"], mine["forecast"]) == (hidden["id"], "7.00")


# --- versioned upserts -------------------------------------------------------------------------


async def test_entries_are_versioned_once_they_exist(world, kam, clients, runtime):
    made = await set_entry(kam, world.a.workspace_gid, "2027-03-01", forecast="1000")
    await refused(
        runtime, kam, SET_ENTRY, entry(world, actual="5"), code="REQUIRED", field="version"
    )
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    await ok(buyer, SET_ENTRY, entry(world, actual="1100", version=made["version"]))
    payload = await refused(
        runtime,
        kam,
        SET_ENTRY,
        entry(world, forecast="1200", version=made["version"]),
        code="CONFLICT",
        field="version",
    )
    assert (payload["entry"]["actual"], payload["entry"]["version"]) == ("1100.00", 2)
    # Same month, another product line: another entry.
    pumps = await set_entry(
        kam, world.a.workspace_gid, "2027-03-01", productLine="Pumps", forecast="10"
    )
    assert (pumps["productLine"], pumps["version"]) == ("Pumps", 1) and pumps["id"] != made["id"]


async def test_goals_are_versioned_once_they_exist(world, kam, runtime):
    await refused(runtime, kam, SET_GOAL, goal(world), code="REQUIRED", field="annualGoal")
    made = await set_goal(kam, world.a.workspace_gid, 2027, annualGoal="1200000", currency="eur")
    assert (made["annualGoal"], made["currency"], made["deviationThresholdPct"]) == (
        "1200000.00",
        "EUR",
        "10.00",
    )
    assert made["visibility"] == "SHARED"
    await refused(
        runtime,
        kam,
        SET_GOAL,
        goal(world, deviationThresholdPct="15"),
        code="REQUIRED",
        field="version",
    )
    changed = await ok(kam, SET_GOAL, goal(world, deviationThresholdPct="15", version=1))
    assert (changed["deviationThresholdPct"], changed["annualGoal"]) == ("15.00", "1200000.00")
    payload = await refused(
        runtime,
        kam,
        SET_GOAL,
        goal(world, annualGoal="1", version=1),
        code="CONFLICT",
        field="version",
    )
    assert payload["goal"]["version"] == 2


async def test_history_shows_exactly_what_happened(world, kam, clients):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    made = await set_entry(buyer, world.a.workspace_gid, "2027-03-01", forecast="1000")
    await ok(kam, SET_ENTRY, entry(world, forecast="1000", actual="1100", version=1))
    await ok(buyer, SET_ENTRY, entry(world, forecast="1050", version=2))
    node = (await gql(kam, NODE, {"id": made["id"]}))["data"]["node"]
    buyer_email, kam_email = world.a.email(Role.CUSTOMER_BUYER), world.a.email(Role.KAM)
    assert [
        (h["action"], h["field"], h["before"], h["after"], h["actor"]["email"])
        for h in node["history"]["nodes"]
    ] == [
        ("created", None, None, None, buyer_email),
        ("updated", "actual", None, "1100.00", kam_email),  # the unchanged forecast is not listed
        ("updated", "forecast", "1000.00", "1050.00", buyer_email),
    ]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"month": "2027-03-15"}, "month", "INVALID"),
        ({"month": "1999-12-01"}, "month", "INVALID"),
        ({"forecast": "-1"}, "forecast", "INVALID"),
        ({"actual": "1.001"}, "actual", "INVALID"),
        ({"forecast": "1e18"}, "forecast", "INVALID"),
        ({"productLine": "p" * 101}, "productLine", "INVALID"),
        ({"workspaceId": "nope"}, "workspaceId", "INVALID"),
    ],
)
async def test_bad_entries_are_refused_clearly(world, kam, runtime, fields, field, code):
    payload = await refused(
        runtime, kam, SET_ENTRY, entry(world, **{"forecast": "1", **fields}), code=code, field=field
    )
    assert payload["errors"][0]["message"]


async def test_month_must_be_its_first_day(world, kam, runtime):
    payload = await refused(
        runtime,
        kam,
        SET_ENTRY,
        entry(world, month="2027-03-15", forecast="1"),
        code="INVALID",
        field="month",
    )
    assert "2027-03-01" in payload["errors"][0]["message"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"year": 1999}, "year"),
        ({"deviationThresholdPct": "0"}, "deviationThresholdPct"),
        ({"deviationThresholdPct": "1000.01"}, "deviationThresholdPct"),
        ({"annualGoal": "-5"}, "annualGoal"),
        ({"currency": "EURO"}, "currency"),
    ],
)
async def test_bad_goals_are_refused_clearly(world, kam, runtime, fields, field):
    await refused(
        runtime,
        kam,
        SET_GOAL,
        goal(world, **{"annualGoal": "1", **fields}),
        code="INVALID",
        field=field,
    )


@pytest.mark.parametrize("variables", [{"year": 1850}, {"ws": "garbage", "year": 2027}])
async def test_bad_query_arguments_are_refused_before_sql(world, kam, runtime, variables):
    with count_statements(runtime.engine) as sql:
        result = await gql(kam, FORECAST, {"ws": world.a.workspace_gid, **variables})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert sql.count == 0


# --- the year's figures ------------------------------------------------------------------------


async def test_product_lines_and_the_whole_account(world, kam):
    ws = world.a.workspace_gid
    await set_goal(kam, ws, 2027, annualGoal="10000", deviationThresholdPct="25")
    await set_entry(kam, ws, "2027-01-01", forecast="1000", actual="1200")
    await set_entry(kam, ws, "2027-01-01", productLine="Pumps", forecast="300", actual="400")
    await set_entry(kam, ws, "2027-02-01", productLine="Pumps", forecast="300", actual="200")
    await set_entry(kam, ws, "2027-04-01", productLine="Pumps", forecast="300")
    await set_entry(kam, ws, "2027-01-01", productLine="Valves", forecast="0", actual="50")
    await set_entry(kam, ws, "2028-01-01", productLine="Seals", forecast="1")

    whole = (await gql(kam, FORECAST, {"ws": ws, "year": 2027}))["data"]["forecast"]
    assert [m["month"] for m in whole["months"]] == [f"2027-{m:02}-01" for m in range(1, 13)]
    assert (whole["months"][0]["deviationPct"], whole["months"][0]["flagged"]) == ("20.00", False)
    assert whole["productLines"] == ["Pumps", "Valves"]
    # January has the account's own entry; February and April only lines, which add up.
    months = [(m["forecast"], m["actual"]) for m in whole["months"][:4]]
    assert months == [("1000.00", "1200.00"), ("300.00", "200.00"), (None, None), ("300.00", None)]
    assert (whole["annualForecast"], whole["ytdForecast"], whole["ytdActual"]) == (
        "1600.00",
        "1300.00",
        "1400.00",
    )
    assert (whole["ytdAttainmentPct"], whole["goalAttainmentPct"]) == ("107.69", "14.00")

    pumps = (await gql(kam, FORECAST, {"ws": ws, "year": 2027, "line": "Pumps"}))["data"][
        "forecast"
    ]
    flags = [(m["deviationPct"], m["flagged"]) for m in pumps["months"][:4]]
    assert flags == [("33.33", True), ("-33.33", True), (None, False), (None, False)]
    # Year to date runs through February, the last month with an actual.
    assert (pumps["annualForecast"], pumps["ytdThrough"]) == ("900.00", "2027-02-01")
    assert (pumps["ytdForecast"], pumps["ytdActual"], pumps["ytdAttainmentPct"]) == (
        "600.00",
        "600.00",
        "100.00",
    )
    # A zero forecast has no percentage to deviate by.
    valves = (await gql(kam, FORECAST, {"ws": ws, "year": 2027, "line": "Valves"}))["data"][
        "forecast"
    ]
    first = valves["months"][0]
    assert (first["actual"], first["deviationPct"], first["flagged"]) == ("50.00", None, False)
    assert valves["ytdAttainmentPct"] is None


async def test_lines_alone_add_up_to_the_account(world, kam, clients):
    """Only product lines filled: the account's total is theirs, not 0.00; an internal line
    counts for the supplier and never for the customer."""
    ws = world.a.workspace_gid
    await set_entry(kam, ws, "2027-03-01", productLine="Pumps", forecast="300", actual="250")
    await set_entry(kam, ws, "2027-03-01", productLine="Valves", forecast="200", actual="260")
    await set_entry(
        kam, ws, "2027-03-01", productLine="Seals", forecast="50", visibility="INTERNAL"
    )
    whole = (await gql(kam, FORECAST, {"ws": ws, "year": 2027}))["data"]["forecast"]
    march = whole["months"][2]
    assert (march["forecast"], march["actual"], march["deviationPct"]) == (
        "550.00",
        "510.00",
        "-7.27",
    )
    assert (whole["annualForecast"], whole["ytdActual"]) == ("550.00", "510.00")
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    whole = (await gql(buyer, FORECAST, {"ws": ws, "year": 2027}))["data"]["forecast"]
    assert (whole["months"][2]["forecast"], whole["annualForecast"]) == ("500.00", "500.00")


async def test_entry_flags_follow_the_threshold_in_batches(world, kam, runtime):
    ws = world.a.workspace_gid
    for month in range(1, 7):
        await set_entry(kam, ws, f"2027-{month:02}-01", forecast="100", actual=str(100 + month * 5))
    await set_goal(kam, ws, 2027, annualGoal="1", deviationThresholdPct="12")

    async def flags(first: int) -> tuple[list[bool], int]:
        with count_statements(runtime.engine) as sql:
            result = await gql(kam, ENTRIES, {"ws": ws, "year": 2027, "first": first})
        return [n["flagged"] for n in result["data"]["forecastEntries"]["nodes"]], sql.count

    few, few_sql = await flags(2)
    many, many_sql = await flags(6)
    assert many == [False, False, True, True, True, True]  # 5%, 10% within; 15% on beyond
    assert few == many[:2] and few_sql == many_sql  # the goal is loaded once per request
    await ok(kam, SET_GOAL, goal(world, deviationThresholdPct="20", version=1))
    assert (await flags(6))[0] == [False, False, False, False, True, True]
