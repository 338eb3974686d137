"""Mutations of the tenancy core: what each role may change, typed errors, optimistic
locking, and that every refused mutation leaves the database exactly as it was."""

from __future__ import annotations

import asyncio

import pytest

from kamp.accounts.models import Role
from tests.support import error_codes, gid, gql, snapshot

CREATE_KEY_ACCOUNT = """mutation($input: CreateKeyAccountInput!) { createKeyAccount(input: $input) {
  keyAccount { id name tier kam { email } customer { name kind } workspace { viewerRole } }
  errors { field message code } } }"""
UPDATE_KEY_ACCOUNT = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { id name tier status version kam { email } } errors { field code } } }"""
UPDATE_WORKSPACE = """mutation($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) {
  workspace { name description version } errors { field code } } }"""
UPDATE_MEMBERSHIP = """mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) {
  membership { role title version } errors { field code } } }"""
REMOVE_MEMBERSHIP = """mutation($input: RemoveMembershipInput!) { removeMembership(input: $input) {
  removedId errors { field code } } }"""
CREATE_LOCATION = """mutation($input: CreateLocationInput!) { createLocation(input: $input) {
  location { id name kind parent { name } } errors { field code message } } }"""
UPDATE_LOCATION = """mutation($input: UpdateLocationInput!) { updateLocation(input: $input) {
  location { name version } errors { field code message } } }"""
DELETE_LOCATION = """mutation($input: DeleteLocationInput!) { deleteLocation(input: $input) {
  deletedId errors { field code } } }"""


async def refused(runtime, http, query, variables, *, code, field=None):
    """Run a mutation that must be refused with `code`; the database must not change."""
    before = await snapshot(runtime.session_factory)
    result = await gql(http, query, variables)
    after = await snapshot(runtime.session_factory)
    assert before == after, "a refused mutation changed the database"
    if code in ("FORBIDDEN", "UNAUTHENTICATED"):
        assert error_codes(result) == [code], result
    else:
        (payload,) = result["data"].values()
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], payload
    return result


# --- key accounts -----------------------------------------------------------------------------


async def test_admin_opens_a_key_account_with_workspace_and_kam(world, clients):
    http = await clients.as_user(world.admin.email)
    result = await gql(
        http,
        CREATE_KEY_ACCOUNT,
        {
            "input": {
                "customerName": " Ridgeway Tools ",
                "tier": "DEVELOPING",
                "kamId": gid("User", world.a.users[Role.KAM].id),
            }
        },
    )
    payload = result["data"]["createKeyAccount"]
    assert payload["errors"] == []
    account = payload["keyAccount"]
    assert account["name"] == "Ridgeway Tools"
    assert account["tier"] == "DEVELOPING"
    assert account["customer"] == {"name": "Ridgeway Tools", "kind": "CUSTOMER"}
    assert account["kam"]["email"] == world.a.email(Role.KAM)
    kam = await clients.as_user(world.a.email(Role.KAM))
    names = await gql(kam, "{ viewer { workspaces { nodes { name viewerRole } } } }")
    assert {"name": "Ridgeway Tools", "viewerRole": "KAM"} in names["data"]["viewer"]["workspaces"][
        "nodes"
    ]


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER, Role.SUPPLIER_EXECUTIVE])
async def test_only_admins_open_key_accounts(world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    await refused(
        runtime, http, CREATE_KEY_ACCOUNT, {"input": {"customerName": "X"}}, code="FORBIDDEN"
    )


async def test_open_key_account_input_errors(world, clients, runtime, client):
    await refused(
        runtime,
        client,
        CREATE_KEY_ACCOUNT,
        {"input": {"customerName": "X"}},
        code="UNAUTHENTICATED",
    )
    http = await clients.as_user(world.admin.email)
    await refused(
        runtime,
        http,
        CREATE_KEY_ACCOUNT,
        {"input": {"customerName": "  "}},
        code="REQUIRED",
        field="customerName",
    )
    customer_user = gid("User", world.a.users[Role.CUSTOMER_BUYER].id)
    await refused(
        runtime,
        http,
        CREATE_KEY_ACCOUNT,
        {"input": {"customerName": "X", "kamId": customer_user}},
        code="NOT_FOUND",
        field="kamId",
    )


async def test_kam_updates_tier_and_stale_version_conflicts(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    account_id = gid("KeyAccount", world.a.key_account.id)
    result = await gql(
        http, UPDATE_KEY_ACCOUNT, {"input": {"id": account_id, "version": 1, "tier": "KEY"}}
    )
    assert result["data"]["updateKeyAccount"]["keyAccount"]["version"] == 2
    result = await refused(
        runtime,
        http,
        UPDATE_KEY_ACCOUNT,
        {"input": {"id": account_id, "version": 1, "tier": "DEVELOPING"}},
        code="CONFLICT",
        field="version",
    )
    current = result["data"]["updateKeyAccount"]["keyAccount"]
    assert (current["tier"], current["version"]) == ("KEY", 2)


async def test_key_account_update_refusals(world, clients, runtime):
    a_id = gid("KeyAccount", world.a.key_account.id)
    b_id = gid("KeyAccount", world.b.key_account.id)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    await refused(
        runtime,
        buyer,
        UPDATE_KEY_ACCOUNT,
        {"input": {"id": a_id, "version": 1, "tier": "KEY"}},
        code="FORBIDDEN",
    )
    kam = await clients.as_user(world.a.email(Role.KAM))
    await refused(
        runtime,
        kam,
        UPDATE_KEY_ACCOUNT,
        {"input": {"id": b_id, "version": 1, "tier": "KEY"}},
        code="NOT_FOUND",
        field="id",
    )
    other_kam = gid("User", world.b.users[Role.KAM].id)
    await refused(
        runtime,
        kam,
        UPDATE_KEY_ACCOUNT,
        {"input": {"id": a_id, "version": 1, "kamId": other_kam}},
        code="FORBIDDEN",
    )


async def test_admin_hands_account_to_another_kam(world, clients):
    admin = await clients.as_user(world.admin.email)
    new_kam = world.a.users[Role.SUPPLIER_MEMBER]
    result = await gql(
        admin,
        UPDATE_KEY_ACCOUNT,
        {
            "input": {
                "id": gid("KeyAccount", world.a.key_account.id),
                "version": 1,
                "kamId": gid("User", new_kam.id),
            }
        },
    )
    assert result["data"]["updateKeyAccount"]["keyAccount"]["kam"]["email"] == new_kam.email
    old_kam = await clients.as_user(world.a.email(Role.KAM))
    roles = await gql(old_kam, "{ viewer { workspaces { nodes { viewerRole } } } }")
    assert roles["data"]["viewer"]["workspaces"]["nodes"] == [{"viewerRole": "SUPPLIER_MEMBER"}]


# --- workspaces and memberships -----------------------------------------------------------


async def test_workspace_edit_is_for_the_kam(world, clients, runtime):
    variables = {
        "input": {"id": world.a.workspace_gid, "version": 1, "description": "Joint plan 2027"}
    }
    for role in (Role.SUPPLIER_MEMBER, Role.CUSTOMER_EXECUTIVE):
        http = await clients.as_user(world.a.email(role))
        await refused(runtime, http, UPDATE_WORKSPACE, variables, code="FORBIDDEN")
    kam = await clients.as_user(world.a.email(Role.KAM))
    result = await gql(kam, UPDATE_WORKSPACE, variables)
    assert result["data"]["updateWorkspace"]["workspace"]["description"] == "Joint plan 2027"


async def test_membership_changes(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer_membership = gid("Membership", world.a.memberships[Role.CUSTOMER_BUYER].id)
    result = await gql(
        kam,
        UPDATE_MEMBERSHIP,
        {
            "input": {
                "id": buyer_membership,
                "version": 1,
                "role": "CUSTOMER_EXECUTIVE",
                "title": "CPO",
            }
        },
    )
    assert result["data"]["updateMembership"]["membership"] == {
        "role": "CUSTOMER_EXECUTIVE",
        "title": "CPO",
        "version": 2,
    }
    await refused(
        runtime,
        kam,
        UPDATE_MEMBERSHIP,
        {"input": {"id": buyer_membership, "version": 2, "role": "SUPPLIER_MEMBER"}},
        code="INVALID",
        field="role",
    )
    await refused(
        runtime,
        kam,
        UPDATE_MEMBERSHIP,
        {"input": {"id": buyer_membership, "version": 2, "role": "KAM"}},
        code="INVALID",
        field="role",
    )
    kam_membership = gid("Membership", world.a.memberships[Role.KAM].id)
    await refused(
        runtime,
        kam,
        REMOVE_MEMBERSHIP,
        {"input": {"id": kam_membership}},
        code="INVALID",
        field="id",
    )
    b_membership = gid("Membership", world.b.memberships[Role.CUSTOMER_BUYER].id)
    await refused(
        runtime,
        kam,
        REMOVE_MEMBERSHIP,
        {"input": {"id": b_membership}},
        code="NOT_FOUND",
        field="id",
    )
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    mentor_membership = gid("Membership", world.a.memberships[Role.MENTOR].id)
    await refused(
        runtime, buyer, REMOVE_MEMBERSHIP, {"input": {"id": mentor_membership}}, code="FORBIDDEN"
    )
    result = await gql(kam, REMOVE_MEMBERSHIP, {"input": {"id": mentor_membership}})
    assert result["data"]["removeMembership"] == {"removedId": mentor_membership, "errors": []}
    mentor = await clients.as_user(world.a.email(Role.MENTOR))
    result = await gql(mentor, "{ viewer { workspaces { nodes { id } } } }")
    assert result["data"]["viewer"]["workspaces"]["nodes"] == []


# --- locations ----------------------------------------------------------------------------


async def test_customer_buyer_maintains_sites_in_a_valid_tree(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    base = {"workspaceId": world.a.workspace_gid}
    result = await gql(
        buyer,
        CREATE_LOCATION,
        {
            "input": {
                **base,
                "kind": "DISTRICT",
                "name": "Lakes",
                "parentId": gid("Location", world.a.region.id),
            }
        },
    )
    district = result["data"]["createLocation"]["location"]
    assert district["parent"] == {"name": "Region a"}
    result = await gql(
        buyer,
        CREATE_LOCATION,
        {
            "input": {
                **base,
                "kind": "BRANCH",
                "name": "Branch 7",
                "parentId": district["id"],
                "country": "us",
            }
        },
    )
    assert result["data"]["createLocation"]["errors"] == []
    await refused(
        runtime,
        buyer,
        CREATE_LOCATION,
        {"input": {**base, "kind": "BRANCH", "name": "Orphan"}},
        code="REQUIRED",
        field="parentId",
    )
    await refused(
        runtime,
        buyer,
        CREATE_LOCATION,
        {
            "input": {
                **base,
                "kind": "BRANCH",
                "name": "Wrong",
                "parentId": gid("Location", world.a.hq.id),
            }
        },
        code="INVALID",
        field="parentId",
    )
    await refused(
        runtime,
        buyer,
        CREATE_LOCATION,
        {
            "input": {
                **base,
                "kind": "REGION",
                "name": "Foreign",
                "parentId": gid("Location", world.b.hq.id),
            }
        },
        code="NOT_FOUND",
        field="parentId",
    )
    await refused(
        runtime,
        buyer,
        DELETE_LOCATION,
        {"input": {"id": district["id"]}},
        code="INVALID",
        field="id",
    )


async def test_location_write_refusals(world, clients, runtime):
    create = {
        "input": {"workspaceId": world.a.workspace_gid, "kind": "HEADQUARTERS", "name": "HQ2"}
    }
    for role in (Role.CUSTOMER_EXECUTIVE, Role.SUPPLIER_EXECUTIVE, Role.MENTOR):
        http = await clients.as_user(world.a.email(role))
        await refused(runtime, http, CREATE_LOCATION, create, code="FORBIDDEN")
        await refused(
            runtime,
            http,
            UPDATE_LOCATION,
            {"input": {"id": gid("Location", world.a.hq.id), "version": 1, "name": "Z"}},
            code="FORBIDDEN",
        )
    kam_a = await clients.as_user(world.a.email(Role.KAM))
    await refused(
        runtime,
        kam_a,
        CREATE_LOCATION,
        {"input": {**create["input"], "workspaceId": world.b.workspace_gid}},
        code="NOT_FOUND",
        field="id",
    )
    await refused(
        runtime,
        kam_a,
        UPDATE_LOCATION,
        {"input": {"id": gid("Location", world.b.hq.id), "version": 1, "name": "Z"}},
        code="NOT_FOUND",
        field="id",
    )


async def test_concurrent_edits_one_wins_the_other_conflicts(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    location_id = gid("Location", world.a.hq.id)
    results = await asyncio.gather(
        gql(kam, UPDATE_LOCATION, {"input": {"id": location_id, "version": 1, "name": "From KAM"}}),
        gql(
            buyer,
            UPDATE_LOCATION,
            {"input": {"id": location_id, "version": 1, "name": "From buyer"}},
        ),
    )
    payloads = [r["data"]["updateLocation"] for r in results]
    winners = [p for p in payloads if not p["errors"]]
    losers = [p for p in payloads if p["errors"]]
    assert len(winners) == 1 and len(losers) == 1, payloads
    assert losers[0]["errors"][0]["code"] == "CONFLICT"
    final = await gql(
        kam,
        "query($id: ID!) { node(id: $id) { ... on Location { name version } } }",
        {"id": location_id},
    )
    assert final["data"]["node"] == winners[0]["location"]
    assert final["data"]["node"]["version"] == 2
