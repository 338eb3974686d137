"""The per-request GraphQL context: one lazily opened session (one transaction), the lazily
resolved Principal, and the request's DataLoaders.

Nothing here touches the database until a resolver asks, so a request refused by validation
or by argument checks runs no SQL at all."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from kamp.auth.policy import require_principal
from kamp.auth.principal import Principal
from kamp.auth.resolve import PrincipalResolver
from kamp.coediting.events import drop_recorded
from kamp.errors import Unauthenticated
from kamp.jobs.queue import JobQueue, drop_deferred
from kamp.realtime.broker import Broker
from kamp.runtime import after_commit
from kamp.settings import Settings

log = logging.getLogger("kamp.graphql")

# A WebSocket stays open for hours, past a sign-out, a revoked or expired token, a removed
# membership: its principal is resolved again when it is older than this.
REVALIDATE_SECONDS = 3.0

_holding: ContextVar[AsyncSession | None] = ContextVar("kamp_session_holder", default=None)


class SerialSession(AsyncSession):
    """The request's session, shared by resolvers that run concurrently (sibling fields, the
    batches of DataLoaders). A session has one connection, and a connection serves one
    statement at a time: each call waits its turn, and runs to its end as a task of its own.
    A resolver cancelled mid-call (graphql-core cancels the siblings of a field that raised)
    stops waiting for it, but never interrupts the driver halfway through a statement, which
    would leave the connection in an unknown state; committing, rolling back and closing wait
    for the call under way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()

    async def _serially(self, call: Callable[[], Awaitable[Any]]) -> Any:
        if _holding.get() is self:  # a call made by a call already holding the turn
            return await call()
        await self._turn.acquire()

        async def run() -> Any:
            _holding.set(self)  # in the task's own copy of the context
            return await call()

        task = asyncio.ensure_future(run())

        def done(finished: asyncio.Future[Any]) -> None:
            self._turn.release()
            if not finished.cancelled():
                finished.exception()  # the waiter may be gone: nobody else will look

        task.add_done_callback(done)
        return await asyncio.shield(task)


def _serialized(name: str) -> Callable[..., Awaitable[Any]]:
    method = getattr(AsyncSession, name)

    @functools.wraps(method)
    async def serialized(self: SerialSession, *args: Any, **kwargs: Any) -> Any:
        return await self._serially(lambda: method(self, *args, **kwargs))

    return serialized


# Every call that reaches the connection; `scalars`, `stream_scalars` and `aclose` go through
# `execute`, `stream` and `close`.
for _name in (
    "execute",
    "scalar",
    "get",
    "get_one",
    "stream",
    "refresh",
    "run_sync",
    "delete",
    "delete_all",
    "merge",
    "merge_all",
    "flush",
    "connection",
    "commit",
    "rollback",
    "close",
    "reset",
    "invalidate",
):
    setattr(SerialSession, _name, _serialized(_name))


@dataclass
class Context:
    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    queue: JobQueue
    broker: Broker
    resolve_principal: PrincipalResolver
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload
    # Set when a mutation reports user errors: the whole request then changes nothing.
    rollback_only: bool = False
    _session: AsyncSession | None = None
    _principal: Principal | None = None
    _principal_resolved: bool = False
    _principal_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _principal_at: float = 0.0
    # Set for a connection that outlives a request (a WebSocket): how old a resolved principal
    # may be, and how to end the connection once it is gone.
    revalidate_after: float | None = None
    end_connection: Callable[[], Awaitable[None]] | None = None
    principal_lost: bool = False  # it was someone, and is no longer
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            # The factory's configuration, in a session that concurrent resolvers can share.
            self._session = SerialSession(**self.session_factory.kw)
        return self._session

    async def principal(self) -> Principal | None:
        # Root fields resolve concurrently; the first one opens the session's connection while
        # resolving the principal, the others wait (a session cannot connect twice at once).
        async with self._principal_lock:
            now = asyncio.get_running_loop().time()
            if not self._principal_resolved:
                self._principal = await self.resolve_principal(self.session)
                self._principal_resolved = True
                self._principal_at = now
            elif (
                self._principal is not None
                and self.revalidate_after is not None
                and now - self._principal_at >= self.revalidate_after
            ):
                self._principal = await self._resolve_again()
                self._principal_at = now
                self.principal_lost = self._principal is None
        return self._principal

    def principal_may_have_changed(self) -> None:
        """Resolve the principal again on its next use, however recent it is."""
        self._principal_at = float("-inf")

    async def _resolve_again(self) -> Principal | None:
        """The principal as it is now, in a short session of its own (a connection waiting
        for events holds none). Gone once signed out, revoked or expired, for good."""
        async with self.session_factory() as session:
            try:
                return await self.resolve_principal(session)
            except Unauthenticated:
                return None

    async def require_principal(self) -> Principal:
        return require_principal(await self.principal())

    def loader(
        self, name: str, load: Callable[[list[Any]], Awaitable[list[Any]]]
    ) -> DataLoader[Any, Any]:
        """The request's DataLoader called `name`, created on first use."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load)
        return self._loaders[name]

    async def finish(self, *, failed: bool) -> None:
        """Commit once (or roll back); then dispatch the jobs and publish the events that the
        transaction deferred."""
        session = self._session
        if session is None:
            return
        if failed or self.rollback_only:
            drop_deferred(session)
            drop_recorded(session)
            await session.rollback()
            return
        await session.commit()
        await after_commit(session, queue=self.queue, broker=self.broker)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


Info = StrawberryInfo[Context, None]
