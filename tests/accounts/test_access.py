"""Who sees what in the tenancy core. Another account's objects answer exactly like objects
that do not exist; a customer never sees the supplier's internal view of the account."""

from __future__ import annotations

import uuid

import pytest

from kamp.accounts.models import Role
from tests.support import error_codes, gid, gql

NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def _b_objects(world) -> dict[str, uuid.UUID]:
    b = world.b
    return {
        "Workspace": b.workspace.id,
        "KeyAccount": b.key_account.id,
        "Membership": b.memberships[Role.CUSTOMER_BUYER].id,
        "Location": b.region.id,
        "User": b.users[Role.CUSTOMER_BUYER].id,
        "Organization": b.customer.id,
    }


def _missing(type_name: str) -> str:
    return gid(type_name, uuid.uuid4())


@pytest.mark.parametrize("role", list(Role))
async def test_other_accounts_objects_look_missing(world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for type_name, row_id in _b_objects(world).items():
        foreign = gid(type_name, row_id)
        for asked in (foreign, _missing(type_name)):
            result = await gql(http, NODE, {"id": asked})
            assert result == {"data": {"node": None}}, (type_name, result)
        result = await gql(http, NODES, {"ids": [foreign, _missing(type_name)]})
        assert result == {"data": {"nodes": [None, None]}}, type_name


@pytest.mark.parametrize("role", list(Role))
async def test_lists_hold_only_own_account(world, clients, role):
    http = await clients.as_user(world.a.email(role))
    result = await gql(
        http,
        """{ viewer { workspaces { nodes { id locations { nodes { name } }
                        members(first: 100) { nodes { user { email } } } } }
                      keyAccounts { nodes { name } } } }""",
    )
    viewer = result["data"]["viewer"]
    assert [w["id"] for w in viewer["workspaces"]["nodes"]] == [world.a.workspace_gid]
    workspace = viewer["workspaces"]["nodes"][0]
    assert {loc["name"] for loc in workspace["locations"]["nodes"]} == {"HQ a", "Region a"}
    emails = {m["user"]["email"] for m in workspace["members"]["nodes"]}
    assert emails == {u.email for u in world.a.users.values()}
    assert viewer["keyAccounts"]["nodes"] == [{"name": "Account a"}]


async def test_nested_fields_do_not_leak_across_accounts(world, clients):
    """Loading B's workspace through a field of an A object is impossible too."""
    http = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    result = await gql(
        http,
        """query($id: ID!) { node(id: $id) { ... on Location { parent { id }
             children { nodes { id } } } } }""",
        {"id": gid("Location", world.b.region.id)},
    )
    assert result == {"data": {"node": None}}


SUPPLIER_VIEW = """query($id: ID!) { node(id: $id) { ... on Workspace {
  keyAccount { name tier status kam { displayName } customer { name } supplier { name } } } } }"""


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE])
async def test_customer_never_sees_supplier_internal_view(world, clients, role):
    http = await clients.as_user(world.a.email(role))
    result = await gql(http, SUPPLIER_VIEW, {"id": world.a.workspace_gid})
    account = result["data"]["node"]["keyAccount"]
    assert account["tier"] is None and account["status"] is None
    assert account["customer"]["name"] == "Customer a"
    result = await gql(
        http,
        "query($id: ID!) { node(id: $id) { ... on Workspace { invitations { nodes { email } } } } }",
        {"id": world.a.workspace_gid},
    )
    assert error_codes(result) == ["FORBIDDEN"]
    assert result["data"]["node"] is None


@pytest.mark.parametrize(
    "role", [Role.KAM, Role.SUPPLIER_MEMBER, Role.SUPPLIER_EXECUTIVE, Role.MENTOR]
)
async def test_supplier_roles_see_internal_view(world, clients, role):
    http = await clients.as_user(world.a.email(role))
    result = await gql(http, SUPPLIER_VIEW, {"id": world.a.workspace_gid})
    account = result["data"]["node"]["keyAccount"]
    assert (account["tier"], account["status"]) == ("STRATEGIC", "ACTIVE")


async def test_supplier_admin_oversees_all_key_accounts_but_not_workspaces(world, clients):
    http = await clients.as_user(world.admin.email)
    result = await gql(
        http,
        "{ viewer { canCreateKeyAccounts keyAccounts { nodes { name tier workspace { id } } } } }",
    )
    viewer = result["data"]["viewer"]
    assert viewer["canCreateKeyAccounts"] is True
    assert viewer["keyAccounts"]["nodes"] == [
        {"name": "Account a", "tier": "STRATEGIC", "workspace": None},
        {"name": "Account b", "tier": "STRATEGIC", "workspace": None},
    ]
    result = await gql(http, NODE, {"id": world.a.workspace_gid})
    assert result == {"data": {"node": None}}


async def test_viewer_permissions_follow_the_policy(world, clients):
    query = (
        "query($id: ID!) { node(id: $id) { ... on Workspace { viewerRole viewerPermissions } } }"
    )
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    kam_view = (await gql(kam, query, {"id": world.a.workspace_gid}))["data"]["node"]
    buyer_view = (await gql(buyer, query, {"id": world.a.workspace_gid}))["data"]["node"]
    assert kam_view["viewerRole"] == "KAM"
    assert "members:invite" in kam_view["viewerPermissions"]
    assert buyer_view["viewerRole"] == "CUSTOMER_BUYER"
    assert not any("internal" in p or "invite" in p for p in buyer_view["viewerPermissions"])


def test_no_customer_role_holds_a_supplier_internal_permission():
    from kamp.accounts.models import Side
    from kamp.auth.policy import ROLE_PERMISSIONS, Permission

    for role, permissions in ROLE_PERMISSIONS.items():
        if role.side == Side.CUSTOMER:
            assert Permission.ACCOUNT_INTERNAL_READ not in permissions
            assert Permission.MEMBERS_INVITE not in permissions
