"""Calendars: the ICS of a meeting and of a series, the feed behind a revocable secret URL,
and the invitations mailed with the ICS attached. Every file parses with `icalendar`, keeps
local time across DST, and carries nothing a customer may not see."""

from __future__ import annotations

from calendar import TUESDAY
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import func, select

from kamp.accounts.models import Role
from kamp.graphql.relay import parse_global_id
from kamp.mail.models import OutboxMessage
from kamp.meetings.models import CalendarFeed
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.clock import local, local_change_day, next_weekday, utc_iso
from tests.meetings.support import (
    BERLIN,
    CANCEL_MEETING,
    CHICAGO,
    CREATE_AGENDA_ITEM,
    CREATE_SERIES,
    UPDATE_MEETING,
    new_meeting,
)
from tests.plans.support import ok
from tests.support import error_codes, gid, gql, snapshot

ICS = """query($id: ID!) { node(id: $id) { ... on Meeting { icsUrl } ... on MeetingSeries {
  icsUrl } } }"""
CREATE_FEED = (
    "mutation { createCalendarFeed { url feed { createdAt lastUsedAt } errors { code } } }"
)
REVOKE_FEED = "mutation { revokeCalendarFeed { revoked errors { code } } }"
FEED = "{ calendarFeed { createdAt lastUsedAt } }"


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _events(text: str) -> list[Any]:
    return [c for c in Calendar.from_ical(text).walk("VEVENT")]


def _user(world, role: Role) -> str:
    return gid("User", world.a.users[role].id)


@pytest.fixture
async def qbr(world, clients):
    """A quarterly review on Tuesday week at 09:00 in Chicago with the buyer and a supplier
    member, and an internal meeting the day after."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    day = next_weekday(TUESDAY, weeks=1)
    starts_at = utc_iso(local(day, 9, CHICAGO))
    meeting = await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="QUARTERLY_BUSINESS_REVIEW",
        startsAt=starts_at,
        timeZone=CHICAGO,
        place="Columbus HQ",
        attendeeIds=[_user(world, Role.CUSTOMER_BUYER), _user(world, Role.SUPPLIER_MEMBER)],
    )
    internal = await new_meeting(
        kam,
        world.a.workspace_gid,
        visibility="INTERNAL",
        startsAt=utc_iso(local(day + timedelta(days=1), 9, CHICAGO)),
        attendeeIds=[_user(world, Role.SUPPLIER_MEMBER)],
    )
    assert meeting["startsAt"] == starts_at
    return kam, meeting, internal


async def test_meeting_file_parses_and_fits_its_reader(qbr, world, clients):
    kam, meeting, _ = qbr
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    url = (await gql(buyer, ICS, {"id": meeting["id"]}))["data"]["node"]["icsUrl"]
    response = await buyer.get(_path(url))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "no-store" in response.headers["cache-control"]
    [event] = _events(response.text)
    assert str(event["uid"]) == f"meeting-{parse_global_id(meeting['id'])[1]}@kamp"
    assert int(event["sequence"]) == meeting["version"]
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "America/Chicago" and (start.hour, start.minute) == (9, 0)
    assert str(event["location"]) == "Columbus HQ"
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == sorted(
        f"mailto:{world.a.email(role)}" for role in (Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER)
    )
    assert str(event["organizer"]) == f"mailto:{world.a.email(Role.KAM)}"
    # The buyer's file has the shared agenda but not the supplier's preparation item.
    assert "Sales performance" in str(event["description"])
    assert "Supplier preparation" not in response.text
    kam_file = await kam.get(_path(url))
    assert "Supplier preparation" in kam_file.text
    assert Calendar.from_ical(kam_file.text).walk("VTIMEZONE")


async def test_meeting_file_is_refused_to_others(qbr, world, clients, client):
    _, meeting, internal = qbr
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    other = await clients.as_user(world.b.email(Role.KAM))
    assert (await other.get(f"/calendar/meetings/{meeting['id']}.ics")).status_code == 404
    assert (await buyer.get(f"/calendar/meetings/{internal['id']}.ics")).status_code == 404
    assert (await client.get(f"/calendar/meetings/{meeting['id']}.ics")).status_code == 401
    wrong_type = gid("Workspace", world.a.workspace.id)
    assert (await buyer.get(f"/calendar/meetings/{wrong_type}.ics")).status_code == 404
    assert (await buyer.get("/calendar/meetings/not-an-id.ics")).status_code == 404


async def test_weekly_series_keeps_local_time_across_dst(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    # Four Tuesdays before Berlin's next change to summer time, then eight after it.
    spring = local_change_day(BERLIN, to_summer=True)
    starts_on = next_weekday(TUESDAY, after=spring - timedelta(days=29))
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Weekly call",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY;BYDAY=TU",
                "timeZone": BERLIN,
                "startsOn": starts_on.isoformat(),
                "localStartTime": "09:00:00",
            }
        },
    )
    url = (await gql(kam, ICS, {"id": series["id"]}))["data"]["node"]["icsUrl"]
    response = await kam.get(_path(url))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.text)
    [event] = calendar.walk("VEVENT")
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    weeks = list(rule[:12])
    assert [w.date() for w in weeks] == [starts_on + timedelta(weeks=n) for n in range(12)]
    assert all((w.hour, w.minute, w.weekday()) == (9, 0, TUESDAY) for w in weeks)
    utc_hours = [w.astimezone(ZoneInfo("UTC")).hour for w in weeks]
    assert utc_hours[:4] == [8, 8, 8, 8] and utc_hours[4:] == [7] * 8  # UTC+1, then UTC+2
    other = await clients.as_user(world.b.email(Role.KAM))
    assert (await other.get(_path(url))).status_code == 404


@pytest.mark.usefixtures("qbr")
async def test_feed_by_secret_url_can_be_replaced_and_revoked(world, clients, client, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    assert (await gql(buyer, FEED))["data"]["calendarFeed"] is None
    made = (await gql(buyer, CREATE_FEED))["data"]["createCalendarFeed"]
    assert made["errors"] == [] and made["feed"]["lastUsedAt"] is None
    # The URL itself is the credential: no cookie needed.
    response = await client.get(_path(made["url"]))
    assert response.status_code == 200
    titles = [str(e["summary"]) for e in _events(response.text)]
    assert titles == ["QUARTERLY_BUSINESS_REVIEW call"]  # the internal meeting is not there
    assert (await gql(buyer, FEED))["data"]["calendarFeed"]["lastUsedAt"] is not None
    member_feed = (await gql(member, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    member_titles = sorted(
        str(e["summary"]) for e in _events((await client.get(_path(member_feed))).text)
    )
    assert member_titles == ["OTHER call", "QUARTERLY_BUSINESS_REVIEW call"]
    # A new URL replaces the old; revoking ends it.
    again = (await gql(buyer, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    assert (await client.get(_path(made["url"]))).status_code == 404
    assert (await client.get(_path(again))).status_code == 200
    assert (await gql(buyer, REVOKE_FEED))["data"]["revokeCalendarFeed"]["revoked"] is True
    assert (await client.get(_path(again))).status_code == 404
    assert (await client.get("/calendar/feeds/" + "x" * 43 + ".ics")).status_code == 404
    async with runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(CalendarFeed)) == 1


async def test_tokens_cannot_make_feeds(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    code, verifier = await get_code(browser, app)
    token = (await exchange(client, app, code, verifier)).json()["access_token"]
    before = await snapshot(runtime.session_factory)
    assert error_codes(await bearer_gql(client, token, CREATE_FEED)) == ["FORBIDDEN"]
    assert error_codes(await bearer_gql(client, token, REVOKE_FEED)) == ["FORBIDDEN"]
    anonymous = await client.post("/graphql", json={"query": CREATE_FEED})
    assert error_codes(anonymous.json()) == ["UNAUTHENTICATED"]
    assert await snapshot(runtime.session_factory) == before


async def _mail(runtime, kind_prefix: str) -> list[OutboxMessage]:
    async with runtime.session_factory() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.subject.startswith(kind_prefix))
            .order_by(OutboxMessage.created_at)
        )
        return list(rows)


async def test_invitations_carry_the_ics(qbr, world, runtime):
    _, meeting, _ = qbr
    invitations = await _mail(runtime, "Invitation:")
    by_to = {m.recipient: m for m in invitations}
    # The KAM (organizer) is not invited; the internal meeting invites the member only.
    assert sorted(by_to) == sorted(
        [world.a.email(Role.CUSTOMER_BUYER), world.a.email(Role.SUPPLIER_MEMBER)]
    )
    assert len(invitations) == 3
    buyer_ics = by_to[world.a.email(Role.CUSTOMER_BUYER)].calendar
    calendar = Calendar.from_ical(buyer_ics)
    assert str(calendar["method"]) == "REQUEST"
    assert "Supplier preparation" not in buyer_ics
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime.fromisoformat(meeting["startsAt"])
    assert (start.tzinfo.key, start.hour, start.minute) == (CHICAGO, 9, 0)


async def test_moving_and_cancelling_send_updates_once(qbr, world, runtime, clients):
    kam, meeting, _ = qbr
    before = len(await _mail(runtime, "Updated:"))
    later = utc_iso(datetime.fromisoformat(meeting["startsAt"]) + timedelta(hours=1))
    await ok(kam, UPDATE_MEETING, {"input": {"id": meeting["id"], "version": 1, "startsAt": later}})
    # Retried with the same (now stale) version: refused, nothing more sent.
    retry = await gql(
        kam, UPDATE_MEETING, {"input": {"id": meeting["id"], "version": 1, "startsAt": later}}
    )
    assert retry["data"]["updateMeeting"]["errors"][0]["code"] == "CONFLICT"
    updates = await _mail(runtime, "Updated:")
    assert len(updates) - before == 2
    [event] = Calendar.from_ical(updates[-1].calendar).walk("VEVENT")
    assert int(event["sequence"]) == 2 and event.decoded("dtstart").hour == 10
    await ok(kam, CANCEL_MEETING, {"input": {"id": meeting["id"], "version": 2}})
    cancelled = await _mail(runtime, "Cancelled:")
    assert len(cancelled) == 2
    calendar = Calendar.from_ical(cancelled[0].calendar)
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"


async def test_attendee_changes_invite_and_uninvite(qbr, world, runtime):
    kam, meeting, _ = qbr
    await ok(
        kam,
        UPDATE_MEETING,
        {
            "input": {
                "id": meeting["id"],
                "version": 1,
                "attendeeIds": [
                    _user(world, Role.CUSTOMER_BUYER),
                    _user(world, Role.CUSTOMER_EXECUTIVE),
                ],
            }
        },
    )
    invited = [m.recipient for m in await _mail(runtime, "Invitation: QUARTERLY")]
    assert world.a.email(Role.CUSTOMER_EXECUTIVE) in invited
    cancelled = [m.recipient for m in await _mail(runtime, "Cancelled:")]
    assert cancelled == [world.a.email(Role.SUPPLIER_MEMBER)]


async def test_published_minutes_reach_attendees_as_they_may_see_them(qbr, world, runtime):
    kam, meeting, _ = qbr
    await ok(
        kam,
        CREATE_AGENDA_ITEM,
        {
            "input": {
                "meetingId": meeting["id"],
                "title": "Price floor",
                "notes": "Hold at 4%",
                "visibility": "INTERNAL",
            }
        },
    )
    await ok(kam, PUBLISH, {"input": {"id": meeting["id"], "version": 1}})
    minutes = {m.recipient: m.body for m in await _mail(runtime, "Minutes:")}
    assert sorted(minutes) == sorted(
        [world.a.email(Role.CUSTOMER_BUYER), world.a.email(Role.SUPPLIER_MEMBER)]
    )
    assert "Price floor" not in minutes[world.a.email(Role.CUSTOMER_BUYER)]
    assert "Hold at 4%" in minutes[world.a.email(Role.SUPPLIER_MEMBER)]


PUBLISH = """mutation($input: MeetingVersionInput!) { publishMinutes(input: $input) {
  meeting { id } errors { code } } }"""
