"""Test fixtures: every test that takes `app` runs once on SQLite and once on PostgreSQL.

PostgreSQL and Redis are the real servers (KAMP_TEST_DATABASE_URL, KAMP_TEST_REDIS_URL); a
missing PostgreSQL fails the run rather than silently testing SQLite alone."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from argon2 import PasswordHasher
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from kamp import migrations
from kamp.app import create_app
from kamp.auth import passwords
from kamp.db import Base, make_engine
from kamp.models import load_all_models
from kamp.runtime import Runtime
from kamp.settings import Settings

# Sign-ins dominate the suite's time with argon2's production cost (a quarter second each on
# two cores); the tests check behaviour, so they hash cheaply. Set before tests.support hashes
# its password. Servers the tests start as processes keep the production cost.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

from tests.clock import Clock  # noqa: E402
from tests.support import World, build_world  # noqa: E402

PG_URL = os.environ.get(
    "KAMP_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _claim_redis_database(url: str) -> tuple[str, redis.Redis | None]:
    """A Redis database of this process's own for the whole run, starting at the configured
    number and going down (then up): the job and rate-limit tests empty theirs, so two runs
    at once (two checkouts, or pytest-xdist workers) must never share one.

    A run claims a database by naming a connection it holds open `kamp-test-db-<n>`: the
    name is seen by every client of the server (CLIENT LIST), survives FLUSHDB, and goes away
    with the process however it ends. Of two runs that claim the same number at once, the
    connection with the lower id keeps it and the other moves on."""
    server, number = url.rsplit("/", 1)
    first = int(number)
    try:
        holder = redis.Redis.from_url(f"{server}/{first}", single_connection_client=True)
        holder.ping()
    except redis.RedisError:
        return url, None  # no Redis: the tests that need it say so
    try:
        count = int(holder.config_get("databases").get("databases", 16))
    except redis.RedisError:
        count = 16
    mine = int(holder.client_id())
    for db in [first, *range(first - 1, 0, -1), *range(first + 1, count)]:
        name = f"kamp-test-db-{db}"

        def holders(name: str = name) -> list[int]:
            return sorted(int(c["id"]) for c in holder.client_list() if c.get("name") == name)

        if holders():
            continue
        holder.client_setname(name)
        if holders()[0] == mine:
            return f"{server}/{db}", holder
    holder.close()
    raise RuntimeError(f"every Redis database of {server} is held by another test run")


REDIS_URL, _REDIS_HOLDER = _claim_redis_database(
    os.environ.get("KAMP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
)

load_all_models()
# The app under test is served as http://testserver; authlib insists on https elsewhere.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"


async def _postgres_database(name: str, *, create: bool) -> str:
    """(Re)create or drop a database of its own for this run, so that runs never collide."""
    server = PG_URL.rsplit("/", 1)[0]
    admin = make_engine(f"{server}/postgres")
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        if create:
            await connection.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()
    return f"{server}/{name}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The end-to-end tests share one served portal and browser: one worker runs them all.
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.xdist_group("e2e"))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database of each kind for the whole run."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'kamp.db'}"
        migrations.upgrade(url)
        yield url
        return
    name = f"kamp_test_{os.getpid()}"
    url = asyncio.run(_postgres_database(name, create=True))
    migrations.upgrade(url)
    yield url
    asyncio.run(_postgres_database(name, create=False))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        base_url="http://testserver",
        frontend_dir=tmp_path / "no-frontend",
    )


async def _truncate(engine: AsyncEngine) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables]
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
            return
        await connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in reversed(tables):
            await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """A running app (lifespan entered) over a database emptied after each test."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        runtime.app = app  # type: ignore[attr-defined]
        try:
            yield runtime
        finally:
            await runtime.queue.close()
            await _truncate(runtime.engine)


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=runtime.app)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def world(runtime: Runtime) -> World:
    return await build_world(runtime.session_factory)


class Clients:
    """Signed-in HTTP clients by demo persona, created on demand."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._open: list[httpx.AsyncClient] = []

    async def as_user(self, email: str, password: str | None = None) -> httpx.AsyncClient:
        from tests.support import PASSWORD

        transport = httpx.ASGITransport(app=self.runtime.app)  # type: ignore[attr-defined]
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self._open.append(http)
        response = await http.post(
            "/auth/login", json={"email": email, "password": password or PASSWORD}
        )
        assert response.status_code == 200, response.text
        return http

    async def close(self) -> None:
        for http in self._open:
            await http.aclose()


@pytest.fixture
async def clients(runtime: Runtime) -> AsyncIterator[Clients]:
    pool = Clients(runtime)
    yield pool
    await pool.close()


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


@pytest.fixture
def redis_settings(settings: Settings) -> Settings:
    return replace(settings, redis_url=REDIS_URL)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Sets the time for a test (`clock.travel(...)`); the real time again afterwards."""
    moved = Clock()
    yield moved
    moved.stop()
