"""Meetings of a series: each occurrence of the series' rule becomes a meeting of its own (with
its agenda from the template), scheduled ahead by the KAM or by the daily job."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, Membership, User, Workspace
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_user
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.meetings import service
from kamp.meetings.models import Meeting, MeetingAttendee, MeetingSeries
from kamp.settings import Settings

MAX_AHEAD = timedelta(days=400)  # a year of weekly calls at most per request


async def schedule_series(
    session: AsyncSession,
    *,
    principal: Principal,
    series_id: uuid.UUID,
    until: datetime,
    base_url: str = "",
) -> list[Meeting]:
    """Create the meetings of the series' occurrences from now until `until` that do not
    exist yet (a cancelled one is not brought back). Attendees are those of the series'
    latest meeting. Returns the meetings created, in time order."""
    series = (await service.get_series(session, principal=principal, ids=[series_id])).get(
        series_id
    )
    if series is None:
        raise NotFound()
    require(principal, series.workspace_id, Permission.MEETINGS_RUN)
    if until.tzinfo is None:
        raise UserError("until", "Give the time with its UTC offset.", ErrorCode.INVALID)
    now = clock.now()
    if until - now > MAX_AHEAD:
        raise UserError("until", "Schedule at most about a year ahead.", ErrorCode.INVALID)
    starts = service.series_occurrences(series, now, until)
    # The occurrences met already: scheduled (even if moved or cancelled since), or a meeting
    # of the series set by hand at the time. The unique key settles any race past this.
    known = await session.execute(
        select(Meeting.occurrence_at, Meeting.starts_at).where(
            Meeting.series_id == series.id,
            (Meeting.starts_at >= now) | (Meeting.occurrence_at >= now),
        )
    )
    existing = {moment for pair in known.all() for moment in pair if moment is not None}
    attendees = await _latest_attendees(session, series)
    created = []
    for start in starts:
        if start in existing:
            continue
        meeting = await service.create_occurrence(
            session,
            principal=principal,
            series=series,
            starts_at=start,
            attendee_ids=attendees,
            base_url=base_url,
        )
        if meeting is not None:
            created.append(meeting)
    return created


async def _latest_attendees(session: AsyncSession, series: MeetingSeries) -> list[uuid.UUID]:
    latest = await session.scalar(
        select(Meeting.id)
        .where(Meeting.series_id == series.id)
        .order_by(Meeting.starts_at.desc(), Meeting.id)
        .limit(1)
    )
    if latest is None:
        return []
    # Only those still members: someone who left the account is not invited again.
    return list(
        await session.scalars(
            select(MeetingAttendee.user_id)
            .join(
                Membership,
                (Membership.user_id == MeetingAttendee.user_id)
                & (Membership.workspace_id == series.workspace_id),
            )
            .where(MeetingAttendee.meeting_id == latest)
            .order_by(MeetingAttendee.user_id)
        )
    )


SCHEDULE_AHEAD = timedelta(days=28)


async def schedule_all_series(session: AsyncSession, *, settings: Settings) -> int:
    """The daily job: every series has its meetings of the next four weeks, scheduled in the
    KAM's name (so they come with agendas and invitations). Returns meetings created."""
    rows = await session.execute(
        select(MeetingSeries, User)
        .join(Workspace, Workspace.id == MeetingSeries.workspace_id)
        .join(KeyAccount, KeyAccount.id == Workspace.key_account_id)
        .join(User, User.id == KeyAccount.kam_id)
        .where(User.is_active.is_(True))
        .order_by(MeetingSeries.created_at, MeetingSeries.id)
    )
    created = 0
    for series, kam in rows.all():
        principal = await principal_for_user(session, user=kam)
        created += len(
            await schedule_series(
                session,
                principal=principal,
                series_id=series.id,
                until=clock.now() + SCHEDULE_AHEAD,
                base_url=settings.base_url,
            )
        )
    return created
