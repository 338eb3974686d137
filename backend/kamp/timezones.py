"""IANA time zones: people and meetings carry the zone they live or plan in; instants are
stored in UTC and shown in a zone."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from kamp.errors import ErrorCode, UserError


@cache
def zone_names() -> frozenset[str]:
    """The names of the IANA zones: not the directories of the database (`Europe`), nor its
    files that are no zone (`localtime`, `posixrules`, `Factory`)."""
    return frozenset(available_timezones() - {"Factory", "localtime", "posixrules"})


def zone(name: str, field: str = "timeZone") -> ZoneInfo:
    """The IANA zone called `name`; INVALID otherwise."""
    if name not in zone_names():
        raise UserError(field, "Use an IANA time zone such as Europe/Paris.", ErrorCode.INVALID)
    return ZoneInfo(name)


def to_local(moment: datetime, name: str) -> datetime:
    return moment.astimezone(zone(name))
