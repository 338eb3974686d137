"""The visibility matrix of meetings, agenda items, decisions, action items and comments:
every role by SHARED/INTERNAL, for read by ID, lists, history and live events."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.meetings.support import new_meeting, one_of_each
from tests.realtime.support import next_message, serve, subscription
from tests.support import gql

ELEMENT = """query($id: ID!) { node(id: $id) { id ... on WorkspaceElement { visibility
  history { nodes { action field } } } } }"""
LISTS = """query($ws: ID!) {
  meetings(workspaceId: $ws) { nodes { id agendaItems { id } decisions { id } } }
  actionItems(workspaceId: $ws) { nodes { id comments { nodes { id } } } } }"""


def _sees_internal(role: Role) -> bool:
    return role.side == Side.SUPPLIER


@pytest.fixture
async def meeting_world(world, clients):
    """A shared meeting holding elements of both visibilities, and an internal meeting."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    shared_meeting = await new_meeting(kam, ws)
    internal_meeting = await new_meeting(kam, ws, visibility="INTERNAL")
    shared = await one_of_each(kam, ws, shared_meeting["id"], "SHARED")
    internal = await one_of_each(kam, ws, shared_meeting["id"], "INTERNAL")
    shared["Meeting"] = shared_meeting["id"]
    internal["Meeting"] = internal_meeting["id"]
    return {"SHARED": shared, "INTERNAL": internal}


@pytest.mark.parametrize("role", list(Role))
async def test_read_and_history_by_id(meeting_world, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for kind, node_id in meeting_world[visibility].items():
            node = (await gql(http, ELEMENT, {"id": node_id}))["data"]["node"]
            if visibility == "INTERNAL" and not _sees_internal(role):
                assert node is None, (role, kind)
                continue
            assert node is not None and node["visibility"] == visibility, (role, kind)
            assert node["history"]["nodes"][0]["action"] == "created", (role, kind)


@pytest.mark.parametrize("role", list(Role))
async def test_lists(meeting_world, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    data = (await gql(http, LISTS, {"ws": world.a.workspace_gid}))["data"]
    seen: set[str] = set()
    for meeting in data["meetings"]["nodes"]:
        seen.add(meeting["id"])
        seen |= {i["id"] for i in meeting["agendaItems"] + meeting["decisions"]}
    for action in data["actionItems"]["nodes"]:
        seen |= {action["id"], *(c["id"] for c in action["comments"]["nodes"])}
    expected = set(meeting_world["SHARED"].values())
    if _sees_internal(role):
        expected |= set(meeting_world["INTERNAL"].values())
    assert seen == expected, role


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_sees_nothing(meeting_world, world, clients, role):
    http = await clients.as_user(world.b.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for node_id in meeting_world[visibility].values():
            assert (await gql(http, ELEMENT, {"id": node_id}))["data"]["node"] is None
    result = await gql(http, LISTS, {"ws": world.a.workspace_gid})
    assert result["data"] is None or result["data"]["meetings"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_events(world, clients, runtime):
    """Each role subscribes; the KAM creates one element of each kind in each visibility."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    members = {role: await clients.as_user(world.a.email(role)) for role in Role}

    def cookie(http) -> dict[str, str]:
        return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}

    async with serve(runtime.app) as host, AsyncExitStack() as stack:
        sockets = {
            role: await stack.enter_async_context(
                subscription(host, world.a.workspace_gid, headers=cookie(http))
            )
            for role, http in members.items()
        }
        created = {
            v: await one_of_each(kam, world.a.workspace_gid, meeting["id"], v)
            for v in ("SHARED", "INTERNAL")
        }
        received: dict[Role, set[str]] = {}
        for role, ws in sockets.items():
            expected = 8 if _sees_internal(role) else 4
            messages = [await next_message(ws) for _ in range(expected)]
            received[role] = {m["payload"]["data"]["workspaceEvents"]["nodeId"] for m in messages}
            with pytest.raises(TimeoutError):
                await next_message(ws, timeout=0.3)
    shared_ids = set(created["SHARED"].values())
    all_ids = shared_ids | set(created["INTERNAL"].values())
    for role, ids in received.items():
        assert ids == (all_ids if _sees_internal(role) else shared_ids), role
