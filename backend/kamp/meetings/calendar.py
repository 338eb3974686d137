"""iCalendar (RFC 5545) for meetings and series: one file per meeting, a feed per user, and
the invitations mailed to attendees. Times carry their IANA zone with a VTIMEZONE, so a series'
09:00 stays 09:00 across daylight-saving changes. Each file is built for one reader: what they
may not see (internal meetings, internal agenda items) is never in it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vRecur, vText
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, User, Workspace
from kamp.meetings.models import AgendaItem, Meeting, MeetingAttendee, MeetingSeries, MeetingStatus

PRODID = "-//kamp//key account management portal//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@kamp"


def new_calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _address(user: User, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.display_name)
    for name, value in params.items():
        address.params[name] = vText(value)
    return address


def meeting_event(
    meeting: Meeting,
    *,
    agenda: Sequence[AgendaItem],
    attendees: Sequence[User],
    organizer: User | None,
    url: str,
) -> Event:
    """The meeting as one VEVENT; `agenda` must already be what the reader may see."""
    zone = ZoneInfo(meeting.time_zone)
    start = meeting.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.version)
    event.add("dtstamp", clock.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    if meeting.place or meeting.video_link:
        event.add("location", meeting.place or meeting.video_link)
    event.add("url", meeting.video_link or url)
    lines = [f"{n}. {item.title}" for n, item in enumerate(agenda, 1)]
    description = ("Agenda:\n" + "\n".join(lines) + "\n\n" if lines else "") + url
    event.add("description", description)
    if organizer is not None:
        event.add("organizer", _address(organizer))
    for user in attendees:
        event.add(
            "attendee",
            _address(user, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
        )
    return event


def series_event(
    series: MeetingSeries,
    *,
    url: str,
    first: datetime | None = None,
    until: datetime | None = None,
) -> Event:
    """A series as one recurring VEVENT: the rule runs in the series' zone. `first` (a local
    wall time that is an occurrence) starts it later; `until` (UTC) then replaces a COUNT,
    which would otherwise count again from `first`."""
    zone = ZoneInfo(series.time_zone)
    start = (first or datetime.combine(series.starts_on, series.local_start_time)).replace(
        tzinfo=zone
    )
    rule = vRecur.from_ical(series.rrule)
    if until is not None:
        rule.pop("COUNT", None)
        rule["UNTIL"] = [until]
    event = Event()
    event.add("uid", f"series-{series.id}@kamp")
    event.add("sequence", series.version)
    event.add("dtstamp", clock.now())
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=series.duration_minutes))
    event.add("rrule", rule)
    event.add("summary", series.title)
    event.add("url", url)
    return event


def to_ics(calendar: Calendar) -> str:
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


# --- reading what one reader may see ------------------------------------------------------


# Whether the reader may see this agenda item (the caller asks the kernel's access).
Shows = Callable[[AgendaItem], bool]


async def _agendas(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID], shows: Shows
) -> dict[uuid.UUID, list[AgendaItem]]:
    stmt = select(AgendaItem).where(AgendaItem.meeting_id.in_(meeting_ids))
    found: dict[uuid.UUID, list[AgendaItem]] = defaultdict(list)
    for item in await session.scalars(stmt.order_by(AgendaItem.position, AgendaItem.created_at)):
        if shows(item):
            found[item.meeting_id].append(item)
    return found


async def _attendees(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[User]]:
    rows = await session.execute(
        select(MeetingAttendee.meeting_id, User)
        .join(MeetingAttendee, MeetingAttendee.user_id == User.id)
        .where(MeetingAttendee.meeting_id.in_(meeting_ids))
        .order_by(User.display_name, User.id)
    )
    found: dict[uuid.UUID, list[User]] = defaultdict(list)
    for meeting_id, user in rows.all():
        found[meeting_id].append(user)
    return found


async def _kams(session: AsyncSession, workspace_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
    rows = await session.execute(
        select(Workspace.id, User)
        .join(KeyAccount, KeyAccount.kam_id == User.id)
        .join(Workspace, Workspace.key_account_id == KeyAccount.id)
        .where(Workspace.id.in_(workspace_ids))
    )
    return {key: value for key, value in rows.all()}


def meeting_url(base_url: str, meeting: Meeting) -> str:
    return f"{base_url}/w/{meeting.workspace_id}/meetings/{meeting.id}"


async def meeting_events(
    session: AsyncSession, meetings: Sequence[Meeting], *, shows: Shows, base_url: str
) -> list[Event]:
    """VEVENTs of meetings the reader may see (the caller filtered the meetings). Three
    statements however many meetings: a feed may hold a thousand."""
    if not meetings:
        return []
    ids = [m.id for m in meetings]
    agendas = await _agendas(session, ids, shows)
    attendees = await _attendees(session, ids)
    kams = await _kams(session, list({m.workspace_id for m in meetings}))
    return [
        meeting_event(
            meeting,
            agenda=agendas.get(meeting.id, []),
            attendees=attendees.get(meeting.id, []),
            organizer=kams.get(meeting.workspace_id),
            url=meeting_url(base_url, meeting),
        )
        for meeting in meetings
    ]


async def meeting_ics(
    session: AsyncSession, meeting: Meeting, *, shows: Shows, base_url: str, method: str
) -> str:
    calendar = new_calendar(method)
    for event in await meeting_events(session, [meeting], shows=shows, base_url=base_url):
        if method == "CANCEL":
            event["status"] = vText("CANCELLED")
        calendar.add_component(event)
    return to_ics(calendar)
