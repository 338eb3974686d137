"""IANA time zones: people and meetings carry the zone they live or plan in; instants are
stored in UTC and shown in a zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kamp.errors import ErrorCode, UserError


def zone(name: str, field: str = "timeZone") -> ZoneInfo:
    """The IANA zone called `name`; INVALID otherwise."""
    try:
        if not name or len(name) > 64 or name.startswith(("/", ".")):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(
            field, "Use an IANA time zone such as Europe/Paris.", ErrorCode.INVALID
        ) from exc


def to_local(moment: datetime, name: str) -> datetime:
    return moment.astimezone(zone(name))
