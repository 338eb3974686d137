"""The one way kamp reads the time.

Everything that asks "what time is it" calls `now()` (or `today()`, `timestamp()`), never
`datetime.now`, `date.today` or `time.time` directly, so that the current instant is an input:
tests move it with time-machine, which moves every reader in the process at once (kamp, authlib,
the HTTP cookie jar). Durations are measured with `time.monotonic`, which no one moves.
The databases' own `now()` is never used: every timestamp is written from here."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def timestamp() -> float:
    """The current instant as seconds since the epoch (JWT `iat`/`exp`)."""
    return now().timestamp()
