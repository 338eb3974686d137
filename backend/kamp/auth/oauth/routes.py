"""HTTP endpoints of the authorization server: authorize (with the consent page), token,
revoke, introspect, JWKS and the discovery documents."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from html import escape
from typing import Any, NamedTuple, TypeVar, cast
from urllib.parse import urlencode

from authlib.oauth2.rfc6749.errors import OAuth2Error
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kamp.accounts.models import Organization
from kamp.auth.csrf import SESSION_COOKIE
from kamp.auth.oauth.adapters import KampRequest, KampUser
from kamp.auth.oauth.keys import ALGORITHM
from kamp.auth.oauth.scopes import CATALOGUE, parse_scope
from kamp.auth.oauth.server import KampAuthorizationServer
from kamp.auth.routes import client_address
from kamp.auth.service import user_for_session
from kamp.db import transaction
from kamp.runtime import Runtime

Outcome = tuple[int, Any, list[tuple[str, str]]]
T = TypeVar("T")


class _Consent(NamedTuple):
    client_name: str
    org_name: str
    scope: str


def _outcome(response: object) -> Outcome:
    """What authlib returns: the server's `handle_response` of its status, body and headers."""
    return cast(Outcome, response)


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def _kamp_request(request: Request) -> KampRequest:
    runtime = _runtime(request)
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/x-www-form-urlencoded":
            form = [(k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)]
    # authlib checks the transport of the URI: use the public one (https behind a proxy).
    uri = runtime.settings.base_url + request.url.path
    if request.url.query:
        uri += "?" + request.url.query
    return KampRequest(
        method=request.method,
        uri=uri,
        headers=request.headers,
        args=list(request.query_params.multi_items()),
        form=form,
        ip=client_address(request),
    )


async def _run(request: Request, action: Callable[[KampAuthorizationServer], T]) -> T:
    """Run an authlib call on a sync session in one transaction. Errors authlib turns into
    responses still commit: a detected token reuse must stay revoked."""
    runtime = _runtime(request)
    keys = await runtime.keys.get()
    issuer = runtime.settings.base_url
    async with transaction(runtime.session_factory) as session:

        def call(db: Session) -> T:
            return action(KampAuthorizationServer(db=db, keys=keys, issuer=issuer))

        return await session.run_sync(call)


def _json_outcome(outcome: Outcome) -> Response:
    status, body, headers = outcome
    content = body if isinstance(body, str) else json.dumps(body)
    response = Response(content, status_code=status, media_type="application/json")
    for name, value in headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers["cache-control"] = "no-store"
    return response


async def token(request: Request) -> Response:
    limiter = _runtime(request).limiter
    if wait := await limiter.hit(limiter.rules.token, client_address(request)):
        return JSONResponse(
            {"error": "slow_down", "error_description": "Too many token requests."},
            status_code=429,
            headers={"retry-after": str(wait), "cache-control": "no-store"},
        )
    kamp_request = await _kamp_request(request)
    return _json_outcome(await _run(request, lambda s: s.create_token_response(kamp_request)))


async def revoke(request: Request) -> Response:
    kamp_request = await _kamp_request(request)
    outcome = await _run(request, lambda s: s.create_endpoint_response("revocation", kamp_request))
    return _json_outcome(outcome)


async def introspect(request: Request) -> Response:
    kamp_request = await _kamp_request(request)
    outcome = await _run(
        request, lambda s: s.create_endpoint_response("introspection", kamp_request)
    )
    return _json_outcome(outcome)


async def jwks(request: Request) -> Response:
    ring = await _runtime(request).keys.get()
    return JSONResponse(ring.jwks(), headers={"cache-control": "public, max-age=300"})


def server_metadata(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "introspection_endpoint": f"{issuer}/oauth/introspect",
        "jwks_uri": f"{issuer}/oauth/jwks",
        "scopes_supported": list(CATALOGUE),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "name", "email", "nonce"],
    }


async def metadata(request: Request) -> Response:
    return JSONResponse(server_metadata(_runtime(request).settings.base_url))


# --- authorize and consent -----------------------------------------------------------------


def _consent_token(secret_key: str, session_token: str) -> str:
    """Ties the consent form to the signed-in session (the form is not JSON, so csrf.py's
    content-type rule cannot protect it)."""
    return hmac.new(
        secret_key.encode(), f"consent:{session_token}".encode(), hashlib.sha256
    ).hexdigest()


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · kamp</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="consent" id="main"><h1>{escape(title)}</h1>{body}</main></body></html>""",
        status_code=status,
        headers={
            "cache-control": "no-store",
            "x-frame-options": "DENY",
            "content-security-policy": "frame-ancestors 'none'",
        },
    )


def _error_outcome_response(outcome: Outcome) -> Response:
    status, body, headers = outcome
    location = dict((k.lower(), v) for k, v in headers).get("location")
    if location:
        return RedirectResponse(location, status_code=302)
    detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else body
    return _page("This sign-in request cannot be used", f"<p>{escape(str(detail))}</p>", status)


async def authorize(request: Request) -> Response:
    runtime = _runtime(request)
    session_token = request.cookies.get(SESSION_COOKIE, "")
    async with transaction(runtime.session_factory) as session:
        user = await user_for_session(session, token=session_token) if session_token else None
    if user is None:
        next_url = request.url.path + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": next_url}), status_code=302)

    kamp_request = await _kamp_request(request)
    end_user = KampUser(user)
    if request.method == "POST":
        expected = _consent_token(runtime.settings.secret_key, session_token)
        if not hmac.compare_digest(kamp_request.form.get("consent_token", ""), expected):
            return _page("This form has expired", "<p>Go back to the app and try again.</p>", 400)
        # The decision is posted with the original request's parameters in the query string.
        approve = kamp_request.form.get("decision") == "approve"

        def decide(server: KampAuthorizationServer) -> Outcome:
            try:
                grant = server.get_consent_grant(request=kamp_request, end_user=end_user)
            except OAuth2Error as error:
                return _outcome(server.handle_error_response(kamp_request, error))
            return _outcome(
                server.create_authorization_response(
                    request=kamp_request, grant_user=end_user if approve else None, grant=grant
                )
            )

        outcome = await _run(request, decide)
        return _error_outcome_response(outcome)

    def validate(server: KampAuthorizationServer) -> Outcome | _Consent:
        try:
            grant = server.get_consent_grant(request=kamp_request, end_user=end_user)
        except OAuth2Error as error:
            return _outcome(server.handle_error_response(kamp_request, error))
        client = grant.request.client.row
        org = server.db.get(Organization, client.organization_id)
        return _Consent(client.name, org.name if org else "", grant.request.scope or "")

    result = await _run(request, validate)
    if not isinstance(result, _Consent):
        return _error_outcome_response(result)
    client_name, org_name, scope = result
    items = "".join(
        f"<li><code>{escape(s)}</code> {escape(CATALOGUE.get(s, s))}</li>"
        for s in parse_scope(scope)
    )
    token_value = _consent_token(runtime.settings.secret_key, session_token)
    query = escape(request.url.query, quote=True)
    body = f"""
<p><strong>{escape(client_name)}</strong> (registered by {escape(org_name)}) asks to act
for you, <strong>{escape(user.display_name)}</strong> ({escape(user.email)}), in kamp.
It will be able to:</p>
<ul class="scopes">{items or "<li>Nothing beyond knowing you signed in</li>"}</ul>
<p>It can never do more than your own role allows.</p>
<form method="post" action="/oauth/authorize?{query}">
  <input type="hidden" name="consent_token" value="{token_value}">
  <button type="submit" name="decision" value="approve" class="primary">Allow</button>
  <button type="submit" name="decision" value="deny">Deny</button>
</form>"""
    return _page(f"Allow {client_name}?", body)


routes = [
    Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/revoke", revoke, methods=["POST"]),
    Route("/oauth/introspect", introspect, methods=["POST"]),
    Route("/oauth/jwks", jwks, methods=["GET"]),
    Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
    Route("/.well-known/openid-configuration", metadata, methods=["GET"]),
]
