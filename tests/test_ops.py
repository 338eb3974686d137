"""Operations: health and readiness, request IDs in JSON logs, production safety, the CLI."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kamp.app import create_app
from kamp.observability import JsonFormatter, RequestIdMiddleware
from kamp.settings import ROOT, Settings, SettingsError
from tests.conftest import _postgres_database


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


async def test_not_ready_before_migrations(settings, tmp_path):
    unmigrated = replace(settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    app = create_app(unmigrated)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("at None")


async def test_not_ready_without_database(settings):
    app = create_app(replace(settings, database_url="postgresql+asyncpg://nobody@127.0.0.1:1/x"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unreachable"}


async def test_request_ids_reach_the_json_log(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("kamp.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        mine = await client.get("/healthz", headers={"x-request-id": "abc-123"})
        generated = await client.get("/healthz")
        hostile = await client.get("/healthz", headers={"x-request-id": "x\r\nSet-Cookie: a=b"})
    finally:
        access.removeHandler(handler)
    assert mine.headers["x-request-id"] == "abc-123"
    assert len(generated.headers["x-request-id"]) == 32
    assert hostile.headers["x-request-id"] != "x\r\nSet-Cookie: a=b"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == [
        "abc-123",
        generated.headers["x-request-id"],
        hostile.headers["x-request-id"],
    ]
    assert lines[0]["path"] == "/healthz" and lines[0]["status"] == 200


async def test_secrets_in_paths_stay_out_of_the_log(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("kamp.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    secret = "s3cr3t-feed-token-0123456789abcdef"
    try:
        await client.get(f"/calendar/feeds/{secret}.ics")
        await client.get(f"/auth/invitations/{secret}")
    finally:
        access.removeHandler(handler)
    assert secret not in stream.getvalue()
    paths = [json.loads(line)["path"] for line in stream.getvalue().splitlines()]
    assert paths == ["/calendar/feeds/[secret].ics", "/auth/invitations/[secret]"]


def test_production_refuses_default_secret():
    with pytest.raises(SettingsError, match="KAMP_SECRET_KEY"):
        Settings(env="production", base_url="https://kamp.example.com").check()
    with pytest.raises(SettingsError, match="https"):
        Settings(env="production", secret_key="x" * 40, base_url="http://plain").check()
    Settings(env="production", secret_key="x" * 40, base_url="https://kamp.example.com").check()


def _kamp(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamp.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        cwd=ROOT,
    )


def test_cli_serve_refuses_default_secret_in_production():
    result = _kamp("serve", "--port", "0", env={"KAMP_ENV": "production"})
    assert result.returncode != 0
    assert "KAMP_SECRET_KEY" in result.stderr


def test_cli_export_schema_matches_committed_schema():
    result = _kamp("export-schema")
    assert result.returncode == 0, result.stderr
    committed = (ROOT / "schema.graphql").read_text()
    assert result.stdout == committed, "schema.graphql is stale: run `make schema`"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_cli_migrates_and_seeds_once(tmp_path: Path, kind: str):
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'kamp.db'}"
    else:
        url = asyncio.run(_postgres_database(f"kamp_seed_{os.getpid()}", create=True))
    env = {"KAMP_DATABASE_URL": url}
    assert _kamp("db", "upgrade", env=env).returncode == 0
    first = _kamp("seed", "--demo", env=env)
    second = _kamp("seed", "--demo", env=env)
    assert first.stdout.strip() == "demo data loaded", first.stderr
    assert second.stdout.strip() == "demo data already present; nothing changed"
    down = _kamp("db", "downgrade", "base", env=env)
    assert down.returncode == 0, down.stderr
    assert _kamp("db", "downgrade", env=env).returncode != 0
    if kind == "postgresql":
        asyncio.run(_postgres_database(f"kamp_seed_{os.getpid()}", create=False))


def test_cli_worker_starts_on_redis_and_stops_cleanly(database_url):
    """`kamp worker` connects to Redis, registers the tasks and their schedule, and stops on
    SIGTERM; without KAMP_REDIS_URL it explains why it cannot run."""
    import signal
    import time

    from tests.conftest import REDIS_URL

    refused = _kamp("worker", env={"KAMP_REDIS_URL": ""})
    assert refused.returncode != 0 and "KAMP_REDIS_URL" in refused.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "kamp.cli", "worker"],
        cwd=ROOT,
        env={**os.environ, "KAMP_REDIS_URL": REDIS_URL, "KAMP_DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Started when it has listed its functions (seconds on a busy machine), then stopped.
    assert worker.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("deliver_mail" in line for line in lines):
        line = worker.stdout.readline()
        if not line:
            break
        lines.append(line)
    worker.send_signal(signal.SIGTERM)
    rest, _ = worker.communicate(timeout=20)
    output = "".join(lines) + rest
    assert "deliver_mail" in output and "notify_deviations" in output, output
    assert worker.returncode == 0, output


async def test_sql_statements_are_counted_per_request(client, world):
    """The count that the benchmark and the access log rely on (hidden in production)."""
    response = await client.get("/healthz")
    assert response.headers["x-sql-statements"] == "0"
    await client.post("/auth/login", json={"email": world.admin.email, "password": "wrong-wrong"})
    response = await client.post("/graphql", json={"query": "{ viewer { side } }"})
    assert response.headers["x-sql-statements"] == "0"  # anonymous: no session to look up
    production = create_app(
        replace(Settings(), env="production", secret_key="x" * 40, base_url="https://k.example")
    )
    [request_ids] = [m for m in production.user_middleware if m.cls is RequestIdMiddleware]
    assert request_ids.kwargs == {"expose_sql_count": False}
