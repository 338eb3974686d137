"""Calendar files beyond the browser: integrators' bearer tokens (only with a read scope), a
series across both of a year's daylight-saving changes, the feed of another account's person,
and a notice sent twice for the same version reaching the mailbox once."""

from __future__ import annotations

from calendar import MONDAY, TUESDAY
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import func, select

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from kamp.graphql.relay import parse_global_id
from kamp.mail.models import OutboxMessage
from kamp.meetings import notices
from kamp.meetings.models import Meeting
from tests.auth.oauth_support import exchange, get_code, make_client
from tests.clock import days_from_today, local, local_change_day, next_weekday
from tests.conftest import count_statements
from tests.meetings.support import BERLIN, CREATE_SERIES, new_meeting, utc_at
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
    reader = await _token(runtime, world, clients, client, kam_email, "meetings:read")
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
    buyer = await _token(runtime, world, clients, client, buyer_email, "meetings:read")
    assert (await client.get(path, headers=_bearer(buyer))).status_code == 200
    assert (await client.get(internal_path, headers=_bearer(buyer))).status_code == 404
    garbage = {"Authorization": "Bearer not-a-token"}
    assert (await client.get(path, headers=garbage)).status_code == 401


async def test_series_keeps_nine_oclock_through_spring_and_autumn(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    # Berlin's next summer time, from the zone database: the Mondays either side of its start
    # and of its end; the series starts a week before the first of them.
    spring = local_change_day(BERLIN, to_summer=True)
    autumn = local_change_day(BERLIN, after=local(spring, 12, BERLIN), to_summer=False)
    last_winter = next_weekday(MONDAY, after=spring - timedelta(days=8))
    first_summer = next_weekday(MONDAY, after=spring - timedelta(days=1))
    last_summer = next_weekday(MONDAY, after=autumn - timedelta(days=8))
    first_winter = next_weekday(MONDAY, after=autumn - timedelta(days=1))
    series = await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Monday stand-up",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "timeZone": BERLIN,
                "startsOn": (last_winter - timedelta(weeks=1)).isoformat(),
                "localStartTime": "09:00:00",
            }
        },
    )
    url = (await gql(kam, ICS, {"id": series["id"]}))["data"]["node"]["icsUrl"]
    [event] = Calendar.from_ical((await kam.get(_path(url))).text).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.tzinfo.key == BERLIN
    weeks = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=start)[:36])
    assert weeks[-1].date() > first_winter  # the weeks reach past the autumn change
    assert all((w.hour, w.minute, w.weekday()) == (9, 0, MONDAY) for w in weeks)
    utc = {w.date(): w.astimezone(ZoneInfo("UTC")).hour for w in weeks}
    # 09:00 is 08:00 UTC in winter (UTC+1), 07:00 UTC in summer (UTC+2).
    assert (utc[last_winter], utc[first_summer]) == (8, 7)
    assert (utc[last_summer], utc[first_winter]) == (7, 8)


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
            await notices.send_calendar_notice(
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


def _series_input(world, title: str, starts_on: date, **extra: str) -> dict:
    return {
        "input": {
            "workspaceId": world.a.workspace_gid,
            "title": title,
            "meetingType": "WEEKLY_STANDING",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "timeZone": BERLIN,
            "startsOn": starts_on.isoformat(),
            "localStartTime": "09:00:00",
            **extra,
        }
    }


async def test_feed_holds_each_series_occurrence_once_at_local_time(world, clients, client):
    kam = await clients.as_user(world.a.email(Role.KAM))
    # A series of Tuesdays starting four weeks before a change to summer time in Berlin (the
    # next one at least a month away, so that the series is still ahead of us).
    a_month_on = kamp_clock.now() + timedelta(days=30)
    spring = local_change_day(BERLIN, after=a_month_on, to_summer=True)
    first = next_weekday(TUESDAY, after=spring - timedelta(days=29))
    series = await ok(kam, CREATE_SERIES, _series_input(world, "Tuesday call", first))
    await ok(
        kam, CREATE_SERIES, _series_input(world, "Supplier huddle", first, visibility="INTERNAL")
    )
    until = utc_at(first + timedelta(days=18), 0)
    scheduled = await ok(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": until}})
    assert len(scheduled) == 3  # the first three Tuesdays
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
    berlin = [s.astimezone(ZoneInfo(BERLIN)) for s in starts]
    # Every Tuesday from the first once, at 09:00 Berlin before and after the change.
    assert [b.date() for b in berlin] == [first + timedelta(weeks=n) for n in range(9)]
    assert {(b.hour, b.minute) for b in berlin} == {(9, 0)}
    assert [s.astimezone(ZoneInfo("UTC")).hour for s in starts] == [8] * 4 + [7] * 5


async def test_feed_series_with_a_count_ends_where_it_did(world, clients, client):
    kam = await clients.as_user(world.a.email(Role.KAM))
    # Four Tuesdays from next week; the first two are scheduled.
    first = next_weekday(TUESDAY, weeks=1)
    series = await ok(
        kam,
        CREATE_SERIES,
        _series_input(world, "Four calls", first, rrule="FREQ=WEEKLY;COUNT=4"),
    )
    until = utc_at(first + timedelta(days=8), 0)
    scheduled = await ok(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": until}})
    assert len(scheduled) == 2
    url = (await gql(kam, CREATE_FEED))["data"]["createCalendarFeed"]["url"]
    events = [
        e for e in _events((await client.get(_path(url))).text) if str(e["summary"]) == "Four calls"
    ]
    [recurring] = [e for e in events if "rrule" in e]
    ahead = list(
        rrulestr(recurring["rrule"].to_ical().decode(), dtstart=recurring.decoded("dtstart"))
    )
    assert len(events) - 1 + len(ahead) == 4
    assert ahead[-1].date() == first + timedelta(weeks=3)


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
        for day in range(n):  # on the coming days, well inside the feed's window
            await new_meeting(
                kam,
                world.a.workspace_gid,
                startsAt=utc_at(days_from_today(day + 1), 10),
                attendeeIds=attendees,
            )

    await add(1)
    few, one = await statements()
    await add(4)
    many, five = await statements()
    assert (one, five) == (1, 5)
    assert many == few
