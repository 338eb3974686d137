"""Meetings scheduled from a series (local time kept across DST, idempotent, attendees carried
over) and agenda items that bring live figures: sales performance and the pipeline review."""

from __future__ import annotations

from calendar import TUESDAY
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import schedule_series
from kamp.meetings.series import MAX_AHEAD
from tests.clock import days_from_today, iso_day, local, local_change_day, next_weekday, utc_iso
from tests.forecasts.support import set_entry, set_goal
from tests.meetings.support import BERLIN, CHICAGO, CREATE_SERIES, new_meeting
from tests.pipeline.support import new_opportunity
from tests.plans.support import ok
from tests.support import gid, gql, snapshot

SCHEDULE = """mutation($input: ScheduleSeriesMeetingsInput!) { scheduleSeriesMeetings(input: $input) {
  meetings { id startsAt localStartsAt(timeZone: "Europe/Berlin") meetingType
    agendaItems { title topic } attendees { email } series { id } }
  errors { field code } } }"""
TOPICS = """query($id: ID!) { node(id: $id) { ... on Meeting { agendaItems { title topic visibility
  salesPerformance { year ytdActual ytdForecast ytdAttainmentPct goalAttainmentPct }
  pipelineReview { new { name } open { name } lost { name postMortem } } } } } }"""


async def _weekly_series(kam, world, **extra):
    """Tuesdays at 09:00 in Berlin, running for some weeks already."""
    return await ok(
        kam,
        CREATE_SERIES,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "Weekly standing call",
                "meetingType": "WEEKLY_STANDING",
                "rrule": "FREQ=WEEKLY;BYDAY=TU",
                "timeZone": BERLIN,
                "startsOn": next_weekday(TUESDAY, after=days_from_today(-50)).isoformat(),
                "localStartTime": "09:00:00",
                **extra,
            }
        },
    )


async def test_a_series_schedules_its_meetings_at_local_time(world, clients, clock):
    # Noon UTC: no Tuesday 09:00 in Berlin is a moment away, so "from now" is exact.
    now = clock.travel(local(kamp_clock.today(), 12, "UTC"))
    kam = await clients.as_user(world.a.email(Role.KAM))
    series = await _weekly_series(kam, world)
    # Until a week and a half past the next change to summer time that is over a week away:
    # the series is scheduled across it, winter Tuesdays first (and within MAX_AHEAD).
    spring = local_change_day(BERLIN, after=now + timedelta(days=8), to_summer=True)
    end = local(spring + timedelta(days=10), 0, "UTC")
    until = utc_iso(end)
    # The first meeting (by hand, weeks ago) sets who attends; scheduled ones carry them over.
    buyer_id = world.a.users[Role.CUSTOMER_BUYER].id
    await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="WEEKLY_STANDING",
        seriesId=series["id"],
        startsAt=utc_iso(local(next_weekday(TUESDAY, after=days_from_today(-28)), 9, BERLIN)),
        timeZone=BERLIN,
        attendeeIds=[gid("User", buyer_id)],
    )
    created = await ok(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": until}})
    # Every coming Tuesday at 09:00 in Berlin, once.
    tuesdays = [next_weekday(TUESDAY, after=days_from_today(-1), weeks=n) for n in range(60)]
    expected = [local(day, 9, BERLIN) for day in tuesdays if now < local(day, 9, BERLIN) < end]
    starts = [datetime.fromisoformat(m["startsAt"]) for m in created]
    assert starts == expected
    # In UTC: 08:00 (UTC+1) the Tuesday before the change, 07:00 (UTC+2) the one after.
    utc_hour = {s.astimezone(ZoneInfo(BERLIN)).date(): s.astimezone(UTC).hour for s in starts}
    before = next_weekday(TUESDAY, after=spring - timedelta(days=8))
    after = next_weekday(TUESDAY, after=spring - timedelta(days=1))
    assert (utc_hour[before], utc_hour[after]) == (8, 7)
    for meeting in created:
        start = datetime.fromisoformat(meeting["startsAt"]).astimezone(ZoneInfo(BERLIN))
        assert (start.weekday(), start.hour, start.minute) == (TUESDAY, 9, 0), meeting
        assert meeting["localStartsAt"].startswith(start.strftime("%Y-%m-%dT09:00:00"))
        assert meeting["series"] == {"id": series["id"]}
        assert meeting["attendees"] == [{"email": world.a.email(Role.CUSTOMER_BUYER)}]
        assert [i["topic"] for i in meeting["agendaItems"]][:3] == [
            "SALES_PERFORMANCE",
            "ISSUES",
            "PIPELINE_REVIEW",
        ]
    hours = {datetime.fromisoformat(m["startsAt"]).astimezone(UTC).hour for m in created}
    assert hours == {8, 7}  # winter: UTC+1, summer: UTC+2
    # Scheduling again creates nothing new.
    again = await ok(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": until}})
    assert again == []


async def test_scheduling_is_refused_to_others_and_changes_nothing(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    series = await _weekly_series(kam, world)
    internal = await _weekly_series(kam, world, visibility="INTERNAL", title="Prep")
    refused = {
        Role.CUSTOMER_BUYER: (series, "FORBIDDEN"),
        Role.SUPPLIER_MEMBER: (series, "FORBIDDEN"),
        Role.CUSTOMER_EXECUTIVE: (internal, "NOT_FOUND"),
    }
    callers = {role: await clients.as_user(world.a.email(role)) for role in refused}
    other_kam = await clients.as_user(world.b.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    # A month ahead is allowed: refusals come from who asks, not from the date.
    for role, (target, code) in refused.items():
        result = await gql(
            callers[role],
            SCHEDULE,
            {"input": {"seriesId": target["id"], "until": f"{iso_day(30)}T00:00:00Z"}},
        )
        codes = [e["extensions"]["code"] for e in result.get("errors", [])] + [
            e["code"]
            for e in (result.get("data") or {}).get("scheduleSeriesMeetings", {}).get("errors", [])
        ]
        assert codes == [code], (role, result)
    result = await gql(
        other_kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": f"{iso_day(30)}T00:00Z"}}
    )
    assert result["data"]["scheduleSeriesMeetings"]["errors"] == [
        {"field": "id", "code": "NOT_FOUND"}
    ]
    beyond = utc_iso(kamp_clock.now() + MAX_AHEAD + timedelta(days=1))
    too_far = await gql(kam, SCHEDULE, {"input": {"seriesId": series["id"], "until": beyond}})
    assert too_far["data"]["scheduleSeriesMeetings"]["errors"] == [
        {"field": "until", "code": "INVALID"}
    ]
    assert await snapshot(runtime.session_factory) == before


async def test_sales_performance_and_pipeline_review_are_live(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    # A meeting next week: it reviews the pipeline as of now and the forecast of its year.
    starts = local(days_from_today(7), 9, CHICAGO)
    year = starts.year
    await set_goal(kam, ws, year, annualGoal="1200000")
    await set_entry(kam, ws, f"{year}-01-01", forecast="100000", actual="90000")
    await set_entry(kam, ws, f"{year}-02-01", forecast="100000", actual="120000")
    # An internal month must not move the customer's figures.
    await set_entry(kam, ws, f"{year}-03-01", forecast="100000", actual="10", visibility="INTERNAL")
    # Opportunities are INTERNAL unless shared.
    await new_opportunity(kam, ws, name="Line 4 retrofit", stage="OPEN", visibility="SHARED")
    await new_opportunity(kam, ws, name="Secret upsell", stage="OPEN", visibility="INTERNAL")
    await new_opportunity(
        kam, ws, name="Spares contract", stage="LOST", postMortem="Price.", visibility="SHARED"
    )
    meeting = await new_meeting(kam, ws, kind="WEEKLY_STANDING", startsAt=utc_iso(starts))

    def by_topic(items):
        return {i["topic"]: i for i in items}

    buyer_view = by_topic(
        (await gql(buyer, TOPICS, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    )
    sales = buyer_view["SALES_PERFORMANCE"]["salesPerformance"]
    assert sales["year"] == year
    assert Decimal(sales["ytdActual"]) == Decimal("210000")
    assert Decimal(sales["ytdAttainmentPct"]) == Decimal("105.00")
    assert Decimal(sales["goalAttainmentPct"]) == Decimal("17.50")
    review = buyer_view["PIPELINE_REVIEW"]["pipelineReview"]
    assert review["open"] == [{"name": "Line 4 retrofit"}]
    assert review["new"] == [{"name": "Line 4 retrofit"}]
    assert review["lost"] == [{"name": "Spares contract", "postMortem": "Price."}]
    # Other topics carry no figures.
    assert buyer_view["ISSUES"]["salesPerformance"] is None
    assert buyer_view["ISSUES"]["pipelineReview"] is None
    kam_view = by_topic(
        (await gql(kam, TOPICS, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    )
    assert {o["name"] for o in kam_view["PIPELINE_REVIEW"]["pipelineReview"]["open"]} == {
        "Line 4 retrofit",
        "Secret upsell",
    }
    assert Decimal(kam_view["SALES_PERFORMANCE"]["salesPerformance"]["ytdActual"]) == Decimal(
        "210010"
    )


async def test_preparation_items_are_supplier_only(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    qbr = await new_meeting(kam, world.a.workspace_gid, kind="QUARTERLY_BUSINESS_REVIEW")
    kam_items = (await gql(kam, TOPICS, {"id": qbr["id"]}))["data"]["node"]["agendaItems"]
    prep = [i for i in kam_items if i["visibility"] == "INTERNAL"]
    assert [i["title"].split(":")[0] for i in prep] == ["Supplier preparation"]
    buyer_items = (await gql(buyer, TOPICS, {"id": qbr["id"]}))["data"]["node"]["agendaItems"]
    assert len(buyer_items) == len(kam_items) - 1
    assert all(i["visibility"] == "SHARED" for i in buyer_items)
    other = await clients.as_user(world.b.email(Role.KAM))
    assert (await gql(other, TOPICS, {"id": qbr["id"]}))["data"]["node"] is None


async def test_the_job_keeps_series_scheduled_ahead(world, clients, runtime, clock):
    # From noon UTC, four weeks hold exactly four Tuesdays at 09:00 Berlin, DST or not.
    clock.travel(local(kamp_clock.today(), 12, "UTC"))
    kam = await clients.as_user(world.a.email(Role.KAM))
    await _weekly_series(kam, world)
    ctx = {"kamp": JobContext(runtime.settings, runtime.session_factory, runtime.broker)}
    created = await schedule_series(ctx)
    assert created == 4
    assert await schedule_series(ctx) == 0
    listed = await gql(
        kam,
        "query($ws: ID!) { meetings(workspaceId: $ws) { nodes { id } } }",
        {"ws": world.a.workspace_gid},
    )
    assert len(listed["data"]["meetings"]["nodes"]) == created
