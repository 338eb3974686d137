"""Who is asking, for any HTTP route or WebSocket: a bearer token (integrators) or the
session cookie (browsers). Resolved lazily, inside the caller's database session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from kamp.auth.csrf import SESSION_COOKIE
from kamp.auth.oauth.bearer import bearer_principal
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_session
from kamp.errors import Unauthenticated
from kamp.runtime import Runtime

PrincipalResolver = Callable[[AsyncSession], Awaitable[Principal | None]]


def bearer_resolver(runtime: Runtime, authorization: str) -> PrincipalResolver:
    scheme, _, credentials = authorization.partition(" ")

    async def resolve(session: AsyncSession) -> Principal | None:
        if scheme.lower() != "bearer" or not credentials.strip():
            raise Unauthenticated("Use an Authorization: Bearer <access token> header.")
        return await bearer_principal(
            session,
            token=credentials.strip(),
            keys=runtime.keys,
            issuer=runtime.settings.base_url,
        )

    return resolve


def principal_resolver(connection: HTTPConnection) -> PrincipalResolver:
    """A bearer token (integrators) wins over the session cookie (browsers)."""
    runtime: Runtime = connection.app.state.runtime
    if authorization := connection.headers.get("authorization"):
        return bearer_resolver(runtime, authorization)
    cookie = connection.cookies.get(SESSION_COOKIE)

    async def resolve(session: AsyncSession) -> Principal | None:
        return await principal_for_session(session, token=cookie) if cookie else None

    return resolve
