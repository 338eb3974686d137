"""Action items: who may change them (a customer only the ones it owns), filters, comments
with @mentions, and conflicts on stale versions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kamp import clock
from kamp.accounts.models import Role
from tests.clock import iso_day, utc_iso
from tests.meetings.support import (
    ADD_COMMENT,
    CREATE_ACTION,
    DELETE_ACTION,
    UPDATE_ACTION,
    new_meeting,
)
from tests.plans.support import CREATE_OBJECTIVE, new_plan, ok
from tests.support import error_codes, gid, gql, snapshot

LIST = """query($ws: ID!, $mine: Boolean! = false, $overdue: Boolean! = false, $side: Side,
  $status: ActionStatus, $objectiveId: ID, $meetingId: ID) {
  actionItems(workspaceId: $ws, mine: $mine, overdue: $overdue, side: $side, status: $status,
    objectiveId: $objectiveId, meetingId: $meetingId) { nodes { title } } }"""
ITEM = """query($id: ID!) { node(id: $id) { ... on ActionItem { title status overdue version
  owner { email } meeting { id } objective { id }
  history { nodes { action field before after } } } } }"""


async def _item(http, ws: str, title: str, **extra: object) -> dict[str, object]:
    return await ok(http, CREATE_ACTION, {"input": {"workspaceId": ws, "title": title, **extra}})


def _user(world, role: Role) -> str:
    return gid("User", world.a.users[role].id)


async def test_customer_updates_only_its_own_items(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    executive = await clients.as_user(world.a.email(Role.CUSTOMER_EXECUTIVE))
    ws = world.a.workspace_gid
    own = await _item(kam, ws, "Send volumes", ownerId=_user(world, Role.CUSTOMER_BUYER))
    others = await _item(kam, ws, "Send quote", ownerId=_user(world, Role.KAM))
    done = await ok(
        buyer, UPDATE_ACTION, {"input": {"id": own["id"], "version": 1, "status": "DONE"}}
    )
    assert done["status"] == "DONE"
    for http, item in ((buyer, others), (executive, own)):
        before = await snapshot(runtime.session_factory)
        result = await gql(
            http, UPDATE_ACTION, {"input": {"id": item["id"], "version": 2, "title": "Mine now"}}
        )
        assert error_codes(result) == ["FORBIDDEN"]
        assert await snapshot(runtime.session_factory) == before
    before = await snapshot(runtime.session_factory)
    assert error_codes(await gql(buyer, DELETE_ACTION, {"input": {"id": own["id"]}})) == [
        "FORBIDDEN"
    ]
    assert await snapshot(runtime.session_factory) == before
    # Comments on shared items are open to the buyer, whoever owns them.
    comment = await ok(
        buyer, ADD_COMMENT, {"input": {"actionItemId": others["id"], "text": "Any news?"}}
    )
    assert comment["visibility"] == "SHARED"


@pytest.mark.parametrize("role", list(Role))
async def test_permission_matrix(world, clients, runtime, role):
    kam = await clients.as_user(world.a.email(Role.KAM))
    http = await clients.as_user(world.a.email(role))
    ws = world.a.workspace_gid
    editors = {Role.KAM, Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE}
    cases = {
        "createActionItem": (CREATE_ACTION, lambda i: {"workspaceId": ws, "title": "New"}, editors),
        "updateActionItem": (
            UPDATE_ACTION,
            lambda i: {"id": i["id"], "version": 1, "status": "BLOCKED"},
            {Role.KAM, Role.SUPPLIER_MEMBER},
        ),
        "addActionComment": (
            ADD_COMMENT,
            lambda i: {"actionItemId": i["id"], "text": "Hi"},
            set(Role),
        ),
        "deleteActionItem": (
            DELETE_ACTION,
            lambda i: {"id": i["id"]},
            {Role.KAM, Role.SUPPLIER_MEMBER},
        ),
    }
    for name, (query, variables, allowed) in cases.items():
        item = await _item(kam, ws, "Owned by the KAM", ownerId=_user(world, Role.KAM))
        before = await snapshot(runtime.session_factory)
        result = await gql(http, query, {"input": variables(item)})
        if role in allowed:
            assert "errors" not in result and result["data"][name]["errors"] == [], (name, result)
        else:
            assert error_codes(result) == ["FORBIDDEN"], (name, role, result)
            assert await snapshot(runtime.session_factory) == before, (name, role)
    outsider = await clients.as_user(world.b.email(role))
    item = await _item(kam, ws, "Not theirs")
    before = await snapshot(runtime.session_factory)
    result = await gql(outsider, UPDATE_ACTION, {"input": {"id": item["id"], "version": 1}})
    assert [e["code"] for e in result["data"]["updateActionItem"]["errors"]] == ["NOT_FOUND"]
    assert await snapshot(runtime.session_factory) == before


async def test_filters(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    plan = await new_plan(kam, ws)
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {"input": {"planId": plan["id"], "side": "CUSTOMER", "title": "Grow share"}},
    )
    meeting = await new_meeting(kam, ws, startsAt=utc_iso(clock.now() + timedelta(days=7)))
    # Two days either side of today: "overdue" is decided by the server's clock.
    yesterday, tomorrow = iso_day(-2), iso_day(2)
    buyer_id, kam_id = _user(world, Role.CUSTOMER_BUYER), _user(world, Role.KAM)
    await _item(kam, ws, "late", ownerId=buyer_id, dueDate=yesterday, meetingId=meeting["id"])
    await _item(kam, ws, "soon", ownerId=kam_id, dueDate=tomorrow, objectiveId=objective["id"])
    late_done = await _item(kam, ws, "late but done", ownerId=kam_id, dueDate=yesterday)
    await ok(kam, UPDATE_ACTION, {"input": {"id": late_done["id"], "version": 1, "status": "DONE"}})
    await _item(kam, ws, "nobody's")

    async def titles(http, **filters: object) -> list[str]:
        result = await gql(http, LIST, {"ws": ws, **filters})
        return [n["title"] for n in result["data"]["actionItems"]["nodes"]]

    assert await titles(kam) == ["late", "soon", "late but done", "nobody's"]
    assert await titles(buyer, mine=True) == ["late"]
    assert await titles(kam, mine=True) == ["soon", "late but done"]
    assert await titles(kam, overdue=True) == ["late"]
    assert await titles(kam, side="CUSTOMER") == ["late"]
    assert await titles(kam, side="SUPPLIER") == ["soon", "late but done"]
    assert await titles(kam, status="DONE") == ["late but done"]
    assert await titles(kam, objectiveId=objective["id"]) == ["soon"]
    assert await titles(kam, meetingId=meeting["id"]) == ["late"]


async def test_mentions_and_conflict(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    shared = await _item(kam, ws, "Shared")
    text = (
        f"@{world.a.email(Role.CUSTOMER_BUYER)} and @{world.a.email(Role.SUPPLIER_MEMBER)}, "
        f"not @{world.b.email(Role.KAM)} nor plain {world.a.email(Role.MENTOR)}"
    )
    comment = await ok(kam, ADD_COMMENT, {"input": {"actionItemId": shared["id"], "text": text}})
    assert {m["email"] for m in comment["mentions"]} == {
        world.a.email(Role.CUSTOMER_BUYER),
        world.a.email(Role.SUPPLIER_MEMBER),
    }
    internal = await _item(kam, ws, "Internal", visibility="INTERNAL")
    note = await ok(kam, ADD_COMMENT, {"input": {"actionItemId": internal["id"], "text": text}})
    # An internal comment mentions only those who can read it.
    assert note["visibility"] == "INTERNAL"
    assert [m["email"] for m in note["mentions"]] == [world.a.email(Role.SUPPLIER_MEMBER)]
    await ok(kam, UPDATE_ACTION, {"input": {"id": shared["id"], "version": 1, "title": "A"}})
    stale = await gql(
        kam, UPDATE_ACTION, {"input": {"id": shared["id"], "version": 1, "title": "B"}}
    )
    payload = stale["data"]["updateActionItem"]
    assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
    assert payload["actionItem"]["title"] == "A"
    node = (await gql(kam, ITEM, {"id": shared["id"]}))["data"]["node"]
    assert [
        (h["action"], h["field"], h["before"], h["after"]) for h in node["history"]["nodes"]
    ] == [
        ("created", None, None, None),
        ("updated", "title", "Shared", "A"),
    ]
