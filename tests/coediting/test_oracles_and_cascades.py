"""A hidden thing and a missing thing answer alike in mutations too, and a delete takes
nothing with it silently: hidden children go with their own (internal) history, and what
pointed at the deleted row forgets it in a new version."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from kamp.accounts.models import Role
from kamp.coediting.models import ChangeRecord
from kamp.graphql.relay import parse_global_id
from tests.accounts.test_mutations import CREATE_LOCATION, DELETE_LOCATION
from tests.plans.support import CREATE_MEASURE, CREATE_OBJECTIVE, new_plan, ok
from tests.support import gid, gql

CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id version } errors { field code message } } }"""
UPDATE_CONTACT = """mutation($input: UpdateContactInput!) { updateContact(input: $input) {
  contact { id version } errors { field code message } } }"""
DELETE_ELEMENT = """mutation($input: PlanIdInput!) { deletePlanElement(input: $input) {
  deletedId errors { field code message } } }"""
CONTACT = """query($id: ID!) { node(id: $id) { ... on Contact { version location { id }
  history { nodes { action field after } } } } }"""


async def test_naming_a_hidden_manager_answers_as_an_unknown_id(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    boss = await ok(
        kam,
        CREATE_CONTACT,
        {
            "input": {
                "workspaceId": ws,
                "name": "Hidden Boss",
                "buyingRole": "DECISION_MAKER",
                "visibility": "INTERNAL",
            }
        },
    )
    pat = await ok(
        kam,
        CREATE_CONTACT,
        {
            "input": {
                "workspaceId": ws,
                "name": "Pat",
                "buyingRole": "USER",
                "reportsToId": boss["id"],
            }
        },
    )

    async def answer(manager_id: str) -> object:
        result = await gql(
            buyer,
            UPDATE_CONTACT,
            {"input": {"id": pat["id"], "version": pat["version"], "reportsToId": manager_id}},
        )
        return result["data"]["updateContact"]["errors"]

    unknown = await answer(gid("Contact", uuid.uuid4()))
    assert unknown and unknown[0]["code"] == "NOT_FOUND"
    assert await answer(boss["id"]) == unknown


async def test_deleting_an_objective_takes_its_hidden_measure_with_history(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    plan = await new_plan(kam, world.a.workspace_gid)
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {"input": {"planId": plan["id"], "side": "CUSTOMER", "title": "Grow share"}},
    )
    measure = await ok(
        kam,
        CREATE_MEASURE,
        {
            "input": {
                "objectiveId": objective["id"],
                "name": "Our margin on it",
                "target": "30",
                "visibility": "INTERNAL",
            }
        },
    )
    await ok(buyer, DELETE_ELEMENT, {"input": {"id": objective["id"]}})
    _, measure_id = parse_global_id(measure["id"])
    async with runtime.session_factory() as session:
        deleted = list(
            await session.scalars(
                select(ChangeRecord).where(
                    ChangeRecord.node_id == measure_id, ChangeRecord.action == "deleted"
                )
            )
        )
    assert len(deleted) == 1
    assert deleted[0].internal is True


async def test_deleting_a_location_is_a_new_version_of_the_contacts_there(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    site = (
        await gql(
            buyer,
            CREATE_LOCATION,
            {
                "input": {
                    "workspaceId": ws,
                    "kind": "DISTRICT",
                    "name": "Lakes",
                    "parentId": gid("Location", world.a.region.id),
                }
            },
        )
    )["data"]["createLocation"]["location"]
    contact = await ok(
        kam,
        CREATE_CONTACT,
        {
            "input": {
                "workspaceId": ws,
                "name": "Quiet Buyer",
                "buyingRole": "INFLUENCER",
                "locationId": site["id"],
                "visibility": "INTERNAL",
            }
        },
    )
    result = await gql(buyer, DELETE_LOCATION, {"input": {"id": site["id"]}})
    assert result["data"]["deleteLocation"]["errors"] == []
    after = (await gql(kam, CONTACT, {"id": contact["id"]}))["data"]["node"]
    assert after["location"] is None
    assert after["version"] == contact["version"] + 1
    assert {"action": "updated", "field": "location_id", "after": None} in after["history"]["nodes"]
