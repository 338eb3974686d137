"""A person's calendar feed: a secret URL their calendar app polls. Only its SHA-256 is kept;
making a new one replaces the old, revoking deletes it. The feed holds the meetings of all the
person's workspaces, as that person may see them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from icalendar import Event
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User
from kamp.auth.policy import Permission
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_user
from kamp.auth.tokens import new_token, token_hash
from kamp.coediting import access
from kamp.errors import Forbidden
from kamp.meetings import calendar, recurrence
from kamp.meetings.models import CalendarFeed, Meeting, MeetingSeries

FEED_PAST = timedelta(days=90)
FEED_AHEAD = timedelta(days=400)
MAX_FEED_MEETINGS = 1000
MAX_FEED_SERIES = 200
MAX_COUNT = 5000  # occurrences a COUNT rule is walked through to find its last one


def _require_person(principal: Principal) -> None:
    # A browser session only: a token's scopes do not reach the person's calendar URL.
    if principal.user_id is None or principal.scopes is not None:
        raise Forbidden("Manage your calendar feed from the web app.")


def feed_path(secret: str) -> str:
    return f"/calendar/feeds/{secret}.ics"


async def get_feed(session: AsyncSession, *, principal: Principal) -> CalendarFeed | None:
    if principal.user_id is None:
        return None
    return await session.scalar(
        select(CalendarFeed).where(CalendarFeed.user_id == principal.user_id)
    )


async def create_feed(session: AsyncSession, *, principal: Principal) -> tuple[CalendarFeed, str]:
    """A new secret URL (returned once); the previous one stops working."""
    _require_person(principal)
    await revoke_feed(session, principal=principal)
    secret = new_token()
    row = CalendarFeed(user_id=principal.user_id, secret_hash=token_hash(secret))
    session.add(row)
    await session.flush()
    return row, secret


async def revoke_feed(session: AsyncSession, *, principal: Principal) -> bool:
    _require_person(principal)
    result = await session.execute(
        delete(CalendarFeed).where(CalendarFeed.user_id == principal.user_id)
    )
    return bool(cast(CursorResult[Any], result).rowcount)  # a DELETE's result has a rowcount


async def feed_ics(session: AsyncSession, *, secret: str, base_url: str) -> str | None:
    """The feed behind a secret, or None (unknown, revoked, or its owner deactivated)."""
    if not 20 <= len(secret) <= 100:
        return None
    # Looked up by hash: the secret itself is never compared, so timing tells nothing of it.
    feed = await session.scalar(
        select(CalendarFeed).where(CalendarFeed.secret_hash == token_hash(secret))
    )
    if feed is None:
        return None
    user = await session.get(User, feed.user_id)
    if user is None or not user.is_active:
        return None
    feed.last_used_at = clock.now()
    principal = await principal_for_user(session, user=user)
    now = clock.now()
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.workspace_id.in_(principal.workspace_ids),
                access.visible(Meeting, principal, Permission.MEETINGS_READ),
                Meeting.starts_at >= now - FEED_PAST,
                Meeting.starts_at <= now + FEED_AHEAD,
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(MAX_FEED_MEETINGS)
        )
    )
    feed_calendar = calendar.new_calendar("PUBLISH")
    feed_calendar.add("x-wr-calname", f"kamp: {user.display_name}")
    for event in await calendar.meeting_events(
        session,
        meetings,
        shows=lambda item: access.can_see(principal, item, Permission.MEETINGS_READ),
        base_url=base_url,
    ):
        feed_calendar.add_component(event)
    series = list(
        await session.scalars(
            select(MeetingSeries)
            .where(
                MeetingSeries.workspace_id.in_(principal.workspace_ids),
                access.visible(MeetingSeries, principal, Permission.MEETINGS_READ),
            )
            .order_by(MeetingSeries.created_at, MeetingSeries.id)
            .limit(MAX_FEED_SERIES)
        )
    )
    for event in await _series_ahead(session, series, since=now - FEED_PAST, base_url=base_url):
        feed_calendar.add_component(event)
    return calendar.to_ics(feed_calendar)


async def _series_ahead(
    session: AsyncSession, series: Sequence[MeetingSeries], *, since: datetime, base_url: str
) -> list[Event]:
    """Each series' occurrences after its last scheduled meeting, as one recurring event:
    the scheduled meetings are in the feed already (with agenda and attendees), so the
    rule starts where they end and no occurrence appears twice."""
    if not series:
        return []
    latest = dict(
        (
            await session.execute(
                select(Meeting.series_id, func.max(Meeting.starts_at))
                .where(Meeting.series_id.in_([s.id for s in series]))
                .group_by(Meeting.series_id)
            )
        ).all()
    )
    events = []
    for row in series:
        tz = ZoneInfo(row.time_zone)
        after = max(since, latest[row.id] + timedelta(seconds=1)) if row.id in latest else since
        rule = recurrence.parse_rule(row.rrule, row.starts_on, row.local_start_time)
        first = next(rule.xafter(after.astimezone(tz).replace(tzinfo=None), inc=True), None)
        if first is None:
            continue  # the rule has ended
        until = None
        if "COUNT=" in row.rrule.upper():
            last = list(itertools.islice(rule, MAX_COUNT))[-1]
            until = last.replace(tzinfo=tz).astimezone(UTC)
        events.append(calendar.series_event(row, url=base_url, first=first, until=until))
    return events
