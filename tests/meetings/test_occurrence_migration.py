"""Migration 0007 gives each meeting a series scheduled its occurrence, and removes the
duplicates that concurrent schedulers left behind, keeping any that someone worked on."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from kamp import migrations
from kamp.db import make_engine
from kamp.meetings.models import AgendaItem, Meeting, MeetingAttendee
from tests.test_migrations import database_for

T1 = datetime(2030, 1, 8, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=7)
WORKSPACE, S1, S2, USER = (uuid.uuid4() for _ in range(4))


def _meeting(name: str, series: uuid.UUID | None, at: datetime, **extra: object) -> dict:
    return {
        "id": uuid.uuid5(uuid.NAMESPACE_DNS, name),
        "created_at": at - timedelta(days=30) + timedelta(seconds=ord(name)),
        "updated_at": at - timedelta(days=30),
        "workspace_id": WORKSPACE,
        "series_id": series,
        "title": name,
        "meeting_type": "WEEKLY_STANDING",
        "starts_at": at,
        "time_zone": "Europe/Berlin",
        "status": "SCHEDULED",
        "version": 1,
        **extra,
    }


MEETINGS = [
    _meeting("A", S1, T1),  # first, untouched: a duplicate of B
    _meeting("B", S1, T1, version=2),  # edited: the one kept
    _meeting("C", S1, T1),  # untouched, with the template's agenda and an attendee
    _meeting("D", S1, T2),
    _meeting("E", S2, T1),
    _meeting("F", None, T1),  # one-off
]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_DNS, name)


async def _seed(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        # Only the meeting tables matter here: their parents are left out.
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.execute(insert(Meeting.__table__), MEETINGS)
        await connection.execute(
            insert(AgendaItem.__table__),
            [
                {"meeting_id": _id(name), "workspace_id": WORKSPACE, "title": "Issues"}
                | {"version": 1, "notes": "", "position": 0, "topic": "ISSUES"}
                for name in ("A", "B", "C")
            ],
        )
        await connection.execute(
            insert(MeetingAttendee.__table__), [{"meeting_id": _id("C"), "user_id": USER}]
        )
    await engine.dispose()


async def _state(url: str) -> tuple[dict[str, datetime | None], set[str]]:
    engine = make_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(select(Meeting.title, Meeting.occurrence_at))
        meetings = {title: at for title, at in rows.all()}
        agendas = await connection.execute(
            select(Meeting.title).join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        )
        orphans = await connection.scalar(
            text(
                "SELECT count(*) FROM agenda_items WHERE meeting_id NOT IN (SELECT id FROM meetings)"
            )
        )
        titles = set(agendas.scalars())
    await engine.dispose()
    assert orphans == 0
    return meetings, titles


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_duplicates_are_cleaned_up_and_occurrences_kept(kind, tmp_path):
    url = database_for(kind, tmp_path, "occurrences")
    migrations.upgrade(url, "0006")
    asyncio.run(_seed(url))
    migrations.upgrade(url, "0007")
    meetings, agendas = asyncio.run(_state(url))
    assert meetings == {"B": T1, "D": T2, "E": T1, "F": None}
    assert agendas == {"B"}
    migrations.downgrade(url, "0006")
    migrations.upgrade(url)
