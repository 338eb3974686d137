"""Times a calendar can hold: a rule that never moves on is refused (walking it would never
end), and dates and instants far outside the years people plan in are a clear bad request,
not an unexpected error, in every input."""

from __future__ import annotations

import time

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from tests.meetings.support import CREATE_MEETING, CREATE_SERIES
from tests.support import error_codes, gid, gql

ZERO_INTERVALS = ("FREQ=DAILY;INTERVAL=0", "FREQ=WEEKLY;INTERVAL=00;BYDAY=TU")


def _series(ws: str, **extra: object) -> dict[str, object]:
    return {
        "input": {
            "workspaceId": ws,
            "title": "Standing call",
            "meetingType": "WEEKLY_STANDING",
            "rrule": "FREQ=WEEKLY",
            "timeZone": "UTC",
            "startsOn": kamp_clock.today().isoformat(),
            "localStartTime": "09:00:00",
            **extra,
        }
    }


async def test_a_rule_that_never_moves_on_is_refused(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    for rule in ZERO_INTERVALS:
        result = await gql(kam, CREATE_SERIES, _series(world.a.workspace_gid, rrule=rule))
        errors = result["data"]["createMeetingSeries"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("rrule", "INVALID")], rule


async def test_far_away_instants_and_dates_are_bad_input(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    buyer = gid("User", world.a.users[Role.CUSTOMER_BUYER].id)
    for starts_at in (
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:30:00+14:00",
        "9999-12-31T23:00:00-12:00",
        "9999-12-31T23:59:59+00:00",
    ):
        result = await gql(
            kam,
            CREATE_MEETING,
            {
                "input": {
                    "workspaceId": ws,
                    "title": "Far away",
                    "startsAt": starts_at,
                    "timeZone": "UTC",
                    "attendeeIds": [buyer],
                }
            },
        )
        assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"], (starts_at, result)
    for starts_on in ("0001-01-01", "9999-12-31"):
        result = await gql(kam, CREATE_SERIES, _series(ws, startsOn=starts_on))
        assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"], (starts_on, result)


NEVER_MEETS = (
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=7",
    "FREQ=YEARLY;BYMONTH=6;BYWEEKNO=1",
)


async def test_a_rule_that_never_meets_is_refused_at_once(world, clients):
    """The library walks such a rule to the year 9999 (seconds of work on every read of the
    series' occurrences or the calendar feed): it is refused when saved, quickly."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    for rule in NEVER_MEETS:
        started = time.monotonic()
        result = await gql(kam, CREATE_SERIES, _series(ws, rrule=rule))
        assert time.monotonic() - started < 2.5, rule
        errors = result["data"]["createMeetingSeries"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("rrule", "INVALID")], rule
    made = await gql(kam, CREATE_SERIES, _series(ws, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"))
    assert made["data"]["createMeetingSeries"]["errors"] == [], made
