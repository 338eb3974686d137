"""The follow-up jobs: agendas before meetings, due-soon reminders, escalation of overdue
items to the KAM and the daily digest. Each sends once however often it runs, in-process, side
by side, or in a real arq worker on Redis delivering to a real SMTP server."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Any

import pytest
from arq import create_pool
from arq.connections import RedisSettings

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import (
    SCHEDULE,
    escalate_overdue,
    remind_due_soon,
    send_agendas,
    send_digests,
)
from kamp.notifications import digest
from kamp.settings import Settings, SettingsError
from tests.clock import days_from_today, local, local_change_day, utc_iso
from tests.conftest import REDIS_URL
from tests.forecasts.test_deviations import returned, run_worker
from tests.meetings.support import (
    CREATE_ACTION,
    CREATE_AGENDA_ITEM,
    UPDATE_ACTION,
    UPDATE_MEETING,
    new_meeting,
)
from tests.plans.support import ok
from tests.support import gid, gql

pytestmark = [
    pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning"),
    pytest.mark.usefixtures("empty_redis"),
]


def ctx(runtime: Any) -> dict[str, Any]:
    return {"kamp": JobContext(runtime.settings, runtime.session_factory, runtime.broker)}


def mail(inbox: Any, prefix: str) -> list[tuple[str, str]]:
    return sorted(
        (m["To"], m["Subject"]) for m in inbox.messages if m["Subject"].startswith(prefix)
    )


def _user(world, role: Role) -> str:
    return gid("User", world.a.users[role].id)


@pytest.fixture
async def soon_meeting(world, clients):
    """A weekly call in two hours with the buyer and a supplier member, plus a supplier-only
    preparation item; a call next week (outside the lead time) and a cancelled one."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    attendees = [_user(world, Role.CUSTOMER_BUYER), _user(world, Role.SUPPLIER_MEMBER)]
    meeting = await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="WEEKLY_STANDING",
        startsAt=utc_iso(kamp_clock.now() + timedelta(hours=2)),
        attendeeIds=attendees,
    )
    await ok(
        kam,
        CREATE_AGENDA_ITEM,
        {"input": {"meetingId": meeting["id"], "title": "Margin talk", "visibility": "INTERNAL"}},
    )
    await new_meeting(
        kam,
        world.a.workspace_gid,
        startsAt=utc_iso(kamp_clock.now() + timedelta(days=7)),
        attendeeIds=attendees,
    )
    cancelled = await new_meeting(
        kam,
        world.a.workspace_gid,
        startsAt=utc_iso(kamp_clock.now() + timedelta(hours=3)),
        attendeeIds=attendees,
    )
    await ok(
        kam,
        UPDATE_MEETING,
        {"input": {"id": cancelled["id"], "version": cancelled["version"], "status": "CANCELLED"}},
    )
    return kam, meeting


async def test_agenda_reaches_each_attendee_once(soon_meeting, world, runtime, inbox):
    kam, meeting = soon_meeting
    assert await send_agendas(ctx(runtime)) == 2
    assert await send_agendas(ctx(runtime)) == 0
    agendas = [m for m in inbox.messages if m["Subject"].startswith("Agenda:")]
    assert sorted(m["To"] for m in agendas) == sorted(
        [world.a.email(Role.CUSTOMER_BUYER), world.a.email(Role.SUPPLIER_MEMBER)]
    )
    by_to = {m["To"]: m.get_content() for m in agendas}
    buyer_text = by_to[world.a.email(Role.CUSTOMER_BUYER)]
    assert "Sales performance update" in buyer_text and "Margin talk" not in buyer_text
    assert "Margin talk" in by_to[world.a.email(Role.SUPPLIER_MEMBER)]
    # Moved to a new time: a new agenda mail.
    later = utc_iso(kamp_clock.now() + timedelta(hours=5))
    await ok(kam, UPDATE_MEETING, {"input": {"id": meeting["id"], "version": 1, "startsAt": later}})
    assert await send_agendas(ctx(runtime)) == 2
    assert len(mail(inbox, "Agenda:")) == 4


async def test_an_internal_meeting_sends_no_agenda_to_the_customer(world, clients, runtime, inbox):
    kam = await clients.as_user(world.a.email(Role.KAM))
    await new_meeting(
        kam,
        world.a.workspace_gid,
        visibility="INTERNAL",
        startsAt=utc_iso(kamp_clock.now() + timedelta(hours=1)),
        attendeeIds=[_user(world, Role.CUSTOMER_BUYER), _user(world, Role.SUPPLIER_MEMBER)],
    )
    assert await send_agendas(ctx(runtime)) == 1
    assert [to for to, _ in mail(inbox, "Agenda:")] == [world.a.email(Role.SUPPLIER_MEMBER)]


@pytest.fixture
async def follow_ups(world, clients, clock):
    # Noon UTC of today: the items' dates and the jobs' "today" (and the digest hour) cannot
    # fall on either side of a midnight or an hour the test runs across.
    today = kamp_clock.today()
    clock.travel(local(today, 12, "UTC"))
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid

    async def item(title: str, owner: Role, due_days: int, **extra: Any) -> dict[str, Any]:
        return await ok(
            kam,
            CREATE_ACTION,
            {
                "input": {
                    "workspaceId": ws,
                    "title": title,
                    "ownerId": _user(world, owner),
                    "dueDate": (today + timedelta(days=due_days)).isoformat(),
                    **extra,
                }
            },
        )

    await item("Send volumes", Role.CUSTOMER_BUYER, 1)
    done = await item("Already done", Role.CUSTOMER_BUYER, 1)
    await ok(kam, UPDATE_ACTION, {"input": {"id": done["id"], "version": 1, "status": "DONE"}})
    await item("Far ahead", Role.CUSTOMER_BUYER, 10)
    await item("Check margins", Role.SUPPLIER_MEMBER, 0, visibility="INTERNAL")
    await item("Long overdue", Role.CUSTOMER_BUYER, -5)
    await item("Just overdue", Role.CUSTOMER_BUYER, -1)
    return kam


async def test_due_soon_reminds_owners_once(follow_ups, world, runtime, inbox):
    assert await remind_due_soon(ctx(runtime)) == 2
    assert await remind_due_soon(ctx(runtime)) == 0
    assert mail(inbox, "Due ") == sorted(
        [
            (world.a.email(Role.CUSTOMER_BUYER), "Due " + _weekday(1) + ": Send volumes"),
            (world.a.email(Role.SUPPLIER_MEMBER), "Due today: Check margins"),
        ]
    )


def _weekday(days: int) -> str:
    return f"on {kamp_clock.today() + timedelta(days=days):%A %d %B}"


async def test_overdue_items_escalate_to_the_kam_after_the_delay(follow_ups, world, runtime, inbox):
    assert await escalate_overdue(ctx(runtime)) == 1
    assert await escalate_overdue(ctx(runtime)) == 0
    assert mail(inbox, "Overdue") == [(world.a.email(Role.KAM), "Overdue by 5 days: Long overdue")]
    # Nobody on the other account hears of it.
    assert all(m["To"] != world.b.email(Role.KAM) for m in inbox.messages)


async def test_side_by_side_runs_send_once(follow_ups, runtime, inbox):
    results = await asyncio.gather(*(remind_due_soon(ctx(runtime)) for _ in range(3)))
    assert sum(results) == 2
    assert len(mail(inbox, "Due ")) == 2


MY_ZONE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  errors { code } } }"""


async def test_digest_at_the_digest_hour_of_each_users_day(follow_ups, world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    await gql(buyer, MY_ZONE, {"input": {"timeZone": "Asia/Tokyo"}})
    await gql(member, MY_ZONE, {"input": {"timeZone": "America/New_York"}})
    settings = runtime.settings  # digest hour 7
    tomorrow = days_from_today(1)
    # 22:00 UTC the evening before; 17:00 or 18:00 in New York.
    tokyo_seven = local(tomorrow, 7, "Asia/Tokyo").astimezone(UTC)
    async with runtime.session_factory() as session:
        assert await digest.send_digests(session, settings=settings, now=tokyo_seven) == 1
        assert await digest.send_digests(session, settings=settings, now=tokyo_seven) == 0
        new_york_seven = local(tomorrow, 7, "America/New_York").astimezone(UTC)
        sent = await digest.send_digests(session, settings=settings, now=new_york_seven)
        await session.commit()
    # The member; the KAM (UTC, nothing owned, no meetings, nothing unread) gets nothing.
    assert sent == 1


async def test_the_repeated_hour_of_a_dst_change_sends_one_digest(
    follow_ups, world, clients, runtime
):
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    await gql(member, MY_ZONE, {"input": {"timeZone": "America/New_York"}})
    settings = runtime.settings.__class__(**{**runtime.settings.__dict__, "digest_hour": 1})
    # The next time New York's clocks go back (found in the zone database), 01:00-02:00
    # happens twice: 01:30 EDT, then 01:30 EST an hour later.
    zone = "America/New_York"
    half_past_one = local(local_change_day(zone, to_summer=False), 1, zone, minute=30)
    first, second = (half_past_one.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
    assert second - first == timedelta(hours=1)
    async with runtime.session_factory() as session:
        assert await digest.send_digests(session, settings=settings, now=first) == 1
        assert await digest.send_digests(session, settings=settings, now=second) == 0
        await session.commit()


async def test_digest_shows_what_the_user_may_see(follow_ups, world, runtime, inbox):
    now = kamp_clock.now()
    settings = runtime.settings.__class__(**{**runtime.settings.__dict__, "digest_hour": now.hour})
    await send_digests({"kamp": JobContext(settings, runtime.session_factory, runtime.broker)})
    texts = {m["To"]: m.get_content() for m in inbox.messages if "digest" in m["Subject"]}
    buyer = texts[world.a.email(Role.CUSTOMER_BUYER)]
    assert "Overdue (2)" in buyer and "Long overdue" in buyer and "Check margins" not in buyer
    assert "Check margins" not in "".join(
        t for to, t in texts.items() if to != world.a.email(Role.SUPPLIER_MEMBER)
    )


async def test_a_real_worker_sends_each_agenda_once(soon_meeting, world, settings, inbox):
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    try:
        for job_id in ("agendas:1", "agendas:2"):
            assert await pool.enqueue_job("send_agendas", _job_id=job_id) is not None
    finally:
        await pool.aclose()
    first = await run_worker(settings)
    assert returned(first, "send_agendas") == [0, 2]
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    try:
        await pool.enqueue_job("send_agendas", _job_id="agendas:3")
    finally:
        await pool.aclose()
    second = await run_worker(settings)
    assert second["agendas:3"] == ("send_agendas", 0)
    assert len(mail(inbox, "Agenda:")) == 2


def test_the_schedule_runs_every_follow_up():
    assert {"send_agendas", "remind_due_soon", "escalate_overdue", "send_digests"} <= set(SCHEDULE)


@pytest.mark.parametrize(
    "name,value",
    [
        ("AGENDA_LEAD_HOURS", "0"),
        ("DUE_SOON_DAYS", "-1"),
        ("DIGEST_HOUR", "24"),
        ("DIGEST_HOUR", "x"),
    ],
)
def test_nonsense_reminder_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(f"KAMP_{name}", value)
    with pytest.raises(SettingsError, match=f"KAMP_{name}"):
        Settings.from_env()


async def test_an_unread_digest_is_not_news_for_the_next_one(world, clients, runtime):
    """Someone with nothing open gets no digest just because yesterday's is still unread."""
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    kam = await clients.as_user(world.a.email(Role.KAM))
    item = await ok(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "title": "One thing",
                "ownerId": _user(world, Role.SUPPLIER_MEMBER),
            }
        },
    )
    await gql(member, MARK_ALL, {"input": {}})
    settings = runtime.settings  # digest hour 7, the member's zone UTC
    async with runtime.session_factory() as session:
        first = local(days_from_today(1), 7, "UTC")
        assert await digest.send_digests(session, settings=settings, now=first) == 1
        await session.commit()
    await ok(kam, UPDATE_ACTION, {"input": {"id": item["id"], "version": 1, "status": "DONE"}})
    async with runtime.session_factory() as session:
        second = local(days_from_today(2), 7, "UTC")
        assert await digest.send_digests(session, settings=settings, now=second) == 0


MARK_ALL = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  errors { code } } }"""
