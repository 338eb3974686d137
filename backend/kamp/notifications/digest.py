"""The daily digest: each person's open and overdue action items, meetings in the next day
and unread notifications, at the digest hour of their own day, once per local date."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Membership, User, Workspace
from kamp.actions.models import ActionItem, ActionStatus
from kamp.auth.policy import Permission
from kamp.coediting import access
from kamp.meetings.models import Meeting, MeetingAttendee, MeetingStatus
from kamp.meetings.reminders import local_time
from kamp.notifications.models import Notification
from kamp.notifications.service import notify
from kamp.settings import Settings

OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)
MAX_LINES = 20  # per section: a digest points to the portal, it does not replace it


def _local(now: datetime, zone: str) -> datetime:
    try:
        return now.astimezone(ZoneInfo(zone))
    except Exception:  # an unknown zone reads as UTC
        return now.astimezone(ZoneInfo("UTC"))


async def send_digests(
    session: AsyncSession, *, settings: Settings, now: datetime | None = None
) -> int:
    """Runs hourly: users whose local hour is the digest hour get theirs, if there is
    anything to tell. The dedupe key is the local date, so the hour repeated when clocks go
    back sends nothing twice."""
    now = now or clock.now()
    users = [
        user
        for user in await session.scalars(
            select(User).where(
                User.is_active.is_(True),
                select(Membership.id).where(Membership.user_id == User.id).exists(),
            )
        )
        if _local(now, user.time_zone).hour == settings.digest_hour
    ]
    sent = 0
    for user in users:
        local_day = _local(now, user.time_zone).date()
        body = await _digest(session, user, now)
        if body is None:
            continue
        sent += len(
            await notify(
                session,
                user_ids=[user.id],
                # It speaks of all the user's accounts: an app limited to some never reads it.
                workspace_id=None,
                kind="digest",
                title=f"Your kamp digest for {local_day:%A %d %B}",
                body=body,
                dedupe_key=f"digest:{local_day.isoformat()}",
                link=settings.base_url,
            )
        )
    return sent


async def _digest(session: AsyncSession, user: User, now: datetime) -> str | None:
    memberships = {
        m.workspace_id: m
        for m in await session.scalars(select(Membership).where(Membership.user_id == user.id))
    }
    names = dict(
        (
            await session.execute(
                select(Workspace.id, Workspace.name).where(Workspace.id.in_(memberships))
            )
        ).all()
    )

    async def readable(row: ActionItem | Meeting, permission: Permission) -> bool:
        member = memberships.get(row.workspace_id)
        return member is not None and access.may_see(
            member.role, *await access.lineage(session, row), permission=permission
        )

    items = [
        item
        for item in await session.scalars(
            select(ActionItem)
            .where(ActionItem.owner_id == user.id, ActionItem.status.in_(OPEN))
            .order_by(ActionItem.due_date.asc().nulls_last(), ActionItem.id)
        )
        if await readable(item, Permission.ACTIONS_READ)
    ]
    today = _local(now, user.time_zone).date()
    overdue = [i for i in items if i.due_date is not None and i.due_date < today]
    meetings = [
        meeting
        for meeting in await session.scalars(
            select(Meeting)
            .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
            .where(
                MeetingAttendee.user_id == user.id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > now,
                Meeting.starts_at <= now + timedelta(days=1),
            )
            .order_by(Meeting.starts_at)
        )
        if await readable(meeting, Permission.MEETINGS_READ)
    ]
    unread = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            # Earlier digests left unread are not news.
            Notification.kind != "digest",
        )
    )
    if not (items or meetings or unread):
        return None
    sections: list[str] = []
    if meetings:
        lines = [
            f"- {local_time(m, user.time_zone)}: {m.title} ({names.get(m.workspace_id, '')})"
            for m in meetings[:MAX_LINES]
        ]
        sections.append("Meetings in the next 24 hours:\n" + "\n".join(lines))
    if overdue:
        lines = [f"- {i.title} (due {i.due_date:%d %b})" for i in overdue[:MAX_LINES]]
        sections.append(f"Overdue ({len(overdue)}):\n" + "\n".join(lines))
    if items:
        by_workspace: dict[uuid.UUID, int] = defaultdict(int)
        for item in items:
            by_workspace[item.workspace_id] += 1
        lines = [f"- {names.get(w, '')}: {n}" for w, n in by_workspace.items()]
        sections.append(f"Your open action items ({len(items)}):\n" + "\n".join(lines))
    if unread:
        sections.append(f"Unread notifications: {unread}")
    return "\n\n".join(sections)
