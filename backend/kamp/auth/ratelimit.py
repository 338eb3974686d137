"""Fixed-window attempt counters for sign-in: in memory for one process, in Redis when
several processes share the load (so the limit holds across all of them)."""

from __future__ import annotations

import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def hit(self, key: str) -> int:
        """Count one attempt; returns seconds to wait if over the limit, else 0."""
        ...

    async def reset(self, key: str) -> None: ...


class MemoryRateLimiter:
    def __init__(self, *, limit: int, window_seconds: int) -> None:
        self.limit = limit
        self.window = window_seconds
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str) -> int:
        now = time.monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= self.window:
            started, count = now, 0
        count += 1
        self._windows[key] = (started, count)
        if len(self._windows) > 100_000:  # bound memory under a spray of distinct keys
            self._windows = {k: v for k, v in self._windows.items() if now - v[0] < self.window}
        return max(1, int(self.window - (now - started))) if count > self.limit else 0

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class RedisRateLimiter:
    def __init__(self, redis: Redis, *, limit: int, window_seconds: int) -> None:
        self.redis = redis
        self.limit = limit
        self.window = window_seconds

    async def hit(self, key: str) -> int:
        name = f"kamp:ratelimit:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, self.window, nx=True)
            pipe.ttl(name)
            count, _, ttl = await pipe.execute()
        return max(1, int(ttl)) if int(count) > self.limit else 0

    async def reset(self, key: str) -> None:
        await self.redis.delete(f"kamp:ratelimit:{key}")
