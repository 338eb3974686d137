"""Helpers for OAuth tests: registering clients, PKCE, and the browser's part of the flow."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind, register_client
from kamp.auth.service import principal_for_user
from kamp.runtime import Runtime

REDIRECT = "https://app.example.com/callback"


@dataclass
class RegisteredClient:
    pk: uuid.UUID
    client_id: str
    secret: str | None


async def make_client(
    runtime: Runtime,
    owner,
    *,
    kind: ClientKind = ClientKind.APPLICATION,
    scopes: tuple[str, ...] = ("accounts:read", "accounts:write", "openid", "offline_access"),
    confidential: bool = False,
    role: Role | None = None,
    key_account_ids: tuple[uuid.UUID, ...] = (),
) -> RegisteredClient:
    async with runtime.session_factory() as session:
        principal = await principal_for_user(session, user=owner)
        row, secret = await register_client(
            session,
            principal=principal,
            name="Test integration",
            kind=kind,
            scopes=scopes,
            redirect_uris=[REDIRECT] if kind == ClientKind.APPLICATION else [],
            confidential=confidential,
            role=role,
            key_account_ids=key_account_ids,
        )
        await session.commit()
    return RegisteredClient(row.id, row.client_id, secret)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def authorize_params(
    client: RegisteredClient, challenge: str | None, **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT,
        "scope": "accounts:read accounts:write openid offline_access",
        "state": "st-" + secrets.token_hex(4),
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | extra


async def consent(
    browser: httpx.AsyncClient, params: dict[str, str], decision: str = "approve"
) -> httpx.Response:
    """The signed-in user opens the consent page and answers it; returns the final response."""
    page = await browser.get("/oauth/authorize", params=params)
    if page.status_code != 200:
        return page
    token = re.search(r'name="consent_token" value="([0-9a-f]+)"', page.text)
    assert token, page.text
    return await browser.post(
        "/oauth/authorize?" + urlencode(params),
        data={"consent_token": token.group(1), "decision": decision},
    )


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def get_code(
    browser: httpx.AsyncClient, client: RegisteredClient, **extra: str
) -> tuple[str, str]:
    verifier, challenge = pkce()
    params = authorize_params(client, challenge, **extra)
    query = redirect_query(await consent(browser, params))
    assert query["state"] == params["state"]
    return query["code"], verifier


async def token_request(
    http: httpx.AsyncClient, client: RegisteredClient, **form: str
) -> httpx.Response:
    auth = (client.client_id, client.secret) if client.secret else None
    if auth is None:
        form.setdefault("client_id", client.client_id)
    return await http.post("/oauth/token", data=form, auth=auth)


async def exchange(
    http, client, code: str, verifier: str, redirect_uri: str = REDIRECT
) -> httpx.Response:
    return await token_request(
        http,
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=verifier,
    )


async def bearer_gql(http: httpx.AsyncClient, token: str, query: str, variables=None) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()
