"""The per-request GraphQL context: one lazily opened session (one transaction), the lazily
resolved Principal, and the request's DataLoaders.

Nothing here touches the database until a resolver asks, so a request refused by validation
or by argument checks runs no SQL at all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from kamp.auth.policy import require_principal
from kamp.auth.principal import Principal
from kamp.auth.resolve import PrincipalResolver
from kamp.coediting.events import drop_recorded
from kamp.jobs.queue import JobQueue, drop_deferred
from kamp.realtime.broker import Broker
from kamp.runtime import after_commit
from kamp.settings import Settings

log = logging.getLogger("kamp.graphql")


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
    _loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self.session_factory()
        return self._session

    async def principal(self) -> Principal | None:
        # Root fields resolve concurrently; the first one opens the session's connection while
        # resolving the principal, the others wait (a session cannot connect twice at once).
        async with self._principal_lock:
            if not self._principal_resolved:
                self._principal = await self.resolve_principal(self.session)
                self._principal_resolved = True
        return self._principal

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
