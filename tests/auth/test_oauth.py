"""The authorization server: code + PKCE, refresh rotation with reuse detection, client
credentials, revocation, introspection, discovery, and scope narrowing on the API."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind
from tests.auth.oauth_support import (
    REDIRECT,
    authorize_params,
    bearer_gql,
    consent,
    exchange,
    get_code,
    make_client,
    pkce,
    redirect_query,
    token_request,
)
from tests.support import error_codes, snapshot

VIEWER = (
    "{ viewer { side user { email } workspaces { nodes { id } } keyAccounts { nodes { name } } } }"
)
RENAME = """mutation($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) {
  workspace { name } errors { code } } }"""


async def test_discovery_documents_and_jwks(client):
    metadata = (await client.get("/.well-known/oauth-authorization-server")).json()
    assert metadata["issuer"] == "http://testserver"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "implicit" not in metadata["grant_types_supported"]
    assert "password" not in metadata["grant_types_supported"]
    assert metadata["response_types_supported"] == ["code"]
    oidc = (await client.get("/.well-known/openid-configuration")).json()
    assert oidc["jwks_uri"] == "http://testserver/oauth/jwks"
    keys = (await client.get("/oauth/jwks")).json()["keys"]
    assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0] and keys[0]["kid"]


async def test_code_flow_with_pkce_for_a_public_client(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    code, verifier = await get_code(browser, app)
    response = await exchange(client, app, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 300
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    assert response.headers["cache-control"] == "no-store"
    result = await bearer_gql(client, tokens["access_token"], VIEWER)
    viewer = result["data"]["viewer"]
    assert viewer["user"]["email"] == world.a.email(Role.CUSTOMER_BUYER)
    assert viewer["workspaces"]["nodes"] == [{"id": world.a.workspace_gid}]


async def test_unauthenticated_authorize_goes_to_sign_in(world, runtime, client):
    app = await make_client(runtime, world.admin)
    _, challenge = pkce()
    response = await client.get("/oauth/authorize", params=authorize_params(app, challenge))
    assert response.status_code == 302
    assert response.headers["location"].startswith("/login?next=%2Foauth%2Fauthorize%3F")


async def test_denied_consent_returns_access_denied(world, clients, runtime):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    _, challenge = pkce()
    query = redirect_query(await consent(browser, authorize_params(app, challenge), "deny"))
    assert query["error"] == "access_denied" and "code" not in query


async def test_consent_form_needs_its_token(world, clients, runtime):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    _, challenge = pkce()
    from urllib.parse import urlencode

    before = await snapshot(runtime.session_factory)
    forged = await browser.post(
        "/oauth/authorize?" + urlencode(authorize_params(app, challenge)),
        data={"consent_token": "0" * 64, "decision": "approve"},
    )
    assert forged.status_code == 400 and "location" not in forged.headers
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
    ids=["missing-pkce", "plain-pkce"],
)
async def test_pkce_is_required_and_s256_only(world, clients, runtime, extra, error):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    _, challenge = pkce()
    params = authorize_params(app, challenge)
    for key, value in extra.items():
        if value is None:
            params.pop(key)
            params.pop("code_challenge_method")
        else:
            params[key] = value
    response = await browser.get("/oauth/authorize", params=params)
    assert redirect_query(response)["error"] == error


@pytest.mark.parametrize("verifier", [None, "wrong-verifier-" + "x" * 40])
async def test_wrong_or_missing_verifier_is_refused(world, clients, runtime, client, verifier):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, _right = await get_code(browser, app)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier:
        form["code_verifier"] = verifier
    response = await token_request(client, app, **form)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_request")


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT + "/",
        "https://app.example.com:8443/callback",
        "https://app.example.com/callback?x=1",
    ],
    ids=["slash", "port", "query"],
)
async def test_redirect_uri_must_match_exactly(world, clients, runtime, client, redirect_uri):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    _, challenge = pkce()
    page = await browser.get(
        "/oauth/authorize", params=authorize_params(app, challenge, redirect_uri=redirect_uri)
    )
    # Never redirect to an unregistered URI: show the error here instead.
    assert page.status_code == 400 and "location" not in page.headers
    code, verifier = await get_code(browser, app)
    response = await exchange(client, app, code, verifier, redirect_uri=redirect_uri)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_replayed_code_is_refused_and_revokes_what_it_gave(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app)
    first = (await exchange(client, app, code, verifier)).json()
    replay = await exchange(client, app, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    result = await bearer_gql(client, first["access_token"], VIEWER)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    refresh = await token_request(
        client, app, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert refresh.status_code == 400


async def test_refresh_rotates_and_reuse_revokes_the_family(world, clients, runtime, client):
    app = await make_client(runtime, world.admin, confidential=True)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app)
    first = (await exchange(client, app, code, verifier)).json()
    second = await token_request(
        client, app, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert "data" in await bearer_gql(client, second["access_token"], VIEWER)
    # The rotated token comes back: someone copied it. The whole family goes.
    reuse = await token_request(
        client, app, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    latest = await token_request(
        client, app, grant_type="refresh_token", refresh_token=second["refresh_token"]
    )
    assert latest.status_code == 400
    result = await bearer_gql(client, second["access_token"], VIEWER)
    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_no_refresh_token_without_offline_access(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app, scope="accounts:read")
    tokens = (await exchange(client, app, code, verifier)).json()
    assert "refresh_token" not in tokens and "id_token" not in tokens
    assert tokens["scope"] == "accounts:read"


async def test_read_only_token_cannot_mutate(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app, scope="accounts:read")
    token = (await exchange(client, app, code, verifier)).json()["access_token"]
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(
        client, token, RENAME, {"input": {"id": world.a.workspace_gid, "version": 1, "name": "X"}}
    )
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before
    # Reading still works, and the supplier's internal view needs no write scope.
    result = await bearer_gql(client, token, VIEWER)
    assert result["data"]["viewer"]["keyAccounts"]["nodes"] == [{"name": "Account a"}]


async def test_machine_client_limited_to_one_key_account(world, runtime, client):
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
        key_account_ids=(world.a.key_account.id,),
    )
    response = await token_request(client, machine, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert "refresh_token" not in tokens
    token = tokens["access_token"]
    result = await bearer_gql(client, token, VIEWER)
    viewer = result["data"]["viewer"]
    assert viewer["user"] is None and viewer["side"] == "SUPPLIER"
    assert viewer["workspaces"]["nodes"] == [{"id": world.a.workspace_gid}]
    assert viewer["keyAccounts"]["nodes"] == [{"name": "Account a"}]
    for node_id in (world.b.workspace_gid,):
        result = await bearer_gql(
            client, token, "query($id: ID!) { node(id: $id) { id } }", {"id": node_id}
        )
        assert result == {"data": {"node": None}}
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(
        client, token, RENAME, {"input": {"id": world.a.workspace_gid, "version": 1, "name": "X"}}
    )
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before


async def test_app_limited_to_one_key_account_sees_nothing_of_another(
    world, clients, runtime, client
):
    app = await make_client(runtime, world.admin, key_account_ids=(world.a.key_account.id,))
    async with runtime.session_factory() as session:
        from kamp.accounts.models import Membership

        session.add(
            Membership(
                workspace_id=world.b.workspace.id,
                user_id=world.a.users[Role.SUPPLIER_MEMBER].id,
                role=Role.SUPPLIER_MEMBER,
            )
        )
        await session.commit()
    browser = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    code, verifier = await get_code(browser, app)
    token = (await exchange(client, app, code, verifier)).json()["access_token"]
    result = await bearer_gql(client, token, VIEWER)
    assert result["data"]["viewer"]["workspaces"]["nodes"] == [{"id": world.a.workspace_gid}]
    result = await bearer_gql(
        client, token, "query($id: ID!) { node(id: $id) { id } }", {"id": world.b.workspace_gid}
    )
    assert result == {"data": {"node": None}}


async def test_client_credentials_need_the_secret(world, runtime, client):
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
    )
    wrong = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(machine.client_id, "nope")
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    wider = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "accounts:read accounts:write"},
        auth=(machine.client_id, machine.secret),
    )
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    for grant in ("password", "implicit"):
        response = await client.post(
            "/oauth/token",
            data={"grant_type": grant, "username": "x", "password": "y"},
            auth=(machine.client_id, machine.secret),
        )
        assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


async def test_revocation_and_introspection(world, clients, runtime, client):
    app = await make_client(runtime, world.admin, confidential=True)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app)
    tokens = (await exchange(client, app, code, verifier)).json()
    auth = (app.client_id, app.secret)
    info = (
        await client.post("/oauth/introspect", data={"token": tokens["access_token"]}, auth=auth)
    ).json()
    assert info["active"] is True and info["scope"] == tokens["scope"]
    other = await make_client(runtime, world.admin, confidential=True)
    foreign = await client.post(
        "/oauth/introspect",
        data={"token": tokens["access_token"]},
        auth=(other.client_id, other.secret),
    )
    assert foreign.json() == {"active": False}
    response = await client.post("/oauth/revoke", data={"token": tokens["access_token"]}, auth=auth)
    assert response.status_code == 200
    result = await bearer_gql(client, tokens["access_token"], VIEWER)
    assert error_codes(result) == ["UNAUTHENTICATED"]
    info = (
        await client.post("/oauth/introspect", data={"token": tokens["access_token"]}, auth=auth)
    ).json()
    assert info == {"active": False}
    await client.post(
        "/oauth/revoke",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=auth,
    )
    refresh = await token_request(
        client, app, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refresh.status_code == 400
