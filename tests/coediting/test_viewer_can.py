"""`viewerCan` says exactly what the API then does: for every role, an element it offers to
edit is edited and one it withholds is refused; a narrowed token narrows it; hidden elements
have none to show; and a workspace lists the viewer's permissions."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.meetings.support import CREATE_ACTION, DELETE_ACTION, UPDATE_ACTION
from tests.plans.support import (
    CREATE_OBJECTIVE,
    CREATE_SWOT,
    UPDATE_OBJECTIVE,
    new_plan,
    ok,
)
from tests.support import gid, gql, snapshot

CAN = """query($id: ID!) { node(id: $id) {
  ... on WorkspaceElement { viewerCan { edit delete share comment } } } }"""
SUBMIT = """mutation($input: PlanVersionInput!) { submitAccountPlan(input: $input) {
  plan { version status } errors { code } } }"""
DELETE_ELEMENT = """mutation($input: PlanIdInput!) { deletePlanElement(input: $input) {
  deletedId errors { code } } }"""
PERMISSIONS = """query($id: ID!) { node(id: $id) { ... on Workspace { viewerPermissions } } }"""


async def _can(http, node_id: str) -> dict[str, bool] | None:
    result = await gql(http, CAN, {"id": node_id})
    node = result["data"]["node"]
    return node["viewerCan"] if node else None


async def _done(http, query: str, variables: dict) -> bool:
    """Did the mutation go through? (Refusals are user errors or GraphQL errors.)"""
    result = await gql(http, query, variables)
    if result.get("errors"):
        return False
    (payload,) = result["data"].values()
    return payload["errors"] == []


@pytest.mark.parametrize("role", list(Role))
async def test_action_items_offer_what_the_api_allows(world, clients, runtime, role):
    kam = await clients.as_user(world.a.email(Role.KAM))
    http = await clients.as_user(world.a.email(role))
    ws = world.a.workspace_gid
    items = {
        owner: await ok(
            kam,
            CREATE_ACTION,
            {
                "input": {
                    "workspaceId": ws,
                    "title": f"Owned by {owner.lower()}",
                    "ownerId": gid("User", world.a.users[owner].id),
                }
            },
        )
        for owner in (Role.KAM, role)
    }
    for item in items.values():
        can = await _can(http, item["id"])
        assert can is not None
        before = await snapshot(runtime.session_factory)
        edited = await _done(
            http, UPDATE_ACTION, {"input": {"id": item["id"], "version": 1, "title": "Renamed"}}
        )
        assert can["edit"] == edited, (role, item, can)
        if not edited:
            assert await snapshot(runtime.session_factory) == before
        deleted = await _done(http, DELETE_ACTION, {"input": {"id": item["id"]}})
        assert can["delete"] == deleted, (role, item, can)
    # The mentor and the executives read the board and may comment; they change nothing.
    if role in (Role.MENTOR, Role.SUPPLIER_EXECUTIVE):
        assert can == {"edit": False, "delete": False, "share": False, "comment": True}


@pytest.mark.parametrize("role", list(Role))
async def test_plan_elements_offer_what_the_api_allows(world, clients, runtime, role):
    kam = await clients.as_user(world.a.email(Role.KAM))
    http = await clients.as_user(world.a.email(role))
    plan = await new_plan(kam, world.a.workspace_gid)
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {"input": {"planId": plan["id"], "side": "CUSTOMER", "title": "Grow share"}},
    )
    can = await _can(http, objective["id"])
    assert can is not None
    edited = await _done(
        http, UPDATE_OBJECTIVE, {"input": {"id": objective["id"], "version": 1, "title": "New"}}
    )
    assert can["edit"] == edited
    assert can["share"] == (role == Role.KAM)
    # Once submitted, nobody edits the plan's elements, and nobody is offered to.
    submitted = await ok(kam, SUBMIT, {"input": {"id": plan["id"], "version": plan["version"]}})
    assert submitted["status"] == "SUBMITTED"
    after = await _can(http, objective["id"])
    assert after == {"edit": False, "delete": False, "share": False, "comment": False}
    before = await snapshot(runtime.session_factory)
    assert not await _done(http, DELETE_ELEMENT, {"input": {"id": objective["id"]}})
    assert await snapshot(runtime.session_factory) == before


async def test_swot_entries_are_internal_for_the_supplier_and_a_member_may_add_one(world, clients):
    """The SWOT is the supplier's reading unless the KAM shares it: a supplier member adds an
    entry with the default (no visibility sent) and it is internal; so is the KAM's."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    plan = await new_plan(kam, world.a.workspace_gid)
    for http in (kam, member):
        entry = await ok(
            http,
            CREATE_SWOT,
            {"input": {"planId": plan["id"], "kind": "STRENGTH", "text": "Fast service"}},
        )
        assert entry["visibility"] == "INTERNAL"
    # Sending SHARED is the KAM's decision alone.
    refused = await gql(
        member,
        CREATE_SWOT,
        {"input": {"planId": plan["id"], "kind": "THREAT", "text": "x", "visibility": "SHARED"}},
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_hidden_and_other_account_elements_show_nothing(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    other_kam = await clients.as_user(world.b.email(Role.KAM))
    internal = await ok(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Our margin",
                "visibility": "INTERNAL",
            }
        },
    )
    assert await _can(buyer, internal["id"]) is None
    assert await _can(other_kam, internal["id"]) is None
    assert (await _can(kam, internal["id"]))["edit"] is True


async def test_a_narrowed_token_narrows_viewer_can(world, clients, client, runtime):
    kam_email = world.a.email(Role.KAM)
    kam = await clients.as_user(kam_email)
    item = await ok(
        kam, CREATE_ACTION, {"input": {"workspaceId": world.a.workspace_gid, "title": "Call"}}
    )
    scopes = "actions:read accounts:read"
    app = await make_client(runtime, world.admin, scopes=tuple(scopes.split()))
    code, verifier = await get_code(kam, app, scope=scopes)
    token = (await exchange(client, app, code, verifier)).json()["access_token"]
    result = await bearer_gql(client, token, CAN, {"id": item["id"]})
    assert result["data"]["node"]["viewerCan"] == {
        "edit": False,
        "delete": False,
        "share": False,
        "comment": False,
    }
    permissions = await bearer_gql(client, token, PERMISSIONS, {"id": world.a.workspace_gid})
    granted = set(permissions["data"]["node"]["viewerPermissions"])
    assert "actions:read" in granted
    assert not granted & {"actions:edit", "actions:comment", "visibility:manage"}
