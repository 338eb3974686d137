"""Writes of workspace elements: create / update / delete with optimistic locking, history
rows and change events. A domain service checks its own permissions, then calls these; they
flush, never commit."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting.models import Visibility, WorkspaceElement
from kamp.errors import Conflict
from kamp.history.service import add_records
from kamp.realtime.events import record_change

E = TypeVar("E", bound=WorkspaceElement)


def _internal(*visibilities: Visibility | None) -> bool:
    return Visibility.INTERNAL in visibilities


def _trace(
    session: AsyncSession,
    principal: Principal,
    row: WorkspaceElement,
    action: str,
    *,
    internal: bool,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """The history rows and the change event of one action on one element."""
    add_records(
        session,
        workspace_id=row.workspace_id,
        node_type=type(row).__name__,
        node_id=row.id,
        action=action,
        actor_id=principal.user_id,
        internal=internal,
        changes=changes,
    )
    record_change(
        session,
        workspace_id=row.workspace_id,
        node=row,
        action=action,
        actor_id=principal.user_id,
        fields=sorted(changes or ()),
        internal=internal,
    )


async def create(session: AsyncSession, *, principal: Principal, row: E) -> E:
    """Add a new element (its visibility chosen with `initial_visibility`)."""
    session.add(row)
    await session.flush()
    _trace(session, principal, row, "created", internal=_internal(row.visibility))
    await session.flush()
    return row


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    row: E,
    version: int,
    values: dict[str, Any],
    visibility: Visibility | None = None,
) -> list[str]:
    """Apply the non-None `values` to a row based on `version`; returns the changed fields.

    A stale version is a Conflict carrying the current row, and nothing is written. Changing
    visibility needs VISIBILITY_MANAGE (the KAM)."""
    if row.version != version:
        raise Conflict(row)
    before_visibility = row.visibility
    if visibility is not None and visibility != row.visibility:
        require(principal, row.workspace_id, Permission.VISIBILITY_MANAGE)
        values = {**values, "visibility": visibility}
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            changes[name] = (getattr(row, name), value)
            setattr(row, name, value)
    if not changes:
        return []
    try:
        await session.flush()
    except StaleDataError as exc:  # another writer committed between our read and write
        raise Conflict(None) from exc
    internal = _internal(before_visibility, row.visibility)
    _trace(session, principal, row, "updated", internal=internal, changes=changes)
    await session.flush()
    return sorted(changes)


async def delete(session: AsyncSession, *, principal: Principal, row: WorkspaceElement) -> None:
    _trace(session, principal, row, "deleted", internal=_internal(row.visibility))
    await session.delete(row)
    await session.flush()
