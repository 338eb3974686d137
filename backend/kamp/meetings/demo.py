"""Demo meetings, loaded by `kamp seed --demo` through the services (so agendas come from the
templates and history is recorded), relative to the day of seeding."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.auth.service import principal_for_user
from kamp.meetings import agenda, service
from kamp.meetings.models import AgendaItem, Meeting, MeetingType
from kamp.meetings.series import schedule_series

ZONE = "America/Chicago"


def _at(days: int, hour: int) -> datetime:
    """A local time in the account's zone, `days` from today."""
    local_day = clock.now().astimezone(ZoneInfo(ZONE)).date() + timedelta(days=days)
    return datetime.combine(local_day, time(hour), tzinfo=ZoneInfo(ZONE))


async def load_demo_meetings(
    session: AsyncSession,
    *,
    workspace: Workspace,
    kam: User,
    member: User,
    buyer: User,
    executive: User,
) -> Meeting:
    """Last week's call, held, the weekly series ahead and a quarterly business review. Returns
    the held call, where the demo's action items come from."""
    principal = await principal_for_user(session, user=kam)
    attendees = [kam.id, member.id, buyer.id]
    # Last week's standing call: held, with minutes and a decision.
    held = await service.create_meeting(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Weekly standing call",
        meeting_type=MeetingType.WEEKLY_STANDING,
        starts_at=_at(-6, 9),
        time_zone=ZONE,
        video_link="https://meet.example.com/hollis-weekly",
        attendee_ids=attendees,
    )
    items = list(
        await session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == held.id).order_by(AgendaItem.position)
        )
    )
    notes = [
        "Year to date near forecast; Detroit Branch 14 ahead, Toledo Branch 22 behind.",
        "Two late deliveries to Toledo Branch 22; root cause is the carrier change.",
        "Line 4 retrofit moved to proposal; the spares contract was lost on price.",
    ]
    for item, text in zip(items, notes, strict=False):
        await agenda.update_agenda_item(
            session, principal=principal, item_id=item.id, version=item.version, notes=text
        )
    await agenda.record_decision(
        session,
        principal=principal,
        meeting_id=held.id,
        text="Move Toledo Branch 22 to the consolidated Tuesday delivery.",
        agenda_item_id=items[1].id if len(items) > 1 else None,
    )
    await service.publish_minutes(
        session, principal=principal, meeting_id=held.id, version=held.version
    )
    # The weekly series ahead, and a quarterly business review with the executive.
    series = await service.create_series(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Weekly standing call",
        meeting_type=MeetingType.WEEKLY_STANDING,
        rrule=f"FREQ=WEEKLY;BYDAY={_at(1, 9).strftime('%a')[:2].upper()}",
        time_zone=ZONE,
        starts_on=_at(1, 9).date(),
        local_start_time=time(9),
        duration_minutes=45,
    )
    await service.create_meeting(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Weekly standing call",
        meeting_type=MeetingType.WEEKLY_STANDING,
        starts_at=_at(1, 9),
        time_zone=ZONE,
        duration_minutes=45,
        video_link="https://meet.example.com/hollis-weekly",
        series_id=series.id,
        attendee_ids=attendees,
    )
    await schedule_series(
        session, principal=principal, series_id=series.id, until=clock.now() + timedelta(days=28)
    )
    await service.create_meeting(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Quarterly business review",
        meeting_type=MeetingType.QUARTERLY_BUSINESS_REVIEW,
        starts_at=_at(17, 13),
        time_zone=ZONE,
        duration_minutes=120,
        place="Hollis HQ, Columbus, board room",
        attendee_ids=[*attendees, executive.id],
    )
    return held
