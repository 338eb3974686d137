"""Who sees a workspace element: the visibility filter applied in SQL (a hidden row is never
loaded), the same rule for one loaded row, and the visibility a new element gets."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, false, or_

from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting.models import Visibility, WorkspaceElement


def readable_workspaces(principal: Principal, permission: Permission) -> list[uuid.UUID]:
    return [w for w in principal.workspace_ids if can(principal, w, permission)]


def visible(
    model: type[WorkspaceElement], principal: Principal, permission: Permission
) -> ColumnElement[bool]:
    """Rows of workspaces where the principal holds `permission`, INTERNAL ones only where it
    may read the supplier's internal view. A hidden row is never loaded, so it cannot leak
    through a count, a list or a node lookup."""
    readable = readable_workspaces(principal, permission)
    if not readable:
        return false()
    internal = [w for w in readable if can(principal, w, Permission.ACCOUNT_INTERNAL_READ)]
    return and_(
        model.workspace_id.in_(readable),
        or_(model.visibility == Visibility.SHARED, model.workspace_id.in_(internal)),
    )


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
