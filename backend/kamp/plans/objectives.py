"""The plan's objectives and the measures that track each of them."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import members
from kamp.accounts.models import Side
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, UserError
from kamp.plans.elements import DEFAULT_VISIBILITY, clean_amount, editable
from kamp.plans.models import (
    Measure,
    Objective,
    ObjectiveStatus,
)
from kamp.plans.service import plan_for_edit
from kamp.text import clean_text

MAX_MEASURES = 20  # per objective: the plan page shows them all, so the list stays bounded


async def create_objective(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    side: Side,
    title: str,
    description: str = "",
    owner_id: uuid.UUID | None = None,
    status: ObjectiveStatus = ObjectiveStatus.NOT_STARTED,
    due_date: date | None = None,
    visibility: Visibility | None = None,
) -> Objective:
    plan = await plan_for_edit(session, principal, plan_id)
    position = await session.scalar(
        select(func.count()).select_from(Objective).where(Objective.plan_id == plan.id)
    )
    row = Objective(
        workspace_id=plan.workspace_id,
        plan_id=plan.id,
        side=side,
        title=clean_text(title, "title", 300, required=True),
        description=clean_text(description, "description", 10_000) or "",
        owner_id=await members.owner(session, plan.workspace_id, owner_id),
        status=status,
        due_date=due_date,
        position=position or 0,
        visibility=access.initial_visibility(
            principal, plan.workspace_id, visibility, DEFAULT_VISIBILITY[Objective]
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_objective(
    session: AsyncSession,
    *,
    principal: Principal,
    objective_id: uuid.UUID,
    version: int,
    title: str | None = None,
    description: str | None = None,
    owner_id: uuid.UUID | None = None,
    status: ObjectiveStatus | None = None,
    due_date: date | None = None,
    visibility: Visibility | None = None,
) -> Objective:
    row, plan = await editable(session, principal, Objective, objective_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 300, required=True),
            "description": clean_text(description, "description", 10_000),
            "owner_id": await members.owner(session, plan.workspace_id, owner_id),
            "status": status,
            "due_date": due_date,
        },
        visibility=visibility,
    )
    return row


async def create_measure(
    session: AsyncSession,
    *,
    principal: Principal,
    objective_id: uuid.UUID,
    name: str,
    target: Decimal,
    current: Decimal = Decimal(0),
    unit: str = "",
    visibility: Visibility | None = None,
) -> Measure:
    objective, plan = await editable(session, principal, Objective, objective_id)
    count = await session.scalar(
        select(func.count()).select_from(Measure).where(Measure.objective_id == objective.id)
    )
    if (count or 0) >= MAX_MEASURES:
        raise UserError(
            "objectiveId", f"An objective has at most {MAX_MEASURES} measures.", ErrorCode.INVALID
        )
    # A measure of an internal objective is internal too.
    default = (
        Visibility.INTERNAL
        if objective.visibility == Visibility.INTERNAL
        else DEFAULT_VISIBILITY[Measure]
    )
    row = Measure(
        workspace_id=plan.workspace_id,
        objective_id=objective.id,
        name=clean_text(name, "name", 200, required=True),
        target=clean_amount(target, "target", allow_negative=True),
        current=clean_amount(current, "current", allow_negative=True),
        unit=clean_text(unit, "unit", 30) or "",
        visibility=access.initial_visibility(principal, plan.workspace_id, visibility, default),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_measure(
    session: AsyncSession,
    *,
    principal: Principal,
    measure_id: uuid.UUID,
    version: int,
    name: str | None = None,
    target: Decimal | None = None,
    current: Decimal | None = None,
    unit: str | None = None,
    visibility: Visibility | None = None,
) -> Measure:
    row, _plan = await editable(session, principal, Measure, measure_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "name": clean_text(name, "name", 200, required=True),
            "target": clean_amount(target, "target", allow_negative=True),
            "current": clean_amount(current, "current", allow_negative=True),
            "unit": clean_text(unit, "unit", 30),
        },
        visibility=visibility,
    )
    return row
