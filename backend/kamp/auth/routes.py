"""Browser sign-in endpoints: they set and clear the HttpOnly session cookie, which GraphQL
cannot do cleanly. Every one takes JSON only (see csrf.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kamp.accounts import invitations
from kamp.auth import service
from kamp.auth.csrf import SESSION_COOKIE, csrf_problem
from kamp.db import transaction
from kamp.errors import UserError
from kamp.runtime import Runtime, after_commit


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _error(status: int, message: str, code: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": field, "message": message, "code": code}]}, status_code=status
    )


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return _error(415, "Send requests as application/json.", "UNSUPPORTED_MEDIA_TYPE")
    if problem := csrf_problem(request, base_url=_runtime(request).settings.base_url):
        return _error(problem[0], problem[1], "CSRF_REFUSED")
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "The body is not valid JSON.", "INVALID")
    if not isinstance(body, dict):
        return _error(400, "The body must be a JSON object.", "INVALID")
    return body


def client_address(request: Request) -> str:
    """The peer's address: the socket's, or a trusted proxy's X-Forwarded-For (see app.py)."""
    return request.client.host if request.client else "unknown"


def rate_limited(message: str, wait: int) -> JSONResponse:
    response = _error(429, message, "RATE_LIMITED")
    response.headers["Retry-After"] = str(wait)
    return response


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    return value if isinstance(value, str) else ""


def set_session_cookie(response: Response, runtime: Runtime, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=runtime.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=runtime.settings.is_production,
        path="/",
    )


async def login(request: Request) -> Response:
    runtime = _runtime(request)
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    email, password = _text(body, "email"), _text(body, "password")
    if not email or not password:
        return _error(400, "Enter your email and password.", "REQUIRED")
    address = client_address(request)
    rules = runtime.limiter.rules
    email_key = (address, service.normalize_email(email))
    # Both are counted on every attempt: one password sprayed over many accounts meets the
    # address's limit, many passwords against one account the (address, email) one.
    waits = [
        await runtime.limiter.hit(rules.login_address, address),
        await runtime.limiter.hit(rules.login_email, *email_key),
    ]
    if wait := max(waits):
        return rate_limited("Too many sign-in attempts. Try again later.", wait)
    async with transaction(runtime.session_factory) as session:
        token = await service.sign_in(
            session,
            email=email,
            password=password,
            lifetime=timedelta(hours=runtime.settings.session_hours),
            user_agent=request.headers.get("user-agent", ""),
        )
    if token is None:
        return _error(401, "The email or password is not right.", "INVALID_CREDENTIALS")
    await runtime.limiter.reset(rules.login_email, *email_key)
    response = JSONResponse({"ok": True})
    set_session_cookie(response, runtime, token)
    return response


async def logout(request: Request) -> Response:
    runtime = _runtime(request)
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    if token := request.cookies.get(SESSION_COOKIE):
        async with transaction(runtime.session_factory) as session:
            await service.sign_out(session, token=token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def invitation_preview(request: Request) -> Response:
    runtime = _runtime(request)
    async with transaction(runtime.session_factory) as session:
        try:
            preview = await invitations.preview_invitation(
                session, token=request.path_params["token"]
            )
        except UserError as error:
            return _error(404, error.message, error.error_code, error.field)
    return JSONResponse(
        {
            "email": preview.email,
            "role": preview.role,
            "workspaceName": preview.workspace_name,
            "hasAccount": preview.has_account,
        }
    )


async def invitation_accept(request: Request) -> Response:
    """Accept an invitation and sign in, in one transaction."""
    runtime = _runtime(request)
    body = await _json_body(request)
    if isinstance(body, JSONResponse):
        return body
    # An existing account proves its password here: as guessable as the sign-in form.
    if wait := await runtime.limiter.hit(runtime.limiter.rules.invitation, client_address(request)):
        return rate_limited("Too many attempts. Try again later.", wait)
    try:
        async with transaction(runtime.session_factory) as session:
            user = await invitations.accept_invitation(
                session,
                token=_text(body, "token"),
                password=_text(body, "password"),
                display_name=_text(body, "displayName"),
            )
            token = await service.start_session(
                session,
                user=user,
                lifetime=timedelta(hours=runtime.settings.session_hours),
                user_agent=request.headers.get("user-agent", ""),
            )
    except UserError as error:
        return _error(400, error.message, error.error_code, error.field)
    await after_commit(session, queue=runtime.queue, broker=runtime.broker)
    response = JSONResponse({"ok": True})
    set_session_cookie(response, runtime, token)
    return response


routes = [
    Route("/auth/login", login, methods=["POST"]),
    Route("/auth/logout", logout, methods=["POST"]),
    Route("/auth/invitations/accept", invitation_accept, methods=["POST"]),
    Route("/auth/invitations/{token}", invitation_preview, methods=["GET"]),
]
