"""Security headers on every response: CSP with frame-ancestors, X-Frame-Options, nosniff,
Referrer-Policy; HSTS only when the portal is served over https."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kamp.app import create_app
from kamp.settings import Settings


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
def web_settings(settings: Settings, tmp_path: Path) -> Settings:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/a.js"></script>')
    return replace(settings, frontend_dir=dist)


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/login"), ("GET", "/healthz"), ("POST", "/graphql"), ("GET", "/nope")],
)
async def test_every_response_carries_the_headers(web_settings, method, path):
    async for http in _client(web_settings):
        response = await http.request(method, path, json={"query": "{ __typename }"})
        headers = response.headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers
        policy = _directives(headers["content-security-policy"])
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'", "ws://testserver"]
        assert policy["object-src"] == ["'none'"]


async def test_hsts_when_served_over_https(web_settings):
    async for http in _client(replace(web_settings, base_url="https://kamp.example.com")):
        response = await http.get("/login")
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        policy = _directives(response.headers["content-security-policy"])
        assert policy["connect-src"] == ["'self'", "wss://kamp.example.com"]


async def test_graphiql_gets_its_own_policy_outside_production(settings):
    async for http in _client(settings):
        response = await http.get("/graphql", headers={"accept": "text/html"})
        assert response.status_code == 200
        policy = _directives(response.headers["content-security-policy"])
        assert "https://unpkg.com" in policy["script-src"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert response.headers["x-frame-options"] == "DENY"
