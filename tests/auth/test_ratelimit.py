"""Attempt limits: per address across emails (password spraying), per (address, email), on
the OAuth token endpoint and on invitation acceptance; the address is the socket's peer
unless a configured proxy forwards the request."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kamp.accounts.models import Role
from kamp.app import create_app
from kamp.settings import Settings
from tests.support import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


async def _app_client(
    settings: Settings, client: tuple[str, int]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _app_client(settings, ("127.0.0.1", 50000)):
        yield client


async def test_one_password_sprayed_over_many_emails_is_limited(world, http, settings):
    emails = [f"person{n}@customer-a.example.com" for n in range(settings.login_address_attempts)]
    for email in emails:
        response = await http.post("/auth/login", json={"email": email, "password": "Spring2026!"})
        assert response.status_code == 401
    response = await http.post(
        "/auth/login", json={"email": world.a.email(Role.KAM), "password": "Spring2026!"}
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    # Another address has its own allowance.
    async for other in _app_client(settings, ("192.0.2.7", 50000)):
        response = await other.post(
            "/auth/login", json={"email": world.a.email(Role.KAM), "password": PASSWORD}
        )
        assert response.status_code == 200


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(world, settings):
    email = world.a.email(Role.KAM)
    attempts = settings.login_attempts + 1

    async def statuses(config: Settings) -> list[int]:
        out = []
        async for http in _app_client(config, ("127.0.0.1", 50000)):
            for n in range(attempts):
                response = await http.post(
                    "/auth/login",
                    json={"email": email, "password": "bad-bad-bad"},
                    headers={"x-forwarded-for": f"198.51.100.{n}"},
                )
                out.append(response.status_code)
        return out

    assert (await statuses(settings))[-1] == 429
    # Behind a configured proxy each forwarded address is a client of its own.
    trusting = replace(settings, trusted_proxies=("127.0.0.1",))
    assert await statuses(trusting) == [401] * attempts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_served_portal_trusts_no_local_proxy_by_default(database_url, tmp_path):
    """`kamp serve` itself: a local peer's X-Forwarded-For does not buy a fresh allowance."""
    port = _free_port()
    env = {
        **os.environ,
        "KAMP_DATABASE_URL": database_url,
        "KAMP_BASE_URL": f"http://127.0.0.1:{port}",
        "KAMP_REDIS_URL": "",
        "KAMP_LOGIN_ATTEMPTS": "2",
        "KAMP_LOG_LEVEL": "WARNING",
        "KAMP_FRONTEND_DIR": str(tmp_path),
    }
    env.pop("KAMP_TRUSTED_PROXIES", None)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kamp.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, (
                tmp_path / "serve.log"
            ).read_text()
            time.sleep(0.2)
        statuses = [
            httpx.post(
                f"{url}/auth/login",
                json={"email": "someone@example.com", "password": "bad-bad-bad"},
                headers={"x-forwarded-for": f"198.51.100.{n}"},
                timeout=10,
            ).status_code
            for n in range(3)
        ]
        assert statuses == [401, 401, 429]
    finally:
        server.terminate()
        server.wait(10)
        log.close()


async def test_token_endpoint_is_limited(world, http, settings):
    body = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}
    for _ in range(settings.token_requests_per_minute):
        assert (await http.post("/oauth/token", data=body)).json()["error"] == "invalid_client"
    response = await http.post("/oauth/token", data=body)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["cache-control"] == "no-store"


async def test_invitation_acceptance_is_limited(world, http, settings):
    body = {"token": "guess", "password": "a long enough password", "displayName": "X"}
    for _ in range(settings.invitation_attempts):
        assert (await http.post("/auth/invitations/accept", json=body)).status_code == 400
    response = await http.post("/auth/invitations/accept", json=body)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "RATE_LIMITED"
