"""Migrations upgrade, match the models exactly, downgrade to nothing and upgrade again, on
SQLite and on the real PostgreSQL."""

from __future__ import annotations

import asyncio
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from kamp import migrations
from kamp.db import Base, make_engine
from tests.conftest import PG_URL

PG_MIGRATIONS_DB = f"kamp_migrations_{os.getpid()}"


async def _fresh_postgres_database() -> str:
    admin = make_engine(PG_URL.rsplit("/", 1)[0] + "/postgres")
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"DROP DATABASE IF EXISTS {PG_MIGRATIONS_DB} WITH (FORCE)"))
        await connection.execute(text(f"CREATE DATABASE {PG_MIGRATIONS_DB}"))
    await admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{PG_MIGRATIONS_DB}"


def database_for(kind: str, tmp_path, name: str) -> str:
    """An empty database of this kind for one migration test."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / name}.db"
    return asyncio.run(_fresh_postgres_database())


async def _schema_state(url: str) -> tuple[list[str], list[object]]:
    engine = make_engine(url)
    async with engine.connect() as connection:

        def inspect_sync(sync_connection):  # type: ignore[no-untyped-def]
            tables = sorted(inspect(sync_connection).get_table_names())
            context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
            return tables, compare_metadata(context, Base.metadata)

        state = await connection.run_sync(inspect_sync)
    await engine.dispose()
    return state


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_downgrade_upgrade(kind, tmp_path):
    url = database_for(kind, tmp_path, "migrate")
    migrations.upgrade(url)
    tables, diff = asyncio.run(_schema_state(url))
    assert diff == [], f"models and migrations disagree: {diff}"
    assert set(Base.metadata.tables) <= set(tables)
    migrations.downgrade(url, "base")
    tables, _ = asyncio.run(_schema_state(url))
    assert tables == ["alembic_version"]
    migrations.upgrade(url)
    tables, diff = asyncio.run(_schema_state(url))
    assert diff == [] and set(Base.metadata.tables) <= set(tables)
