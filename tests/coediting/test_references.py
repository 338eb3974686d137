"""A reference to a hidden element leaks nothing: history shows it as none, a comment on a
hidden part of the plan points at the plan, and a filter through a hidden element answers as
one through a missing element."""

from __future__ import annotations

import uuid

from kamp.accounts.models import Role
from tests.meetings.support import CREATE_ACTION, UPDATE_ACTION
from tests.plans.support import ADD_COMMENT, CREATE_OBJECTIVE, CREATE_SWOT, new_plan, ok
from tests.support import gid, gql

HISTORY = """query($id: ID!) { node(id: $id) { ... on ActionItem {
  history { nodes { field before after } } } } }"""
COMMENTS = """query($id: ID!) { node(id: $id) { ... on AccountPlan {
  comments { nodes { text targetId } } } } }"""
BY_OBJECTIVE = """query($ws: ID!, $objectiveId: ID) {
  actionItems(workspaceId: $ws, objectiveId: $objectiveId) { nodes { id } } }"""


async def _internal_objective(kam, world) -> tuple[dict, dict]:
    plan = await new_plan(kam, world.a.workspace_gid)
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {
            "input": {
                "planId": plan["id"],
                "side": "SUPPLIER",
                "title": "Margin",
                "visibility": "INTERNAL",
            }
        },
    )
    return plan, objective


async def test_history_hides_a_reference_to_a_hidden_element(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    _plan, objective = await _internal_objective(kam, world)
    item = await ok(
        kam, CREATE_ACTION, {"input": {"workspaceId": world.a.workspace_gid, "title": "Call"}}
    )
    await ok(
        kam,
        UPDATE_ACTION,
        {"input": {"id": item["id"], "version": 1, "objectiveId": objective["id"]}},
    )
    hidden_id = objective["id"]
    seen_by_kam = (await gql(kam, HISTORY, {"id": item["id"]}))["data"]["node"]["history"]
    seen_by_buyer = (await gql(buyer, HISTORY, {"id": item["id"]}))["data"]["node"]["history"]
    kam_links = [h for h in seen_by_kam["nodes"] if h["field"] == "objective_id"]
    buyer_links = [h for h in seen_by_buyer["nodes"] if h["field"] == "objective_id"]
    assert kam_links and kam_links[0]["after"] is not None
    assert buyer_links == [{"field": "objective_id", "before": None, "after": None}]
    assert kam_links[0]["after"] not in str(seen_by_buyer)
    assert hidden_id not in str(seen_by_buyer)


async def test_a_comment_on_a_hidden_part_points_at_the_plan(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    plan = await new_plan(kam, world.a.workspace_gid)
    entry = await ok(
        kam,
        CREATE_SWOT,
        {"input": {"planId": plan["id"], "kind": "THREAT", "text": "Acme undercuts us"}},
    )
    await ok(
        kam,
        ADD_COMMENT,
        {
            "input": {
                "planId": plan["id"],
                "targetId": entry["id"],
                "text": "Let's discuss",
                "visibility": "SHARED",
            }
        },
    )
    comments = (await gql(buyer, COMMENTS, {"id": plan["id"]}))["data"]["node"]["comments"]
    assert comments["nodes"] == [{"text": "Let's discuss", "targetId": plan["id"]}]
    kam_view = (await gql(kam, COMMENTS, {"id": plan["id"]}))["data"]["node"]["comments"]
    assert kam_view["nodes"] == [{"text": "Let's discuss", "targetId": entry["id"]}]


async def test_a_filter_through_a_hidden_element_answers_as_a_missing_one(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    _plan, objective = await _internal_objective(kam, world)
    await ok(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Shared, linked to a hidden objective",
                "objectiveId": objective["id"],
            }
        },
    )
    ws = world.a.workspace_gid

    async def answer(http, objective_id: str) -> object:
        return await gql(http, BY_OBJECTIVE, {"ws": ws, "objectiveId": objective_id})

    missing = gid("Objective", uuid.uuid4())
    assert await answer(buyer, objective["id"]) == await answer(buyer, missing)
    assert len((await answer(kam, objective["id"]))["data"]["actionItems"]["nodes"]) == 1
