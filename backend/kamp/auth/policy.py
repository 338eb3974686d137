"""The one table from roles to permissions. A token's scopes can only narrow it; an empty
permission set means deny."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum

from kamp.accounts.models import Role, Side
from kamp.auth.principal import Principal
from kamp.errors import Forbidden, NotFound, Unauthenticated


class Permission(StrEnum):
    WORKSPACE_READ = "workspace:read"
    WORKSPACE_EDIT = "workspace:edit"
    MEMBERS_READ = "members:read"
    MEMBERS_INVITE = "members:invite"
    MEMBERS_MANAGE = "members:manage"
    LOCATIONS_READ = "locations:read"
    LOCATIONS_WRITE = "locations:write"
    # The supplier's own view: INTERNAL elements, tier, status, profile, pending invitations.
    ACCOUNT_INTERNAL_READ = "account:internal:read"
    ACCOUNT_MANAGE = "account:manage"
    # Only the KAM decides what the customer may see.
    VISIBILITY_MANAGE = "visibility:manage"
    PLAN_READ = "plan:read"
    PLAN_EDIT = "plan:edit"
    PLAN_SUBMIT = "plan:submit"
    PLAN_APPROVE = "plan:approve"
    PLAN_COMMENT = "plan:comment"
    RELATIONSHIPS_READ = "relationships:read"
    RELATIONSHIPS_EDIT = "relationships:edit"
    PIPELINE_READ = "pipeline:read"
    PIPELINE_EDIT = "pipeline:edit"
    FORECASTS_READ = "forecasts:read"
    FORECASTS_EDIT = "forecasts:edit"
    MEETINGS_READ = "meetings:read"
    # Agendas, notes and decisions, co-edited by both sides.
    MEETINGS_EDIT = "meetings:edit"
    # Scheduling, moving, cancelling a meeting and publishing its minutes: the KAM runs them.
    MEETINGS_RUN = "meetings:run"
    ACTIONS_READ = "actions:read"
    ACTIONS_EDIT = "actions:edit"
    ACTIONS_COMMENT = "actions:comment"
    # Organization-level: integrator clients, the organization's own identity provider, and
    # the supplier's key account selection criteria and tiers.
    CLIENTS_MANAGE = "clients:manage"
    # One's own notices about a workspace: reading them, marking them read.
    NOTIFICATIONS_READ = "notifications:read"
    NOTIFICATIONS_WRITE = "notifications:write"
    IDENTITY_MANAGE = "identity:manage"
    SELECTION_MANAGE = "selection:manage"
    # Inventory: the board, stock reports, policies, the customer's approval of what is
    # proposed, and the supplier moving orders on. The catalogue is the supplier's own.
    INVENTORY_READ = "inventory:read"
    STOCK_REPORT = "stock:report"
    INVENTORY_PLAN = "inventory:plan"
    REPLENISHMENT_APPROVE = "replenishment:approve"
    ORDERS_FULFIL = "orders:fulfil"
    ASSORTMENT_EDIT = "assortment:edit"
    CATALOGUE_MANAGE = "catalogue:manage"


P = Permission
_READ = frozenset(
    {
        P.WORKSPACE_READ,
        P.MEMBERS_READ,
        P.LOCATIONS_READ,
        P.PLAN_READ,
        P.RELATIONSHIPS_READ,
        P.PIPELINE_READ,
        P.FORECASTS_READ,
        P.MEETINGS_READ,
        P.ACTIONS_READ,
        P.NOTIFICATIONS_READ,
        P.NOTIFICATIONS_WRITE,
        P.INVENTORY_READ,
    }
)
_SUPPLIER_READ = _READ | {P.ACCOUNT_INTERNAL_READ, P.PLAN_COMMENT, P.ACTIONS_COMMENT}
# What both sides co-edit: agendas and action items.
_COWORK = {P.MEETINGS_EDIT, P.ACTIONS_EDIT, P.ACTIONS_COMMENT}
# Co-editing what is shared: the plan's elements and the org chart of one's own company.
_CUSTOMER_EDIT = {P.PLAN_EDIT, P.RELATIONSHIPS_EDIT} | _COWORK
_ORG_LEVEL = {P.CLIENTS_MANAGE, P.IDENTITY_MANAGE, P.SELECTION_MANAGE, P.CATALOGUE_MANAGE}
# Stock comes from both sides; each side plans what it owns.
_STOCK = {P.STOCK_REPORT, P.INVENTORY_PLAN}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # The customer approves its replenishment: the KAM proposes, never approves for it.
    Role.KAM: frozenset(Permission) - _ORG_LEVEL - {P.REPLENISHMENT_APPROVE},
    Role.SUPPLIER_MEMBER: _SUPPLIER_READ
    | {P.LOCATIONS_WRITE, P.PLAN_EDIT, P.RELATIONSHIPS_EDIT, P.PIPELINE_EDIT, P.FORECASTS_EDIT}
    | {P.ORDERS_FULFIL, P.ASSORTMENT_EDIT}
    | _COWORK
    | _STOCK,
    Role.SUPPLIER_EXECUTIVE: _SUPPLIER_READ | {P.PLAN_APPROVE},
    Role.MENTOR: _SUPPLIER_READ,
    # The customer keeps its own sites up to date; it never reads the supplier's view.
    Role.CUSTOMER_BUYER: _READ
    | {P.LOCATIONS_WRITE, P.FORECASTS_EDIT, P.REPLENISHMENT_APPROVE}
    | _CUSTOMER_EDIT
    | _STOCK,
    Role.CUSTOMER_EXECUTIVE: _READ | {P.PLAN_APPROVE} | _CUSTOMER_EDIT,
}

# Which permissions each OAuth scope can grant (the catalogue grows with each domain).
SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "accounts:read": frozenset(
        {P.WORKSPACE_READ, P.MEMBERS_READ, P.LOCATIONS_READ, P.ACCOUNT_INTERNAL_READ}
    ),
    "accounts:write": frozenset(
        {
            P.WORKSPACE_EDIT,
            P.MEMBERS_INVITE,
            P.MEMBERS_MANAGE,
            P.LOCATIONS_WRITE,
            P.ACCOUNT_MANAGE,
            P.SELECTION_MANAGE,
        }
    ),
    "plans:read": frozenset(
        {
            P.WORKSPACE_READ,
            P.PLAN_READ,
            P.RELATIONSHIPS_READ,
            P.PIPELINE_READ,
            P.FORECASTS_READ,
            P.ACCOUNT_INTERNAL_READ,
        }
    ),
    "plans:write": frozenset(
        {
            P.PLAN_EDIT,
            P.PLAN_SUBMIT,
            P.PLAN_APPROVE,
            P.PLAN_COMMENT,
            P.VISIBILITY_MANAGE,
            P.RELATIONSHIPS_EDIT,
            P.PIPELINE_EDIT,
            P.FORECASTS_EDIT,
        }
    ),
    "meetings:read": frozenset({P.WORKSPACE_READ, P.MEETINGS_READ, P.ACCOUNT_INTERNAL_READ}),
    "meetings:write": frozenset({P.MEETINGS_EDIT, P.MEETINGS_RUN, P.VISIBILITY_MANAGE}),
    "actions:read": frozenset({P.WORKSPACE_READ, P.ACTIONS_READ, P.ACCOUNT_INTERNAL_READ}),
    "actions:write": frozenset({P.ACTIONS_EDIT, P.ACTIONS_COMMENT, P.VISIBILITY_MANAGE}),
    "notifications:read": frozenset({P.NOTIFICATIONS_READ}),
    "notifications:write": frozenset({P.NOTIFICATIONS_WRITE}),
    # Registering, rotating and revoking integrator clients, never wider than the token itself.
    "clients:manage": frozenset({P.CLIENTS_MANAGE}),
    "inventory:read": frozenset(
        {P.WORKSPACE_READ, P.LOCATIONS_READ, P.INVENTORY_READ, P.ACCOUNT_INTERNAL_READ}
    ),
    "inventory:write": frozenset(
        {
            P.STOCK_REPORT,
            P.INVENTORY_PLAN,
            P.REPLENISHMENT_APPROVE,
            P.ORDERS_FULFIL,
            P.ASSORTMENT_EDIT,
            P.CATALOGUE_MANAGE,
        }
    ),
}

# Organization-level abilities of organization admins, by side.
ORG_ADMIN_PERMISSIONS: dict[Side, frozenset[Permission]] = {
    Side.SUPPLIER: frozenset(
        {P.ACCOUNT_MANAGE, P.CLIENTS_MANAGE, P.IDENTITY_MANAGE, P.SELECTION_MANAGE}
        | {P.CATALOGUE_MANAGE}
    ),
    Side.CUSTOMER: frozenset({P.IDENTITY_MANAGE, P.CLIENTS_MANAGE}),
}


def scope_permissions(scopes: Iterable[str]) -> frozenset[Permission]:
    """Every permission these scopes can grant (identity scopes grant none)."""
    allowed: set[Permission] = set()
    for scope in scopes:
        allowed |= SCOPE_PERMISSIONS.get(scope, frozenset())
    return frozenset(allowed)


def _narrow(principal: Principal, granted: frozenset[Permission]) -> frozenset[Permission]:
    if principal.scopes is None:
        return granted
    return granted & scope_permissions(principal.scopes)


def scopes_allow(principal: Principal, permission: Permission) -> bool:
    """Whether the principal's token scopes (if any) leave this permission open."""
    return bool(_narrow(principal, frozenset({permission})))


def require_principal(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthenticated()
    return principal


def workspace_permissions(principal: Principal, workspace_id: uuid.UUID) -> frozenset[Permission]:
    role = principal.role_in(workspace_id)
    if role is None:
        return frozenset()
    return _narrow(principal, ROLE_PERMISSIONS[role])


def can(principal: Principal, workspace_id: uuid.UUID, permission: Permission) -> bool:
    return permission in workspace_permissions(principal, workspace_id)


def workspaces_with(principal: Principal, permission: Permission) -> list[uuid.UUID]:
    """The principal's workspaces where it holds the permission (its scopes allowing)."""
    return [w for w in principal.workspace_ids if can(principal, w, permission)]


def require(principal: Principal, workspace_id: uuid.UUID, permission: Permission) -> None:
    """Outsiders learn nothing (NotFound); members without the permission get Forbidden."""
    if principal.role_in(workspace_id) is None:
        raise NotFound()
    if not can(principal, workspace_id, permission):
        raise Forbidden()


def org_permissions(principal: Principal) -> frozenset[Permission]:
    if not principal.is_org_admin:
        return frozenset()
    granted = _narrow(principal, ORG_ADMIN_PERMISSIONS[principal.side])
    if principal.key_account_limit is not None:
        # An app limited to some key accounts is no organization-wide admin; it manages only
        # clients, and those within its own limit.
        granted &= {Permission.CLIENTS_MANAGE}
    return granted


def require_org(principal: Principal, permission: Permission) -> None:
    if permission not in org_permissions(principal):
        raise Forbidden()
