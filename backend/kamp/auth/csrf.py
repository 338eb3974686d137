"""CSRF rules for endpoints that honour the session cookie.

A browser can send a cross-site POST only with a "simple" content type (form, multipart,
text/plain) unless CORS allows it, and we allow no cross-origin requests. So a cookie-borne
state change must be a JSON POST, and its Origin, when sent, must be ours."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

SESSION_COOKIE = "kamp_session"


def csrf_problem(request: HTTPConnection, *, base_url: str) -> tuple[int, str] | None:
    """Why this request must be refused, as (status, message), or None when it may proceed.

    `base_url` is the portal's public URL: behind a TLS proxy the request itself may look
    like plain http, but the browser's Origin is the public one."""
    method = request.scope.get("method", "GET")
    if method in ("GET", "HEAD", "OPTIONS"):
        return None
    if SESSION_COOKIE not in request.cookies:
        return None  # bearer tokens and anonymous calls are not forgeable by a browser
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return 415, "Send requests as application/json."
    origin = request.headers.get("origin")
    if origin is not None and origin not in (_origin(base_url), _origin(str(request.url))):
        return 403, "Cross-origin requests are not allowed."
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
