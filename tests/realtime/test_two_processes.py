"""Two real server processes sharing one Redis: an edit made through one reaches a subscriber
of the other within a second, and a customer subscriber hears nothing about INTERNAL things."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from redis.asyncio import Redis

from kamp.accounts.models import Role
from kamp.settings import ROOT
from tests.conftest import REDIS_URL
from tests.realtime.support import next_message, subscription
from tests.support import PASSWORD, gid

RENAME_SITE = """mutation($input: UpdateLocationInput!) { updateLocation(input: $input) {
  location { name } errors { code } } }"""
RETIER = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { tier } errors { code } } }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def kamp_serve(database_url: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "KAMP_DATABASE_URL": database_url,
        "KAMP_REDIS_URL": REDIS_URL,
        "KAMP_BASE_URL": f"http://127.0.0.1:{port}",
        "KAMP_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "kamp.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    process.stderr.read().decode() if process.stderr else "no server"
                )
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _signed_in(host: str, email: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=f"http://{host}")
    response = await http.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return http


async def test_events_cross_processes_through_redis(world, settings):
    await Redis.from_url(REDIS_URL).flushdb()
    with kamp_serve(settings.database_url) as host_a, kamp_serve(settings.database_url) as host_b:
        buyer = await _signed_in(host_a, world.a.email(Role.CUSTOMER_BUYER))
        member = await _signed_in(host_a, world.a.email(Role.SUPPLIER_MEMBER))
        kam = await _signed_in(host_b, world.a.email(Role.KAM))
        try:
            async with (
                subscription(host_a, world.a.workspace_gid, headers=_cookie(buyer)) as buyer_ws,
                subscription(host_a, world.a.workspace_gid, headers=_cookie(member)) as member_ws,
            ):
                internal = await kam.post(
                    "/graphql",
                    json={
                        "query": RETIER,
                        "variables": {
                            "input": {
                                "id": gid("KeyAccount", world.a.key_account.id),
                                "version": 1,
                                "tier": "KEY",
                            }
                        },
                    },
                )
                assert internal.json()["data"]["updateKeyAccount"]["errors"] == []
                started = time.monotonic()
                shared = await kam.post(
                    "/graphql",
                    json={
                        "query": RENAME_SITE,
                        "variables": {
                            "input": {
                                "id": gid("Location", world.a.hq.id),
                                "version": 1,
                                "name": "Renamed on B",
                            }
                        },
                    },
                )
                assert shared.json()["data"]["updateLocation"]["errors"] == []
                buyer_event = await next_message(buyer_ws, timeout=1.0)
                latency = time.monotonic() - started
                member_events = [await next_message(member_ws, timeout=1.0) for _ in range(2)]
                try:
                    extra = await next_message(buyer_ws, timeout=0.5)
                except TimeoutError:
                    extra = None
        finally:
            for http in (buyer, member, kam):
                await http.aclose()
    kind = lambda m: m["payload"]["data"]["workspaceEvents"]["kind"]  # noqa: E731
    assert kind(buyer_event) == "Location.updated"
    assert latency < 1.0, f"event took {latency:.3f}s"
    assert [kind(m) for m in member_events] == ["KeyAccount.updated", "Location.updated"]
    assert extra is None, "a customer heard about an internal change"


def _cookie(http: httpx.AsyncClient) -> dict[str, str]:
    return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}
