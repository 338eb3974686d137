"""Migration 0008 lets a month hold the joint figures and the supplier's internal ones; going
back keeps one entry per month, the joint one, with the notices of the entries it keeps."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, text

from kamp import migrations
from kamp.db import make_engine
from kamp.forecasts.models import DeviationNotice, ForecastEntry
from tests.test_migrations import database_for

WORKSPACE, USER = uuid.uuid4(), uuid.uuid4()
MARCH, APRIL = date(2030, 3, 1), date(2030, 4, 1)
ENTRIES = {
    "march shared": (MARCH, "SHARED"),
    "march internal": (MARCH, "INTERNAL"),  # beside a joint entry: goes on the way back
    "april internal": (APRIL, "INTERNAL"),  # the month's one entry: stays
}


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_DNS, name)


async def _seed(url: str) -> None:
    engine = make_engine(url)
    now = datetime(2030, 2, 1, tzinfo=UTC)
    async with engine.begin() as connection:
        # Only the forecast tables matter here: their parents are left out.
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.execute(
            insert(ForecastEntry.__table__),
            [
                {"id": _id(name), "workspace_id": WORKSPACE, "month": month, "product_line": ""}
                | {"visibility": visibility, "forecast": Decimal(100), "actual": Decimal(150)}
                | {"version": 1, "created_at": now, "updated_at": now}
                for name, (month, visibility) in ENTRIES.items()
            ],
        )
        await connection.execute(
            insert(DeviationNotice.__table__),
            [
                {"id": uuid.uuid4(), "forecast_entry_id": _id(name), "direction": "ABOVE"}
                | {"notified_user_id": USER, "created_at": now}
                for name in ENTRIES
            ],
        )
    await engine.dispose()


async def _state(url: str) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    engine = make_engine(url)
    async with engine.connect() as connection:
        entries = set((await connection.execute(select(ForecastEntry.id))).scalars())
        notices = await connection.execute(select(DeviationNotice.forecast_entry_id))
        noticed = set(notices.scalars())
    await engine.dispose()
    return entries, noticed


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_going_back_keeps_the_joint_entry_of_a_month(kind, tmp_path):
    url = database_for(kind, tmp_path, "forecasts")
    migrations.upgrade(url, "0008")
    asyncio.run(_seed(url))
    assert asyncio.run(_state(url)) == ({_id(n) for n in ENTRIES},) * 2
    migrations.downgrade(url, "0007")
    kept = {_id("march shared"), _id("april internal")}
    assert asyncio.run(_state(url)) == (kept, kept)
    migrations.upgrade(url)
