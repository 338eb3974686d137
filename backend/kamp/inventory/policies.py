"""Stock policies: when and how much a customer location reorders a product, and who decides
each parameter.

Every parameter has an owner side (`owners`). By default the supplier owns the method and the
lead time (it knows its supply), the customer the quantities, the service level, the review
period, the demand window and the auto-approval threshold (its stock, its shelves, its
consent). A principal sets directly only what its side owns, when creating a policy as when
changing it; for the rest it proposes a change (ParameterChange), which the owner side accepts
(the value is applied through the kernel's writes, so the history shows who accepted what) or
refuses, and which its proposer may withdraw. Only the KAM (INVENTORY_PLAN with
VISIBILITY_MANAGE) reassigns owners.

A policy is always SHARED: the customer approves what it proposes, so there is no policy the
customer may not see — and a product the supplier keeps internal in the assortment gets none
(nor can the item become internal while a policy uses it). A customer naming a location and
product therefore never learns of a policy it cannot see."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.locations import get_locations
from kamp.accounts.models import Side
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, UserError
from kamp.inventory.catalogue import (
    KEEP,
    MAX_LEAD_DAYS,
    MAX_QUANTITY,
    Keep,
    assortment_product,
    decimal,
    kept_internal,
    whole,
)
from kamp.inventory.models import ChangeStatus, ParameterChange, PolicyMethod, StockPolicy
from kamp.pagination import Page, PageArgs, keyset_page, keyset_pages
from kamp.text import clean_text

READ = Permission.INVENTORY_READ
PLAN = Permission.INVENTORY_PLAN


class PolicyParameter(StrEnum):
    """A policy parameter, by its column name."""

    METHOD = "method"
    MIN_QTY = "min_qty"
    MAX_QTY = "max_qty"
    SERVICE_LEVEL = "service_level"
    REVIEW_PERIOD_DAYS = "review_period_days"
    LEAD_TIME_DAYS = "lead_time_days"
    LEAD_TIME_SD_DAYS = "lead_time_sd_days"
    DEMAND_WINDOW_DAYS = "demand_window_days"
    AUTO_APPROVE_MAX_QTY = "auto_approve_max_qty"

    @property
    def label(self) -> str:
        """The name an input and a user error give it (camelCase)."""
        head, *rest = self.value.split("_")
        return head + "".join(part.title() for part in rest)


P = PolicyParameter
DEFAULT_OWNERS: dict[PolicyParameter, Side] = {
    P.METHOD: Side.SUPPLIER,
    P.LEAD_TIME_DAYS: Side.SUPPLIER,
    P.LEAD_TIME_SD_DAYS: Side.SUPPLIER,
    P.MIN_QTY: Side.CUSTOMER,
    P.MAX_QTY: Side.CUSTOMER,
    P.SERVICE_LEVEL: Side.CUSTOMER,
    P.REVIEW_PERIOD_DAYS: Side.CUSTOMER,
    P.DEMAND_WINDOW_DAYS: Side.CUSTOMER,
    P.AUTO_APPROVE_MAX_QTY: Side.CUSTOMER,
}
# Parameters that may be empty: no min or max, the product's lead time, no auto-approval.
NULLABLE = frozenset(
    {P.MIN_QTY, P.MAX_QTY, P.LEAD_TIME_DAYS, P.LEAD_TIME_SD_DAYS, P.AUTO_APPROVE_MAX_QTY}
)
DEFAULTS: dict[PolicyParameter, Any] = {
    P.METHOD: PolicyMethod.REORDER_POINT,
    P.MIN_QTY: None,
    P.MAX_QTY: None,
    P.SERVICE_LEVEL: Decimal("0.9500"),
    P.REVIEW_PERIOD_DAYS: 7,
    P.LEAD_TIME_DAYS: None,
    P.LEAD_TIME_SD_DAYS: None,
    P.DEMAND_WINDOW_DAYS: 28,
    P.AUTO_APPROVE_MAX_QTY: None,
}
_SIDE_NAME = {Side.SUPPLIER: "the supplier", Side.CUSTOMER: "the customer"}


# --- parameters and their owners ------------------------------------------------------------


def owners_of(row: StockPolicy) -> dict[PolicyParameter, Side]:
    """Each parameter's owner side (the stored one, the default for any not stored), in the
    parameters' order."""
    stored = row.owners or {}
    found = dict(DEFAULT_OWNERS)
    for parameter in PolicyParameter:
        side = stored.get(parameter.value)
        if side in (Side.SUPPLIER.value, Side.CUSTOMER.value):
            found[parameter] = Side(side)
    return {parameter: found[parameter] for parameter in PolicyParameter}


def owned_by(principal: Principal, row: StockPolicy) -> list[PolicyParameter]:
    """The parameters the principal's side owns (whether it may write at all aside)."""
    return [p for p, side in owners_of(row).items() if side == principal.side]


def check(parameter: PolicyParameter, value: Any) -> Any:
    """A parameter's value in range (None for an empty one where allowed), or a user error
    naming it."""
    field = parameter.label
    if value is None:
        if parameter not in NULLABLE:
            raise UserError(field, "This parameter cannot be empty.", ErrorCode.REQUIRED)
        return None
    if parameter == P.METHOD:
        try:
            return PolicyMethod(value)
        except ValueError as exc:
            raise UserError(field, "Use MIN_MAX or REORDER_POINT.", ErrorCode.INVALID) from exc
    if parameter in (P.MIN_QTY, P.MAX_QTY, P.AUTO_APPROVE_MAX_QTY):
        return whole(value, field, 0, MAX_QUANTITY)
    if parameter == P.SERVICE_LEVEL:
        return decimal(value, field, Decimal("0.5"), Decimal("0.9999"), places=4, low_open=True)
    if parameter in (P.REVIEW_PERIOD_DAYS, P.LEAD_TIME_DAYS):
        return whole(value, field, 0, MAX_LEAD_DAYS)
    if parameter == P.LEAD_TIME_SD_DAYS:
        return decimal(value, field, Decimal(0), Decimal(MAX_LEAD_DAYS))
    return whole(value, field, 7, MAX_LEAD_DAYS)  # the demand window


def parse(parameter: PolicyParameter, text: str | None) -> Any:
    """A proposed value given as text (null empties a parameter that may be empty); a user
    error on `value` otherwise."""
    try:
        if text is None:
            return check(parameter, None)
        text = text.strip()
        if parameter in (P.METHOD, P.SERVICE_LEVEL, P.LEAD_TIME_SD_DAYS):
            return check(parameter, text)
        try:
            number = int(text)
        except ValueError as exc:
            raise UserError("value", "Enter a whole number.", ErrorCode.INVALID) from exc
        return check(parameter, number)
    except UserError as exc:
        raise UserError("value", exc.message, exc.error_code) from exc


def as_text(value: Any) -> str | None:
    """A parameter's value as the API shows it (and a proposal stores it)."""
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _consistent(values: Mapping[PolicyParameter, Any]) -> None:
    """Rules across parameters: min at most max; a min/max policy has both."""
    low, high = values[P.MIN_QTY], values[P.MAX_QTY]
    if low is not None and high is not None and low > high:
        raise UserError("minQty", "The minimum cannot be above the maximum.", ErrorCode.INVALID)
    if values[P.METHOD] == PolicyMethod.MIN_MAX and (low is None or high is None):
        missing = "minQty" if low is None else "maxQty"
        raise UserError(
            missing, "A min/max policy needs a minimum and a maximum.", ErrorCode.INVALID
        )


def current(row: StockPolicy) -> dict[PolicyParameter, Any]:
    return {p: getattr(row, p.value) for p in PolicyParameter}


def _not_owned(parameter: PolicyParameter, owner: Side) -> UserError:
    return UserError(
        parameter.label,
        f"{_SIDE_NAME[owner].capitalize()} owns {parameter.label}: propose a change instead.",
        ErrorCode.FORBIDDEN,
    )


def _changes(
    principal: Principal,
    owners: Mapping[PolicyParameter, Side],
    before: Mapping[PolicyParameter, Any],
    given: Mapping[PolicyParameter, Any],
) -> dict[PolicyParameter, Any]:
    """The given values (checked) that change something. A parameter of the other side may be
    restated as it is, never changed."""
    changes: dict[PolicyParameter, Any] = {}
    for parameter, raw in given.items():
        value = check(parameter, raw)
        if value == before[parameter]:
            continue
        if owners[parameter] != principal.side:
            raise _not_owned(parameter, owners[parameter])
        changes[parameter] = value
    return changes


# --- reads ----------------------------------------------------------------------------------


def _policy_visible(principal: Principal) -> ColumnElement[bool]:
    return access.visible(StockPolicy, principal, READ)


def _change_visible(principal: Principal) -> ColumnElement[bool]:
    """A change is seen only with its policy (its parent, to the kernel)."""
    return access.visible(ParameterChange, principal, READ)


async def get_policies(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, StockPolicy]:
    rows = await session.scalars(
        select(StockPolicy).where(StockPolicy.id.in_(ids), _policy_visible(principal))
    )
    return {row.id: row for row in rows}


async def get_changes(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ParameterChange]:
    rows = await session.scalars(
        select(ParameterChange).where(ParameterChange.id.in_(ids), _change_visible(principal))
    )
    return {row.id: row for row in rows}


async def list_policies(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    location_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Page[StockPolicy]:
    require(principal, workspace_id, READ)
    stmt = select(StockPolicy).where(
        StockPolicy.workspace_id == workspace_id, _policy_visible(principal)
    )
    if location_id is not None:
        stmt = stmt.where(StockPolicy.location_id == location_id)
    if product_id is not None:
        stmt = stmt.where(StockPolicy.product_id == product_id)
    if active is not None:
        stmt = stmt.where(StockPolicy.active.is_(active))
    return await keyset_page(session, stmt, StockPolicy, page)


async def list_changes(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    status: ChangeStatus | None = None,
    policy_id: uuid.UUID | None = None,
) -> Page[ParameterChange]:
    """Proposed changes of a workspace's policies, newest first."""
    require(principal, workspace_id, READ)
    stmt = select(ParameterChange).where(
        ParameterChange.workspace_id == workspace_id, _change_visible(principal)
    )
    if status is not None:
        stmt = stmt.where(ParameterChange.status == status)
    if policy_id is not None:
        stmt = stmt.where(ParameterChange.policy_id == policy_id)
    return await keyset_page(session, stmt, ParameterChange, page, newest_first=True)


async def changes_of(
    session: AsyncSession,
    *,
    principal: Principal,
    policy_ids: Sequence[uuid.UUID],
    page: PageArgs,
    status: ChangeStatus | None = None,
) -> dict[uuid.UUID, Page[ParameterChange]]:
    """A page of each policy's changes, newest first, in one statement."""
    stmt = select(ParameterChange).where(_change_visible(principal))
    if status is not None:
        stmt = stmt.where(ParameterChange.status == status)
    return await keyset_pages(
        session,
        stmt,
        ParameterChange,
        page,
        parent=ParameterChange.policy_id,
        parent_ids=policy_ids,
        newest_first=True,
    )


# --- policy writes --------------------------------------------------------------------------


async def visible_policy(
    session: AsyncSession, principal: Principal, policy_id: uuid.UUID, field: str = "id"
) -> StockPolicy:
    row = (await get_policies(session, principal=principal, ids=[policy_id])).get(policy_id)
    if row is None:
        raise UserError(field, "Not found.", ErrorCode.NOT_FOUND)
    return row


def _duplicate_policy() -> UserError:
    return UserError(
        "productId", "This location already has a policy for this product.", ErrorCode.DUPLICATE
    )


async def create_policy(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID,
    product_id: uuid.UUID,
    method: PolicyMethod | None = None,
    min_qty: int | None = None,
    max_qty: int | None = None,
    service_level: Decimal | None = None,
    review_period_days: int | None = None,
    lead_time_days: int | None = None,
    lead_time_sd_days: Decimal | None = None,
    demand_window_days: int | None = None,
    auto_approve_max_qty: int | None = None,
) -> StockPolicy:
    """A policy for a location of the workspace and a product of its assortment. The creator
    sets what its side owns; the other side's parameters start at their defaults (a method of
    REORDER_POINT, a service level of 0.95, a weekly review over 28 days of demand, the
    product's lead time, no min, max or auto-approval) until it sets them or accepts a
    proposal."""
    require(principal, workspace_id, PLAN)
    location = (await get_locations(session, principal=principal, ids=[location_id])).get(
        location_id
    )
    if location is None or location.workspace_id != workspace_id:
        raise UserError("locationId", "No such location in this workspace.", ErrorCode.NOT_FOUND)
    product = await assortment_product(session, principal, workspace_id, product_id)
    if await kept_internal(session, workspace_id, product.id):
        raise UserError(
            "productId",
            "Share this product in the account's assortment before it gets a stock policy.",
            ErrorCode.INVALID,
        )
    given = {
        P.METHOD: method,
        P.MIN_QTY: min_qty,
        P.MAX_QTY: max_qty,
        P.SERVICE_LEVEL: service_level,
        P.REVIEW_PERIOD_DAYS: review_period_days,
        P.LEAD_TIME_DAYS: lead_time_days,
        P.LEAD_TIME_SD_DAYS: lead_time_sd_days,
        P.DEMAND_WINDOW_DAYS: demand_window_days,
        P.AUTO_APPROVE_MAX_QTY: auto_approve_max_qty,
    }
    given = {p: v for p, v in given.items() if v is not None}
    values = {**DEFAULTS, **_changes(principal, DEFAULT_OWNERS, DEFAULTS, given)}
    _consistent(values)
    existing = await session.scalar(
        select(StockPolicy.id).where(
            StockPolicy.location_id == location.id, StockPolicy.product_id == product.id
        )
    )
    if existing is not None:
        raise _duplicate_policy()
    row = StockPolicy(
        workspace_id=workspace_id,
        location_id=location.id,
        product_id=product.id,
        owners={p.value: side.value for p, side in DEFAULT_OWNERS.items()},
        active=True,
        visibility=Visibility.SHARED,
        **{p.value: v for p, v in values.items()},
    )
    try:
        return await writes.create(session, principal=principal, row=row)
    except IntegrityError as exc:  # a simultaneous twin; the request rolls back
        raise _duplicate_policy() from exc


async def update_policy(
    session: AsyncSession,
    *,
    principal: Principal,
    policy_id: uuid.UUID,
    version: int,
    method: PolicyMethod | None = None,
    min_qty: int | Keep | None = KEEP,
    max_qty: int | Keep | None = KEEP,
    service_level: Decimal | None = None,
    review_period_days: int | None = None,
    lead_time_days: int | Keep | None = KEEP,
    lead_time_sd_days: Decimal | Keep | None = KEEP,
    demand_window_days: int | None = None,
    auto_approve_max_qty: int | Keep | None = KEEP,
) -> StockPolicy:
    """Change the parameters the principal's side owns (null empties one that may be empty);
    changing another's is refused, naming it: propose that change instead."""
    row = await visible_policy(session, principal, policy_id)
    require(principal, row.workspace_id, PLAN)
    given_all: dict[PolicyParameter, Any] = {
        P.METHOD: method,
        P.SERVICE_LEVEL: service_level,
        P.REVIEW_PERIOD_DAYS: review_period_days,
        P.DEMAND_WINDOW_DAYS: demand_window_days,
    }
    given = {p: v for p, v in given_all.items() if v is not None}
    for parameter, value in (
        (P.MIN_QTY, min_qty),
        (P.MAX_QTY, max_qty),
        (P.LEAD_TIME_DAYS, lead_time_days),
        (P.LEAD_TIME_SD_DAYS, lead_time_sd_days),
        (P.AUTO_APPROVE_MAX_QTY, auto_approve_max_qty),
    ):
        if not isinstance(value, Keep):
            given[parameter] = value
    before = current(row)
    changes = _changes(principal, owners_of(row), before, given)
    writes.check_version(row, version)
    _consistent({**before, **changes})
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={p.value: writes.or_clear(v) for p, v in changes.items()},
    )
    return row


async def set_policy_owners(
    session: AsyncSession,
    *,
    principal: Principal,
    policy_id: uuid.UUID,
    version: int,
    owners: Sequence[tuple[PolicyParameter, Side]],
) -> StockPolicy:
    """The KAM says which side owns which parameters (those not named keep their owner).
    Proposals waiting on a reassigned parameter stay; the new owner decides them."""
    row = await visible_policy(session, principal, policy_id)
    require(principal, row.workspace_id, PLAN)
    require(principal, row.workspace_id, Permission.VISIBILITY_MANAGE)
    writes.check_version(row, version)
    before = owners_of(row)
    after = dict(before)
    for parameter, side in owners:
        after[PolicyParameter(parameter)] = Side(side)
    derived = {
        f"owner:{p.value}": (before[p].value, after[p].value)
        for p in PolicyParameter
        if before[p] != after[p]
    }
    if not derived:
        return row
    row.owners = {p.value: side.value for p, side in after.items()}
    await writes.update(
        session, principal=principal, row=row, version=version, values={}, derived=derived
    )
    return row


async def _set_active(
    session: AsyncSession, principal: Principal, policy_id: uuid.UUID, version: int, active: bool
) -> StockPolicy:
    row = await visible_policy(session, principal, policy_id)
    require(principal, row.workspace_id, PLAN)
    await writes.update(
        session, principal=principal, row=row, version=version, values={"active": active}
    )
    return row


async def deactivate_policy(
    session: AsyncSession, *, principal: Principal, policy_id: uuid.UUID, version: int
) -> StockPolicy:
    """Either side stops replenishing a product at a location; the policy stays, inactive."""
    return await _set_active(session, principal, policy_id, version, False)


async def reactivate_policy(
    session: AsyncSession, *, principal: Principal, policy_id: uuid.UUID, version: int
) -> StockPolicy:
    return await _set_active(session, principal, policy_id, version, True)


# --- proposed changes -----------------------------------------------------------------------


async def propose_change(
    session: AsyncSession,
    *,
    principal: Principal,
    policy_id: uuid.UUID,
    parameter: PolicyParameter,
    value: str | None,
    reason: str = "",
) -> ParameterChange:
    """Ask the side that owns a parameter to change it (one waiting proposal per parameter).
    The value is text: a whole number, a decimal, MIN_MAX or REORDER_POINT; null empties a
    parameter that may be empty."""
    policy = await visible_policy(session, principal, policy_id, field="policyId")
    require(principal, policy.workspace_id, PLAN)
    parameter = PolicyParameter(parameter)
    owner = owners_of(policy)[parameter]
    if owner == principal.side:
        raise UserError(
            "parameter", f"You own {parameter.label}: set it directly.", ErrorCode.INVALID
        )
    proposed = parse(parameter, value)
    if proposed == getattr(policy, parameter.value):
        raise UserError("value", "This is the parameter's value already.", ErrorCode.INVALID)
    waiting = await session.scalar(
        select(ParameterChange.id).where(
            ParameterChange.policy_id == policy.id,
            ParameterChange.field == parameter.value,
            ParameterChange.status == ChangeStatus.PROPOSED,
        )
    )
    if waiting is not None:
        raise UserError(
            "parameter",
            "A change of this parameter already waits for a decision.",
            ErrorCode.DUPLICATE,
        )
    row = ParameterChange(
        workspace_id=policy.workspace_id,
        policy_id=policy.id,
        field=parameter.value,
        proposed_value=as_text(proposed),
        reason=clean_text(reason, "reason", 2000),
        status=ChangeStatus.PROPOSED,
        proposed_by_id=principal.user_id,
        visibility=Visibility.SHARED,
    )
    return await writes.create(session, principal=principal, row=row)


async def visible_change(
    session: AsyncSession, principal: Principal, change_id: uuid.UUID
) -> ParameterChange:
    row = (await get_changes(session, principal=principal, ids=[change_id])).get(change_id)
    if row is None:
        raise UserError("id", "Not found.", ErrorCode.NOT_FOUND)
    return row


def _waiting(row: ParameterChange) -> None:
    if row.status != ChangeStatus.PROPOSED:
        raise UserError(
            "id", f"This change was {row.status.value.lower()} already.", ErrorCode.INVALID
        )


async def _decidable(
    session: AsyncSession, principal: Principal, change_id: uuid.UUID
) -> tuple[ParameterChange, StockPolicy, PolicyParameter]:
    row = await visible_change(session, principal, change_id)
    require(principal, row.workspace_id, PLAN)
    policy = await visible_policy(session, principal, row.policy_id)
    parameter = PolicyParameter(row.field)
    owner = owners_of(policy)[parameter]
    if owner != principal.side:
        raise UserError(
            "id", f"{_SIDE_NAME[owner].capitalize()} decides this change.", ErrorCode.FORBIDDEN
        )
    _waiting(row)
    return row, policy, parameter


async def _close(
    session: AsyncSession, principal: Principal, row: ParameterChange, status: ChangeStatus
) -> None:
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=row.version,
        values={"status": status, "decided_by_id": principal.user_id, "decided_at": clock.now()},
    )


async def accept_change(
    session: AsyncSession, *, principal: Principal, change_id: uuid.UUID
) -> ParameterChange:
    """The owner side applies the proposed value to the policy as it is now."""
    row, policy, parameter = await _decidable(session, principal, change_id)
    value = parse(parameter, row.proposed_value)
    try:
        _consistent({**current(policy), parameter: value})
    except UserError as exc:
        raise UserError("id", f"Accepting it: {exc.message}", exc.error_code) from exc
    await writes.update(
        session,
        principal=principal,
        row=policy,
        version=policy.version,
        values={parameter.value: writes.or_clear(value)},
    )
    await _close(session, principal, row, ChangeStatus.ACCEPTED)
    return row


async def refuse_change(
    session: AsyncSession, *, principal: Principal, change_id: uuid.UUID
) -> ParameterChange:
    row, _policy, _parameter = await _decidable(session, principal, change_id)
    await _close(session, principal, row, ChangeStatus.REFUSED)
    return row


def _may_withdraw(principal: Principal, row: ParameterChange) -> bool:
    return (
        row.status == ChangeStatus.PROPOSED
        and principal.user_id is not None
        and row.proposed_by_id == principal.user_id
        and can(principal, row.workspace_id, PLAN)
    )


async def withdraw_change(
    session: AsyncSession, *, principal: Principal, change_id: uuid.UUID
) -> ParameterChange:
    """Its proposer takes a waiting change back."""
    row = await visible_change(session, principal, change_id)
    require(principal, row.workspace_id, PLAN)
    _waiting(row)
    if not _may_withdraw(principal, row):
        raise UserError("id", "Only its proposer withdraws a change.", ErrorCode.FORBIDDEN)
    await _close(session, principal, row, ChangeStatus.WITHDRAWN)
    return row


# --- what the viewer may do -----------------------------------------------------------------


def may_reassign_owners(principal: Principal, row: StockPolicy) -> bool:
    return can(principal, row.workspace_id, PLAN) and can(
        principal, row.workspace_id, Permission.VISIBILITY_MANAGE
    )


def may_plan(principal: Principal, row: StockPolicy | ParameterChange) -> bool:
    return can(principal, row.workspace_id, PLAN)


def policy_abilities(principal: Principal, row: StockPolicy) -> access.Abilities:
    """Edit: set the parameters its side owns (and deactivate); share: the KAM. Policies are
    deactivated, never deleted."""
    plan = may_plan(principal, row)
    return access.Abilities(
        edit=plan, share=plan and can(principal, row.workspace_id, Permission.VISIBILITY_MANAGE)
    )


def may_decide(principal: Principal, row: ParameterChange, policy: StockPolicy | None) -> bool:
    if policy is None or row.status != ChangeStatus.PROPOSED or not may_plan(principal, row):
        return False
    return owners_of(policy)[PolicyParameter(row.field)] == principal.side


def change_abilities(principal: Principal, row: ParameterChange) -> access.Abilities:
    """Delete: withdraw (its proposer). Deciding needs the policy: see `may_decide`."""
    return access.Abilities(delete=_may_withdraw(principal, row))


access.reader("StockPolicy", get_policies)
access.reader("ParameterChange", get_changes)
access.rule(StockPolicy, policy_abilities)
access.rule(ParameterChange, change_abilities)
