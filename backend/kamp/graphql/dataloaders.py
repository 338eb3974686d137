"""DataLoaders over services: nested fields batch into one query per type per request, and
the service's visibility filter applies to every batch. Nested connections batch too: one
query per list and page arguments, whatever the number of parents."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from kamp.auth.principal import Principal
from kamp.graphql.context import Info
from kamp.pagination import Page, PageArgs

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


def paged_loader(
    info: Info, name: str, fetch: Fetch[Page[T]], page: PageArgs, *, keys: str = "parent_ids"
) -> DataLoader[uuid.UUID, Page[T]]:
    """A loader of one page per parent, calling `fetch(session, principal=..., page=page,
    <keys>=[...])`, which returns the pages by parent key. There is one loader per `name` and
    distinct page arguments, so the parents of a batch share `first` and `after`; `name` must
    also tell apart any other argument baked into `fetch` (a filter). A parent it leaves out
    (hidden) loads as an empty page."""
    context = info.context
    empty: Page[T] = Page(items=[], cursors=[], has_next=False)

    async def load(batch: Sequence[uuid.UUID]) -> list[Page[T]]:
        principal: Principal = await context.require_principal()
        session: AsyncSession = context.session
        found: dict[uuid.UUID, Page[T]] = await fetch(
            session, principal=principal, page=page, **{keys: list(batch)}
        )
        return [found.get(key, empty) for key in batch]

    return context.loader(f"{name}:{page.first}:{page.after}", load)
