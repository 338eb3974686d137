"""The visibility matrix: every role by every plan element kind by SHARED/INTERNAL, for read by
ID, lists, history and live events. Supplier roles see everything; customer roles see SHARED
elements only and never learn that an INTERNAL one exists; the other account sees nothing."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.plans.support import SET_CONTINGENCY, new_plan, ok, one_of_each
from tests.realtime.support import next_message, serve, subscription
from tests.support import gql

SUPPLIER_ROLES = [r for r in Role if r.side == Side.SUPPLIER]
ELEMENT = """query($id: ID!) { node(id: $id) { id ... on WorkspaceElement { visibility
  history { nodes { action field } } } } }"""
LISTS = """query($id: ID!) { node(id: $id) { ... on AccountPlan {
  objectives { nodes { id measures { id } } } swot { nodes { id } } initiatives { nodes { id } }
  comments { nodes { id } } contingency { id } } } }"""


@pytest.fixture
async def plan_world(world, clients):
    """Two plans of account a: elements of every kind, SHARED in one and INTERNAL in the other
    (a plan has one contingency plan), plus both kinds mixed in the first."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    first = await new_plan(kam, world.a.workspace_gid, "2027")
    second = await new_plan(kam, world.a.workspace_gid, "2028")
    shared = await one_of_each(kam, first["id"], "SHARED")
    internal = await one_of_each(kam, first["id"], "INTERNAL")
    shared["ContingencyPlan"] = (
        await ok(
            kam,
            SET_CONTINGENCY,
            {"input": {"planId": first["id"], "revenueAtRisk": "100", "visibility": "SHARED"}},
        )
    )["id"]
    internal["ContingencyPlan"] = (
        await ok(kam, SET_CONTINGENCY, {"input": {"planId": second["id"], "revenueAtRisk": "900"}})
    )["id"]
    return {"plans": (first["id"], second["id"]), "SHARED": shared, "INTERNAL": internal}


def _sees_internal(role: Role) -> bool:
    return role.side == Side.SUPPLIER


@pytest.mark.parametrize("role", list(Role))
async def test_read_and_history_by_id(plan_world, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for kind, node_id in plan_world[visibility].items():
            node = (await gql(http, ELEMENT, {"id": node_id}))["data"]["node"]
            if visibility == "INTERNAL" and not _sees_internal(role):
                assert node is None, (role, kind)
                continue
            assert node is not None and node["visibility"] == visibility, (role, kind)
            assert node["history"]["nodes"][0]["action"] == "created", (role, kind)


@pytest.mark.parametrize("role", list(Role))
async def test_lists(plan_world, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    seen: set[str] = set()
    for plan_id in plan_world["plans"]:
        plan = (await gql(http, LISTS, {"id": plan_id}))["data"]["node"]
        for objective in plan["objectives"]["nodes"]:
            seen |= {objective["id"], *(m["id"] for m in objective["measures"])}
        for kind in ("swot", "initiatives", "comments"):
            seen |= {n["id"] for n in plan[kind]["nodes"]}
        if plan["contingency"]:
            seen.add(plan["contingency"]["id"])
    expected = set(plan_world["SHARED"].values())
    if _sees_internal(role):
        expected |= set(plan_world["INTERNAL"].values())
    assert seen == expected


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_sees_nothing(plan_world, world, clients, role):
    http = await clients.as_user(world.b.email(role))
    for visibility in ("SHARED", "INTERNAL"):
        for node_id in plan_world[visibility].values():
            assert (await gql(http, ELEMENT, {"id": node_id}))["data"]["node"] is None
    for plan_id in plan_world["plans"]:
        assert (await gql(http, LISTS, {"id": plan_id}))["data"]["node"] is None


async def test_events(world, clients, runtime):
    """Each role subscribes; the KAM creates one element of each kind in each visibility."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    plan = await new_plan(kam, world.a.workspace_gid)
    outsider = await clients.as_user(world.b.email(Role.SUPPLIER_MEMBER))
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
        created = {v: await one_of_each(kam, plan["id"], v) for v in ("SHARED", "INTERNAL")}
        received: dict[Role, set[str]] = {}
        for role, ws in sockets.items():
            expected = 10 if _sees_internal(role) else 5
            messages = [await next_message(ws) for _ in range(expected)]
            received[role] = {m["payload"]["data"]["workspaceEvents"]["nodeId"] for m in messages}
            with pytest.raises(TimeoutError):
                await next_message(ws, timeout=0.3)
        refusal = await next_message(foreign)
    shared_ids = set(created["SHARED"].values())
    all_ids = shared_ids | set(created["INTERNAL"].values())
    for role, ids in received.items():
        assert ids == (all_ids if _sees_internal(role) else shared_ids), role
    errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
