"""The long-lived parts of a running server, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kamp.auth.oauth.keys import KeyRingCache
from kamp.auth.ratelimit import RateLimiter
from kamp.coediting.events import take_recorded
from kamp.jobs.queue import JobQueue, dispatch
from kamp.realtime.broker import Broker, publish_all
from kamp.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    queue: JobQueue
    limiter: RateLimiter
    keys: KeyRingCache
    broker: Broker
    redis: Redis | None = None


async def after_commit(session: AsyncSession, *, queue: JobQueue, broker: Broker) -> None:
    """What a committed transaction deferred: its jobs, then its change events."""
    await dispatch(session, queue)
    await publish_all(broker, take_recorded(session))
