"""A token never creates a credential wider than itself: managing clients needs the
`clients:manage` scope (or a browser session), a new client's scopes stay within the token's,
and its key-account limit within the token's limit. Refusals change nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from kamp.accounts.models import KeyAccount, Membership, Role
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.support import error_codes, gid, gql, snapshot

REGISTER = """mutation($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
  client { id scopes keyAccounts { name } } clientSecret errors { field code } } }"""
ROTATE = """mutation($input: OAuthClientInput!) { rotateOAuthClientSecret(input: $input) {
  client { id } clientSecret errors { field code } } }"""
REVOKE = """mutation($input: OAuthClientInput!) { revokeOAuthClient(input: $input) {
  client { id revokedAt } errors { field code } } }"""
CLIENTS = "{ oauthClients { nodes { id name } } }"


async def _kam_of_both(runtime, world) -> None:
    """Account a's KAM becomes the KAM of account b too."""
    kam = world.a.users[Role.KAM]
    async with runtime.session_factory() as session:
        await session.execute(
            update(KeyAccount).where(KeyAccount.id == world.b.key_account.id).values(kam_id=kam.id)
        )
        session.add(Membership(workspace_id=world.b.workspace.id, user_id=kam.id, role=Role.KAM))
        await session.commit()


async def _token(
    runtime,
    clients,
    http,
    email: str,
    owner,
    scope: str,
    key_account_ids: tuple[uuid.UUID, ...] = (),
) -> str:
    app = await make_client(
        runtime, owner, scopes=tuple(scope.split()), key_account_ids=key_account_ids
    )
    browser = await clients.as_user(email)
    code, verifier = await get_code(browser, app, scope=scope)
    response = await exchange(http, app, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _app(key_accounts: list[uuid.UUID], scopes: list[str]) -> dict:
    return {
        "input": {
            "name": "Reporting app",
            "kind": "APPLICATION",
            "scopes": scopes,
            "redirectUris": ["https://reports.example.com/cb"],
            "keyAccountIds": [gid("KeyAccount", k) for k in key_accounts],
        }
    }


async def test_a_token_without_clients_manage_registers_no_client(world, clients, client, runtime):
    await _kam_of_both(runtime, world)
    kam = world.a.users[Role.KAM]
    b = world.b.key_account.id
    for scope in ("openid profile", "openid accounts:read accounts:write plans:read plans:write"):
        token = await _token(runtime, clients, client, kam.email, world.admin, scope)
        before = await snapshot(runtime.session_factory)
        for wanted in (["plans:read", "accounts:write"], ["openid"]):
            result = await bearer_gql(client, token, REGISTER, _app([b], wanted))
            assert error_codes(result) == ["FORBIDDEN"], (scope, result)
            assert await snapshot(runtime.session_factory) == before
        assert (await bearer_gql(client, token, CLIENTS))["data"]["oauthClients"]["nodes"] == []


async def test_a_one_account_app_creates_no_client_beyond_its_account(
    world, clients, client, runtime
):
    await _kam_of_both(runtime, world)
    kam = world.a.users[Role.KAM]
    a, b = world.a.key_account.id, world.b.key_account.id
    scope = "openid clients:manage accounts:read"
    token = await _token(runtime, clients, client, kam.email, kam, scope, (a,))
    before = await snapshot(runtime.session_factory)
    for refused in (
        _app([b], ["accounts:read"]),  # another account
        _app([a, b], ["accounts:read"]),  # wider than its limit
        _app([a], ["accounts:read", "accounts:write"]),  # a scope the token does not have
        _app([a], ["accounts:read", "offline_access"]),
    ):
        result = await bearer_gql(client, token, REGISTER, refused)
        assert error_codes(result) == ["FORBIDDEN"], (refused, result)
        assert await snapshot(runtime.session_factory) == before
    # Within its limit and its scopes, it may.
    result = await bearer_gql(client, token, REGISTER, _app([a], ["openid", "accounts:read"]))
    payload = result["data"]["registerOAuthClient"]
    assert payload["errors"] == [], result
    assert payload["client"]["keyAccounts"] == [{"name": "Account a"}]

    # An organization admin's app limited to one account cannot create an unlimited client.
    admin_token = await _token(
        runtime, clients, client, world.admin.email, world.admin, scope, (a,)
    )
    before = await snapshot(runtime.session_factory)
    for refused in (_app([], ["accounts:read"]), _app([b], ["accounts:read"])):
        result = await bearer_gql(client, admin_token, REGISTER, refused)
        assert error_codes(result) == ["FORBIDDEN"], (refused, result)
    assert await snapshot(runtime.session_factory) == before


async def test_a_machine_client_stays_within_the_token(world, clients, client, runtime):
    kam = world.a.users[Role.KAM]
    a = world.a.key_account.id
    scope = "clients:manage accounts:read"
    token = await _token(runtime, clients, client, kam.email, world.admin, scope)
    machine = {
        "name": "ERP",
        "kind": "MACHINE",
        "role": "SUPPLIER_MEMBER",
        "keyAccountIds": [gid("KeyAccount", a)],
    }
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(
        client, token, REGISTER, {"input": {**machine, "scopes": ["plans:write"]}}
    )
    assert error_codes(result) == ["FORBIDDEN"], result
    assert await snapshot(runtime.session_factory) == before
    result = await bearer_gql(
        client, token, REGISTER, {"input": {**machine, "scopes": ["accounts:read"]}}
    )
    assert result["data"]["registerOAuthClient"]["errors"] == [], result


async def test_rotating_and_revoking_need_the_scope_and_the_limit(world, clients, client, runtime):
    await _kam_of_both(runtime, world)
    kam = world.a.users[Role.KAM]
    a, b = world.a.key_account.id, world.b.key_account.id
    browser = await clients.as_user(kam.email)
    # The KAM's browser session manages clients of both accounts.
    created = (await gql(browser, REGISTER, _app([b], ["plans:read", "plans:write"])))["data"]
    other = {"input": {"id": created["registerOAuthClient"]["client"]["id"]}}
    narrow = await _token(runtime, clients, client, kam.email, world.admin, "openid")
    limited = await _token(
        runtime, clients, client, kam.email, kam, "openid clients:manage accounts:read", (a,)
    )
    before = await snapshot(runtime.session_factory)
    for token in (narrow, limited):
        for mutation, name in ((ROTATE, "rotateOAuthClientSecret"), (REVOKE, "revokeOAuthClient")):
            result = await bearer_gql(client, token, mutation, other)
            refused = error_codes(result) or [
                e["code"] for e in (result["data"] or {}).get(name, {}).get("errors", [])
            ]
            assert refused in (["FORBIDDEN"], ["NOT_FOUND"]), result
            assert await snapshot(runtime.session_factory) == before
        listed = (await bearer_gql(client, token, CLIENTS))["data"]["oauthClients"]["nodes"]
        assert other["input"]["id"] not in [n["id"] for n in listed]
    # The session still may.
    rotated = (await gql(browser, ROTATE, other))["data"]["rotateOAuthClientSecret"]
    assert rotated["errors"] == [] and rotated["clientSecret"]


KEY_ACCOUNTS = "{ viewer { keyAccounts { nodes { name } } } }"
CREATE_ACCOUNT = """mutation($input: CreateKeyAccountInput!) { createKeyAccount(input: $input) {
  keyAccount { id } errors { field code } } }"""
CRITERION = """mutation($input: DefineSelectionCriterionInput!) {
  defineSelectionCriterion(input: $input) { criterion { id } errors { field code } } }"""


async def test_an_admins_one_account_app_holds_no_organization_wide_power(
    world, clients, client, runtime
):
    """The admin oversees every key account; an app she limits to one does not."""
    admin, a = world.admin, world.a.key_account
    scope = "openid accounts:read accounts:write"
    unlimited = await _token(runtime, clients, client, admin.email, admin, scope)
    names = await bearer_gql(client, unlimited, KEY_ACCOUNTS)
    assert world.b.key_account.name in {
        n["name"] for n in names["data"]["viewer"]["keyAccounts"]["nodes"]
    }
    limited = await _token(runtime, clients, client, admin.email, admin, scope, (a.id,))
    names = await bearer_gql(client, limited, KEY_ACCOUNTS)
    assert world.b.key_account.name not in {
        n["name"] for n in names["data"]["viewer"]["keyAccounts"]["nodes"]
    }, names
    before = await snapshot(runtime.session_factory)
    new_account = {"input": {"customerName": "Another customer"}}
    criterion = {"input": {"name": "Volume", "weight": "1"}}
    for mutation, variables in ((CREATE_ACCOUNT, new_account), (CRITERION, criterion)):
        result = await bearer_gql(client, limited, mutation, variables)
        codes = error_codes(result) or [
            e["code"] for e in next(iter(result["data"].values()))["errors"]
        ]
        assert codes == ["FORBIDDEN"], result
    assert await snapshot(runtime.session_factory) == before


USER = """query($id: ID!) { node(id: $id) { ... on User { email } } }"""


async def test_a_token_that_reads_no_members_loads_no_colleague(world, clients, client, runtime):
    kam = world.a.users[Role.KAM]
    colleague = gid("User", world.a.users[Role.SUPPLIER_EXECUTIVE].id)
    outsider = world.admin  # a colleague in no workspace of the KAM's
    for scope, seen in (("openid profile", False), ("openid accounts:read", True)):
        token = await _token(runtime, clients, client, kam.email, world.admin, scope)
        for user in (colleague, gid("User", outsider.id)):
            result = await bearer_gql(client, token, USER, {"id": user})
            assert (result["data"]["node"] is not None) is seen, (scope, result)
