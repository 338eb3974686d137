"""The one table from roles to permissions. A token's scopes can only narrow it; an empty
permission set means deny."""

from __future__ import annotations

import uuid
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
    # The supplier's own view of the account (tier, status, pending invitations).
    ACCOUNT_INTERNAL_READ = "account:internal:read"
    ACCOUNT_MANAGE = "account:manage"
    # Organization-level: integrator clients and the organization's own identity provider.
    CLIENTS_MANAGE = "clients:manage"
    IDENTITY_MANAGE = "identity:manage"


P = Permission
_READ = frozenset({P.WORKSPACE_READ, P.MEMBERS_READ, P.LOCATIONS_READ})
_SUPPLIER_READ = _READ | {P.ACCOUNT_INTERNAL_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.KAM: frozenset(Permission),
    Role.SUPPLIER_MEMBER: _SUPPLIER_READ | {P.LOCATIONS_WRITE},
    Role.SUPPLIER_EXECUTIVE: _SUPPLIER_READ,
    Role.MENTOR: _SUPPLIER_READ,
    # The customer keeps its own sites up to date; it never reads the supplier's view.
    Role.CUSTOMER_BUYER: _READ | {P.LOCATIONS_WRITE},
    Role.CUSTOMER_EXECUTIVE: _READ,
}

# Which permissions each OAuth scope can grant (the catalogue grows with each domain).
SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "accounts:read": frozenset(
        {P.WORKSPACE_READ, P.MEMBERS_READ, P.LOCATIONS_READ, P.ACCOUNT_INTERNAL_READ}
    ),
    "accounts:write": frozenset(
        {P.WORKSPACE_EDIT, P.MEMBERS_INVITE, P.MEMBERS_MANAGE, P.LOCATIONS_WRITE, P.ACCOUNT_MANAGE}
    ),
}

# Organization-level abilities of organization admins, by side.
ORG_ADMIN_PERMISSIONS: dict[Side, frozenset[Permission]] = {
    Side.SUPPLIER: frozenset({P.ACCOUNT_MANAGE, P.CLIENTS_MANAGE, P.IDENTITY_MANAGE}),
    Side.CUSTOMER: frozenset({P.IDENTITY_MANAGE}),
}


def _narrow(principal: Principal, granted: frozenset[Permission]) -> frozenset[Permission]:
    if principal.scopes is None:
        return granted
    allowed: set[Permission] = set()
    for scope in principal.scopes:
        allowed |= SCOPE_PERMISSIONS.get(scope, frozenset())
    return granted & allowed


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


def require(principal: Principal, workspace_id: uuid.UUID, permission: Permission) -> None:
    """Outsiders learn nothing (NotFound); members without the permission get Forbidden."""
    if principal.role_in(workspace_id) is None:
        raise NotFound()
    if not can(principal, workspace_id, permission):
        raise Forbidden()


def org_permissions(principal: Principal) -> frozenset[Permission]:
    if not principal.is_org_admin:
        return frozenset()
    return _narrow(principal, ORG_ADMIN_PERMISSIONS[principal.side])


def require_org(principal: Principal, permission: Permission) -> None:
    if permission not in org_permissions(principal):
        raise Forbidden()
