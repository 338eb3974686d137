"""Meetings are stored in UTC and shown in any zone; a series keeps its local time across a
daylight-saving change."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.meetings.support import CREATE_SERIES, new_meeting
from tests.plans.support import ok
from tests.support import gql

SERIES = """query($id: ID!, $from: DateTime!, $to: DateTime!) { node(id: $id) {
  ... on MeetingSeries { occurrences(from: $from, to: $to) } } }"""
LOCAL = """query($id: ID!, $tz: String) { node(id: $id) { ... on Meeting { startsAt timeZone
  localStartsAt(timeZone: $tz) } } }"""


def _series(ws: str, **extra: object) -> dict[str, object]:
    return {
        "input": {
            "workspaceId": ws,
            "title": "Weekly standing call",
            "meetingType": "WEEKLY_STANDING",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "timeZone": "America/Chicago",
            "startsOn": "2027-03-01",
            "localStartTime": "09:00:00",
            **extra,
        }
    }


async def test_weekly_series_keeps_local_time_across_dst(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    series = await ok(kam, CREATE_SERIES, _series(world.a.workspace_gid))
    result = await gql(
        buyer,
        SERIES,
        {"id": series["id"], "from": "2027-03-01T00:00:00Z", "to": "2027-03-24T00:00:00Z"},
    )
    occurrences = result["data"]["node"]["occurrences"]
    # Chicago moves from CST (UTC-6) to CDT (UTC-5) on Sunday 14 March 2027.
    assert occurrences == [
        "2027-03-02T15:00:00+00:00",
        "2027-03-09T15:00:00+00:00",
        "2027-03-16T14:00:00+00:00",
        "2027-03-23T14:00:00+00:00",
    ]


async def test_monthly_rule_and_invalid_rules(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    monthly = await ok(
        kam, CREATE_SERIES, _series(ws, rrule="FREQ=MONTHLY;BYMONTHDAY=15", timeZone="Europe/Paris")
    )
    result = await gql(
        kam,
        SERIES,
        {"id": monthly["id"], "from": "2027-03-01T00:00:00Z", "to": "2027-05-01T00:00:00Z"},
    )
    assert result["data"]["node"]["occurrences"] == [
        "2027-03-15T08:00:00+00:00",
        "2027-04-15T07:00:00+00:00",
    ]
    for bad in ("FREQ=HOURLY", "BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "not a rule"):
        refused = await gql(kam, CREATE_SERIES, _series(ws, rrule=bad))
        errors = refused["data"]["createMeetingSeries"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("rrule", "INVALID")], bad
    refused = await gql(kam, CREATE_SERIES, _series(ws, timeZone="Mars/Olympus"))
    errors = refused["data"]["createMeetingSeries"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("timeZone", "INVALID")]


MY_ZONE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  timeZone errors { field code } } }"""


async def test_meeting_in_utc_shown_in_any_zone(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(kam, world.a.workspace_gid, startsAt="2027-03-16T09:00:00-05:00")
    node = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["startsAt"] == "2027-03-16T14:00:00+00:00"
    # By default each viewer sees their own zone (UTC until they choose one).
    assert node["localStartsAt"] == "2027-03-16T14:00:00+00:00"
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    for http, zone in ((kam, "America/Chicago"), (buyer, "Asia/Tokyo")):
        changed = await gql(http, MY_ZONE, {"input": {"timeZone": zone}})
        assert changed["data"]["updateMyProfile"] == {"timeZone": zone, "errors": []}
    node = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["localStartsAt"] == "2027-03-16T09:00:00-05:00"
    node = (await gql(buyer, LOCAL, {"id": meeting["id"], "tz": None}))["data"]["node"]
    assert node["localStartsAt"] == "2027-03-16T23:00:00+09:00"
    paris = (await gql(kam, LOCAL, {"id": meeting["id"], "tz": "Europe/Paris"}))["data"]["node"]
    assert paris["localStartsAt"] == "2027-03-16T15:00:00+01:00"
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
                "startsAt": "2027-03-16T09:00:00",
                "timeZone": "UTC",
            }
        },
    )
    assert naive["data"]["createMeeting"]["errors"] == [{"field": "startsAt", "code": "INVALID"}]
