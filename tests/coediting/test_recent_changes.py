"""A workspace's recent changes: the supplier sees everything, the customer only changes to
elements it can load now, and nobody sees another account's."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.plans.support import CREATE_OBJECTIVE, UPDATE_OBJECTIVE, new_plan, ok
from tests.support import error_codes, gql

RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) {
  nodeType nodeId entry { action field after actor { email } } } }"""


async def test_recent_changes_follow_visibility(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    plan = await new_plan(kam, ws)

    async def objective(title: str, visibility: str) -> dict:
        return await ok(
            kam,
            CREATE_OBJECTIVE,
            {
                "input": {
                    "planId": plan["id"],
                    "side": "CUSTOMER",
                    "title": title,
                    "visibility": visibility,
                }
            },
        )

    shared = await objective("Grow share", "SHARED")
    secret = await objective("Squeeze margin", "INTERNAL")
    later_hidden = await objective("Open a depot", "SHARED")
    await ok(
        kam,
        UPDATE_OBJECTIVE,
        {"input": {"id": later_hidden["id"], "version": 1, "visibility": "INTERNAL"}},
    )
    kam_ids = {c["nodeId"] for c in (await gql(kam, RECENT, {"ws": ws}))["data"]["recentChanges"]}
    assert {shared["id"], secret["id"], later_hidden["id"]} <= kam_ids
    changes = (await gql(buyer, RECENT, {"ws": ws}))["data"]["recentChanges"]
    ids = {c["nodeId"] for c in changes}
    assert shared["id"] in ids
    assert secret["id"] not in ids and later_hidden["id"] not in ids
    assert "Squeeze margin" not in str(changes) and "Open a depot" not in str(changes)
    first = next(c for c in changes if c["nodeId"] == shared["id"])
    assert first["nodeType"] == "Objective"
    assert first["entry"]["actor"] == {"email": world.a.email(Role.KAM)}
    other = await clients.as_user(world.b.email(Role.KAM))
    refused = await gql(other, RECENT, {"ws": ws})
    assert refused["data"] is None and error_codes(refused) in (["FORBIDDEN"], ["NOT_FOUND"])
