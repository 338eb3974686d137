"""Recurrence: a series' RRULE is evaluated in the local time of its IANA zone, so 09:00 stays
09:00 across DST changes; occurrences are returned in UTC."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from kamp.errors import ErrorCode, UserError
from kamp.timezones import zone

MAX_OCCURRENCES = 100
MAX_RANGE = timedelta(days=800)
# Sub-daily rules would make an occurrence list explode; a team meets at most daily.
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
MAX_INTERVAL = 366
# A rule that never meets (30 February) is walked by the library to the year 9999: seconds of
# work, so it is refused when saved, from a walk in a thread given this long.
PROBE_SECONDS = 1.0
LAST_YEAR = 2199


def parse_rule(text: str, starts_on: date, local_start: time) -> rrule:
    """An RRULE (without DTSTART) anchored at the series' first day and local start time."""
    text = text.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = dict(p.partition("=")[::2] for p in text.split(";") if p)
    if not text or len(text) > 500 or parts.get("FREQ") not in FREQUENCIES or "DTSTART" in text:
        raise UserError(
            "rrule",
            "Give an RFC 5545 rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.",
            ErrorCode.INVALID,
        )
    try:
        rule = rrulestr(text, dtstart=datetime.combine(starts_on, local_start))
    except (ValueError, TypeError) as exc:
        raise UserError("rrule", "This is not a valid RFC 5545 rule.", ErrorCode.INVALID) from exc
    if not isinstance(rule, rrule):
        raise UserError("rrule", "Give a single rule.", ErrorCode.INVALID)
    if not 1 <= int(parts.get("INTERVAL", "1")) <= MAX_INTERVAL:
        # INTERVAL=0 repeats the first occurrence for ever: every walk past it never ends.
        raise UserError("rrule", f"Give an INTERVAL from 1 to {MAX_INTERVAL}.", ErrorCode.INVALID)
    return rule


async def check_meets(rule: rrule) -> None:
    """Refuse a rule with no occurrence in the years people plan in."""

    def first() -> datetime | None:
        return next(iter(rule), None)

    never = UserError(
        "rrule", "This rule never meets; check its days and months.", ErrorCode.INVALID
    )
    try:
        found = await asyncio.wait_for(asyncio.to_thread(first), PROBE_SECONDS)
    except TimeoutError as exc:
        raise never from exc
    if found is None or found.year > LAST_YEAR:
        raise never


def occurrences(rule: rrule, zone_name: str, start: datetime, end: datetime) -> list[datetime]:
    """The UTC start times in [start, end): local wall times of the rule, placed in the zone
    (a time skipped by a DST change moves forward, as calendars do)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise UserError("from", "Give times with an offset.", ErrorCode.INVALID)
    if end <= start:
        return []
    if end - start > MAX_RANGE:
        raise UserError("to", "Ask for at most about two years at once.", ErrorCode.INVALID)
    tz = zone(zone_name)
    # The rule runs on naive local times; widen by a day to cover any offset.
    local_from = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    local_to = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    found: list[datetime] = []
    for local in rule.xafter(local_from, inc=True):
        if local > local_to or len(found) >= MAX_OCCURRENCES:
            break
        moment = _placed(local, tz)
        if start <= moment < end:
            found.append(moment)
    return found


def _placed(local: datetime, tz: ZoneInfo) -> datetime:
    aware = local.replace(tzinfo=tz)
    # A wall time that does not exist (spring forward) round-trips to a different one.
    roundtrip = aware.astimezone(UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != local:
        aware = local.replace(tzinfo=tz, fold=1)
    return aware.astimezone(UTC)
