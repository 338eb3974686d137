"""Federated sign-in endpoints ("sign in with your company").

The browser goes to /auth/federated/start, on to its organization's OpenID provider, and back
to /auth/federated/callback, which checks everything authlib can (state, PKCE, the ID token's
signature, issuer, audience and nonce) and then starts the same session as a local sign-in.
Every failure ends on the sign-in page with a short `signin_error` code; the reason is logged."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc.errors import JoseError
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kamp.auth import service as auth_service
from kamp.auth.crypto import decrypt
from kamp.auth.federation import service
from kamp.auth.federation.models import IdentityProvider
from kamp.auth.routes import set_session_cookie
from kamp.db import transaction
from kamp.runtime import Runtime, after_commit

log = logging.getLogger("kamp.auth.federation")

FLOW_COOKIE = "kamp_federation"
FLOW_SECONDS = 600
# Metadata (endpoints, signing keys) is re-read at least this often, and on unknown key IDs.
CLIENT_SECONDS = 3600
_PROVIDER_KEY = "provider"


class SignInFailed(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


# --- the flow's state: one short-lived, encrypted cookie ---------------------------------------


class FlowSession:
    """`request.session` for these routes only (authlib keeps state, nonce and the PKCE
    verifier there). Like Starlette's SessionMiddleware, but encrypted rather than merely
    signed, and without the itsdangerous dependency; the key comes from the runtime settings."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def _fernet(scope: Scope) -> Fernet:
        secret = scope["app"].state.runtime.settings.secret_key.encode()
        key = HKDF(hashes.SHA256(), 32, salt=b"kamp-federation", info=b"flow").derive(secret)
        return Fernet(base64.urlsafe_b64encode(key))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fernet = self._fernet(scope)
        raw = Request(scope).cookies.get(FLOW_COOKIE)
        data: dict[str, Any] = {}
        if raw:
            try:
                data = json.loads(fernet.decrypt(raw.encode(), ttl=FLOW_SECONDS))
            except (InvalidToken, ValueError):
                data = {}
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)
        secure = scope["app"].state.runtime.settings.is_production

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = json.dumps(scope["session"], sort_keys=True)
                if now != before or (raw and not scope["session"]):
                    value = fernet.encrypt(now.encode()).decode() if scope["session"] else ""
                    cookie: SimpleCookie = SimpleCookie()
                    cookie[FLOW_COOKIE] = value
                    morsel = cookie[FLOW_COOKIE]
                    morsel["path"] = "/auth/federated"
                    morsel["httponly"] = True
                    morsel["max-age"] = FLOW_SECONDS if value else 0
                    morsel["samesite"] = "lax"  # sent on the provider's top-level redirect back
                    if secure:
                        morsel["secure"] = True
                    MutableHeaders(scope=message).append("set-cookie", morsel.OutputString())
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# --- authlib clients, one per provider per process --------------------------------------------


@dataclass
class _Cached:
    version: int
    built: float
    client: StarletteOAuth2App


_clients: dict[uuid.UUID, _Cached] = {}


def _client(provider: IdentityProvider, secret_key: str) -> StarletteOAuth2App:
    """Rebuilt when the provider row changes (its version) and when the cached metadata ages."""
    cached = _clients.get(provider.id)
    if (
        cached is not None
        and cached.version == provider.version
        and time.monotonic() - cached.built < CLIENT_SECONDS
    ):
        return cached.client
    # A registry of its own: OAuth().register returns an already created client by name.
    client = OAuth().register(
        name=f"idp-{provider.id}",
        client_id=provider.client_id,
        client_secret=decrypt(secret_key, provider.client_secret_encrypted),
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": 10,
        },
    )
    _clients[provider.id] = _Cached(provider.version, time.monotonic(), client)
    return client


async def _checked_client(provider: IdentityProvider, secret_key: str) -> StarletteOAuth2App:
    """The client, once its provider's discovery document names the configured issuer:
    authlib checks ID tokens against the document's issuer, so the two must be the same."""
    client = _client(provider, secret_key)
    metadata = await client.load_server_metadata()
    if metadata.get("issuer") != provider.issuer:
        _clients.pop(provider.id, None)  # read the document again next time
        raise SignInFailed(
            "issuer_mismatch",
            f"provider {provider.slug} reports issuer {str(metadata.get('issuer'))[:200]!r}, "
            f"configured {provider.issuer!r}",
        )
    return client


# --- endpoints ------------------------------------------------------------------------------


def _failed(code: str) -> Response:
    response = RedirectResponse(f"/login?signin_error={code}", status_code=303)
    response.headers["cache-control"] = "no-store"
    return response


async def _guarded(request: Request, step: str, run: Callable[[], Awaitable[Response]]) -> Response:
    """Run one step of the flow; any failure becomes a redirect with a short code."""
    try:
        return await run()
    except SignInFailed as error:
        log.warning("federated sign-in refused at %s: %s (%s)", step, error.code, error)
        request.session.clear()
        return _failed(error.code)
    except (OAuthError, JoseError) as error:
        log.warning("federated sign-in refused at %s: %r", step, error)
        request.session.clear()
        return _failed("invalid_response")
    except Exception:  # a provider down or answering nonsense: the person gets a code, not a trace
        log.exception("federated sign-in failed at %s", step)
        request.session.clear()
        return _failed("provider_unavailable")


async def start(request: Request) -> Response:
    runtime = _runtime(request)
    email = request.query_params.get("email", "").strip()[:320]
    slug = request.query_params.get("provider", "").strip()[:64]

    async def run() -> Response:
        async with runtime.session_factory() as session:
            if slug:
                provider = await service.provider_by_slug(session, slug=slug)
            else:
                provider = await service.provider_for_email(session, email=email)
        if provider is None:
            raise SignInFailed("no_provider", f"no enabled provider for {slug or email!r}")
        client = await _checked_client(provider, runtime.settings.secret_key)
        extra = {"login_hint": email} if email else {}
        response = await client.authorize_redirect(
            request,
            runtime.settings.base_url + "/auth/federated/callback",
            nonce=secrets.token_urlsafe(32),
            **extra,
        )
        request.session[_PROVIDER_KEY] = str(provider.id)
        return response

    return await _guarded(request, "start", run)


async def callback(request: Request) -> Response:
    runtime = _runtime(request)

    async def run() -> Response:
        provider_id = request.session.get(_PROVIDER_KEY)
        if not provider_id:
            raise SignInFailed("expired", "no flow in progress (cookie missing or expired)")
        async with runtime.session_factory() as session:
            provider = await session.get(IdentityProvider, uuid.UUID(provider_id))
        if provider is None or not provider.enabled:
            raise SignInFailed("provider_disabled", f"provider {provider_id} gone or disabled")
        if error := request.query_params.get("error"):
            # The person cancelled, or the provider would not sign them in.
            description = request.query_params.get("error_description", "")
            raise SignInFailed("provider_refused", f"{error[:100]}: {description[:300]}")
        client = await _checked_client(provider, runtime.settings.secret_key)
        # RFC 9207: a provider that names itself in the response must be the one we sent to.
        iss = request.query_params.get("iss")
        if iss is not None and iss != provider.issuer:
            raise SignInFailed("issuer_mismatch", f"response from {iss[:200]!r}")
        token = await client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "sub": {"essential": True},
            },
        )
        claims = await _claims(client, token)
        async with transaction(runtime.session_factory) as session:
            provider = await session.get(IdentityProvider, provider.id)
            if provider is None:
                raise SignInFailed("provider_disabled", "provider removed during sign-in")
            user = await service.complete_sign_in(session, provider=provider, claims=claims)
            if isinstance(user, service.Refusal):
                raise SignInFailed(user.value, f"{claims.get('email')!r} via {provider.slug}")
            session_token = await auth_service.start_session(
                session,
                user=user,
                lifetime=timedelta(hours=runtime.settings.session_hours),
                user_agent=request.headers.get("user-agent", ""),
            )
        # Like a local invitation acceptance: deferred jobs and change events go out now.
        await after_commit(session, queue=runtime.queue, broker=runtime.broker)
        log.info("federated sign-in", extra={"provider": provider.slug, "user_id": str(user.id)})
        request.session.clear()
        response = RedirectResponse("/", status_code=303)
        response.headers["cache-control"] = "no-store"
        set_session_cookie(response, runtime, session_token)
        return response

    return await _guarded(request, "callback", run)


async def _claims(client: StarletteOAuth2App, token: dict[str, Any]) -> dict[str, Any]:
    """The verified ID token's claims; email ones from the UserInfo endpoint when the provider
    keeps them out of the ID token (the same subject's, per OpenID Connect Core 5.3.2)."""
    if not token.get("userinfo"):
        raise SignInFailed("invalid_response", "no ID token in the token response")
    claims = dict(token["userinfo"])
    if "email" not in claims and (await client.load_server_metadata()).get("userinfo_endpoint"):
        info = await client.userinfo(token=token)
        if info.get("sub") != claims["sub"]:
            raise SignInFailed("invalid_response", "UserInfo is about another subject")
        for key in ("email", "email_verified", "name"):
            if key in info:
                claims[key] = info[key]
    return claims


async def providers(request: Request) -> Response:
    """Which provider, if any, the sign-in page should offer for an email address."""
    email = request.query_params.get("email", "")
    async with _runtime(request).session_factory() as session:
        provider = await service.provider_for_email(session, email=email)
    found = {"slug": provider.slug, "displayName": provider.display_name} if provider else None
    return JSONResponse({"provider": found}, headers={"cache-control": "no-store"})


_flow = [Middleware(FlowSession)]

routes: list[BaseRoute] = [
    Route("/auth/federated/providers", providers, methods=["GET"]),
    Route("/auth/federated/start", start, methods=["GET"], middleware=_flow),
    Route("/auth/federated/callback", callback, methods=["GET"], middleware=_flow),
]
