"""Who sees a workspace element: the visibility filter applied in SQL (a hidden row is never
loaded), the same rule for one loaded row, for a member a job writes to, and for an event; the
visibility a new element gets; and which rows of each type a principal can load."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Role
from kamp.auth.policy import ROLE_PERMISSIONS, Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting.events import Event
from kamp.coediting.models import Visibility, WorkspaceElement


def readable_workspaces(principal: Principal, permission: Permission) -> list[uuid.UUID]:
    return [w for w in principal.workspace_ids if can(principal, w, permission)]


def _parent_of(model: type[WorkspaceElement]) -> tuple[Any, type[WorkspaceElement]] | None:
    """The foreign key to the element `model` belongs to, and that element's model."""
    if model.parent is None:
        return None
    key, name = model.parent
    parent = model.registry._class_registry[name]  # type: ignore[attr-defined]  # declarative registry
    return getattr(model, key), parent


def visible(
    model: type[WorkspaceElement], principal: Principal, permission: Permission
) -> ColumnElement[bool]:
    """Rows of workspaces where the principal holds `permission`, INTERNAL ones only where it
    may read the supplier's internal view, and only while their parent (and its parent, up
    to the top) is visible too. A hidden row is never loaded, so it cannot leak through a
    count, a list, a filter, a position or a node lookup."""
    readable = readable_workspaces(principal, permission)
    if not readable:
        return false()
    internal = [w for w in readable if can(principal, w, Permission.ACCOUNT_INTERNAL_READ)]
    own = and_(
        model.workspace_id.in_(readable),
        or_(model.visibility == Visibility.SHARED, model.workspace_id.in_(internal)),
    )
    link = _parent_of(model)
    if link is None:
        return own
    key, parent = link
    parent_visible = (
        select(parent.id).where(parent.id == key, visible(parent, principal, permission)).exists()
    )
    return and_(own, or_(key.is_(None), parent_visible))


def exists_visible(
    model: type[WorkspaceElement], row_id: uuid.UUID, principal: Principal, permission: Permission
) -> ColumnElement[bool]:
    """True only if that element exists and the principal may see it: a filter through a
    hidden element (`objectiveId: <internal>`) answers as one through a missing one."""
    return (
        select(model.id).where(model.id == row_id, visible(model, principal, permission)).exists()
    )


async def ranks(
    session: AsyncSession,
    *,
    principal: Principal,
    model: type[WorkspaceElement],
    permission: Permission,
    parent_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
    """Each visible child's place among the children of its parent that the principal sees
    (0 first): positions count no hidden sibling. One query for all parents."""
    link = _parent_of(model)
    if link is None:  # pragma: no cover - a programming error
        raise TypeError(f"{model.__name__} has no parent to be ranked under")
    key, _parent = link
    order = model.position  # type: ignore[attr-defined]  # ranked models have a position
    rows = await session.execute(
        select(model.id, key)
        .where(key.in_(parent_ids), visible(model, principal, permission))
        .order_by(key, order, model.created_at, model.id)
    )
    found: dict[uuid.UUID, dict[uuid.UUID, int]] = {parent_id: {} for parent_id in parent_ids}
    for row_id, parent_id in rows.all():
        found[parent_id][row_id] = len(found[parent_id])
    return found


async def lineage(session: AsyncSession, row: Any) -> list[Any]:
    """The element and its ancestors, nearest first (a meeting and its series): what a job
    or a mail passes to `may_see`, so that no one hears of what a hidden parent hides."""
    found = [row]
    current = row
    while link := _parent_of(type(current)) if isinstance(current, WorkspaceElement) else None:
        key, parent = link
        parent_id = getattr(current, key.key)
        if parent_id is None:
            break
        current = await session.get(parent, parent_id)
        if current is None:
            break
        found.append(current)
    return found


async def hidden_by_ancestors(session: AsyncSession, row: Any) -> bool:
    """Is one of the element's ancestors INTERNAL? Then its changes are internal too: no
    customer hears of a shared measure of an internal objective."""
    ancestors = (await lineage(session, row))[1:]
    return any(parent.visibility == Visibility.INTERNAL for parent in ancestors)


def can_see(principal: Principal, row: WorkspaceElement, permission: Permission) -> bool:
    if not can(principal, row.workspace_id, permission):
        return False
    return row.visibility == Visibility.SHARED or can(
        principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ
    )


def initial_visibility(
    principal: Principal, workspace_id: uuid.UUID, asked: Visibility | None, default: Visibility
) -> Visibility:
    """The visibility of a new element: the default, unless the KAM chose otherwise. Customers
    cannot create INTERNAL elements (they could not see them)."""
    if asked is None or asked == default:
        return (
            default
            if can(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ)
            else Visibility.SHARED
        )
    require(principal, workspace_id, Permission.VISIBILITY_MANAGE)
    return asked


class _Shown(Protocol):
    visibility: Visibility


def may_see(role: Role | None, *rows: _Shown, permission: Permission) -> bool:
    """May a member with `role` see these rows (an element and its ancestors: pass its
    `lineage`)? For jobs and mail, which write to members without a request: the same role
    table as every request."""
    granted = ROLE_PERMISSIONS.get(role, frozenset()) if role is not None else frozenset()
    if permission not in granted:
        return False
    internal = any(row.visibility == Visibility.INTERNAL for row in rows)
    return not internal or Permission.ACCOUNT_INTERNAL_READ in granted


def may_receive(principal: Principal, event: Event) -> bool:
    """May a subscriber hear of this change event of its workspace?"""
    if event.workspace_id is None or not can(
        principal, event.workspace_id, Permission.WORKSPACE_READ
    ):
        return False
    return not event.internal or can(
        principal, event.workspace_id, Permission.ACCOUNT_INTERNAL_READ
    )


# --- which rows a principal can load, by type -------------------------------------------------

Reader = Callable[..., Awaitable[Mapping[uuid.UUID, Any]]]
_READERS: dict[str, Reader] = {}


def reader(node_type: str, fetch: Reader) -> None:
    """Register the use case that loads the rows of `node_type` a principal may see,
    `fetch(session, principal=..., ids=[...]) -> {id: row}` (it leaves hidden ones out)."""
    _READERS[node_type] = fetch


async def loadable(
    session: AsyncSession, principal: Principal, refs: Iterable[tuple[str, uuid.UUID]]
) -> set[tuple[str, uuid.UUID]]:
    """Which of these (type, id) rows the principal can load now: one query per type."""
    by_type: dict[str, list[uuid.UUID]] = {}
    for node_type, node_id in refs:
        by_type.setdefault(node_type, []).append(node_id)
    seen: set[tuple[str, uuid.UUID]] = set()
    for node_type, ids in by_type.items():
        fetch = _READERS.get(node_type)
        if fetch is None:
            continue
        found = await fetch(session, principal=principal, ids=list(dict.fromkeys(ids)))
        seen.update((node_type, node_id) for node_id in found)
    return seen


async def load(
    session: AsyncSession, principal: Principal, node_type: str, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, Any]:
    """The rows of `node_type` with these IDs that the principal may see."""
    fetch = _READERS.get(node_type)
    if fetch is None:
        return {}
    return await fetch(session, principal=principal, ids=list(ids))


# --- what the viewer may do with an element (`viewerCan`) ------------------------------------


@dataclass(frozen=True)
class Abilities:
    """What a principal may do with one element. The use cases refuse exactly what this
    denies (they ask the same rule), so the web app shows only what will work."""

    edit: bool = False
    delete: bool = False
    share: bool = False  # change who sees it (SHARED | INTERNAL)
    comment: bool = False


NONE = Abilities()
Rule = Callable[[Principal, Any], Abilities]
_RULES: dict[type, Rule] = {}


def abilities(
    principal: Principal,
    row: WorkspaceElement,
    *,
    edit: Permission,
    delete: Permission | None = None,
    comment: Permission | None = None,
    editable: bool = True,
) -> Abilities:
    """The usual rule: `edit` permission (while the element is `editable`) to change it and
    to delete it (with `delete` too, if named); VISIBILITY_MANAGE to share or hide it."""
    workspace = row.workspace_id
    may_edit = editable and can(principal, workspace, edit)
    return Abilities(
        edit=may_edit,
        delete=may_edit and (delete is None or can(principal, workspace, delete)),
        share=may_edit and can(principal, workspace, Permission.VISIBILITY_MANAGE),
        comment=comment is not None and can(principal, workspace, comment),
    )


def rule(model: type, decide: Rule) -> None:
    """Register what the viewer may do with rows of `model` (the domain's own rule)."""
    _RULES[model] = decide


def viewer_can(principal: Principal, row: Any) -> Abilities:
    decide = _RULES.get(type(row))
    return decide(principal, row) if decide is not None else NONE
