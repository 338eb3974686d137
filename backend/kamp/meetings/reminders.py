"""The agenda, sent to each attendee a while before the meeting (a scheduled job). Customer
attendees get the shared items only, and nothing of an internal meeting."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Membership, User
from kamp.auth.policy import Permission
from kamp.coediting import access
from kamp.meetings.models import AgendaItem, Meeting, MeetingAttendee, MeetingStatus
from kamp.notifications.service import notify
from kamp.settings import Settings
from kamp.timezones import to_local

MAX_MEETINGS_PER_RUN = 500


def local_time(meeting: Meeting, zone: str) -> str:
    """The start as its reader knows it: their own zone, named."""
    try:
        local = to_local(meeting.starts_at, zone)
    except Exception:  # a zone removed from the database since it was saved
        local = to_local(meeting.starts_at, "UTC")
    return f"{local:%A %d %B %Y, %H:%M} ({local.tzinfo})"


def agenda_text(items: list[AgendaItem], owners: dict[uuid.UUID, User]) -> str:
    lines = []
    for number, item in enumerate(items, 1):
        details = [owners[item.owner_id].display_name] if item.owner_id in owners else []
        if item.time_box_minutes:
            details.append(f"{item.time_box_minutes} min")
        suffix = f" ({', '.join(details)})" if details else ""
        lines.append(f"{number}. {item.title}{suffix}")
    return "\n".join(lines) or "No agenda items yet."


async def send_agendas(session: AsyncSession, *, settings: Settings) -> int:
    """Send the agenda of every scheduled meeting starting within the lead time, once per
    attendee and start time (a rescheduled meeting sends again). Returns notices sent."""
    now = clock.now()
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > now,
                Meeting.starts_at <= now + timedelta(hours=settings.agenda_lead_hours),
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(MAX_MEETINGS_PER_RUN)
        )
    )
    sent = 0
    for meeting in meetings:
        items = list(
            await session.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.created_at, AgendaItem.id)
            )
        )
        chain = await access.lineage(session, meeting)  # nothing of an internal series either
        owner_ids = {i.owner_id for i in items if i.owner_id is not None}
        owners = {
            u.id: u for u in await session.scalars(select(User).where(User.id.in_(owner_ids)))
        }
        attendees = await session.execute(
            select(User, Membership.role)
            .join(MeetingAttendee, MeetingAttendee.user_id == User.id)
            .join(
                Membership,
                (Membership.user_id == User.id) & (Membership.workspace_id == meeting.workspace_id),
            )
            .where(MeetingAttendee.meeting_id == meeting.id)
        )
        for user, role in attendees.all():
            if not access.may_see(role, *chain, permission=Permission.MEETINGS_READ):
                continue
            visible = [
                i
                for i in items
                if access.may_see(role, *chain, i, permission=Permission.MEETINGS_READ)
            ]
            where = " · ".join(p for p in (meeting.place, meeting.video_link) if p)
            body = (
                f"{meeting.title}\n{local_time(meeting, user.time_zone)}"
                + (f"\n{where}" if where else "")
                + f"\n\nAgenda:\n{agenda_text(visible, owners)}"
            )
            sent += len(
                await notify(
                    session,
                    user_ids=[user.id],
                    workspace_id=meeting.workspace_id,
                    kind="meeting.agenda",
                    title=f"Agenda: {meeting.title}",
                    body=body,
                    node=meeting,
                    dedupe_key=f"meeting.agenda:{meeting.id}:{meeting.starts_at.isoformat()}",
                    link=f"{settings.base_url}/w/{meeting.workspace_id}/meetings/{meeting.id}",
                )
            )
    return sent
