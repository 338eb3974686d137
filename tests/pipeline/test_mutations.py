"""Mutations of the pipeline: who may change what, stage moves and the post-mortem of a lost
opportunity, visibility by the KAM alone, optimistic locking and the history they leave.
Every refused mutation leaves the database exactly as it was."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.clock import iso_day
from tests.conftest import count_statements
from tests.pipeline.support import CREATE, DELETE, LIST, NODE, UPDATE, new_opportunity, ok
from tests.support import error_codes, gid, gql, snapshot

EDITORS = [Role.KAM, Role.SUPPLIER_MEMBER]
READERS = [r for r in Role if r not in EDITORS]


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


async def test_create_defaults_to_internal_and_the_kam_may_share(world, kam, clients):
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    owner = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    in_two_months = iso_day(60)  # an expected close lies ahead
    made = await new_opportunity(
        member,
        world.a.workspace_gid,
        value="125000.50",
        currency=" eur ",
        expectedClose=in_two_months,
        ownerId=owner,
    )
    assert made["visibility"] == "INTERNAL"
    assert (made["stage"], made["value"], made["currency"]) == ("NEW", "125000.50", "EUR")
    assert made["expectedClose"] == in_two_months
    assert made["owner"] == {"email": world.a.email(Role.SUPPLIER_MEMBER)}
    shared = await new_opportunity(kam, world.a.workspace_gid, visibility="SHARED")
    assert shared["visibility"] == "SHARED"


@pytest.mark.parametrize("role", READERS)
async def test_readers_cannot_create(world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    variables = {"input": {"workspaceId": world.a.workspace_gid, "name": "X"}}
    await refused(runtime, http, CREATE, variables, code="FORBIDDEN")


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_cannot_create(world, clients, runtime, role):
    http = await clients.as_user(world.b.email(role))
    variables = {"input": {"workspaceId": world.a.workspace_gid, "name": "X"}}
    await refused(runtime, http, CREATE, variables, code="NOT_FOUND", field="id")


async def test_only_the_kam_chooses_visibility(world, kam, clients, runtime):
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    create = {"workspaceId": world.a.workspace_gid, "name": "X", "visibility": "SHARED"}
    await refused(runtime, member, CREATE, {"input": create}, code="FORBIDDEN")
    made = await new_opportunity(member, world.a.workspace_gid)
    share = {"id": made["id"], "version": 1, "visibility": "SHARED"}
    await refused(runtime, member, UPDATE, {"input": share}, code="FORBIDDEN")
    # The member may edit other fields; the KAM then shares it.
    await ok(member, UPDATE, {"input": {"id": made["id"], "version": 1, "name": "Renamed"}})
    shared = await ok(kam, UPDATE, {"input": {**share, "version": 2}})
    assert (shared["visibility"], shared["version"]) == ("SHARED", 3)


@pytest.mark.parametrize("role", READERS)
async def test_readers_cannot_update_or_delete(world, kam, clients, runtime, role):
    shared = await new_opportunity(kam, world.a.workspace_gid, visibility="SHARED")
    internal = await new_opportunity(kam, world.a.workspace_gid)
    http = await clients.as_user(world.a.email(role))
    for row in (shared, internal):
        hidden = row is internal and role.side == "CUSTOMER"
        for query, values in ((UPDATE, {"version": 1, "name": "Mine"}), (DELETE, {})):
            variables = {"input": {"id": row["id"], **values}}
            if hidden:  # a customer cannot tell an internal opportunity from a missing one
                await refused(runtime, http, query, variables, code="NOT_FOUND", field="id")
            else:
                await refused(runtime, http, query, variables, code="FORBIDDEN")


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_cannot_update_or_delete(world, kam, clients, runtime, role):
    row = await new_opportunity(kam, world.a.workspace_gid, visibility="SHARED")
    http = await clients.as_user(world.b.email(role))
    await refused(
        runtime,
        http,
        UPDATE,
        {"input": {"id": row["id"], "version": 1, "name": "Y"}},
        code="NOT_FOUND",
        field="id",
    )
    await refused(runtime, http, DELETE, {"input": {"id": row["id"]}}, code="NOT_FOUND", field="id")


async def test_stage_moves_and_the_post_mortem_of_a_lost_one(world, kam, runtime):
    row = await new_opportunity(kam, world.a.workspace_gid)
    move = {"id": row["id"], "version": 1}
    opened = await ok(kam, UPDATE, {"input": {**move, "stage": "OPEN"}})
    assert opened["stage"] == "OPEN"
    move["version"] = opened["version"]
    back = await refused(
        runtime, kam, UPDATE, {"input": {**move, "stage": "NEW"}}, code="INVALID", field="stage"
    )
    assert "OPEN to NEW" in back["errors"][0]["message"]
    for post_mortem in (None, "   "):
        await refused(
            runtime,
            kam,
            UPDATE,
            {"input": {**move, "stage": "LOST", "postMortem": post_mortem}},
            code="REQUIRED",
            field="postMortem",
        )
    lost = await ok(
        kam,
        UPDATE,
        {"input": {**move, "stage": "LOST", "postMortem": " Price: competitor 8% cheaper. "}},
    )
    assert (lost["stage"], lost["postMortem"]) == ("LOST", "Price: competitor 8% cheaper.")
    move["version"] = lost["version"]
    await refused(
        runtime,
        kam,
        UPDATE,
        {"input": {**move, "postMortem": ""}},
        code="REQUIRED",
        field="postMortem",
    )
    reopened = await ok(kam, UPDATE, {"input": {**move, "stage": "OPEN"}})
    won = await ok(kam, UPDATE, {"input": {**move, "version": reopened["version"], "stage": "WON"}})
    assert won["stage"] == "WON"
    # Created lost: the post-mortem comes with it.
    create = {"workspaceId": world.a.workspace_gid, "name": "Gone", "stage": "LOST"}
    await refused(runtime, kam, CREATE, {"input": create}, code="REQUIRED", field="postMortem")
    gone = await ok(kam, CREATE, {"input": {**create, "postMortem": "No budget this year."}})
    assert gone["stage"] == "LOST"


async def test_stale_version_conflicts_with_the_current_state(world, kam, clients, runtime):
    row = await new_opportunity(kam, world.a.workspace_gid, value="10")
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    await ok(member, UPDATE, {"input": {"id": row["id"], "version": 1, "value": "20"}})
    payload = await refused(
        runtime,
        kam,
        UPDATE,
        {"input": {"id": row["id"], "version": 1, "value": "30"}},
        code="CONFLICT",
        field="version",
    )
    assert (payload["opportunity"]["value"], payload["opportunity"]["version"]) == ("20.00", 2)
    # A stale move is a conflict too, not judged against the stale stage.
    await refused(
        runtime,
        kam,
        UPDATE,
        {"input": {"id": row["id"], "version": 1, "stage": "NEW"}},
        code="CONFLICT",
        field="version",
    )


async def test_history_shows_exactly_what_happened(world, kam, clients):
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    row = await new_opportunity(kam, world.a.workspace_gid, value="1000")
    await ok(
        member,
        UPDATE,
        {
            "input": {
                "id": row["id"],
                "version": 1,
                "stage": "OPEN",
                "value": "1500",
                "name": "Spare parts framework",
            }
        },
    )
    await ok(
        kam,
        UPDATE,
        {
            "input": {
                "id": row["id"],
                "version": 2,
                "stage": "LOST",
                "postMortem": "Lost on lead time.",
            }
        },
    )
    node = (await gql(kam, NODE, {"id": row["id"]}))["data"]["node"]
    kam_email, member_email = world.a.email(Role.KAM), world.a.email(Role.SUPPLIER_MEMBER)
    entries = [
        (h["action"], h["field"], h["before"], h["after"], h["actor"]["email"])
        for h in node["history"]["nodes"]
    ]
    # One row per changed field; the fields of one update share a moment, in no set order.
    assert entries[0] == ("created", None, None, None, kam_email)
    assert set(entries[1:3]) == {  # the unchanged name is not listed
        ("updated", "stage", "NEW", "OPEN", member_email),
        ("updated", "value", "1000.00", "1500.00", member_email),
    }
    assert set(entries[3:]) == {
        ("updated", "post_mortem", "", "Lost on lead time.", kam_email),
        ("updated", "stage", "OPEN", "LOST", kam_email),
    }


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "  "}, "name", "REQUIRED"),
        ({"name": "x" * 301}, "name", "INVALID"),
        ({"value": "-1"}, "value", "INVALID"),
        ({"value": "1.005"}, "value", "INVALID"),
        ({"value": "1e20"}, "value", "INVALID"),
        ({"currency": "US"}, "currency", "INVALID"),
        ({"productLine": "p" * 101}, "productLine", "INVALID"),
        ({"ownerId": "garbage"}, "ownerId", "INVALID"),
        ({"workspaceId": "garbage"}, "workspaceId", "INVALID"),
    ],
)
async def test_bad_input_is_refused_clearly(world, kam, runtime, fields, field, code):
    variables = {"input": {"workspaceId": world.a.workspace_gid, "name": "Deal", **fields}}
    payload = await refused(runtime, kam, CREATE, variables, code=code, field=field)
    assert payload["errors"][0]["message"]


async def test_owner_must_be_a_member(world, kam, runtime):
    outsider = gid("User", world.b.users[Role.SUPPLIER_MEMBER].id)
    variables = {"input": {"workspaceId": world.a.workspace_gid, "name": "X", "ownerId": outsider}}
    await refused(runtime, kam, CREATE, variables, code="INVALID", field="ownerId")


async def test_delete_leaves_a_history_and_the_row_goes(world, kam, clients, runtime):
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    row = await new_opportunity(kam, world.a.workspace_gid)
    assert (await ok(member, DELETE, {"input": {"id": row["id"]}})) == row["id"]
    assert (await gql(kam, NODE, {"id": row["id"]}))["data"]["node"] is None
    await refused(runtime, kam, DELETE, {"input": {"id": row["id"]}}, code="NOT_FOUND", field="id")


async def test_pages_filters_and_batched_owners(world, kam, runtime):
    owner = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    ids = [
        (await new_opportunity(kam, world.a.workspace_gid, name=f"D{i}", ownerId=owner))["id"]
        for i in range(5)
    ]
    await ok(kam, UPDATE, {"input": {"id": ids[0], "version": 1, "stage": "OPEN"}})
    seen, after = [], None
    while True:
        page = (await gql(kam, LIST, {"ws": world.a.workspace_gid, "first": 2, "after": after}))[
            "data"
        ]["opportunities"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids
    opened = await gql(kam, LIST, {"ws": world.a.workspace_gid, "stage": "OPEN"})
    assert [n["id"] for n in opened["data"]["opportunities"]["nodes"]] == [ids[0]]

    query = """query($ws: ID!, $first: Int) { opportunities(workspaceId: $ws, first: $first) {
      nodes { name owner { displayName organization { name } } } } }"""
    counts = []
    for first in (1, 5):
        with count_statements(runtime.engine) as sql:
            result = await gql(kam, query, {"ws": world.a.workspace_gid, "first": first})
        assert len(result["data"]["opportunities"]["nodes"]) == first
        counts.append(sql.count)
    assert counts[0] == counts[1]
    with count_statements(runtime.engine) as sql:
        result = await gql(kam, LIST, {"ws": world.a.workspace_gid, "first": 101})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert sql.count == 0
