"""The visibility matrix of contacts and relationships: every role by SHARED/INTERNAL, for read
by ID, lists, history and live events. Supplier roles see everything; customer roles see SHARED
elements only and never learn that an INTERNAL one exists; the other account sees nothing."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.realtime.support import next_message, serve, subscription
from tests.relationships.support import NODE, new_contact, new_relationship
from tests.support import error_codes, gid, gql

# One root field a request: see the report on concurrent root fields and the shared session.
CONTACTS = """query($ws: ID!) {
  contacts(workspaceId: $ws) { nodes { id relationships { nodes { id } } } } }"""
RELATIONSHIPS = """query($ws: ID!) {
  relationships(workspaceId: $ws) { nodes { id contact { id } } } }"""


def _sees_internal(role: Role) -> bool:
    return role.side == Side.SUPPLIER


async def _map(world, kam) -> dict[str, dict[str, set[str]]]:
    """A shared and an internal contact; a shared and two internal relationships."""
    ws = world.a.workspace_gid
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    kam_user = gid("User", world.a.users[Role.KAM].id)
    shared = await new_contact(kam, ws, "Shared Person", stance="SUPPORTER")
    internal = await new_contact(kam, ws, "Internal Person", visibility="INTERNAL")
    shared_rel = await new_relationship(kam, shared["id"], member, visibility="SHARED")
    internal_rel = await new_relationship(kam, shared["id"], kam_user)
    hidden_rel = await new_relationship(kam, internal["id"], kam_user)
    return {
        "SHARED": {"Contact": {shared["id"]}, "Relationship": {shared_rel["id"]}},
        "INTERNAL": {
            "Contact": {internal["id"]},
            "Relationship": {internal_rel["id"], hidden_rel["id"]},
        },
    }


@pytest.fixture
async def rel_map(world, clients):
    return await _map(world, await clients.as_user(world.a.email(Role.KAM)))


def _ids(elements: dict[str, set[str]]) -> set[str]:
    return set().union(*elements.values())


@pytest.mark.parametrize("role", list(Role))
async def test_read_and_history_by_id(rel_map, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for node_id in _ids(rel_map[visibility]):
            node = (await gql(http, NODE, {"id": node_id}))["data"]["node"]
            if visibility == "INTERNAL" and not _sees_internal(role):
                assert node is None, (role, node_id)
                continue
            assert node is not None and node["visibility"] == visibility, role
            assert [h["action"] for h in node["history"]["nodes"]] == ["created"], role


@pytest.mark.parametrize("role", list(Role))
async def test_lists(rel_map, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    ws = {"ws": world.a.workspace_gid}
    data = (await gql(http, CONTACTS, ws))["data"]["contacts"]["nodes"]
    contacts = {c["id"] for c in data}
    nested = {r["id"] for c in data for r in c["relationships"]["nodes"]}
    relationships = (await gql(http, RELATIONSHIPS, ws))["data"]["relationships"]["nodes"]
    assert all(r["contact"] is not None for r in relationships)
    listed = {r["id"] for r in relationships}
    expected = {kind: set(ids) for kind, ids in rel_map["SHARED"].items()}
    if _sees_internal(role):
        for kind, ids in rel_map["INTERNAL"].items():
            expected[kind] |= ids
    assert contacts == expected["Contact"]
    assert listed == nested == expected["Relationship"]


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_sees_nothing(rel_map, world, clients, role):
    http = await clients.as_user(world.b.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for node_id in _ids(rel_map[visibility]):
            assert (await gql(http, NODE, {"id": node_id}))["data"]["node"] is None
    for query in (CONTACTS, RELATIONSHIPS):
        result = await gql(http, query, {"ws": world.a.workspace_gid})
        assert result["data"] is None and error_codes(result) == ["NOT_FOUND"]


@pytest.mark.parametrize("role", list(Role))
async def test_stance_is_the_suppliers_unless_shared(rel_map, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    (contact_id,) = rel_map["SHARED"]["Contact"]
    node = (await gql(http, NODE, {"id": contact_id}))["data"]["node"]
    if _sees_internal(role):
        assert (node["stance"], node["stanceVisibility"]) == ("SUPPORTER", "INTERNAL")
    else:
        assert (node["stance"], node["stanceVisibility"]) == (None, None)


async def test_events(world, clients, runtime):
    """Each role subscribes while the KAM builds the map."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    outsider = await clients.as_user(world.b.email(Role.KAM))
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
        foreign = await stack.enter_async_context(
            subscription(host, world.a.workspace_gid, headers=cookie(outsider))
        )
        created = await _map(world, kam)
        received: dict[Role, set[str]] = {}
        for role, ws in sockets.items():
            expected = 5 if _sees_internal(role) else 2
            messages = [await next_message(ws) for _ in range(expected)]
            received[role] = {m["payload"]["data"]["workspaceEvents"]["nodeId"] for m in messages}
            with pytest.raises(TimeoutError):
                await next_message(ws, timeout=0.3)
        refusal = await next_message(foreign)
    for role, ids in received.items():
        expected = _ids(created["SHARED"])
        if _sees_internal(role):
            expected |= _ids(created["INTERNAL"])
        assert ids == expected, role
    errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
