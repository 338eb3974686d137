"""Attempt limits for sign-in, invitation acceptance and the OAuth token endpoint, on the
`limits` library's moving window: in memory for one process (embedded), in Redis when several
processes share the load (so a limit holds across all of them).

The address a limit is keyed by is the socket's peer as the ASGI server reports it; only
proxies named in KAMP_TRUSTED_PROXIES may replace it with X-Forwarded-For (see app.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from kamp import clock
from kamp.settings import Settings


@dataclass(frozen=True)
class Rule:
    """`amount` attempts per `seconds`, counted apart for each `name` and key."""

    name: str
    amount: int
    seconds: int

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.amount, self.seconds, namespace=f"kamp:{self.name}")


@dataclass(frozen=True)
class Rules:
    login_email: Rule
    login_address: Rule
    invitation: Rule
    token: Rule

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        window = settings.login_window_seconds
        return cls(
            login_email=Rule("login-email", settings.login_attempts, window),
            login_address=Rule("login-address", settings.login_address_attempts, window),
            invitation=Rule("invitation", settings.invitation_attempts, window),
            token=Rule("token", settings.token_requests_per_minute, 60),
        )


class RateLimiter:
    def __init__(self, storage: Storage, rules: Rules) -> None:
        self.storage = storage
        self.rules = rules
        self._strategy = MovingWindowRateLimiter(storage)

    @classmethod
    def in_memory(cls, rules: Rules) -> RateLimiter:
        return cls(MemoryStorage(), rules)

    @classmethod
    def on_redis(cls, redis: Redis, rules: Rules) -> RateLimiter:
        """Shares the app's connection pool (and so its database)."""
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            # limits types its options as scalars; redis-py takes the pool as one.
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]
            key_prefix="kamp:ratelimit",
        )
        return cls(storage, rules)

    async def hit(self, rule: Rule, *key: str) -> int:
        """Count one attempt; returns seconds to wait if over the limit, else 0."""
        if await self._strategy.hit(rule.item, *key):
            return 0
        stats = await self._strategy.get_window_stats(rule.item, *key)
        return max(1, math.ceil(stats.reset_time - clock.timestamp()))

    async def reset(self, rule: Rule, *key: str) -> None:
        await self._strategy.clear(rule.item, *key)
