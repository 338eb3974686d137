"""Security headers on every HTTP response: a Content-Security-Policy the web app runs under,
no framing (clickjacking), no MIME sniffing, a same-origin Referer and, when the portal is
served over https, HSTS.

A pure ASGI middleware: it only edits the `http.response.start` message, so streamed bodies
and WebSocket connections pass through untouched (Starlette's BaseHTTPMiddleware would buffer
the one and not see the other)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The built web app is one module script and a stylesheet from our own origin; the GraphQL
# WebSocket is same-origin too, but `'self'` does not cover ws:/wss: in every browser.
WEB_APP_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self' {websocket}",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)
# GraphiQL (development only) is an inline page that loads its code from a CDN.
GRAPHIQL_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://unpkg.com",
        "style-src 'self' 'unsafe-inline' https://unpkg.com",
        "img-src 'self' data:",
        "font-src 'self' data: https://unpkg.com",
        "connect-src 'self' {websocket}",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
HSTS_SECONDS = 365 * 24 * 3600


def _websocket_origin(base_url: str) -> str:
    """ws(s)://host of the public base URL, for connect-src."""
    scheme, _, rest = base_url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{'wss' if scheme == 'https' else 'ws'}://{host}"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, base_url: str, graphiql: bool = False) -> None:
        self.app = app
        websocket = _websocket_origin(base_url)
        self.policy = WEB_APP_POLICY.format(websocket=websocket).encode()
        self.graphiql_policy = GRAPHIQL_POLICY.format(websocket=websocket).encode()
        self.graphiql = graphiql
        self.headers: list[tuple[bytes, bytes]] = [
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if base_url.startswith("https://"):
            self.headers.append((b"strict-transport-security", f"max-age={HSTS_SECONDS}".encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policy
        if self.graphiql and scope["path"] == "/graphql" and scope["method"] == "GET":
            policy = self.graphiql_policy

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _REPLACED
                ]
                headers.extend(self.headers)
                headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_REPLACED = {
    b"x-frame-options",
    b"x-content-type-options",
    b"referrer-policy",
    b"cross-origin-opener-policy",
    b"strict-transport-security",
    b"content-security-policy",
}
