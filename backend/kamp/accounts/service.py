"""Use cases of the tenancy core: key accounts, workspaces, memberships and who may see them.

Every function takes the session and the Principal, enforces policy and flushes; the request
commits. Reads filter in SQL, so an outsider never loads a row it may not see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import (
    KeyAccount,
    KeyAccountStatus,
    Membership,
    Organization,
    Role,
    ScoreChange,
    Side,
    Tier,
    TierDefinition,
    User,
    Workspace,
)
from kamp.auth.policy import (
    Permission,
    can,
    org_permissions,
    require,
    require_org,
    scopes_allow,
    workspaces_with,
)
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.text import clean_text

# --- visibility filters -------------------------------------------------------------------


def _readable(principal: Principal) -> list[uuid.UUID]:
    """Workspaces the principal reads: a token needs a scope that reads workspaces."""
    return workspaces_with(principal, Permission.WORKSPACE_READ)


def _visible_key_accounts(principal: Principal) -> Select[KeyAccount]:
    stmt = select(KeyAccount)
    member_of = KeyAccount.id.in_(
        select(Workspace.key_account_id).where(Workspace.id.in_(_readable(principal)))
    )
    if Permission.ACCOUNT_MANAGE in org_permissions(principal):
        # A supplier admin oversees every key account of the supplier.
        return stmt.where(or_(KeyAccount.supplier_id == principal.organization_id, member_of))
    return stmt.where(member_of)


def _visible_users(principal: Principal) -> Any:
    """Anyone sharing a readable workspace with the principal, and colleagues of the same
    organization unless a token narrows it (to no member reading, or to some key accounts)."""
    shared = select(Membership.user_id).where(Membership.workspace_id.in_(_readable(principal)))
    visible: ColumnElement[bool] = User.id.in_(shared)
    if principal.key_account_limit is None and scopes_allow(principal, Permission.MEMBERS_READ):
        visible = or_(visible, User.organization_id == principal.organization_id)
    return visible


def can_read_internal(
    principal: Principal, key_account: KeyAccount, workspace_id: uuid.UUID | None
) -> bool:
    """May the principal see the supplier's own view (tier, status) of this account?
    `workspace_id` is None when the principal cannot see the account's workspace."""
    if principal.side != Side.SUPPLIER or principal.organization_id != key_account.supplier_id:
        return False
    member = workspace_id is not None and can(
        principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ
    )
    return member or Permission.ACCOUNT_MANAGE in org_permissions(principal)


# --- reads ----------------------------------------------------------------------------------


async def get_key_accounts(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, KeyAccount]:
    rows = await session.scalars(_visible_key_accounts(principal).where(KeyAccount.id.in_(ids)))
    return {row.id: row for row in rows}


async def list_key_accounts(
    session: AsyncSession, *, principal: Principal, page: PageArgs
) -> Page[KeyAccount]:
    return await keyset_page(session, _visible_key_accounts(principal), KeyAccount, page)


async def get_workspaces(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Workspace]:
    readable = _readable(principal)
    visible = [i for i in ids if i in readable]
    if not visible:
        return {}
    rows = await session.scalars(select(Workspace).where(Workspace.id.in_(visible)))
    return {row.id: row for row in rows}


async def get_workspaces_by_key_account(
    session: AsyncSession, *, principal: Principal, key_account_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Workspace]:
    rows = await session.scalars(
        select(Workspace).where(
            Workspace.key_account_id.in_(key_account_ids),
            Workspace.id.in_(_readable(principal)),
        )
    )
    return {row.key_account_id: row for row in rows}


async def list_workspaces(
    session: AsyncSession, *, principal: Principal, page: PageArgs
) -> Page[Workspace]:
    stmt = select(Workspace).where(Workspace.id.in_(_readable(principal)))
    return await keyset_page(session, stmt, Workspace, page)


async def get_users(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, User]:
    rows = await session.scalars(select(User).where(User.id.in_(ids), _visible_users(principal)))
    return {row.id: row for row in rows}


async def get_organizations(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Organization]:
    accounts = _visible_key_accounts(principal).subquery()
    related = or_(
        Organization.id == principal.organization_id,
        Organization.id.in_(select(accounts.c.supplier_id)),
        Organization.id.in_(select(accounts.c.customer_id)),
    )
    rows = await session.scalars(select(Organization).where(Organization.id.in_(ids), related))
    return {row.id: row for row in rows}


async def get_memberships(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Membership]:
    readable = [w for w in principal.workspace_ids if can(principal, w, Permission.MEMBERS_READ)]
    rows = await session.scalars(
        select(Membership).where(Membership.id.in_(ids), Membership.workspace_id.in_(readable))
    )
    return {row.id: row for row in rows}


async def list_memberships(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[Membership]:
    require(principal, workspace_id, Permission.MEMBERS_READ)
    stmt = select(Membership).where(Membership.workspace_id == workspace_id)
    return await keyset_page(session, stmt, Membership, page)


async def count_memberships(
    session: AsyncSession, *, principal: Principal, workspace_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    readable = [w for w in workspace_ids if can(principal, w, Permission.MEMBERS_READ)]
    rows = await session.execute(
        select(Membership.workspace_id, func.count())
        .where(Membership.workspace_id.in_(readable))
        .group_by(Membership.workspace_id)
    )
    return {workspace_id: count for workspace_id, count in rows.all()}


# --- writes ---------------------------------------------------------------------------------


async def _supplier_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID | None
) -> User:
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None or user.organization_id != principal.organization_id:
        raise UserError("kamId", "Choose a person of your own organization.", ErrorCode.NOT_FOUND)
    return user


async def create_key_account(
    session: AsyncSession,
    *,
    principal: Principal,
    customer_name: str,
    name: str | None = None,
    tier: str | None = None,
    status: KeyAccountStatus = KeyAccountStatus.ACTIVE,
    kam_id: uuid.UUID | None = None,
) -> KeyAccount:
    """A supplier admin opens a key account: the customer organization, its workspace and the
    KAM's membership come into being together."""
    require_org(principal, Permission.ACCOUNT_MANAGE)
    customer_name = clean_text(customer_name, "customerName", 200, required=True)
    account_name = (
        clean_text(name, "name", 200, required=True) if name is not None else customer_name
    )
    kam = await _supplier_user(session, principal, kam_id or principal.user_id)
    tier = await _check_tier(session, principal.organization_id, tier) or await _lowest_tier(
        session, principal.organization_id
    )
    customer = Organization(name=customer_name, kind=Side.CUSTOMER)
    session.add(customer)
    await session.flush()
    key_account = KeyAccount(
        supplier_id=principal.organization_id,
        customer_id=customer.id,
        kam_id=kam.id,
        name=account_name,
        tier=tier,
        status=status,
    )
    session.add(key_account)
    await session.flush()
    workspace = Workspace(id=uuid.uuid4(), key_account_id=key_account.id, name=account_name)
    await writes.create(session, principal=principal, row=workspace, workspace_id=workspace.id)
    writes.trace(
        session,
        actor_id=principal.user_id,
        row=key_account,
        action="created",
        workspace_id=workspace.id,
    )
    await writes.create(
        session,
        principal=principal,
        row=Membership(workspace_id=workspace.id, user_id=kam.id, role=Role.KAM),
    )
    return key_account


async def _workspace_of(session: AsyncSession, key_account_id: uuid.UUID) -> Workspace:
    workspace = await session.scalar(
        select(Workspace).where(Workspace.key_account_id == key_account_id)
    )
    if workspace is None:  # pragma: no cover - created together with the key account
        raise NotFound()
    return workspace


async def update_key_account(
    session: AsyncSession,
    *,
    principal: Principal,
    key_account_id: uuid.UUID,
    version: int,
    name: str | None = None,
    tier: str | None = None,
    status: KeyAccountStatus | None = None,
    kam_id: uuid.UUID | None = None,
    profile: dict[str, Any] | None = None,
) -> KeyAccount:
    key_account = (await get_key_accounts(session, principal=principal, ids=[key_account_id])).get(
        key_account_id
    )
    if key_account is None:
        raise NotFound()
    workspace = await _workspace_of(session, key_account.id)
    is_admin = Permission.ACCOUNT_MANAGE in org_permissions(principal)
    if not is_admin:
        require(principal, workspace.id, Permission.ACCOUNT_MANAGE)
    if kam_id is not None and not is_admin:
        raise Forbidden("Only a supplier admin can hand an account to another KAM.")
    writes.check_version(key_account, version)
    profile = _check_profile(profile or {})
    tier = await _check_tier(session, key_account.supplier_id, tier)
    if tier is not None and tier != key_account.tier:
        # A tier set by hand belongs to the score history as much as a computed one.
        session.add(
            ScoreChange(
                key_account_id=key_account.id,
                score=key_account.score if key_account.score is not None else Decimal(0),
                tier=tier,
                previous_score=key_account.score,
                previous_tier=key_account.tier,
                actor_id=principal.user_id,
            )
        )
    values: dict[str, Any] = {
        "name": clean_text(name, "name", 200, required=True),
        "tier": tier,
        "status": status,
        **profile,
    }
    if kam_id is not None and kam_id != key_account.kam_id:
        kam = await _supplier_user(session, principal, kam_id)
        await _hand_over(
            session, principal, workspace=workspace, old_kam_id=key_account.kam_id, kam=kam
        )
        values["kam_id"] = kam.id
    # The customer shares the name, industry and KAM; the rest is the supplier's own view.
    await writes.update(
        session,
        principal=principal,
        row=key_account,
        version=version,
        values=values,
        workspace_id=workspace.id,
        internal_fields={"tier", "status", *profile} - {"industry"},
    )
    return key_account


async def _hand_over(
    session: AsyncSession,
    principal: Principal,
    *,
    workspace: Workspace,
    old_kam_id: uuid.UUID,
    kam: User,
) -> None:
    """The accountable KAM changes: the old one stays on the team as a supplier member."""
    memberships = {
        m.user_id: m
        for m in await session.scalars(
            select(Membership).where(
                Membership.workspace_id == workspace.id,
                Membership.user_id.in_([old_kam_id, kam.id]),
            )
        )
    }
    for membership, role in (
        (memberships.get(old_kam_id), Role.SUPPLIER_MEMBER),
        (memberships.get(kam.id), Role.KAM),
    ):
        if membership is not None:
            await writes.update(
                session,
                principal=principal,
                row=membership,
                version=membership.version,
                values={"role": role},
            )
    if kam.id not in memberships:
        await writes.create(
            session,
            principal=principal,
            row=Membership(workspace_id=workspace.id, user_id=kam.id, role=Role.KAM),
        )


async def update_workspace(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    version: int,
    name: str | None = None,
    description: str | None = None,
) -> Workspace:
    require(principal, workspace_id, Permission.WORKSPACE_EDIT)
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound()
    if description is not None and len(description) > 2000:
        raise UserError("description", "Use at most 2000 characters.", ErrorCode.INVALID)
    await writes.update(
        session,
        principal=principal,
        row=workspace,
        version=version,
        values={"name": clean_text(name, "name", 200, required=True), "description": description},
        workspace_id=workspace.id,
    )
    return workspace


async def _membership_for_manage(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID
) -> Membership:
    membership = (await get_memberships(session, principal=principal, ids=[membership_id])).get(
        membership_id
    )
    if membership is None:
        raise NotFound()
    require(principal, membership.workspace_id, Permission.MEMBERS_MANAGE)
    return membership


async def update_membership(
    session: AsyncSession,
    *,
    principal: Principal,
    membership_id: uuid.UUID,
    version: int,
    role: Role | None = None,
    title: str | None = None,
) -> Membership:
    membership = await _membership_for_manage(session, principal, membership_id)
    writes.check_version(membership, version)
    if role is not None and role != membership.role:
        if Role.KAM in (role, membership.role):
            raise UserError(
                "role", "The KAM changes through the key account's owner.", ErrorCode.INVALID
            )
        await _check_role_side(session, user_id=membership.user_id, role=role)
    await writes.update(
        session,
        principal=principal,
        row=membership,
        version=version,
        values={"role": role, "title": title.strip()[:200] if title is not None else None},
    )
    return membership


async def remove_membership(
    session: AsyncSession, *, principal: Principal, membership_id: uuid.UUID
) -> uuid.UUID:
    membership = await _membership_for_manage(session, principal, membership_id)
    if membership.role == Role.KAM:
        raise UserError("id", "The accountable KAM cannot be removed.", ErrorCode.INVALID)
    await writes.delete(session, principal=principal, row=membership, action="removed")
    return membership.id


async def _check_role_side(session: AsyncSession, *, user_id: uuid.UUID, role: Role) -> None:
    kind = await session.scalar(
        select(Organization.kind)
        .join(User, User.organization_id == Organization.id)
        .where(User.id == user_id)
    )
    if kind != role.side:
        raise UserError(
            "role", f"This person cannot hold a {role.side.lower()} role.", ErrorCode.INVALID
        )


PROFILE_LIMITS = {"industry": 100, "competitive_position": 4000}


def _check_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The account profile: industry (shared), the rest supplier-internal."""
    checked: dict[str, Any] = {}
    for name, value in profile.items():
        if value is None:
            continue
        if name in PROFILE_LIMITS:
            value = str(value).strip()
            if len(value) > PROFILE_LIMITS[name]:
                raise UserError(
                    name, f"Use at most {PROFILE_LIMITS[name]} characters.", ErrorCode.INVALID
                )
        elif name == "industry_rank":
            if not 1 <= int(value) <= 100_000:
                raise UserError("industryRank", "Give a rank from 1.", ErrorCode.INVALID)
        elif name in ("customer_revenue", "annual_sales"):
            value = Decimal(value)
            if not value.is_finite() or value < 0 or value >= Decimal("1e16"):
                raise UserError(name, "Give an amount of zero or more.", ErrorCode.INVALID)
            # Cents, as stored: the payload then shows what a later read will show.
            value = value.quantize(Decimal("0.01"))
        else:  # pragma: no cover - the schema passes known names only
            raise UserError(name, "Unknown profile field.", ErrorCode.INVALID)
        checked[name] = value
    return checked


async def _check_tier(
    session: AsyncSession, supplier_id: uuid.UUID, tier: str | None
) -> str | None:
    """A tier must be one the supplier defined (any name while it has defined none)."""
    if tier is None:
        return None
    tier = tier.strip()
    names = list(
        await session.scalars(
            select(TierDefinition.name).where(TierDefinition.supplier_id == supplier_id)
        )
    )
    if not tier or len(tier) > 50 or (names and tier not in names):
        choices = ", ".join(sorted(names)) or "a name of up to 50 characters"
        raise UserError("tier", f"Choose a tier: {choices}.", ErrorCode.INVALID)
    return tier


async def _lowest_tier(session: AsyncSession, supplier_id: uuid.UUID) -> str:
    lowest = await session.scalar(
        select(TierDefinition.name)
        .where(TierDefinition.supplier_id == supplier_id)
        .order_by(TierDefinition.min_score)
        .limit(1)
    )
    return lowest or Tier.KEY.value


access.reader("Organization", get_organizations)
access.reader("User", get_users)
access.reader("KeyAccount", get_key_accounts)
access.reader("Workspace", get_workspaces)
access.reader("Membership", get_memberships)
