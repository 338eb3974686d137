"""DataLoaders over services: nested fields batch into one query per type per request, and
the service's visibility filter applies to every batch."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from kamp.auth.principal import Principal
from kamp.graphql.context import Info

T = TypeVar("T")

Fetch = Callable[..., Awaitable[dict[uuid.UUID, T]]]


def keyed_loader(
    info: Info, name: str, fetch: Fetch[T], *, keys: str = "ids"
) -> DataLoader[uuid.UUID, T | None]:
    """A loader calling `fetch(session, principal=..., <keys>=[...])`, which returns the visible
    rows by key; a key it leaves out (missing or hidden) loads as None."""
    context = info.context

    async def load(batch: Sequence[uuid.UUID]) -> list[T | None]:
        principal: Principal = await context.require_principal()
        session: AsyncSession = context.session
        found: dict[uuid.UUID, Any] = await fetch(
            session, principal=principal, **{keys: list(batch)}
        )
        return [found.get(key) for key in batch]

    return context.loader(name, load)
