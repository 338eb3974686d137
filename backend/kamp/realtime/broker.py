"""The event broker behind subscriptions: in memory for one process, Redis pub/sub when
several server processes must hear each other's events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis

from kamp.coediting.events import Event

log = logging.getLogger("kamp.realtime")
QUEUE_LIMIT = 1000


def workspace_channel(workspace_id: uuid.UUID) -> str:
    return f"kamp:workspace:{workspace_id}"


def user_channel(user_id: uuid.UUID) -> str:
    return f"kamp:user:{user_id}"


def channel_of(event: Event) -> str:
    """An event addressed to one user (a notification) goes to that user alone."""
    if event.recipient_id is not None:
        return user_channel(event.recipient_id)
    assert event.workspace_id is not None, "only a notification belongs to no workspace"
    return workspace_channel(event.workspace_id)


class Broker(Protocol):
    async def publish(self, event: Event, channel: str | None = None) -> None: ...

    def subscribe(self, channel: str) -> AsyncIterator[Event]: ...

    # Presence: who has a page open. Members are touched while present and age out after
    # `ttl` seconds, so a process that dies without saying goodbye is forgotten.
    async def touch(self, key: str, member: str) -> None: ...

    async def forget(self, key: str, member: str) -> None: ...

    async def members(self, key: str, ttl: float) -> list[str]: ...


class MemoryBroker:
    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[Event]]] = {}
        self._present: dict[str, dict[str, float]] = {}

    async def touch(self, key: str, member: str) -> None:
        self._present.setdefault(key, {})[member] = time.monotonic()

    async def forget(self, key: str, member: str) -> None:
        members = self._present.get(key, {})
        members.pop(member, None)
        if not members:
            self._present.pop(key, None)

    async def members(self, key: str, ttl: float) -> list[str]:
        oldest = time.monotonic() - ttl
        return sorted(m for m, seen in self._present.get(key, {}).items() if seen >= oldest)

    async def publish(self, event: Event, channel: str | None = None) -> None:
        for queue in list(self._queues.get(channel or channel_of(event), ())):
            if queue.qsize() < QUEUE_LIMIT:  # a stalled subscriber must not grow without bound
                queue.put_nowait(event)

    async def subscribe(self, channel: str) -> AsyncIterator[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._queues.setdefault(channel, set()).add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]


class RedisBroker:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, event: Event, channel: str | None = None) -> None:
        await self.redis.publish(channel or channel_of(event), event.to_json())

    # Presence is a sorted set per page: member -> last seen (server time, in seconds).
    async def touch(self, key: str, member: str) -> None:
        now = await self._now()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {member: now})
            pipe.expire(key, 3600)
            await pipe.execute()

    async def forget(self, key: str, member: str) -> None:
        await self.redis.zrem(key, member)

    async def members(self, key: str, ttl: float) -> list[str]:
        oldest = await self._now() - ttl
        await self.redis.zremrangebyscore(key, "-inf", oldest)
        return sorted(
            m.decode() if isinstance(m, bytes) else m for m in await self.redis.zrange(key, 0, -1)
        )

    async def _now(self) -> float:
        # Redis' clock, so that processes on machines with skewed clocks agree.
        seconds, micros = await self.redis.time()
        return seconds + micros / 1_000_000

    async def subscribe(self, channel: str) -> AsyncIterator[Event]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(channel)
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield Event.from_json(message["data"])
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await pubsub.aclose()


async def publish_all(broker: Broker, events: list[Event]) -> None:
    for event in events:
        try:
            await broker.publish(event)
        except Exception:
            # The change is committed; a lost event costs a live update, never data.
            log.exception("could not publish event", extra={"kind": event.kind})
