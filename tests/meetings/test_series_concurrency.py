"""The hourly job and the KAM's `scheduleSeriesMeetings` scheduling one series at the same time
create each occurrence once, and each attendee is invited to it once."""

from __future__ import annotations

import asyncio
from calendar import TUESDAY
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kamp import clock as kamp_clock
from kamp.accounts.models import Role, User
from kamp.auth.service import principal_for_user
from kamp.db import transaction
from kamp.graphql.relay import decode_id
from kamp.mail.models import OutboxMessage
from kamp.meetings import series as series_module
from kamp.meetings.models import Meeting
from kamp.meetings.series import SCHEDULE_AHEAD, schedule_all_series, schedule_series
from tests.clock import days_from_today, local, next_weekday, utc_iso
from tests.meetings.support import BERLIN, CREATE_SERIES, UPDATE_MEETING, new_meeting
from tests.plans.support import ok
from tests.support import gid


async def _series_with_an_attendee(kam, world) -> str:
    """Tuesdays at 09:00 in Berlin; a past meeting of it invites the customer buyer."""
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Weekly standing call",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY;BYDAY=TU",
                "timeZone": BERLIN,
                "startsOn": next_weekday(TUESDAY, after=days_from_today(-50)).isoformat(),
                "localStartTime": "09:00:00",
            }
        },
    )
    await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="WEEKLY_STANDING",
        seriesId=series["id"],
        startsAt=utc_iso(local(next_weekday(TUESDAY, after=days_from_today(-28)), 9, BERLIN)),
        timeZone=BERLIN,
        attendeeIds=[gid("User", world.a.users[Role.CUSTOMER_BUYER].id)],
    )
    return series["id"]


@pytest.fixture
def together(monkeypatch):
    """Both schedulers read what exists before either writes: the race, every time."""
    barrier = asyncio.Barrier(2)
    latest = series_module._latest_attendees

    async def after_both_have_read(session, row):
        await barrier.wait()
        return await latest(session, row)

    monkeypatch.setattr(series_module, "_latest_attendees", after_both_have_read)


async def test_the_job_and_the_mutation_at_once_schedule_each_occurrence_once(
    world, clients, runtime, clock, together
):
    clock.travel(local(kamp_clock.today(), 12, "UTC"))
    kam = await clients.as_user(world.a.email(Role.KAM))
    series_id = decode_id(await _series_with_an_attendee(kam, world), "MeetingSeries")
    factory = runtime.session_factory

    async def job() -> int:
        async with transaction(factory) as session:
            return await schedule_all_series(session, settings=runtime.settings)

    async def mutation() -> int:
        async with transaction(factory) as session:
            user = await session.get_one(User, world.a.users[Role.KAM].id)
            created = await schedule_series(
                session,
                principal=await principal_for_user(session, user=user),
                series_id=series_id,
                until=kamp_clock.now() + SCHEDULE_AHEAD,
                base_url=runtime.settings.base_url,
            )
            return len(created)

    created = await asyncio.gather(job(), mutation())

    async with factory() as session:
        starts = list(
            await session.scalars(
                select(Meeting.starts_at).where(
                    Meeting.series_id == series_id, Meeting.starts_at > kamp_clock.now()
                )
            )
        )
        invitations = Counter(
            await session.scalars(
                select(OutboxMessage.subject).where(
                    OutboxMessage.recipient == world.a.email(Role.CUSTOMER_BUYER),
                    OutboxMessage.subject.startswith("Invitation:"),
                )
            )
        )
        meetings = await session.scalar(select(func.count()).select_from(Meeting))
    # Four Tuesdays in four weeks from noon UTC, once each, created by one of the two.
    assert len(starts) == len(set(starts)) == 4
    assert sorted(created) == [0, 4]
    assert meetings == 5  # the past one and the four scheduled
    assert len(invitations) == 5 and set(invitations.values()) == {1}, invitations


SCHEDULE = """mutation($input: ScheduleSeriesMeetingsInput!) { scheduleSeriesMeetings(input: $input) {
  meetings { id version startsAt } errors { field code } } }"""


async def test_a_moved_occurrence_is_not_scheduled_again(world, clients, clock):
    clock.travel(local(kamp_clock.today(), 12, "UTC"))
    kam = await clients.as_user(world.a.email(Role.KAM))
    series_id = await _series_with_an_attendee(kam, world)
    until = utc_iso(kamp_clock.now() + SCHEDULE_AHEAD)
    first, *_ = await ok(kam, SCHEDULE, {"input": {"seriesId": series_id, "until": until}})
    moved = datetime.fromisoformat(first["startsAt"]) + timedelta(hours=2)
    await ok(
        kam,
        UPDATE_MEETING,
        {"input": {"id": first["id"], "version": first["version"], "startsAt": utc_iso(moved)}},
    )
    assert await ok(kam, SCHEDULE, {"input": {"seriesId": series_id, "until": until}}) == []
