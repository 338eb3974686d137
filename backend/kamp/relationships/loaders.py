"""Per-request DataLoaders of the relationship map. Nested connections are keyed by parent and
page, and each distinct page of a batch is one query for all its parents."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from kamp.auth.principal import Principal
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.pagination import Page, PageArgs
from kamp.relationships import service
from kamp.relationships.models import Contact, Relationship

PageKey = tuple[uuid.UUID, PageArgs]
FetchPages = Callable[..., Awaitable[dict[uuid.UUID, Page[Any]]]]


def contacts(info: Info) -> DataLoader[uuid.UUID, Contact | None]:
    return keyed_loader(info, "contacts", service.get_contacts)


def relationships(info: Info) -> DataLoader[uuid.UUID, Relationship | None]:
    return keyed_loader(info, "relationships", service.get_relationships)


def _paged_loader(
    info: Info, name: str, fetch: FetchPages, keys: str
) -> DataLoader[PageKey, Page[Any]]:
    context = info.context

    async def load(batch: Sequence[PageKey]) -> list[Page[Any]]:
        principal: Principal = await context.require_principal()
        session: AsyncSession = context.session
        found: dict[PageKey, Page[Any]] = {}
        for page in dict.fromkeys(p for _, p in batch):
            parents = [parent for parent, p in batch if p == page]
            pages = await fetch(session, principal=principal, page=page, **{keys: parents})
            found.update({(parent, page): pages[parent] for parent in parents})
        return [found[key] for key in batch]

    return context.loader(name, load)


def direct_reports(info: Info) -> DataLoader[PageKey, Page[Contact]]:
    return _paged_loader(info, "direct_reports", service.direct_reports, "manager_ids")


def relationships_of(info: Info) -> DataLoader[PageKey, Page[Relationship]]:
    return _paged_loader(info, "relationships_of", service.relationships_of, "contact_ids")
