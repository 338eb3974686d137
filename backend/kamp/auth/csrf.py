"""CSRF rules for endpoints that honour the session cookie.

A browser can send a cross-site POST only with a "simple" content type (form, multipart,
text/plain) unless CORS allows it, and we allow no cross-origin requests. So a cookie-borne
state change must be a JSON POST, and its Origin, when sent, must be ours."""

from __future__ import annotations

from starlette.requests import HTTPConnection

SESSION_COOKIE = "kamp_session"


def csrf_problem(request: HTTPConnection) -> tuple[int, str] | None:
    """Why this request must be refused, as (status, message), or None when it may proceed."""
    method = request.scope.get("method", "GET")
    if method in ("GET", "HEAD", "OPTIONS"):
        return None
    if SESSION_COOKIE not in request.cookies:
        return None  # bearer tokens and anonymous calls are not forgeable by a browser
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return 415, "Send requests as application/json."
    origin = request.headers.get("origin")
    if origin is not None and origin != _own_origin(request):
        return 403, "Cross-origin requests are not allowed."
    return None


def _own_origin(request: HTTPConnection) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"
