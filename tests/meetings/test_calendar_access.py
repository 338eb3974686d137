"""Calendar files beyond the browser: integrators' bearer tokens (only with a read scope), a
series across both of a year's daylight-saving changes, the feed of another account's person,
and a notice sent twice for the same version reaching the mailbox once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import func, select

from kamp.accounts.models import Role
from kamp.graphql.relay import parse_global_id
from kamp.mail.models import OutboxMessage
from kamp.meetings import invitations
from kamp.meetings.models import Meeting
from tests.auth.oauth_support import exchange, get_code, make_client
from tests.conftest import count_statements
from tests.meetings.support import CREATE_SERIES, new_meeting
from tests.meetings.test_calendar import CREATE_FEED, ICS, _events, _path, qbr  # noqa: F401
from tests.plans.support import ok
from tests.support import gid, gql


async def _token(runtime, world, clients, client, email: str, scope: str) -> str:
    app = await make_client(runtime, world.admin, scopes=tuple(scope.split()))
    browser = await clients.as_user(email)
    code, verifier = await get_code(browser, app, scope=scope)
    return (await exchange(client, app, code, verifier)).json()["access_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_bearer_token_reads_a_meeting_file_with_a_read_scope(
    qbr,  # noqa: F811
    world,
    clients,
    client,
    runtime,
):
    _, meeting, internal = qbr
    path = f"/calendar/meetings/{meeting['id']}.ics"
    kam_email = world.a.email(Role.KAM)
    reader = await _token(runtime, world, clients, client, kam_email, "plans:read")
    response = await client.get(path, headers=_bearer(reader))
    assert response.status_code == 200
    [event] = _events(response.text)
    assert str(event["uid"]) == f"meeting-{parse_global_id(meeting['id'])[1]}@kamp"
    internal_path = f"/calendar/meetings/{internal['id']}.ics"
    assert (await client.get(internal_path, headers=_bearer(reader))).status_code == 200
    # Without a scope that reads meetings the token sees nothing: the same 404 as missing.
    narrow = await _token(runtime, world, clients, client, kam_email, "accounts:read")
    assert (await client.get(path, headers=_bearer(narrow))).status_code == 404
    # The buyer's token never reaches the supplier's internal meeting.
    buyer_email = world.a.email(Role.CUSTOMER_BUYER)
    buyer = await _token(runtime, world, clients, client, buyer_email, "plans:read")
    assert (await client.get(path, headers=_bearer(buyer))).status_code == 200
    assert (await client.get(internal_path, headers=_bearer(buyer))).status_code == 404
    garbage = {"Authorization": "Bearer not-a-token"}
    assert (await client.get(path, headers=garbage)).status_code == 401


async def test_series_keeps_nine_oclock_through_spring_and_autumn(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Monday stand-up",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "timeZone": "Europe/Berlin",
                "startsOn": "2027-03-15",
                "localStartTime": "09:00:00",
            }
        },
    )
    url = (await gql(kam, ICS, {"id": series["id"]}))["data"]["node"]["icsUrl"]
    [event] = Calendar.from_ical((await kam.get(_path(url))).text).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "Europe/Berlin"
    weeks = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start)[:36])
    assert all((w.hour, w.minute) == (9, 0) for w in weeks)
    utc = {w.date().isoformat(): w.astimezone(ZoneInfo("UTC")).hour for w in weeks}
    # Summer time runs from 2027-03-28 to 2027-10-31 in Berlin.
    assert (utc["2027-03-22"], utc["2027-03-29"]) == (8, 7)
    assert (utc["2027-10-25"], utc["2027-11-01"]) == (7, 8)


async def test_feed_of_another_account_holds_none_of_ours(qbr, world, clients, client):  # noqa: F811
    other = await clients.as_user(world.b.email(Role.KAM))
    url = (await gql(other, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    response = await client.get(_path(url))
    assert response.status_code == 200
    titles = [str(e["summary"]) for e in _events(response.text)]
    assert "QUARTERLY_BUSINESS_REVIEW call" not in titles
    assert "Columbus HQ" not in response.text


async def test_a_repeated_notice_reaches_the_mailbox_once(qbr, world, runtime):  # noqa: F811
    _, meeting, _ = qbr
    buyer = world.a.users[Role.CUSTOMER_BUYER]

    async def count() -> int:
        async with runtime.session_factory() as session:
            return await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.recipient == buyer.email,
                    OutboxMessage.subject.startswith("Invitation:"),
                )
            )

    assert await count() == 1
    for _ in range(2):  # a retried job or request: the same meeting version
        async with runtime.session_factory() as session:
            row = await session.get(Meeting, parse_global_id(meeting["id"])[1])
            await invitations.send_calendar_notice(
                session,
                row,
                kind="meeting.invitation",
                user_ids=[buyer.id],
                actor_id=None,
                base_url="http://kamp.test",
            )
            await session.commit()
    assert await count() == 1


SCHEDULE = """mutation($input: ScheduleSeriesMeetingsInput!) { scheduleSeriesMeetings(input: $input) {
  meetings { id } errors { code } } }"""


def _series_input(world, title: str, **extra: str) -> dict:
    return {
        "input": {
            "workspaceId": world.a.workspace_gid,
            "title": title,
            "meetingType": "WEEKLY_STANDING",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "timeZone": "Europe/Berlin",
            "startsOn": "2027-03-02",
            "localStartTime": "09:00:00",
            **extra,
        }
    }


async def test_feed_holds_each_series_occurrence_once_at_local_time(world, clients, client):
    kam = await clients.as_user(world.a.email(Role.KAM))
    series = await ok(kam, CREATE_SERIES, _series_input(world, "Tuesday call"))
    await ok(kam, CREATE_SERIES, _series_input(world, "Supplier huddle", visibility="INTERNAL"))
    scheduled = await ok(
        kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": "2027-03-20T00:00:00Z"}}
    )
    assert len(scheduled) == 3  # 2, 9 and 16 March
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    url = (await gql(buyer, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    calendar = Calendar.from_ical((await client.get(_path(url))).text)
    assert "Supplier huddle" not in calendar.to_ical().decode()
    events = [e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Tuesday call"]
    singles = [e.decoded("dtstart") for e in events if "rrule" not in e]
    [recurring] = [e for e in events if "rrule" in e]
    assert str(recurring["uid"]) == f"series-{parse_global_id(series['id'])[1]}@kamp"
    ahead = rrulestr(recurring["rrule"].to_ical().decode(), dtstart=recurring.decoded("dtstart"))[
        :6
    ]
    starts = sorted(singles) + list(ahead)
    berlin = [s.astimezone(ZoneInfo("Europe/Berlin")) for s in starts]
    # Every Tuesday from 2 March once, at 09:00 Berlin before and after 28 March.
    assert [b.date().isoformat() for b in berlin] == [
        "2027-03-02", "2027-03-09", "2027-03-16", "2027-03-23", "2027-03-30",
        "2027-04-06", "2027-04-13", "2027-04-20", "2027-04-27",
    ]  # fmt: skip
    assert {(b.hour, b.minute) for b in berlin} == {(9, 0)}
    assert [s.astimezone(ZoneInfo("UTC")).hour for s in starts][3:5] == [8, 7]


async def test_feed_series_with_a_count_ends_where_it_did(world, clients, client):
    kam = await clients.as_user(world.a.email(Role.KAM))
    series = await ok(
        kam, CREATE_SERIES, _series_input(world, "Four calls", rrule="FREQ=WEEKLY;COUNT=4")
    )
    await ok(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": "2027-03-10T00:00:00Z"}})
    url = (await gql(kam, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    events = [
        e for e in _events((await client.get(_path(url))).text) if str(e["summary"]) == "Four calls"
    ]
    [recurring] = [e for e in events if "rrule" in e]
    ahead = list(
        rrulestr(recurring["rrule"].to_ical().decode(), dtstart=recurring.decoded("dtstart"))
    )
    assert len(events) - 1 + len(ahead) == 4
    assert ahead[-1].date().isoformat() == "2027-03-23"


async def test_feed_statements_do_not_grow_with_meetings(world, clients, client, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    attendees = [
        gid("User", world.a.users[r].id) for r in (Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER)
    ]
    url = _path((await gql(kam, CREATE_FEED))["data"]["createCalendarFeed"]["url"])

    async def statements() -> tuple[int, int]:
        with count_statements(runtime.engine) as sql:
            response = await client.get(url)
        assert response.status_code == 200
        return sql.count, len(_events(response.text))

    async def add(n: int) -> None:
        for day in range(n):
            await new_meeting(
                kam,
                world.a.workspace_gid,
                startsAt=f"2027-02-{day + 1:02d}T10:00:00+00:00",
                attendeeIds=attendees,
            )

    await add(1)
    few, one = await statements()
    await add(4)
    many, five = await statements()
    assert (one, five) == (1, 5)
    assert many == few
