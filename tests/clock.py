"""Time in tests. Dates are computed from the clock, never written as calendar literals that
the real clock will one day overtake; a test that needs a particular moment sets the clock
(`clock` fixture, time-machine), and daylight-saving changes come from the zone database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from kamp import clock as kamp_clock


class Clock:
    """Moves the process's time for the rest of a test; it keeps ticking from there."""

    def __init__(self) -> None:
        self._travel: time_machine.travel | None = None

    def travel(self, to: datetime) -> datetime:
        if to.tzinfo is None:
            raise ValueError("travel to an aware datetime")
        self.stop()
        self._travel = time_machine.travel(to, tick=True)
        self._travel.start()
        return to

    def stop(self) -> None:
        if self._travel is not None:
            self._travel.stop()
            self._travel = None


def days_from_today(days: int) -> date:
    return kamp_clock.today() + timedelta(days=days)


def iso_day(days: int) -> str:
    """Today plus `days`, as the API writes a date."""
    return days_from_today(days).isoformat()


def next_weekday(weekday: int, *, after: date | None = None, weeks: int = 0) -> date:
    """The first date after `after` (default today) falling on `weekday` (Monday is 0)."""
    start = after or kamp_clock.today()
    ahead = (weekday - start.weekday() - 1) % 7 + 1
    return start + timedelta(days=ahead, weeks=weeks)


def offset_changes(zone: str, *, after: datetime | None = None) -> Iterator[datetime]:
    """The instants (UTC, to the hour) at which `zone` changes its UTC offset after `after`
    (default now), read from the zone database; none for a zone without changes."""
    tz = ZoneInfo(zone)
    at = (after or kamp_clock.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    offset = at.astimezone(tz).utcoffset()
    for _ in range(3 * 366 * 24):
        at += timedelta(hours=1)
        current = at.astimezone(tz).utcoffset()
        if current != offset:
            offset = current
            yield at


def local_change_day(zone: str, *, after: datetime | None = None, to_summer: bool) -> date:
    """The local date of the next change to (or from) summer time in `zone`."""
    tz = ZoneInfo(zone)
    for change in offset_changes(zone, after=after):
        before = (change - timedelta(hours=1)).astimezone(tz).utcoffset()
        if (change.astimezone(tz).utcoffset() > before) == to_summer:  # type: ignore[operator]
            return change.astimezone(tz).date()
    raise LookupError(f"{zone} does not change its offset")


def local(day: date, hour: int, zone: str, minute: int = 0) -> datetime:
    """A wall-clock time of `zone` on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def utc_iso(moment: datetime) -> str:
    """An instant as kamp writes it: UTC with an explicit offset."""
    return moment.astimezone(UTC).isoformat()
