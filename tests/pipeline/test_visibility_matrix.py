"""The visibility matrix of opportunities: every role by {read by ID, list, totals, history, live
event} by {SHARED, INTERNAL}. Supplier roles see both; customer roles see SHARED ones only and
never learn that an INTERNAL one exists; the other account sees nothing."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.pipeline.support import DELETE, LIST, NODE, UPDATE, new_opportunity, ok
from tests.realtime.support import next_message, serve, subscription
from tests.support import error_codes, gql

TOTALS = """query($ws: ID!) { pipelineTotals(workspaceId: $ws) { stage currency count value } }"""


def _sees_internal(role: Role) -> bool:
    return role.side == Side.SUPPLIER


@pytest.fixture
async def pipeline(world, clients):
    """Account a: one SHARED and one INTERNAL opportunity, each edited once (so each has
    history beyond its creation)."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    made = {}
    for visibility, value in (("SHARED", "100.00"), ("INTERNAL", "900.00")):
        row = await new_opportunity(
            kam,
            world.a.workspace_gid,
            name=f"Deal {visibility}",
            value=value,
            visibility=visibility,
        )
        await ok(kam, UPDATE, {"input": {"id": row["id"], "version": 1, "stage": "OPEN"}})
        made[visibility] = row["id"]
    return made


@pytest.mark.parametrize("role", list(Role))
async def test_read_and_history_by_id(pipeline, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for visibility, node_id in pipeline.items():
        node = (await gql(http, NODE, {"id": node_id}))["data"]["node"]
        if visibility == "INTERNAL" and not _sees_internal(role):
            assert node is None, role
            continue
        assert node["visibility"] == visibility, role
        history = [(h["action"], h["field"]) for h in node["history"]["nodes"]]
        assert history == [("created", None), ("updated", "stage")], role


@pytest.mark.parametrize("role", list(Role))
async def test_list_and_totals(pipeline, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    listed = (await gql(http, LIST, {"ws": world.a.workspace_gid}))["data"]["opportunities"]
    totals = (await gql(http, TOTALS, {"ws": world.a.workspace_gid}))["data"]["pipelineTotals"]
    if _sees_internal(role):
        assert {n["id"] for n in listed["nodes"]} == set(pipeline.values())
        assert totals == [{"stage": "OPEN", "currency": "USD", "count": 2, "value": "1000.00"}]
    else:  # neither the row nor its count nor its value shows
        assert [n["id"] for n in listed["nodes"]] == [pipeline["SHARED"]]
        assert totals == [{"stage": "OPEN", "currency": "USD", "count": 1, "value": "100.00"}]


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_sees_nothing(pipeline, world, clients, role):
    http = await clients.as_user(world.b.email(role))
    for node_id in pipeline.values():
        assert (await gql(http, NODE, {"id": node_id}))["data"]["node"] is None
    for query in (LIST, TOTALS):
        result = await gql(http, query, {"ws": world.a.workspace_gid})
        assert error_codes(result) == ["NOT_FOUND"], result
    own = (await gql(http, LIST, {"ws": world.b.workspace_gid}))["data"]["opportunities"]
    assert own["nodes"] == []


async def test_events(world, clients, runtime):
    """Each role subscribes; the KAM creates, changes and deletes one opportunity of each
    visibility. Customers hear only of the shared one; the other account is refused."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    members = {role: await clients.as_user(world.a.email(role)) for role in Role}
    outsider = await clients.as_user(world.b.email(Role.KAM))

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
        made = {}
        for visibility in ("SHARED", "INTERNAL"):
            row = await new_opportunity(kam, world.a.workspace_gid, visibility=visibility)
            await ok(kam, UPDATE, {"input": {"id": row["id"], "version": 1, "value": "5"}})
            await ok(kam, DELETE, {"input": {"id": row["id"]}})
            made[visibility] = row["id"]
        received: dict[Role, list[tuple[str, str]]] = {}
        for role, ws in sockets.items():
            expected = 6 if _sees_internal(role) else 3
            messages = [await next_message(ws) for _ in range(expected)]
            received[role] = [
                (
                    m["payload"]["data"]["workspaceEvents"]["kind"],
                    m["payload"]["data"]["workspaceEvents"]["nodeId"],
                )
                for m in messages
            ]
            with pytest.raises(TimeoutError):
                await next_message(ws, timeout=0.3)
        refusal = await next_message(foreign)
    shared, internal = (
        [(f"Opportunity.{action}", made[v]) for action in ("created", "updated", "deleted")]
        for v in ("SHARED", "INTERNAL")
    )
    for role, events in received.items():
        assert events == (shared + internal if _sees_internal(role) else shared), role
    errors = refusal["payload"] if refusal["type"] == "error" else refusal["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
