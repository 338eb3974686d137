"""Alembic environment: async engines, batch mode so that SQLite can alter tables too."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from kamp.db import Base, make_engine
from kamp.models import load_all_models
from kamp.settings import Settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

load_all_models()
target_metadata = Base.metadata
database_url = config.attributes.get("database_url") or Settings.from_env().database_url


def _configure(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode recreates tables and downgrades drop them with rows still in place;
        # SQLite would check (and refuse) foreign keys row by row while doing so.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = make_engine(database_url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=database_url, target_metadata=target_metadata, render_as_batch=True, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
