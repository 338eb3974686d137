"""Jobs are deferred inside a transaction and dispatched only after it commits, so a job never
sees (or acts on) a change that was rolled back.

With Redis configured they go to arq; in the embedded default the same task functions run
in-process, in the background of the server."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kamp.realtime.broker import Broker
from kamp.settings import Settings

log = logging.getLogger("kamp.jobs")

_DEFERRED = "kamp.deferred_jobs"


@dataclass(frozen=True)
class Job:
    name: str
    kwargs: dict[str, Any]
    # arq drops an enqueue whose job id is already queued or done: duplicates do nothing.
    job_id: str | None = None


def defer(session: AsyncSession, name: str, *, job_id: str | None = None, **kwargs: Any) -> None:
    """Ask for `name(**kwargs)` to run once the session's transaction has committed."""
    session.info.setdefault(_DEFERRED, []).append(Job(name, kwargs, job_id))


def take_deferred(session: AsyncSession) -> list[Job]:
    return session.info.pop(_DEFERRED, [])


def drop_deferred(session: AsyncSession) -> None:
    session.info.pop(_DEFERRED, None)


@dataclass
class JobContext:
    """What a task function receives besides its arguments, in-process or in the worker."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    # Where committed change events and notifications are published (None: nowhere).
    broker: Broker | None = None


class TaskFunction(Protocol):
    """A task: an async function of the job context and the job's arguments (arq's shape)."""

    __qualname__: str

    async def __call__(self, ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any: ...


class JobQueue(Protocol):
    async def enqueue(self, job: Job) -> None: ...

    async def close(self) -> None: ...


class ArqQueue:
    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis

    async def enqueue(self, job: Job) -> None:
        await self.redis.enqueue_job(job.name, _job_id=job.job_id, **job.kwargs)

    async def close(self) -> None:
        await self.redis.aclose()


class InProcessQueue:
    """Runs tasks as background asyncio tasks of the server process."""

    def __init__(self, context: JobContext, tasks: dict[str, TaskFunction]) -> None:
        self.context = context
        self.tasks = tasks
        self._running: set[asyncio.Task[Any]] = set()
        self._periodic: list[asyncio.Task[Any]] = []
        self._seen_ids: set[str] = set()

    async def enqueue(self, job: Job) -> None:
        if job.job_id is not None:
            if job.job_id in self._seen_ids:
                return
            self._seen_ids.add(job.job_id)
        task = asyncio.create_task(self._run(job))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, job: Job) -> None:
        try:
            await self.tasks[job.name]({"kamp": self.context}, **job.kwargs)
        except Exception:
            log.exception("job failed", extra={"job": job.name})

    def start_schedule(self, schedule: dict[str, int]) -> None:
        """Run periodic tasks in this process (the embedded default has no worker)."""

        async def every(name: str, minutes: int) -> None:
            while True:
                await asyncio.sleep(minutes * 60)
                await self._run(Job(name, {}))

        for name, minutes in schedule.items():
            self._periodic.append(asyncio.create_task(every(name, minutes)))

    async def drain(self) -> None:
        """Wait for every task started so far (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def close(self) -> None:
        for task in self._periodic:
            task.cancel()
        await asyncio.gather(*self._periodic, return_exceptions=True)
        await self.drain()


async def dispatch(session: AsyncSession, queue: JobQueue) -> None:
    """Send the jobs deferred by a session that has just committed."""
    for job in take_deferred(session):
        try:
            await queue.enqueue(job)
        except Exception:
            # The change is committed; a lost enqueue is logged and picked up by the sweep.
            log.exception("could not enqueue job", extra={"job": job.name})
