"""Calendar notices to attendees: the invitation (with the meeting's ICS), an update when it moves,
a cancellation, and the published minutes. Each reader gets the version they may see; the
customer side hears nothing of an internal meeting."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Membership, Role, User
from kamp.auth.policy import Permission
from kamp.coediting import access
from kamp.meetings import calendar
from kamp.meetings.models import AgendaItem, Meeting, MeetingAttendee, MeetingDecision
from kamp.meetings.reminders import local_time
from kamp.notifications.service import notify

# kind -> (title prefix, iTIP method)
NOTICES = {
    "meeting.invitation": ("Invitation", "REQUEST"),
    "meeting.updated": ("Updated", "REQUEST"),
    "meeting.cancelled": ("Cancelled", "CANCEL"),
}


async def _recipients(
    session: AsyncSession, meeting: Meeting, user_ids: Sequence[uuid.UUID]
) -> list[tuple[User, Role]]:
    """The users who may see the meeting (and its series), with their role in its workspace."""
    chain = await access.lineage(session, meeting)
    rows = await session.execute(
        select(User, Membership.role)
        .join(
            Membership,
            (Membership.user_id == User.id) & (Membership.workspace_id == meeting.workspace_id),
        )
        .where(User.id.in_(user_ids))
        .order_by(User.id)
    )
    return [
        (user, role)
        for user, role in rows.all()
        if access.may_see(role, *chain, permission=Permission.MEETINGS_READ)
    ]


async def attendee_ids(session: AsyncSession, meeting_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        await session.scalars(
            select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting_id)
        )
    )


async def send_calendar_notice(
    session: AsyncSession,
    meeting: Meeting,
    *,
    kind: str,
    user_ids: Sequence[uuid.UUID],
    actor_id: uuid.UUID | None,
    base_url: str,
) -> None:
    """Invite, update or cancel, with the ICS attached. Keyed by the meeting's version: a
    retried request sends nothing twice, a later change sends again."""
    prefix, method = NOTICES[kind]
    chain = await access.lineage(session, meeting)
    for user, role in await _recipients(session, meeting, [u for u in user_ids if u != actor_id]):
        ics = await calendar.meeting_ics(
            session,
            meeting,
            shows=partial(access.may_see, role, *chain, permission=Permission.MEETINGS_READ),
            base_url=base_url,
            method=method,
        )
        await notify(
            session,
            user_ids=[user.id],
            workspace_id=meeting.workspace_id,
            kind=kind,
            title=f"{prefix}: {meeting.title}, {local_time(meeting, user.time_zone)}"[:300],
            body=f"{meeting.title}\n{local_time(meeting, user.time_zone)}"
            + (f"\n{meeting.place}" if meeting.place else "")
            + (f"\n{meeting.video_link}" if meeting.video_link else ""),
            node=meeting,
            dedupe_key=f"{kind}:{meeting.id}:{meeting.version}",
            link=calendar.meeting_url(base_url, meeting),
            calendar=ics,
        )


async def send_minutes(
    session: AsyncSession, meeting: Meeting, *, actor_id: uuid.UUID | None, base_url: str
) -> None:
    """The published minutes to every attendee: notes per agenda item and the decisions,
    the internal ones to the supplier side only."""
    items = list(
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.created_at)
        )
    )
    decisions = list(
        await session.scalars(
            select(MeetingDecision)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(MeetingDecision.created_at)
        )
    )
    published = meeting.minutes_published_at.isoformat() if meeting.minutes_published_at else ""
    users = await _recipients(session, meeting, await attendee_ids(session, meeting.id))
    chain = await access.lineage(session, meeting)
    for user, role in users:
        if user.id == actor_id:
            continue

        def seen(row: AgendaItem | MeetingDecision, role: Role = role) -> bool:
            return access.may_see(role, *chain, row, permission=Permission.MEETINGS_READ)

        notes = [
            f"{n}. {item.title}\n{item.notes.strip() or '(no notes)'}"
            for n, item in enumerate((i for i in items if seen(i)), 1)
        ]
        made = [f"- {d.text}" for d in decisions if seen(d)]
        body = (
            f"Minutes of {meeting.title}, {local_time(meeting, user.time_zone)}\n\n"
            + "\n\n".join(notes)
            + ("\n\nDecisions:\n" + "\n".join(made) if made else "")
        )
        await notify(
            session,
            user_ids=[user.id],
            workspace_id=meeting.workspace_id,
            kind="minutes.published",
            title=f"Minutes: {meeting.title}"[:300],
            body=body,
            node=meeting,
            dedupe_key=f"minutes.published:{meeting.id}:{published}",
            link=calendar.meeting_url(base_url, meeting),
        )
