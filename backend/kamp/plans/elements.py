"""What every element of an account plan shares: reading them as the principal may see them,
the default visibility of each kind, the draft-only edit check and removal. The elements' own
use cases are in objectives.py, swot.py, initiatives.py, contingency.py and comments.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, can
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility, WorkspaceElement
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_pages
from kamp.plans.models import (
    ContingencyPlan,
    Initiative,
    Measure,
    Objective,
    PlanComment,
    SwotEntry,
)
from kamp.plans.service import EDITABLE, plan_for_edit

E = TypeVar("E", bound=WorkspaceElement)

# Default visibility by kind: the supplier's analysis stays internal until the KAM shares it.
DEFAULT_VISIBILITY: dict[type[Any], Visibility] = {
    Objective: Visibility.SHARED,
    Measure: Visibility.SHARED,
    SwotEntry: Visibility.INTERNAL,
    Initiative: Visibility.SHARED,
    ContingencyPlan: Visibility.INTERNAL,
    PlanComment: Visibility.INTERNAL,
}


# --- reads ----------------------------------------------------------------------------------


async def get_elements(
    session: AsyncSession, *, principal: Principal, model: type[E], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, E]:
    stmt = select(model).where(
        model.id.in_(ids), access.visible(model, principal, Permission.PLAN_READ)
    )
    rows = await session.scalars(stmt)
    return {row.id: row for row in rows}


async def elements_by_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    model: type[Any],
    plan_ids: Sequence[uuid.UUID],
    page: PageArgs,
    **filters: Any,
) -> dict[uuid.UUID, Page[Any]]:
    """One page of elements of a kind per plan, oldest first, in one query. Only the visible
    elements of visible plans: a plan hidden from the caller has no elements."""
    stmt = select(model).where(access.visible(model, principal, Permission.PLAN_READ))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    return await keyset_pages(session, stmt, model, page, parent=model.plan_id, parent_ids=plan_ids)


async def measures_by_objective(
    session: AsyncSession, *, principal: Principal, objective_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Measure]]:
    rows = await session.scalars(
        select(Measure)
        .where(
            # The objectives were loaded through their own visibility filter.
            Measure.objective_id.in_(objective_ids),
            access.visible(Measure, principal, Permission.PLAN_READ),
        )
        .order_by(Measure.created_at, Measure.id)
    )
    found: dict[uuid.UUID, list[Measure]] = {}
    for row in rows:
        found.setdefault(row.objective_id, []).append(row)
    return found


async def contingency_by_plan(
    session: AsyncSession, *, principal: Principal, plan_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ContingencyPlan]:
    rows = await session.scalars(
        select(ContingencyPlan).where(
            ContingencyPlan.plan_id.in_(plan_ids),
            access.visible(ContingencyPlan, principal, Permission.PLAN_READ),
        )
    )
    return {row.plan_id: row for row in rows}


# --- validation -----------------------------------------------------------------------------


def clean_amount(
    value: Decimal | None, field: str, *, allow_negative: bool = False
) -> Decimal | None:
    if value is None:
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise UserError(field, "Enter a number.", ErrorCode.INVALID) from exc
    if not value.is_finite() or abs(value) >= Decimal("1e14") or (value < 0 and not allow_negative):
        raise UserError(field, "Enter a number in range.", ErrorCode.INVALID)
    return value


async def editable(
    session: AsyncSession, principal: Principal, model: type[E], element_id: uuid.UUID
) -> tuple[E, Any]:
    """An element the principal may see and edit, and its plan (which must be a draft)."""
    row = (await get_elements(session, principal=principal, model=model, ids=[element_id])).get(
        element_id
    )
    if row is None:
        raise NotFound()
    plan_id = row.plan_id if hasattr(row, "plan_id") else await plan_of_measure(session, row)
    if plan_id is None:  # its objective is gone
        raise NotFound()
    plan = await plan_for_edit(session, principal, plan_id)
    return row, plan


async def plan_of_measure(session: AsyncSession, measure: Any) -> uuid.UUID | None:
    return await session.scalar(
        select(Objective.plan_id).where(Objective.id == measure.objective_id)
    )


# --- objectives -----------------------------------------------------------------------------


async def delete_element(
    session: AsyncSession, *, principal: Principal, model: type[Any], element_id: uuid.UUID
) -> uuid.UUID:
    row, _plan = await editable(session, principal, model, element_id)
    await writes.delete(session, principal=principal, row=row)
    return element_id


# --- measures -------------------------------------------------------------------------------


for _model in (Objective, Measure, SwotEntry, Initiative, ContingencyPlan, PlanComment):
    access.reader(_model.__name__, partial(get_elements, model=_model))


def viewer_can(principal: Principal, row: Any, plan: Any) -> access.Abilities:
    """Elements change while their plan is a draft (see `editable`); the contingency plan is
    the supplier's; comments stay as written."""
    if isinstance(row, PlanComment):
        return access.NONE
    editable = plan.status in EDITABLE
    if isinstance(row, ContingencyPlan):
        editable = editable and can(principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    return access.abilities(principal, row, edit=Permission.PLAN_EDIT, editable=editable)
