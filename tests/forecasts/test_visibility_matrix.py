"""The visibility matrix of forecast entries and sales goals: every role by {read by ID, lists,
the year's view, history, live event} by {SHARED, INTERNAL}. Both sides see the shared joint
view; only the supplier sees what the KAM keeps internal, and no total gives it away; the
other account sees nothing."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.forecasts.support import ENTRIES, FORECAST, GOALS, NODE, set_entry, set_goal
from tests.realtime.support import next_message, serve, subscription
from tests.support import error_codes, gql


def _sees_internal(role: Role) -> bool:
    return role.side == Side.SUPPLIER


@pytest.fixture
async def figures(world, clients):
    """2027: a shared goal, a shared January and an internal February (both with actuals
    set in a second step). 2028: an internal goal."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    goals = {
        "SHARED": await set_goal(kam, ws, 2027, annualGoal="1200", deviationThresholdPct="10"),
        "INTERNAL": await set_goal(kam, ws, 2028, annualGoal="5000", visibility="INTERNAL"),
    }
    entries = {}
    for visibility, month, actual in (
        ("SHARED", "2027-01-01", "120"),
        ("INTERNAL", "2027-02-01", "50"),
    ):
        row = await set_entry(kam, ws, month, forecast="100", visibility=visibility)
        await set_entry(kam, ws, month, actual=actual, version=row["version"])
        entries[visibility] = row["id"]
    return {"ForecastEntry": entries, "SalesGoal": {k: v["id"] for k, v in goals.items()}}


@pytest.mark.parametrize("role", list(Role))
async def test_read_and_history_by_id(figures, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for kind, rows in figures.items():
        for visibility, node_id in rows.items():
            node = (await gql(http, NODE, {"id": node_id}))["data"]["node"]
            if visibility == "INTERNAL" and not _sees_internal(role):
                assert node is None, (role, kind)
                continue
            assert node["visibility"] == visibility, (role, kind)
            actions = [(h["action"], h["field"]) for h in node["history"]["nodes"]]
            expected = [("created", None)]
            if kind == "ForecastEntry":
                expected.append(("updated", "actual"))
            assert actions == expected, (role, kind)


@pytest.mark.parametrize("role", list(Role))
async def test_lists(figures, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    ws = world.a.workspace_gid
    entries = (await gql(http, ENTRIES, {"ws": ws}))["data"]["forecastEntries"]["nodes"]
    goals = (await gql(http, GOALS, {"ws": ws}))["data"]["salesGoals"]["nodes"]
    for kind, listed in (("ForecastEntry", entries), ("SalesGoal", goals)):
        expected = {figures[kind]["SHARED"]}
        if _sees_internal(role):
            expected.add(figures[kind]["INTERNAL"])
        assert {n["id"] for n in listed} == expected, (role, kind)


@pytest.mark.parametrize("role", list(Role))
async def test_year_view_counts_only_what_the_viewer_sees(figures, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    view = (await gql(http, FORECAST, {"ws": world.a.workspace_gid, "year": 2027}))["data"][
        "forecast"
    ]
    january, february = view["months"][:2]
    assert (january["forecast"], january["actual"], january["deviationPct"]) == (
        "100.00",
        "120.00",
        "20.00",
    )
    assert january["flagged"] is True
    assert (view["annualGoal"], view["deviationThresholdPct"]) == ("1200.00", "10.00")
    if _sees_internal(role):
        assert (february["actual"], february["deviationPct"], february["flagged"]) == (
            "50.00",
            "-50.00",
            True,
        )
        assert (view["ytdThrough"], view["ytdForecast"], view["ytdActual"]) == (
            "2027-02-01",
            "200.00",
            "170.00",
        )
        assert (view["ytdAttainmentPct"], view["goalAttainmentPct"]) == ("85.00", "14.17")
    else:
        assert february == {
            "month": "2027-02-01",
            "forecast": None,
            "actual": None,
            "deviationPct": None,
            "flagged": False,
            "entry": None,
        }
        assert (view["ytdThrough"], view["ytdForecast"], view["ytdActual"]) == (
            "2027-01-01",
            "100.00",
            "120.00",
        )
        assert (view["ytdAttainmentPct"], view["goalAttainmentPct"]) == ("120.00", "10.00")
    # The internal goal of 2028: its figures and threshold stay with the supplier.
    later = (await gql(http, FORECAST, {"ws": world.a.workspace_gid, "year": 2028}))["data"][
        "forecast"
    ]
    hidden = (later["annualGoal"], later["deviationThresholdPct"], later["goal"])
    if _sees_internal(role):
        assert hidden == (
            "5000.00",
            "10.00",
            {"id": figures["SalesGoal"]["INTERNAL"], "version": 1},
        )
    else:
        assert hidden == (None, None, None)


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_sees_nothing(figures, world, clients, role):
    http = await clients.as_user(world.b.email(role))
    for rows in figures.values():
        for node_id in rows.values():
            assert (await gql(http, NODE, {"id": node_id}))["data"]["node"] is None
    ws = world.a.workspace_gid
    for query, variables in ((ENTRIES, {}), (GOALS, {}), (FORECAST, {"year": 2027})):
        result = await gql(http, query, {"ws": ws, **variables})
        assert error_codes(result) == ["NOT_FOUND"], result
    own = (await gql(http, FORECAST, {"ws": world.b.workspace_gid, "year": 2027}))["data"]
    assert own["forecast"]["ytdForecast"] == "0.00" and own["forecast"]["annualGoal"] is None


async def test_events(world, clients, runtime):
    """Each role subscribes; the KAM sets a shared and an internal entry and goal, then changes
    the entries. Customers hear only of the shared ones; the other account is refused."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    members = {role: await clients.as_user(world.a.email(role)) for role in Role}
    outsider = await clients.as_user(world.b.email(Role.KAM))
    ws = world.a.workspace_gid

    def cookie(http) -> dict[str, str]:
        return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}

    async with serve(runtime.app) as host, AsyncExitStack() as stack:
        sockets = {
            role: await stack.enter_async_context(subscription(host, ws, headers=cookie(http)))
            for role, http in members.items()
        }
        foreign = await stack.enter_async_context(subscription(host, ws, headers=cookie(outsider)))
        made: dict[str, list[tuple[str, str]]] = {"SHARED": [], "INTERNAL": []}
        for visibility, month, year in (
            ("SHARED", "2027-01-01", 2027),
            ("INTERNAL", "2027-02-01", 2028),
        ):
            entry = await set_entry(kam, ws, month, forecast="10", visibility=visibility)
            await set_entry(kam, ws, month, actual="9", version=1)
            goal = await set_goal(kam, ws, year, annualGoal="100", visibility=visibility)
            made[visibility] += [
                ("ForecastEntry.created", entry["id"]),
                ("ForecastEntry.updated", entry["id"]),
                ("SalesGoal.created", goal["id"]),
            ]
        received = {}
        for role, socket in sockets.items():
            expected = 6 if _sees_internal(role) else 3
            messages = [await next_message(socket) for _ in range(expected)]
            received[role] = [
                (
                    m["payload"]["data"]["workspaceEvents"]["kind"],
                    m["payload"]["data"]["workspaceEvents"]["nodeId"],
                )
                for m in messages
            ]
            with pytest.raises(TimeoutError):
                await next_message(socket, timeout=0.3)
        refusal = await next_message(foreign)
    for role, events in received.items():
        expected = made["SHARED"] + (made["INTERNAL"] if _sees_internal(role) else [])
        assert events == expected, role
    errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
