"""An element is visible only while its ancestors are, everywhere: a shared child of an
INTERNAL parent leaves no event, no history and no node for the customer, and a comment
goes dark with its action item."""

from __future__ import annotations

import asyncio

import pytest

from kamp.accounts.models import Role
from kamp.realtime.broker import workspace_channel
from tests.meetings.support import (
    ADD_COMMENT,
    CREATE_ACTION,
    CREATE_AGENDA_ITEM,
    MOVE_AGENDA_ITEM,
    RECORD_DECISION,
    UPDATE_ACTION,
    UPDATE_AGENDA_ITEM,
    UPDATE_DECISION,
    new_meeting,
)
from tests.plans.support import CREATE_MEASURE, CREATE_OBJECTIVE, new_plan, ok
from tests.support import gql

UPDATE_MEASURE = """mutation($input: UpdateMeasureInput!) { updateMeasure(input: $input) {
  measure { id version } errors { field code message } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) { nodeType nodeId } }"""


async def _shared_children_of_internal_parents(kam, world) -> dict[str, dict]:
    """A shared measure of an INTERNAL objective, a shared agenda item and decision of an
    INTERNAL meeting, each created and then updated by the KAM."""
    ws = world.a.workspace_gid
    plan = await new_plan(kam, ws)
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {
            "input": {
                "planId": plan["id"],
                "side": "SUPPLIER",
                "title": "Our margin plan",
                "visibility": "INTERNAL",
            }
        },
    )
    measure = await ok(
        kam,
        CREATE_MEASURE,
        {
            "input": {
                "objectiveId": objective["id"],
                "name": "Margin",
                "target": "30",
                "visibility": "SHARED",
            }
        },
    )
    await ok(
        kam,
        UPDATE_MEASURE,
        {"input": {"id": measure["id"], "version": measure["version"], "current": "12"}},
    )
    meeting = await new_meeting(kam, ws, visibility="INTERNAL")
    item = await ok(
        kam,
        CREATE_AGENDA_ITEM,
        {"input": {"meetingId": meeting["id"], "title": "Prices", "visibility": "SHARED"}},
    )
    await ok(kam, UPDATE_AGENDA_ITEM, {"input": {"id": item["id"], "version": 1, "notes": "x"}})
    decision = await ok(
        kam,
        RECORD_DECISION,
        {"input": {"meetingId": meeting["id"], "text": "Raise", "visibility": "SHARED"}},
    )
    await ok(kam, UPDATE_DECISION, {"input": {"id": decision["id"], "version": 1, "text": "y"}})
    return {"Measure": measure, "AgendaItem": item, "MeetingDecision": decision}


async def test_children_of_internal_parents_are_internal_in_events_and_history(
    world, clients, runtime
):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    heard = []

    async def listen() -> None:
        async for event in runtime.broker.subscribe(workspace_channel(world.a.workspace.id)):
            heard.append(event)

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.05)
    try:
        children = await _shared_children_of_internal_parents(kam, world)
        await asyncio.sleep(0.1)
    finally:
        listener.cancel()
    about_children = [e for e in heard if e.node_type in children]
    assert {e.kind for e in about_children} >= {
        "Measure.created",
        "Measure.updated",
        "AgendaItem.updated",
        "MeetingDecision.updated",
    }
    assert [e.kind for e in about_children if not e.internal] == []
    for node in children.values():
        assert (await gql(buyer, NODE, {"id": node["id"]}))["data"]["node"] is None
    recent = (await gql(buyer, RECENT, {"ws": world.a.workspace_gid}))["data"]["recentChanges"]
    assert not [c for c in recent if c["nodeType"] in children]


@pytest.mark.parametrize("then", ["item made internal"])
async def test_a_comment_goes_dark_with_its_action_item(world, clients, then):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    item = await ok(
        kam, CREATE_ACTION, {"input": {"workspaceId": world.a.workspace_gid, "title": "Call"}}
    )
    comment = await ok(buyer, ADD_COMMENT, {"input": {"actionItemId": item["id"], "text": "Hi"}})
    assert (await gql(buyer, NODE, {"id": comment["id"]}))["data"]["node"] is not None
    await ok(
        kam,
        UPDATE_ACTION,
        {"input": {"id": item["id"], "version": 1, "visibility": "INTERNAL"}},
    )
    assert (await gql(buyer, NODE, {"id": comment["id"]}))["data"]["node"] is None
    assert (await gql(kam, NODE, {"id": comment["id"]}))["data"]["node"] is not None


MEETING_AGENDA = """query($id: ID!) { node(id: $id) { ... on Meeting {
  agendaItems { id position history { nodes { field before after } } } } } }"""
PLAN_OBJECTIVES = """query($id: ID!) { node(id: $id) { ... on AccountPlan {
  objectives { nodes { id position } } } } }"""


async def test_positions_count_no_hidden_sibling(world, clients):
    """A customer sees places 0, 1, 2 ... among what it sees, never the gaps internal items
    leave, and a move tells it that an item moved, not where among hidden ones."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    items = []
    for n, visibility in enumerate(["INTERNAL", "SHARED", "INTERNAL", "SHARED", "SHARED"]):
        items.append(
            await ok(
                kam,
                CREATE_AGENDA_ITEM,
                {
                    "input": {
                        "meetingId": meeting["id"],
                        "title": f"Item {n}",
                        "visibility": visibility,
                    }
                },
            )
        )
    await ok(kam, MOVE_AGENDA_ITEM, {"input": {"id": items[4]["id"], "version": 1, "position": 0}})
    agenda = (await gql(buyer, MEETING_AGENDA, {"id": meeting["id"]}))["data"]["node"]
    shown = agenda["agendaItems"]
    assert [i["position"] for i in shown] == list(range(len(shown)))
    moved = next(i for i in shown if i["id"] == items[4]["id"])
    assert {"field": "position", "before": None, "after": None} in moved["history"]["nodes"]
    kam_view = (await gql(kam, MEETING_AGENDA, {"id": meeting["id"]}))["data"]["node"]
    assert [i["position"] for i in kam_view["agendaItems"]] == list(range(len(items) + 1))[
        : len(kam_view["agendaItems"])
    ]
    plan = await new_plan(kam, world.a.workspace_gid)
    for n, visibility in enumerate(["SHARED", "INTERNAL", "SHARED", "INTERNAL", "SHARED"]):
        await ok(
            kam,
            CREATE_OBJECTIVE,
            {
                "input": {
                    "planId": plan["id"],
                    "side": "SUPPLIER",
                    "title": f"Objective {n}",
                    "visibility": visibility,
                }
            },
        )
    objectives = (await gql(buyer, PLAN_OBJECTIVES, {"id": plan["id"]}))["data"]["node"]
    assert [o["position"] for o in objectives["objectives"]["nodes"]] == [0, 1, 2]
