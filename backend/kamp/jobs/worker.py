"""arq worker settings: `kamp worker` runs these against KAMP_REDIS_URL."""

from __future__ import annotations

from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Function, func
from redis.asyncio import Redis

from kamp.db import make_engine, make_session_factory
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import SCHEDULE, TASKS
from kamp.observability import configure_logging
from kamp.realtime.broker import RedisBroker
from kamp.settings import Settings


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or Settings.from_env()
    engine = make_engine(settings.database_url)
    ctx["engine"] = engine
    # The worker's notifications reach open web pages through the same Redis broker.
    ctx["broker_redis"] = Redis.from_url(settings.redis_url) if settings.redis_url else None
    broker = RedisBroker(ctx["broker_redis"]) if ctx["broker_redis"] is not None else None
    ctx["kamp"] = JobContext(
        settings=settings, session_factory=make_session_factory(engine), broker=broker
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    # A stop that comes before the start finished finds less to close.
    if ctx.get("broker_redis") is not None:
        await ctx["broker_redis"].aclose()
    if ctx.get("engine") is not None:
        await ctx["engine"].dispose()


def worker_settings(settings: Settings) -> dict[str, Any]:
    if not settings.redis_url:
        raise SystemExit("kamp worker needs KAMP_REDIS_URL; without it jobs run in the server.")
    configure_logging(settings.log_level)
    functions: list[Function] = [func(task, name=name, max_tries=5) for name, task in TASKS.items()]

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        await startup(ctx)

    return {
        "functions": functions,
        "cron_jobs": [
            cron(TASKS[name], name=f"cron:{name}", minute=set(range(0, 60, every)), unique=True)
            for name, every in SCHEDULE.items()
        ],
        "on_startup": on_startup,
        "on_shutdown": shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        # Keep results briefly so a duplicate enqueue of the same job id is refused.
        "keep_result": 3600,
    }
