"""Writes of co-edited rows: create / update / delete with optimistic locking, and the history
rows and change event each leaves. A use case checks its own permissions, then calls these;
they flush, never commit. Nothing outside the kernel writes history or events.

A row is a workspace element (its workspace and visibility are its own) or any versioned row
of a workspace without a visibility, such as a key account, a workspace or a membership: its
changes are shared unless a field is named internal."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from typing import Any, Final, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from kamp import clock
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, events
from kamp.coediting.history import add_records
from kamp.coediting.models import Versioned, Visibility, WorkspaceElement
from kamp.db import Base
from kamp.errors import Conflict

R = TypeVar("R", bound=Versioned)


class _Clear:
    def __repr__(self) -> str:
        return "CLEAR"


# The value that empties a field in `update` (None there means "leave it as it is").
CLEAR: Final = _Clear()

Changes = dict[str, tuple[Any, Any]]


def or_clear(value: Any) -> Any:
    """A value for `update` that empties the field when it is None (a field the user cleared)."""
    return CLEAR if value is None else value


def _internal(row: Any) -> bool:
    return getattr(row, "visibility", Visibility.SHARED) == Visibility.INTERNAL


def _workspace(row: Any, workspace_id: uuid.UUID | None) -> uuid.UUID:
    found = workspace_id or getattr(row, "workspace_id", None)
    if found is None:  # pragma: no cover - a programming error, not a user's
        raise TypeError(f"{type(row).__name__} needs a workspace_id to be traced")
    return found


def trace(
    session: AsyncSession,
    *,
    actor_id: uuid.UUID | None,
    row: Any,
    action: str,
    workspace_id: uuid.UUID | None = None,
    changes: Changes | None = None,
    internal: bool | None = None,
    internal_fields: Collection[str] = (),
) -> None:
    """The history rows and the change event of one action on one row: an action of its own
    (`decided:approved`, `revoked`) or, through the functions below, a write. The changes of
    `internal_fields` are traced apart, internal, so a customer never learns of them."""
    workspace = _workspace(row, workspace_id)
    hidden = _internal(row) if internal is None else internal
    groups: list[tuple[bool, Changes | None]] = []
    if not changes:
        groups.append((hidden, None))
    else:
        shared = {k: v for k, v in changes.items() if k not in internal_fields}
        private = {k: v for k, v in changes.items() if k in internal_fields}
        groups += [(hidden, shared)] if shared else []
        groups += [(True, private)] if private else []
    for is_internal, group in groups:
        add_records(
            session,
            workspace_id=workspace,
            node_type=type(row).__name__,
            node_id=row.id,
            action=action,
            actor_id=actor_id,
            internal=is_internal,
            changes=group,
        )
        events.changed(
            session,
            workspace_id=workspace,
            node=row,
            action=action,
            actor_id=actor_id,
            fields=sorted(group or ()),
            internal=is_internal,
        )


async def create(
    session: AsyncSession,
    *,
    principal: Principal | None,
    row: R,
    workspace_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
) -> R:
    """Add a new row (an element's visibility chosen with `access.initial_visibility`). The
    actor is the principal's user, or `actor_id` where no principal acts (an accepted
    invitation)."""
    session.add(row)
    await session.flush()
    trace(
        session,
        actor_id=principal.user_id if principal else actor_id,
        row=row,
        action="created",
        workspace_id=workspace_id,
        internal=_internal(row) or await access.hidden_by_ancestors(session, row),
    )
    await session.flush()
    return row


def check_version(row: Versioned, version: int) -> None:
    """A stale version is a Conflict carrying the current row; nothing is written."""
    if row.version != version:
        raise Conflict(row)


async def flush(session: AsyncSession) -> None:
    """Flush an update; a concurrent writer that got there first turns into a Conflict (the
    request rolls back; the caller reloads to see the winner)."""
    try:
        await session.flush()
    except StaleDataError as exc:
        raise Conflict(None) from exc


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    row: R,
    version: int,
    values: Mapping[str, Any],
    visibility: Visibility | None = None,
    internal_fields: Collection[str] = (),
    derived: Changes | None = None,
    workspace_id: uuid.UUID | None = None,
) -> list[str]:
    """Apply `values` to a row based on `version`; returns the changed fields.

    None leaves a field as it is; `CLEAR` empties it. Changes of `internal_fields` keep a
    supplier-internal history although the row is shared. `derived` are changes the caller
    made beside the row's columns (a meeting's attendees): they count as changes of the row,
    so its version moves and they are traced with it. Changing visibility needs
    VISIBILITY_MANAGE (the KAM)."""
    check_version(row, version)
    was_internal = _internal(row)
    if visibility is not None and visibility != getattr(row, "visibility", None):
        require(principal, _workspace(row, workspace_id), Permission.VISIBILITY_MANAGE)
        values = {**values, "visibility": visibility}
    changes: Changes = {}
    for name, value in values.items():
        if value is None:
            continue
        value = None if value is CLEAR else value
        if getattr(row, name) != value:
            changes[name] = (getattr(row, name), value)
            setattr(row, name, value)
    changes.update(derived or {})
    if not changes:
        return []
    row.updated_at = clock.now()  # an UPDATE (and a new version) even for derived changes
    await flush(session)
    trace(
        session,
        actor_id=principal.user_id,
        row=row,
        action="updated",
        workspace_id=workspace_id,
        changes=changes,
        internal=was_internal or _internal(row) or await access.hidden_by_ancestors(session, row),
        internal_fields=internal_fields,
    )
    await session.flush()
    return sorted(changes)


async def delete(
    session: AsyncSession,
    *,
    principal: Principal,
    row: Any,
    workspace_id: uuid.UUID | None = None,
    action: str = "deleted",
) -> None:
    """Delete a row with what goes with it, each traced on its own: its children (a measure of
    a deleted objective, internal ones with internal history) go first; then every element
    pointing at it forgets it in a new version (a contact's deleted location). Nothing goes
    silently, however hidden from the one deleting."""
    for child in await _children(session, row):
        await delete(session, principal=principal, row=child)
    for referrer, field in await _referrers(session, row):
        await update(
            session,
            principal=principal,
            row=referrer,
            version=referrer.version,
            values={field: CLEAR},
        )
    trace(
        session,
        actor_id=principal.user_id,
        row=row,
        action=action,
        workspace_id=workspace_id,
        internal=_internal(row) or await access.hidden_by_ancestors(session, row),
    )
    await session.delete(row)
    await session.flush()


def _elements() -> list[type[WorkspaceElement]]:
    return [
        mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, WorkspaceElement)
    ]


async def _children(session: AsyncSession, row: Any) -> list[Any]:
    name = type(row).__name__
    found: list[Any] = []
    for model in _elements():
        if model.parent is not None and model.parent[1] == name:
            key = getattr(model, model.parent[0])
            found += list(await session.scalars(select(model).where(key == row.id)))
    return found


async def _referrers(session: AsyncSession, row: Any) -> list[tuple[Any, str]]:
    name = type(row).__name__
    found: list[tuple[Any, str]] = []
    for model in _elements():
        for field, target in model.references.items():
            if target == name:
                rows = await session.scalars(select(model).where(getattr(model, field) == row.id))
                found += [(referrer, field) for referrer in rows]
    return found
