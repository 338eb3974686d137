"""The deviation job: each month whose actual deviates from the forecast beyond the year's
threshold is notified to the KAM once, by email, whether the job runs in-process, twice, side
by side, or in a real arq worker on Redis with a real SMTP server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.asyncio import Redis
from sqlalchemy import select

from kamp.accounts.models import Role
from kamp.forecasts import deviations
from kamp.forecasts.models import DeviationNotice, ForecastEntry
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import notify_deviations
from kamp.jobs.worker import worker_settings
from kamp.mail.models import OutboxMessage
from kamp.settings import Settings
from tests.conftest import REDIS_URL
from tests.forecasts.support import set_entry, set_goal
from tests.jobs.test_mail_delivery import Inbox, free_port

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    """The production setup: Redis and an SMTP server (the test's own)."""
    return replace(settings, redis_url=REDIS_URL, smtp_url=f"smtp://127.0.0.1:{inbox.port}")


@pytest.fixture(autouse=True)
async def empty_redis() -> AsyncIterator[None]:
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    yield
    await redis.aclose()


@pytest.fixture
async def deviating(world, clients):
    """Account a, 2027 with a 10% threshold: January 20% above, February 5% off (within),
    March 20% below, April without an actual; 2028 has no goal, so nothing deviates there.
    Account b: one month 50% above."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    await set_goal(kam, ws, 2027, annualGoal="10000", deviationThresholdPct="10")
    for month, actual in (("01", "120"), ("02", "95"), ("03", "80"), ("04", None)):
        values = {"forecast": "100", **({"actual": actual} if actual else {})}
        await set_entry(kam, ws, f"2027-{month}-01", **values)
    await set_entry(kam, ws, "2028-01-01", forecast="100", actual="500")
    other = await clients.as_user(world.b.email(Role.KAM))
    await set_goal(other, world.b.workspace_gid, 2027, annualGoal="1")
    await set_entry(other, world.b.workspace_gid, "2027-05-01", forecast="10", actual="15")
    return kam


def job_context(runtime: Any) -> dict[str, Any]:
    return {"kamp": JobContext(runtime.settings, runtime.session_factory)}


async def notices(runtime: Any) -> list[tuple[str, str]]:
    async with runtime.session_factory() as session:
        rows = await session.execute(
            select(ForecastEntry.month, DeviationNotice.direction)
            .join(ForecastEntry, ForecastEntry.id == DeviationNotice.forecast_entry_id)
            .order_by(ForecastEntry.month, DeviationNotice.direction)
        )
        return [(month.isoformat(), direction) for month, direction in rows.all()]


async def outbox(runtime: Any) -> list[str]:
    async with runtime.session_factory() as session:
        return sorted(await session.scalars(select(OutboxMessage.recipient)))


async def test_run_twice_in_process_notifies_each_deviation_once(deviating, world, runtime, inbox):
    ctx = job_context(runtime)
    assert await notify_deviations(ctx) == 3
    assert await notify_deviations(ctx) == 0

    assert await notices(runtime) == [
        ("2027-01-01", "above"),
        ("2027-03-01", "below"),
        ("2027-05-01", "above"),
    ]
    kam_a, kam_b = world.a.email(Role.KAM), world.b.email(Role.KAM)
    assert sorted(m["To"] for m in inbox.messages) == sorted([kam_a, kam_a, kam_b])
    january = next(m for m in inbox.messages if "January 2027" in m["Subject"])
    assert january["Subject"] == "Forecast deviation in Workspace a: January 2027"
    text = january.get_content()
    assert "120.00 against a forecast of 100.00: +20.00%, above" in text, text
    assert "threshold of 10.00%" in text


async def test_a_new_direction_is_a_new_deviation(deviating, world, runtime, inbox):
    ctx = job_context(runtime)
    await notify_deviations(ctx)
    ws = world.a.workspace_gid
    # Still above (even more so): already told. Then it turns out below: that is news.
    await set_entry(deviating, ws, "2027-01-01", actual="130", version=1)
    assert await notify_deviations(ctx) == 0
    await set_entry(deviating, ws, "2027-01-01", actual="70", version=2)
    assert await notify_deviations(ctx) == 1
    assert await notify_deviations(ctx) == 0
    assert ("2027-01-01", "below") in await notices(runtime)
    assert len(inbox.messages) == 4
    assert "-30.00%, below" in inbox.messages[-1].get_content()


async def test_a_concurrent_duplicate_sends_one_email(deviating, world, runtime, inbox):
    """Two runs side by side, each in its own transaction: one claims each notice (the other
    waits on the unique key, then skips it), so every deviation is mailed once."""
    results = await asyncio.gather(*(notify_deviations(job_context(runtime)) for _ in range(3)))
    assert sum(results) == 3
    assert len(await notices(runtime)) == 3
    assert len(await outbox(runtime)) == 3
    assert len(inbox.messages) == 3


async def test_a_claim_waits_for_the_transaction_that_made_it(deviating, runtime, inbox):
    """The race itself: both transactions find the same three deviations; the second one's
    claims wait for the first to commit, then find the notices taken and queue no mail."""
    settings = runtime.settings
    async with runtime.session_factory() as first, runtime.session_factory() as second:
        assert await deviations.notify_deviations(first, settings=settings) == 3
        late = asyncio.create_task(deviations.notify_deviations(second, settings=settings))
        await asyncio.sleep(0.3)  # it finds the candidates, then blocks on the first claim
        assert not late.done()
        await first.commit()
        assert await late == 0
        await second.commit()
    assert len(await notices(runtime)) == 3
    assert len(await outbox(runtime)) == 3


async def test_no_goal_or_threshold_means_no_notice(world, clients, runtime, inbox):
    kam = await clients.as_user(world.a.email(Role.KAM))
    await set_entry(kam, world.a.workspace_gid, "2027-01-01", forecast="100", actual="300")
    assert await notify_deviations(job_context(runtime)) == 0
    await set_goal(kam, world.a.workspace_gid, 2027, annualGoal="1", deviationThresholdPct="250")
    assert await notify_deviations(job_context(runtime)) == 0  # 200% is within 250%
    assert inbox.messages == [] and await notices(runtime) == []


async def run_worker(settings: Settings) -> dict[str, tuple[str, Any]]:
    """A real arq worker as `kamp worker` builds it, until the queue is empty; returns what
    the jobs kept on Redis returned (this run's and earlier ones'), by job id."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # the worker configures logging for itself
    worker = Worker(**worker_settings(settings), burst=True, handle_signals=False, poll_delay=0.05)
    try:
        await worker.async_run()
        results = await worker.pool.all_job_results()
    finally:
        await worker.close()
        root.handlers[:], root.level = handlers, level
    return {r.job_id: (r.function, r.result) for r in results}


def returned(results: dict[str, tuple[str, Any]], function: str) -> list[Any]:
    return sorted(result for name, result in results.values() if name == function)


async def enqueue(*job_ids: str) -> None:
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    try:
        for job_id in job_ids:
            assert await pool.enqueue_job("notify_deviations", _job_id=job_id) is not None
    finally:
        await pool.aclose()


async def test_worker_runs_it_twice_and_mails_once(deviating, world, runtime, settings, inbox):
    """Two jobs in one worker (run side by side), then a third in a later run: each deviation
    is noticed and mailed once, by a deliver_mail job the notifying job queued on Redis."""
    await enqueue("deviations:1", "deviations:2")
    first = await run_worker(settings)
    assert returned(first, "notify_deviations") == [0, 3]
    assert returned(first, "deliver_mail") == [True, True, True]
    await enqueue("deviations:3")
    second = await run_worker(settings)
    assert second["deviations:3"] == ("notify_deviations", 0)
    assert returned(second, "deliver_mail") == [True, True, True]  # the same three

    assert len(await notices(runtime)) == 3
    assert len(inbox.messages) == 3
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        [world.a.email(Role.KAM)] * 2 + [world.b.email(Role.KAM)]
    )
    async with runtime.session_factory() as session:
        unsent = await session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        assert unsent.all() == []
