"""Every co-edited row keeps ordinary history and versions through the kernel: a meeting's
attendees, key accounts (their supplier-internal fields kept internal), workspaces and
memberships; and a cleared field is traced as cleared."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.clock import iso_day
from tests.meetings.support import UPDATE_MEETING, new_meeting
from tests.plans.support import ok
from tests.support import gid, gql

RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) {
  nodeType entry { action field before after } } }"""
MEETING = """query($id: ID!) { node(id: $id) { ... on Meeting { version
  history { nodes { action field } } } } }"""
UPDATE_KEY_ACCOUNT = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { version } errors { field code message } } }"""
KEY_ACCOUNT = """query($id: ID!) { node(id: $id) { ... on KeyAccount { version } } }"""
UPDATE_MEMBERSHIP = """mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) {
  membership { version title } errors { field code message } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id version } errors { field code message } } }"""
CREATE_RELATIONSHIP = """mutation($input: CreateRelationshipInput!) {
  createRelationship(input: $input) { relationship { id version } errors { code message } } }"""
UPDATE_RELATIONSHIP = """mutation($input: UpdateRelationshipInput!) {
  updateRelationship(input: $input) { relationship { version lastInteraction
  history { nodes { action field before after } } } errors { code message } } }"""


async def _recent(http, ws: str) -> list[tuple[str, str | None, object]]:
    result = await gql(http, RECENT, {"ws": ws})
    return [
        (c["nodeType"], c["entry"]["field"], c["entry"]["after"])
        for c in result["data"]["recentChanges"]
    ]


async def test_changing_attendees_is_a_new_version_of_the_meeting(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    buyer = gid("User", world.a.users[Role.CUSTOMER_BUYER].id)
    updated = await ok(
        kam,
        UPDATE_MEETING,
        {"input": {"id": meeting["id"], "version": meeting["version"], "attendeeIds": [buyer]}},
    )
    assert updated["version"] == meeting["version"] + 1
    node = (await gql(kam, MEETING, {"id": meeting["id"]}))["data"]["node"]
    assert ("updated", "attendees") in {(h["action"], h["field"]) for h in node["history"]["nodes"]}
    # The same list again changes nothing, not even the version.
    again = await ok(
        kam,
        UPDATE_MEETING,
        {"input": {"id": meeting["id"], "version": updated["version"], "attendeeIds": [buyer]}},
    )
    assert again["version"] == updated["version"]


async def test_key_account_changes_keep_their_internal_fields_internal(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    account = gid("KeyAccount", world.a.key_account.id)
    version = (await gql(kam, KEY_ACCOUNT, {"id": account}))["data"]["node"]["version"]
    result = await gql(
        kam,
        UPDATE_KEY_ACCOUNT,
        {
            "input": {
                "id": account,
                "version": version,
                "name": "Hollis Renamed",
                "competitivePosition": "We are second to Acme",
            }
        },
    )
    assert result["data"]["updateKeyAccount"]["errors"] == []
    ws = world.a.workspace_gid
    seen_by_kam = await _recent(kam, ws)
    assert ("KeyAccount", "name", "Hollis Renamed") in seen_by_kam
    assert ("KeyAccount", "competitive_position", "We are second to Acme") in seen_by_kam
    seen_by_buyer = await _recent(buyer, ws)
    assert ("KeyAccount", "name", "Hollis Renamed") in seen_by_buyer
    assert not [c for c in seen_by_buyer if c[1] == "competitive_position"]
    assert not [c for c in seen_by_buyer if "Acme" in str(c[2])]


async def test_membership_changes_have_history(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    membership = world.a.memberships[Role.CUSTOMER_BUYER]
    updated = await ok(
        kam,
        UPDATE_MEMBERSHIP,
        {
            "input": {
                "id": gid("Membership", membership.id),
                "version": membership.version,
                "title": "Head of purchasing",
            }
        },
    )
    assert updated["version"] == membership.version + 1
    assert ("Membership", "title", "Head of purchasing") in await _recent(
        kam, world.a.workspace_gid
    )


async def test_a_cleared_field_is_traced_as_cleared(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    last_call = iso_day(-30)
    contact = await ok(
        kam,
        CREATE_CONTACT,
        {"input": {"workspaceId": ws, "name": "Pat Buyer", "buyingRole": "DECISION_MAKER"}},
    )
    relationship = await ok(
        kam,
        CREATE_RELATIONSHIP,
        {
            "input": {
                "contactId": contact["id"],
                "supplierUserId": gid("User", world.a.users[Role.KAM].id),
                "strength": 3,
                "lastInteraction": last_call,
            }
        },
    )
    cleared = await ok(
        kam,
        UPDATE_RELATIONSHIP,
        {
            "input": {
                "id": relationship["id"],
                "version": relationship["version"],
                "lastInteraction": None,
            }
        },
    )
    assert cleared["lastInteraction"] is None
    assert cleared["version"] == relationship["version"] + 1
    assert {
        "action": "updated",
        "field": "last_interaction",
        "before": last_call,
        "after": None,
    } in cleared["history"]["nodes"]
