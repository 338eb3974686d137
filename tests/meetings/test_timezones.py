"""Meetings are stored in UTC and shown in any zone; a series keeps its local time across a
daylight-saving change."""

from __future__ import annotations

from calendar import TUESDAY
from datetime import date, timedelta

from kamp.accounts.models import Role
from tests.clock import local_change_day, next_weekday
from tests.meetings.support import CHICAGO, CREATE_SERIES, new_meeting, utc_at
from tests.plans.support import ok
from tests.support import gql

SERIES = """query($id: ID!, $from: DateTime!, $to: DateTime!) { node(id: $id) {
  ... on MeetingSeries { occurrences(from: $from, to: $to) } } }"""
LOCAL = """query($id: ID!, $tz: String) { node(id: $id) { ... on Meeting { startsAt timeZone
  localStartsAt(timeZone: $tz) } } }"""


def _fifteenth(day: date, months: int = 0) -> date:
    """The 15th of the month `months` after that of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 15)


def _series(ws: str, starts_on: date, **extra: object) -> dict[str, object]:
    return {
        "input": {
            "workspaceId": ws,
            "title": "Weekly standing call",
            "meetingType": "WEEKLY_STANDING",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "timeZone": CHICAGO,
            "startsOn": starts_on.isoformat(),
            "localStartTime": "09:00:00",
            **extra,
        }
    }


async def test_weekly_series_keeps_local_time_across_dst(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    # Two Tuesdays before Chicago's next move from CST (UTC-6) to CDT (UTC-5), two after.
    spring = local_change_day(CHICAGO, to_summer=True)
    first = next_weekday(TUESDAY, after=spring - timedelta(days=15))
    series = await ok(kam, CREATE_SERIES, _series(world.a.workspace_gid, first))
    window = {"from": utc_at(first, 0), "to": utc_at(first + timedelta(days=22), 0)}
    result = await gql(buyer, SERIES, {"id": series["id"], **window})
    weeks = [first + timedelta(weeks=n) for n in range(4)]
    # 09:00 in Chicago is 15:00 UTC on CST and 14:00 UTC on CDT.
    assert result["data"]["node"]["occurrences"] == [
        utc_at(day, hour) for day, hour in zip(weeks, [15, 15, 14, 14], strict=True)
    ]


async def test_monthly_rule_and_invalid_rules(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    # The 15th before Paris' next change to summer time (CET, UTC+1) and the one after (CEST).
    spring = local_change_day("Europe/Paris", to_summer=True)
    winter = _fifteenth(spring, 0 if spring.day > 15 else -1)
    summer = _fifteenth(winter, 1)
    start = winter.replace(day=1)
    monthly = await ok(
        kam,
        CREATE_SERIES,
        _series(ws, start, rrule="FREQ=MONTHLY;BYMONTHDAY=15", timeZone="Europe/Paris"),
    )
    window = {"from": utc_at(start, 0), "to": utc_at(_fifteenth(summer, 1).replace(day=1), 0)}
    result = await gql(kam, SERIES, {"id": monthly["id"], **window})
    assert result["data"]["node"]["occurrences"] == [utc_at(winter, 8), utc_at(summer, 7)]
    for bad in ("FREQ=HOURLY", "BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "not a rule"):
        refused = await gql(kam, CREATE_SERIES, _series(ws, start, rrule=bad))
        errors = refused["data"]["createMeetingSeries"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("rrule", "INVALID")], bad
    refused = await gql(kam, CREATE_SERIES, _series(ws, start, timeZone="Mars/Olympus"))
    errors = refused["data"]["createMeetingSeries"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("timeZone", "INVALID")]


MY_ZONE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  timeZone errors { field code } } }"""


async def test_meeting_in_utc_shown_in_any_zone(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    # The Tuesday after Chicago's next change to summer time (CDT, UTC-5), before Paris' (which
    # comes weeks later in the zone database's rules): Paris is still on CET, UTC+1.
    day = next_weekday(TUESDAY, after=local_change_day(CHICAGO, to_summer=True))
    meeting = await new_meeting(kam, world.a.workspace_gid, startsAt=f"{day}T09:00:00-05:00")
    node = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["startsAt"] == f"{day}T14:00:00+00:00"
    # By default each viewer sees their own zone (UTC until they choose one).
    assert node["localStartsAt"] == f"{day}T14:00:00+00:00"
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    for http, zone in ((kam, "America/Chicago"), (buyer, "Asia/Tokyo")):
        changed = await gql(http, MY_ZONE, {"input": {"timeZone": zone}})
        assert changed["data"]["updateMyProfile"] == {"timeZone": zone, "errors": []}
    node = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["localStartsAt"] == f"{day}T09:00:00-05:00"
    node = (await gql(buyer, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["localStartsAt"] == f"{day}T23:00:00+09:00"
    paris = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": "Europe/Paris"}))["data"]["node"]
    assert paris["localStartsAt"] == f"{day}T15:00:00+01:00"
    bad = await gql(kam, LOCAL, {"id": meeting["id"], "tz": "Nowhere/Else"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    naive = await gql(
        kam,
        """mutation($input: CreateMeetingInput!) { createMeeting(input: $input) {
        errors { field code } } }""",
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "x",
                "startsAt": f"{day}T09:00:00",
                "timeZone": "UTC",
            }
        },
    )
    assert naive["data"]["createMeeting"]["errors"] == [{"field": "startsAt", "code": "INVALID"}]
