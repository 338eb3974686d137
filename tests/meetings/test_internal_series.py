"""A meeting of an internal series is internal to the customer however it was made shared:
invitations, updates, agendas, minutes and digests never reach a customer attendee of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from kamp.mail.models import OutboxMessage
from kamp.meetings.reminders import send_agendas
from kamp.notifications.digest import send_digests
from kamp.notifications.models import Notification
from tests.clock import utc_iso
from tests.meetings.support import CREATE_SERIES, ERRORS, PUBLISH_MINUTES, UPDATE_MEETING
from tests.plans.support import ok
from tests.support import gid, gql

UPDATE_SERIES = f"""mutation($input: UpdateMeetingSeriesInput!) {{ updateMeetingSeries(input: $input) {{
  series {{ id version }} {ERRORS} }} }}"""
CREATE_MEETING = f"""mutation($input: CreateMeetingInput!) {{ createMeeting(input: $input) {{
  meeting {{ id version }} {ERRORS} }} }}"""
MEETING = "query($id: ID!) { node(id: $id) { id } }"


async def _received(runtime, email: str, user_id) -> tuple[list[str], list[str]]:
    async with runtime.session_factory() as session:
        mails = list(
            await session.scalars(
                select(OutboxMessage.subject).where(OutboxMessage.recipient == email)
            )
        )
        notices = list(
            await session.scalars(select(Notification.title).where(Notification.user_id == user_id))
        )
    return mails, notices


async def test_a_series_made_internal_tells_its_customer_attendees_nothing(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    buyer_user = world.a.users[Role.CUSTOMER_BUYER]
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Weekly sync",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY",
                "timeZone": "UTC",
                "startsOn": kamp_clock.today().isoformat(),
                "localStartTime": "09:00:00",
            }
        },
    )
    meeting = await ok(
        kam,
        CREATE_MEETING,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "seriesId": series["id"],
                "title": "Exit plan for this account",
                "startsAt": utc_iso(kamp_clock.now() + timedelta(hours=2)),
                "timeZone": "UTC",
                "attendeeIds": [gid("User", buyer_user.id)],
            }
        },
    )
    await ok(
        kam,
        UPDATE_SERIES,
        {"input": {"id": series["id"], "version": series["version"], "visibility": "INTERNAL"}},
    )
    # The buyer cannot see the meeting any more...
    assert (await gql(buyer, MEETING, {"id": meeting["id"]}))["data"]["node"] is None
    before = await _received(runtime, buyer_user.email, buyer_user.id)
    # ...so nothing about it may reach them: not a move, the agenda, the minutes or a digest.
    later = utc_iso(kamp_clock.now() + timedelta(hours=3))
    moved = await ok(
        kam,
        UPDATE_MEETING,
        {"input": {"id": meeting["id"], "version": meeting["version"], "startsAt": later}},
    )
    async with runtime.session_factory() as session:
        await send_agendas(session, settings=runtime.settings)
        await session.commit()
    await ok(kam, PUBLISH_MINUTES, {"input": {"id": meeting["id"], "version": moved["version"]}})
    assert await _received(runtime, buyer_user.email, buyer_user.id) == before


async def test_a_digest_names_no_meeting_of_an_internal_series(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer_user = world.a.users[Role.CUSTOMER_BUYER]
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Supplier huddle",
                "meetingType": "OTHER",
                "rrule": "FREQ=WEEKLY",
                "timeZone": "UTC",
                "startsOn": kamp_clock.today().isoformat(),
                "localStartTime": "09:00:00",
                "visibility": "INTERNAL",
            }
        },
    )
    # Made shared on its own, under a series the customer does not see.
    await ok(
        kam,
        CREATE_MEETING,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "seriesId": series["id"],
                "title": "Exit plan for this account",
                "startsAt": utc_iso(kamp_clock.now() + timedelta(hours=2)),
                "timeZone": "UTC",
                "attendeeIds": [gid("User", buyer_user.id)],
                "visibility": "SHARED",
            }
        },
    )
    hour = kamp_clock.now().hour
    async with runtime.session_factory() as session:
        await send_digests(session, settings=replace(runtime.settings, digest_hour=hour))
        await session.commit()
    mails, notices = await _received(runtime, buyer_user.email, buyer_user.id)
    async with runtime.session_factory() as session:
        bodies = list(
            await session.scalars(
                select(Notification.body).where(Notification.user_id == buyer_user.id)
            )
        )
    assert not any("Exit plan" in text for text in [*mails, *notices, *bodies])
