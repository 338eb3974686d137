"""What keeps a subscription honest while it stays open: the subscriber's principal is checked
again on every event and every few seconds between events, so that a sign-out, a revoked or
expired token or a removed membership ends what it may hear within seconds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from kamp.auth.principal import Principal
from kamp.errors import Unauthenticated
from kamp.graphql.context import Info

T = TypeVar("T")


async def with_ticks(source: AsyncIterator[T], every: float) -> AsyncIterator[T | None]:
    """The items of `source`, and None whenever `every` seconds pass without one."""
    pending: asyncio.Future[T] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(source))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield None
                continue
            item, pending = pending, None
            try:
                yield item.result()
            except StopAsyncIteration:
                return
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(RuntimeError):
                await aclose()


async def still_allowed(info: Info, check: Callable[[Principal], None]) -> Principal:
    """The subscriber's principal as it is now, passed through `check` (which raises when the
    subscription may no longer be heard). Once the principal is gone (signed out, revoked,
    expired) the connection is closed and this never returns: the socket's end cancels it."""
    context = info.context
    principal = await context.principal()
    if principal is None:
        if not context.principal_lost or context.end_connection is None:
            raise Unauthenticated()
        await context.end_connection()
        await asyncio.Future()  # until the closed socket cancels the subscription
        raise Unauthenticated()  # not reached
    check(principal)
    return principal


def revalidate_every(info: Info) -> float:
    """How often an idle subscription checks its principal (a request's context: never)."""
    return info.context.revalidate_after or 3600.0
