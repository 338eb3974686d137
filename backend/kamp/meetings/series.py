"""Meetings of a series: each occurrence of the series' rule becomes a meeting of its own (with
its agenda from the template), scheduled ahead by the KAM or by the daily job."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Membership
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.db import utcnow
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.meetings import service
from kamp.meetings.models import Meeting, MeetingAttendee, MeetingSeries

MAX_AHEAD = timedelta(days=400)  # a year of weekly calls at most per request


async def schedule_series(
    session: AsyncSession,
    *,
    principal: Principal,
    series_id: uuid.UUID,
    until: datetime,
) -> list[Meeting]:
    """Create the meetings of the series' occurrences from now until `until` that do not
    exist yet (a cancelled one is not brought back). Attendees are those of the series'
    latest meeting. Returns the meetings created, in time order."""
    series = (await service.get_series(session, principal=principal, ids=[series_id])).get(
        series_id
    )
    if series is None:
        raise NotFound()
    require(principal, series.workspace_id, Permission.PLAN_SUBMIT)
    if until.tzinfo is None:
        raise UserError("until", "Give the time with its UTC offset.", ErrorCode.INVALID)
    now = utcnow()
    if until - now > MAX_AHEAD:
        raise UserError("until", "Schedule at most about a year ahead.", ErrorCode.INVALID)
    starts = service.series_occurrences(series, now, until)
    existing = set(
        await session.scalars(
            select(Meeting.starts_at).where(
                Meeting.series_id == series.id, Meeting.starts_at >= now
            )
        )
    )
    attendees = await _latest_attendees(session, series)
    created = []
    for start in starts:
        if start in existing:
            continue
        created.append(
            await service.create_meeting(
                session,
                principal=principal,
                workspace_id=series.workspace_id,
                title=series.title,
                meeting_type=series.meeting_type,
                starts_at=start,
                time_zone=series.time_zone,
                duration_minutes=series.duration_minutes,
                series_id=series.id,
                attendee_ids=attendees,
                visibility=series.visibility,
            )
        )
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
