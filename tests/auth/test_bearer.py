"""Tokens the API must refuse: every forgery and misuse in the list gets UNAUTHENTICATED and
runs no resolver, whatever the claims inside say."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from kamp import clock
from kamp.accounts.models import Role
from kamp.auth.oauth.keys import load_key_ring
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.support import error_codes, gql

VIEWER = "{ viewer { user { email } } }"


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
async def forge(runtime, world):
    """Signs claims with kamp's real key (or others), so that one thing at a time is wrong."""
    async with runtime.session_factory() as session:
        ring = await load_key_ring(session, secret_key=runtime.settings.secret_key)
        await session.commit()
    machine = await make_client(
        runtime,
        world.admin,
        kind=__import__("kamp.auth.oauth.clients", fromlist=["x"]).ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
    )
    now = int(clock.timestamp())
    good_claims = {
        "iss": "http://testserver",
        "aud": "http://testserver/graphql",
        "sub": machine.client_id,
        "client_id": machine.client_id,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "scope": "accounts:read",
    }

    def sign(claims=None, header=None, key=None, algorithm="RS256") -> str:
        head = {"alg": algorithm, "kid": ring.kid, "typ": "at+jwt", **(header or {})}
        return jwt.encode(
            head, {**good_claims, **(claims or {})}, key or ring.signing, algorithms=[algorithm]
        )

    sign.ring = ring  # type: ignore[attr-defined]
    sign.claims = good_claims  # type: ignore[attr-defined]
    return sign


async def test_a_well_formed_token_is_accepted(forge, client):
    """The control: with nothing wrong, the forged-by-us token is good (so each refusal below
    is about the one thing that differs)."""
    result = await bearer_gql(client, forge(), "{ viewer { side } }")
    assert result == {"data": {"viewer": {"side": "SUPPLIER"}}}


def _hs256_with(secret: bytes, claims: dict, kid: str) -> str:
    """The classic confusion attack: HMAC keyed with the published RSA public key."""
    signing_input = _b64({"alg": "HS256", "typ": "at+jwt", "kid": kid}) + "." + _b64(claims)
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(mac)


def _cases(forge) -> dict[str, str]:
    ring = forge.ring
    now = int(clock.timestamp())
    attacker = RSAKey.generate_key(2048, auto_kid=True)
    public_pem = ring.signing.as_pem(private=False)
    unsigned = (
        _b64({"alg": "none", "typ": "at+jwt", "kid": ring.kid})
        + "."
        + _b64(
            {
                "iss": "http://testserver",
                "aud": "http://testserver/graphql",
                "sub": "x",
                "client_id": "x",
                "iat": now,
                "exp": now + 300,
                "jti": "x",
            }
        )
        + "."
    )
    return {
        "alg none": unsigned,
        "HS256 with the public key": _hs256_with(public_pem, forge.claims, ring.kid),
        "injected jwk": forge(header={"jwk": attacker.as_dict(private=False)}, key=attacker),
        "injected jku": forge(header={"jku": "https://evil.example/jwks"}, key=attacker),
        "signed by another key under our kid": forge(key=attacker),
        "wrong iss": forge({"iss": "https://evil.example"}),
        "wrong aud": forge({"aud": "https://other.example/api"}),
        "expired": forge({"exp": now - 3600, "iat": now - 4000, "nbf": now - 4000}),
        "future nbf": forge({"nbf": now + 3600}),
        "unknown kid": forge(header={"kid": "not-a-key-of-ours"}),
        "id token (typ JWT)": forge(header={"typ": "JWT"}),
        "missing jti": forge({"jti": None}),
        "garbage": "not.a.token",
    }


async def test_forged_and_misused_tokens_are_refused(forge, client, runtime):
    for name, token in _cases(forge).items():
        result = await bearer_gql(client, token, "{ viewer { side } }")
        assert error_codes(result) == ["UNAUTHENTICATED"], name
        assert result["data"] is None or result["data"]["viewer"] is None, name


async def test_tokens_claiming_a_longer_life_than_kamp_gives_are_refused(forge, client):
    """Well signed, but not made by the token endpoint: no token outlives the lifetime kamp
    issues (plus a little skew), nor was issued in the future."""
    now = int(clock.timestamp())
    cases = {
        "ten-year exp": forge({"exp": now + 10 * 365 * 24 * 3600}),
        "an hour": forge({"exp": now + 3600}),
        "iat in the future": forge({"iat": now + 3600, "exp": now + 3900}),
    }
    for name, token in cases.items():
        result = await bearer_gql(client, token, "{ viewer { side } }")
        assert error_codes(result) == ["UNAUTHENTICATED"], name
    # The control: a token with exactly kamp's lifetime, issued a moment ago, is good.
    good = forge({"iat": now - 10, "exp": now + 290})
    assert await bearer_gql(client, good, "{ viewer { side } }") == {
        "data": {"viewer": {"side": "SUPPLIER"}}
    }


async def test_a_real_id_token_is_not_an_access_token(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.KAM))
    code, verifier = await get_code(browser, app)
    tokens = (await exchange(client, app, code, verifier)).json()
    assert "data" in await bearer_gql(client, tokens["access_token"], VIEWER)
    result = await bearer_gql(client, tokens["id_token"], VIEWER)
    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_other_authorization_schemes_are_refused(client):
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer    "):
        response = await client.post(
            "/graphql", json={"query": VIEWER}, headers={"authorization": header}
        )
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_client_loses_its_tokens_at_once(forge, client, world, clients):
    token = forge()
    assert "errors" not in await bearer_gql(client, token, "{ viewer { side } }")
    admin = await clients.as_user(world.admin.email)
    ids = (await gql(admin, "{ oauthClients { nodes { id } } }"))["data"]["oauthClients"]["nodes"]
    result = await gql(
        admin,
        "mutation($input: OAuthClientInput!) { revokeOAuthClient(input: $input) { client { revokedAt } errors { code } } }",
        {"input": {"id": ids[0]["id"]}},
    )
    assert "errors" not in result, result
    assert result["data"]["revokeOAuthClient"]["client"]["revokedAt"]
    assert error_codes(await bearer_gql(client, token, "{ viewer { side } }")) == [
        "UNAUTHENTICATED"
    ]


async def test_rotated_keys_keep_verifying_and_new_tokens_use_the_new_key(forge, client, runtime):
    from kamp.auth.oauth.keys import rotate

    old_token = forge()
    async with runtime.session_factory() as session:
        new_key = await rotate(session, secret_key=runtime.settings.secret_key)
        await session.commit()
    # A process that has not reloaded yet learns of the new key from the token's kid.
    keys = (await client.get("/oauth/jwks")).json()["keys"]
    assert {k["kid"] for k in keys} >= {forge.ring.kid}
    assert "errors" not in await bearer_gql(client, old_token, "{ viewer { side } }")
    ring = await runtime.keys.get(unknown_kid=new_key.kid)
    assert ring.kid == new_key.kid
