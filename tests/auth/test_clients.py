"""Client management in GraphQL: who may register, the secret shown once, rotation,
revocation, recent use, and refusals that change nothing."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.support import error_codes, gid, gql, snapshot

REGISTER = """mutation($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) {
  client { id clientId name kind confidential scopes role redirectUris keyAccounts { name } }
  clientSecret errors { field code message } } }"""
ROTATE = """mutation($input: OAuthClientInput!) { rotateOAuthClientSecret(input: $input) {
  client { id } clientSecret errors { field code } } }"""
CLIENTS = (
    "{ oauthClients { nodes { id name lastUsedAt recentUses { nodes { grantType scope } } } } }"
)


def machine_input(**overrides):
    return {
        "input": {
            "name": "ERP nightly sync",
            "kind": "MACHINE",
            "scopes": ["accounts:read"],
            "role": "SUPPLIER_MEMBER",
            **overrides,
        }
    }


async def test_admin_registers_a_machine_client_and_uses_it(world, clients, client, runtime):
    admin = await clients.as_user(world.admin.email)
    result = await gql(admin, REGISTER, machine_input())
    payload = result["data"]["registerOAuthClient"]
    assert payload["errors"] == []
    created = payload["client"]
    assert created["kind"] == "MACHINE" and created["confidential"] is True
    secret = payload["clientSecret"]
    assert len(secret) >= 40
    token = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "accounts:read"},
        auth=(created["clientId"], secret),
    )
    assert token.status_code == 200, token.text
    listed = (await gql(admin, CLIENTS))["data"]["oauthClients"]["nodes"]
    assert listed[0]["lastUsedAt"] is not None
    assert listed[0]["recentUses"]["nodes"] == [
        {"grantType": "client_credentials", "scope": "accounts:read"}
    ]
    # The secret is never readable again, and the database holds only its hash.
    again = await admin.post("/graphql", json={"query": CLIENTS.replace("name", "name clientId")})
    assert secret not in again.text
    assert secret not in str(await snapshot(runtime.session_factory))


async def test_rotation_replaces_the_secret(world, clients, client):
    admin = await clients.as_user(world.admin.email)
    payload = (await gql(admin, REGISTER, machine_input()))["data"]["registerOAuthClient"]
    old_secret, client_id = payload["clientSecret"], payload["client"]["clientId"]
    rotated = (await gql(admin, ROTATE, {"input": {"id": payload["client"]["id"]}}))["data"]
    new_secret = rotated["rotateOAuthClientSecret"]["clientSecret"]
    assert new_secret and new_secret != old_secret
    form = {"grant_type": "client_credentials"}
    old = await client.post("/oauth/token", data=form, auth=(client_id, old_secret))
    new = await client.post("/oauth/token", data=form, auth=(client_id, new_secret))
    assert (old.status_code, new.status_code) == (401, 200)


async def test_kam_registers_clients_only_for_own_accounts(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    own = gid("KeyAccount", world.a.key_account.id)
    result = await gql(kam, REGISTER, machine_input(keyAccountIds=[own]))
    payload = result["data"]["registerOAuthClient"]
    assert payload["errors"] == [] and payload["client"]["keyAccounts"] == [{"name": "Account a"}]
    for refused_input in (
        machine_input(),
        machine_input(keyAccountIds=[gid("KeyAccount", world.b.key_account.id)]),
    ):
        before = await snapshot(runtime.session_factory)
        result = await gql(kam, REGISTER, refused_input)
        assert error_codes(result) == ["FORBIDDEN"]
        assert await snapshot(runtime.session_factory) == before
    # The other account's KAM does not see this client.
    other = await clients.as_user(world.b.email(Role.KAM))
    assert (await gql(other, CLIENTS))["data"]["oauthClients"]["nodes"] == []


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE, Role.SUPPLIER_MEMBER, Role.MENTOR]
)
async def test_other_roles_cannot_register(world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    before = await snapshot(runtime.session_factory)
    result = await gql(
        http, REGISTER, machine_input(keyAccountIds=[gid("KeyAccount", world.a.key_account.id)])
    )
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before
    assert (await gql(http, CLIENTS))["data"]["oauthClients"]["nodes"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"scopes": ["everything"]}, "scopes", "INVALID"),
        ({"role": "KAM"}, "role", "INVALID"),
        ({"role": "CUSTOMER_BUYER"}, "role", "INVALID"),
        ({"name": " "}, "name", "REQUIRED"),
        ({"scopes": ["openid"]}, "scopes", "INVALID"),
        ({"kind": "APPLICATION", "role": None}, "redirectUris", "REQUIRED"),
        (
            {"kind": "APPLICATION", "role": None, "redirectUris": ["http://evil.example/cb"]},
            "redirectUris",
            "INVALID",
        ),
        (
            {"kind": "APPLICATION", "role": None, "redirectUris": ["https://ok.example/cb#frag"]},
            "redirectUris",
            "INVALID",
        ),
    ],
)
async def test_registration_input_errors_change_nothing(
    world, clients, runtime, overrides, field, code
):
    admin = await clients.as_user(world.admin.email)
    before = await snapshot(runtime.session_factory)
    result = await gql(admin, REGISTER, machine_input(**overrides))
    payload = result["data"]["registerOAuthClient"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["clientSecret"] is None
    assert await snapshot(runtime.session_factory) == before


async def test_public_application_has_no_secret(world, clients):
    admin = await clients.as_user(world.admin.email)
    result = await gql(
        admin,
        REGISTER,
        machine_input(
            kind="APPLICATION",
            role=None,
            confidential=False,
            scopes=["accounts:read", "openid", "offline_access"],
            redirectUris=["http://127.0.0.1:5173/callback"],
        ),
    )
    payload = result["data"]["registerOAuthClient"]
    assert payload["errors"] == [] and payload["clientSecret"] is None
    assert payload["client"]["confidential"] is False
    rotated = await gql(admin, ROTATE, {"input": {"id": payload["client"]["id"]}})
    assert rotated["data"]["rotateOAuthClientSecret"]["errors"] == [
        {"field": "id", "code": "INVALID"}
    ]
