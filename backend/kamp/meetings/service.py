"""Meeting series and meetings: the KAM schedules, cancels and publishes minutes; everyone
with MEETINGS_READ reads what they may see. Agendas and decisions are in meetings/agenda.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import partial

from sqlalchemy import delete, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock, timezones
from kamp.accounts import members
from kamp.accounts.models import User
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.meetings import notices, recurrence, templates
from kamp.meetings.models import (
    Meeting,
    MeetingAttendee,
    MeetingSeries,
    MeetingStatus,
    MeetingType,
)
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.text import clean_text

MAX_ATTENDEES = 100
# What attendees' calendars hold: a change to any of these sends them an update.
SCHEDULING = ("title", "starts_at", "time_zone", "duration_minutes", "place", "video_link")


def clean_minutes(value: int | None, field: str) -> int | None:
    if value is not None and not 1 <= value <= 24 * 60:
        raise UserError(field, "Give between 1 and 1440 minutes.", ErrorCode.INVALID)
    return value


def clean_link(value: str | None) -> str | None:
    value = clean_text(value, "videoLink", 500)
    if value and not value.startswith("https://"):
        raise UserError("videoLink", "Give an https:// link.", ErrorCode.INVALID)
    return value


def _utc(value: datetime | None, field: str = "startsAt") -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise UserError(field, "Give the time with its UTC offset.", ErrorCode.INVALID)
    return value


# --- reads ----------------------------------------------------------------------------------


async def get_series(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, MeetingSeries]:
    rows = await session.scalars(
        select(MeetingSeries).where(
            MeetingSeries.id.in_(ids),
            access.visible(MeetingSeries, principal, Permission.MEETINGS_READ),
        )
    )
    return {row.id: row for row in rows}


async def get_meetings(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Meeting]:
    rows = await session.scalars(
        select(Meeting).where(
            Meeting.id.in_(ids), access.visible(Meeting, principal, Permission.MEETINGS_READ)
        )
    )
    return {row.id: row for row in rows}


async def list_series(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[MeetingSeries]:
    require(principal, workspace_id, Permission.MEETINGS_READ)
    stmt = select(MeetingSeries).where(
        MeetingSeries.workspace_id == workspace_id,
        access.visible(MeetingSeries, principal, Permission.MEETINGS_READ),
    )
    return await keyset_page(session, stmt, MeetingSeries, page)


async def list_meetings(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    series_id: uuid.UUID | None = None,
    status: MeetingStatus | None = None,
) -> Page[Meeting]:
    require(principal, workspace_id, Permission.MEETINGS_READ)
    stmt = select(Meeting).where(
        Meeting.workspace_id == workspace_id,
        access.visible(Meeting, principal, Permission.MEETINGS_READ),
    )
    if series_id is not None:
        stmt = stmt.where(Meeting.series_id == series_id)
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    return await keyset_page(session, stmt, Meeting, page, newest_first=True)


async def attendees_by_meeting(
    session: AsyncSession, *, principal: Principal, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[User]]:
    """The attendees of meetings the caller has already loaded (so may see)."""
    rows = await session.execute(
        select(MeetingAttendee.meeting_id, User)
        .join(User, User.id == MeetingAttendee.user_id)
        .where(MeetingAttendee.meeting_id.in_(meeting_ids))
        .order_by(User.display_name, User.id)
    )
    found: dict[uuid.UUID, list[User]] = {}
    for meeting_id, user in rows.all():
        found.setdefault(meeting_id, []).append(user)
    return found


async def visible_meeting(
    session: AsyncSession, principal: Principal, meeting_id: uuid.UUID
) -> Meeting:
    meeting = (await get_meetings(session, principal=principal, ids=[meeting_id])).get(meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


# --- series ---------------------------------------------------------------------------------


async def create_series(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    title: str,
    meeting_type: MeetingType,
    rrule: str,
    time_zone: str,
    starts_on: date,
    local_start_time: time,
    duration_minutes: int = 60,
    visibility: Visibility | None = None,
) -> MeetingSeries:
    require(principal, workspace_id, Permission.MEETINGS_RUN)
    timezones.zone(time_zone)
    await recurrence.check_meets(recurrence.parse_rule(rrule, starts_on, local_start_time))
    row = MeetingSeries(
        workspace_id=workspace_id,
        title=clean_text(title, "title", 200, required=True),
        meeting_type=meeting_type,
        rrule=rrule.strip().upper(),
        time_zone=time_zone,
        starts_on=starts_on,
        local_start_time=local_start_time.replace(tzinfo=None),
        duration_minutes=clean_minutes(duration_minutes, "durationMinutes"),
        visibility=access.initial_visibility(
            principal, workspace_id, visibility, Visibility.SHARED
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_series(
    session: AsyncSession,
    *,
    principal: Principal,
    series_id: uuid.UUID,
    version: int,
    title: str | None = None,
    rrule: str | None = None,
    time_zone: str | None = None,
    local_start_time: time | None = None,
    duration_minutes: int | None = None,
    visibility: Visibility | None = None,
) -> MeetingSeries:
    row = (await get_series(session, principal=principal, ids=[series_id])).get(series_id)
    if row is None:
        raise NotFound()
    require(principal, row.workspace_id, Permission.MEETINGS_RUN)
    if time_zone is not None:
        timezones.zone(time_zone)
    if local_start_time is not None:
        local_start_time = local_start_time.replace(tzinfo=None)
    if rrule is not None or local_start_time is not None:
        rrule = (rrule or row.rrule).strip().upper()
        rule = recurrence.parse_rule(rrule, row.starts_on, local_start_time or row.local_start_time)
        await recurrence.check_meets(rule)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 200, required=True),
            "rrule": rrule,
            "time_zone": time_zone,
            "local_start_time": local_start_time,
            "duration_minutes": clean_minutes(duration_minutes, "durationMinutes"),
        },
        visibility=visibility,
    )
    return row


def series_occurrences(row: MeetingSeries, start: datetime, end: datetime) -> list[datetime]:
    rule = recurrence.parse_rule(row.rrule, row.starts_on, row.local_start_time)
    return recurrence.occurrences(rule, row.time_zone, start, end)


# --- meetings -------------------------------------------------------------------------------


async def _members(
    session: AsyncSession, workspace_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """The given users, each of whom must be a member of the workspace (either side)."""
    wanted = list(dict.fromkeys(user_ids))
    if len(wanted) > MAX_ATTENDEES:
        raise UserError("attendeeIds", f"Invite at most {MAX_ATTENDEES}.", ErrorCode.INVALID)
    return await members.members(session, workspace_id, wanted, field="attendeeIds")


async def create_meeting(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    title: str,
    meeting_type: MeetingType | None,
    starts_at: datetime,
    time_zone: str,
    duration_minutes: int | None = None,
    place: str = "",
    video_link: str = "",
    series_id: uuid.UUID | None = None,
    attendee_ids: Sequence[uuid.UUID] = (),
    visibility: Visibility | None = None,
    base_url: str = "",
) -> Meeting:
    """The KAM schedules a meeting (of a series or alone); its agenda starts from the template
    of its type, and each attendee is sent an invitation with the ICS."""
    row = await _new_meeting(
        session,
        principal=principal,
        workspace_id=workspace_id,
        title=title,
        meeting_type=meeting_type,
        starts_at=starts_at,
        time_zone=time_zone,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        series_id=series_id,
        visibility=visibility,
    )
    await writes.create(session, principal=principal, row=row)
    await _introduce(session, principal, row, attendee_ids, base_url)
    return row


async def create_occurrence(
    session: AsyncSession,
    *,
    principal: Principal,
    series: MeetingSeries,
    starts_at: datetime,
    attendee_ids: Sequence[uuid.UUID] = (),
    base_url: str = "",
) -> Meeting | None:
    """The meeting of the series' occurrence at `starts_at`, as `create_meeting` makes it, or
    None when the series has it already. INSERT ... ON CONFLICT DO NOTHING on (series_id,
    occurrence_at): of two schedulers at once, the second waits for the first to commit and
    then creates nothing, so it sends nothing either (invitations are keyed by the meeting)."""
    row = await _new_meeting(
        session,
        principal=principal,
        workspace_id=series.workspace_id,
        title=series.title,
        meeting_type=series.meeting_type,
        starts_at=starts_at,
        time_zone=series.time_zone,
        duration_minutes=series.duration_minutes,
        series_id=series.id,
        visibility=series.visibility,
    )
    row.occurrence_at = row.starts_at
    values = {
        column.key: getattr(row, column.key)
        for column in sa_inspect(Meeting).column_attrs
        if getattr(row, column.key) is not None
    }
    now = clock.now()
    values.update(id=uuid.uuid4(), created_at=now, updated_at=now, version=1)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row_id = await session.scalar(
        insert(Meeting)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["series_id", "occurrence_at"])
        .returning(Meeting.id)
    )
    if row_id is None:
        return None
    created = await session.get_one(Meeting, row_id)
    writes.trace(session, actor_id=principal.user_id, row=created, action="created")
    await session.flush()
    await _introduce(session, principal, created, attendee_ids, base_url)
    return created


async def _new_meeting(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    title: str,
    meeting_type: MeetingType | None,
    starts_at: datetime,
    time_zone: str,
    duration_minutes: int | None,
    series_id: uuid.UUID | None,
    visibility: Visibility | None,
    place: str = "",
    video_link: str = "",
) -> Meeting:
    """A new meeting, checked, not yet added to the session."""
    require(principal, workspace_id, Permission.MEETINGS_RUN)
    series = None
    if series_id is not None:
        series = (await get_series(session, principal=principal, ids=[series_id])).get(series_id)
        if series is None or series.workspace_id != workspace_id:
            raise UserError("seriesId", "No such series in this workspace.", ErrorCode.NOT_FOUND)
    timezones.zone(time_zone)
    kind = meeting_type or (series.meeting_type if series else MeetingType.OTHER)
    default = series.visibility if series else Visibility.SHARED
    return Meeting(
        workspace_id=workspace_id,
        series_id=series_id,
        title=clean_text(title, "title", 200, required=True),
        meeting_type=kind,
        starts_at=_utc(starts_at),
        time_zone=time_zone,
        duration_minutes=clean_minutes(duration_minutes, "durationMinutes")
        or (series.duration_minutes if series else 60),
        place=clean_text(place, "place", 300) or "",
        video_link=clean_link(video_link) or "",
        status=MeetingStatus.SCHEDULED,
        visibility=access.initial_visibility(principal, workspace_id, visibility, default),
    )


async def _introduce(
    session: AsyncSession,
    principal: Principal,
    row: Meeting,
    attendee_ids: Sequence[uuid.UUID],
    base_url: str,
) -> None:
    """A new meeting's attendees, its agenda from the template, and the invitations."""
    for user_id in await _members(session, row.workspace_id, attendee_ids):
        session.add(MeetingAttendee(meeting_id=row.id, user_id=user_id))
    await session.flush()
    await templates.apply_template(session, principal, row)
    await notices.send_calendar_notice(
        session,
        row,
        kind="meeting.invitation",
        user_ids=await notices.attendee_ids(session, row.id),
        actor_id=principal.user_id,
        base_url=base_url,
    )


async def _replace_attendees(
    session: AsyncSession, row: Meeting, attendee_ids: Sequence[uuid.UUID]
) -> tuple[writes.Changes, list[uuid.UUID], list[uuid.UUID]]:
    """Replace the attendee list. Returns the change as the meeting's history keeps it
    (`attendees`: sorted, comma-separated user IDs), who was added and who was removed."""
    wanted = await _members(session, row.workspace_id, attendee_ids)
    previous = set(await notices.attendee_ids(session, row.id))
    before = ",".join(
        sorted(
            str(u)
            for u in await session.scalars(
                select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == row.id)
            )
        )
    )
    after = ",".join(sorted(str(u) for u in wanted))
    if before == after:
        return {}, [], []
    await session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == row.id))
    for user_id in wanted:
        session.add(MeetingAttendee(meeting_id=row.id, user_id=user_id))
    added = [u for u in wanted if u not in previous]
    return {"attendees": (before, after)}, added, sorted(previous - set(wanted))


async def update_meeting(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: uuid.UUID,
    version: int,
    title: str | None = None,
    starts_at: datetime | None = None,
    time_zone: str | None = None,
    duration_minutes: int | None = None,
    place: str | None = None,
    video_link: str | None = None,
    status: MeetingStatus | None = None,
    attendee_ids: Sequence[uuid.UUID] | None = None,
    visibility: Visibility | None = None,
    base_url: str = "",
) -> Meeting:
    """Attendees hear of it: new ones get an invitation, removed ones a cancellation, and
    everyone an update when the time or place changes (or a cancellation when it is off)."""
    row = await visible_meeting(session, principal, meeting_id)
    require(principal, row.workspace_id, Permission.MEETINGS_RUN)
    if time_zone is not None:
        timezones.zone(time_zone)
    before = {name: getattr(row, name) for name in SCHEDULING}
    was_cancelled = row.status == MeetingStatus.CANCELLED
    writes.check_version(row, version)
    attendees: writes.Changes = {}
    added: list[uuid.UUID] = []
    removed: list[uuid.UUID] = []
    if attendee_ids is not None:
        attendees, added, removed = await _replace_attendees(session, row, attendee_ids)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 200, required=True),
            "starts_at": _utc(starts_at),
            "time_zone": time_zone,
            "duration_minutes": clean_minutes(duration_minutes, "durationMinutes"),
            "place": clean_text(place, "place", 300),
            "video_link": clean_link(video_link),
            "status": status,
        },
        visibility=visibility,
        derived=attendees,
    )
    send_notice = partial(
        notices.send_calendar_notice, session, row, actor_id=principal.user_id, base_url=base_url
    )
    current = [u for u in await notices.attendee_ids(session, row.id) if u not in added]
    if row.status == MeetingStatus.CANCELLED and not was_cancelled:
        await send_notice(kind="meeting.cancelled", user_ids=current + removed)
        return row
    if any(getattr(row, name) != value for name, value in before.items()):
        await send_notice(kind="meeting.updated", user_ids=current)
    if added:
        await send_notice(kind="meeting.invitation", user_ids=added)
    if removed:
        await send_notice(kind="meeting.cancelled", user_ids=removed)
    return row


async def cancel_meeting(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: uuid.UUID,
    version: int,
    base_url: str = "",
) -> Meeting:
    """Call a meeting off; attendees get the cancellation (see update_meeting)."""
    row = await visible_meeting(session, principal, meeting_id)
    require(principal, row.workspace_id, Permission.MEETINGS_RUN)
    if row.version != version:
        raise Conflict(row)
    if row.status == MeetingStatus.CANCELLED:
        raise UserError("id", "This meeting is cancelled already.", ErrorCode.INVALID)
    return await update_meeting(
        session,
        principal=principal,
        meeting_id=meeting_id,
        version=version,
        status=MeetingStatus.CANCELLED,
        base_url=base_url,
    )


async def publish_minutes(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: uuid.UUID,
    version: int,
    base_url: str = "",
) -> Meeting:
    """The KAM publishes the minutes (agenda notes and decisions); the meeting is then held."""
    row = await visible_meeting(session, principal, meeting_id)
    require(principal, row.workspace_id, Permission.MEETINGS_RUN)
    if row.version != version:
        raise Conflict(row)
    if row.status == MeetingStatus.CANCELLED:
        raise UserError("id", "A cancelled meeting has no minutes.", ErrorCode.INVALID)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={"status": MeetingStatus.HELD, "minutes_published_at": clock.now()},
    )
    await notices.send_minutes(session, row, actor_id=principal.user_id, base_url=base_url)
    return row


access.reader("MeetingSeries", get_series)
access.reader("Meeting", get_meetings)
access.rule(
    Meeting,
    partial(access.abilities, edit=Permission.MEETINGS_RUN),  # the KAM runs meetings
)
access.rule(MeetingSeries, partial(access.abilities, edit=Permission.MEETINGS_RUN))
