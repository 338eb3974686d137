"""The change history of co-edited rows: written by the kernel's writes alone, read here as
each principal may see it (internal changes only for those who read the supplier's view, and a
change of a row the principal cannot load now not at all)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.coediting.models import ChangeRecord
from kamp.db import Base
from kamp.pagination import Page, PageArgs, keyset_page


def as_json(value: Any) -> Any:
    """A field value as it is kept in the history (and shown in the API)."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def add_records(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    node_type: str,
    node_id: uuid.UUID,
    action: str,
    actor_id: uuid.UUID | None,
    internal: bool,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """One row per changed field (or one row for a creation or deletion)."""
    base = {
        "workspace_id": workspace_id,
        "node_type": node_type,
        "node_id": node_id,
        "action": action,
        "actor_id": actor_id,
        "internal": internal,
    }
    if not changes:
        session.add(ChangeRecord(**base, field=None, before=None, after=None))
        return
    for field, (before, after) in changes.items():
        session.add(ChangeRecord(**base, field=field, before=as_json(before), after=as_json(after)))


async def list_history(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    node_id: uuid.UUID,
    page: PageArgs,
) -> Page[ChangeRecord]:
    """The history of an element the caller has already shown the principal may see. Rows
    written while the element was internal stay hidden from those who may not read them."""
    stmt = select(ChangeRecord).where(
        ChangeRecord.workspace_id == workspace_id, ChangeRecord.node_id == node_id
    )
    if not can(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ):
        stmt = stmt.where(ChangeRecord.internal.is_(False))
    found = await keyset_page(session, stmt, ChangeRecord, page)
    await _hide_references(session, principal, found.items)
    return found


async def _hide_references(
    session: AsyncSession, principal: Principal, records: list[ChangeRecord]
) -> None:
    """A change of a field pointing at another element (an action item's objective) shows
    that element's ID only to those who may see it; to the others it reads as none. Places
    among siblings (`position`) are numbers only the supplier's view may read."""
    pointers: list[tuple[ChangeRecord, str, str, uuid.UUID]] = []
    for record in records:
        if record.field == "position" and not can(
            principal, record.workspace_id, Permission.ACCOUNT_INTERNAL_READ
        ):
            # A place counts the hidden siblings too: a customer sees that it moved, not where.
            _view(session, record, before=None, after=None)
            continue
        model = Base.registry._class_registry.get(record.node_type)
        target = getattr(model, "references", {}).get(record.field or "")
        for side in ("before", "after"):
            value = getattr(record, side)
            if target and isinstance(value, str):
                pointers.append((record, side, target, uuid.UUID(value)))
    if not pointers:
        return
    seen = await access.loadable(session, principal, [(t, i) for _, _, t, i in pointers])
    for record, side, target, target_id in pointers:
        if (target, target_id) not in seen:
            _view(session, record, **{side: None})


def _view(session: AsyncSession, record: ChangeRecord, **shown: Any) -> None:
    """Change what this reader is shown of a history row, never writing it back."""
    if record in session:
        session.expunge(record)
    for name, value in shown.items():
        setattr(record, name, value)


async def recent_changes(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, limit: int
) -> list[ChangeRecord]:
    """A workspace's latest changes, newest first, of rows the principal can load now (not
    those made internal since, deleted, or never visible to it)."""
    require(principal, workspace_id, Permission.WORKSPACE_READ)
    stmt = select(ChangeRecord).where(ChangeRecord.workspace_id == workspace_id)
    if not can(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ):
        stmt = stmt.where(ChangeRecord.internal.is_(False))
    records = list(
        await session.scalars(
            stmt.order_by(ChangeRecord.created_at.desc(), ChangeRecord.id.desc()).limit(limit * 3)
        )
    )
    seen = await access.loadable(
        session, principal, [(record.node_type, record.node_id) for record in records]
    )
    shown = [record for record in records if (record.node_type, record.node_id) in seen][:limit]
    await _hide_references(session, principal, shown)
    return shown
