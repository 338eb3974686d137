"""Without Redis, periodic tasks run in the server process and stop with it."""

from __future__ import annotations

import asyncio

from kamp.jobs.queue import InProcessQueue, JobContext
from kamp.jobs.tasks import SCHEDULE, TASKS


async def test_in_process_schedule_runs_and_stops(settings):
    runs: list[str] = []

    async def probe(ctx) -> None:
        assert isinstance(ctx["kamp"], JobContext)
        runs.append("probe")

    queue = InProcessQueue(JobContext(settings, None), {"probe": probe})  # type: ignore[arg-type]
    queue.start_schedule({"probe": 0})
    while len(runs) < 3:
        await asyncio.sleep(0.01)
    await queue.close()
    count = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == count, "a periodic task ran after the queue closed"


def test_every_scheduled_task_exists():
    assert set(SCHEDULE) <= set(TASKS)
    assert all(60 % minutes == 0 for minutes in SCHEDULE.values())
