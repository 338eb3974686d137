"""The rest of the plan: SWOT entries, initiatives, the contingency plan and comments.
Objectives and measures, and the helpers all elements share, are in elements.py."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.plans.elements import (
    DEFAULT_VISIBILITY,
    clean_amount,
    editable,
    get_elements,
    plan_of_measure,
    workspace_owner,
)
from kamp.plans.models import (
    ContingencyPlan,
    Initiative,
    Measure,
    Objective,
    PlanComment,
    SwotEntry,
    SwotKind,
    TeamKind,
)
from kamp.plans.service import get_plans, plan_for_edit
from kamp.text import clean_text


async def create_swot_entry(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    kind: SwotKind,
    text: str,
    visibility: Visibility | None = None,
) -> SwotEntry:
    plan = await plan_for_edit(session, principal, plan_id)
    row = SwotEntry(
        workspace_id=plan.workspace_id,
        plan_id=plan.id,
        kind=kind,
        text=clean_text(text, "text", 2000, required=True),
        visibility=access.initial_visibility(
            principal, plan.workspace_id, visibility, DEFAULT_VISIBILITY[SwotEntry]
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_swot_entry(
    session: AsyncSession,
    *,
    principal: Principal,
    entry_id: uuid.UUID,
    version: int,
    kind: SwotKind | None = None,
    text: str | None = None,
    visibility: Visibility | None = None,
) -> SwotEntry:
    row, _plan = await editable(session, principal, SwotEntry, entry_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={"kind": kind, "text": clean_text(text, "text", 2000, required=True)},
        visibility=visibility,
    )
    return row


async def create_initiative(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    title: str,
    team: TeamKind,
    description: str = "",
    owner_id: uuid.UUID | None = None,
    value_estimate: Decimal | None = None,
    visibility: Visibility | None = None,
) -> Initiative:
    plan = await plan_for_edit(session, principal, plan_id)
    row = Initiative(
        workspace_id=plan.workspace_id,
        plan_id=plan.id,
        title=clean_text(title, "title", 300, required=True),
        team=team,
        description=clean_text(description, "description", 10_000) or "",
        owner_id=await workspace_owner(session, plan.workspace_id, owner_id),
        value_estimate=clean_amount(value_estimate, "valueEstimate"),
        visibility=access.initial_visibility(
            principal, plan.workspace_id, visibility, DEFAULT_VISIBILITY[Initiative]
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_initiative(
    session: AsyncSession,
    *,
    principal: Principal,
    initiative_id: uuid.UUID,
    version: int,
    title: str | None = None,
    team: TeamKind | None = None,
    description: str | None = None,
    owner_id: uuid.UUID | None = None,
    value_estimate: Decimal | None = None,
    visibility: Visibility | None = None,
) -> Initiative:
    row, plan = await editable(session, principal, Initiative, initiative_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 300, required=True),
            "team": team,
            "description": clean_text(description, "description", 10_000),
            "owner_id": await workspace_owner(session, plan.workspace_id, owner_id),
            "value_estimate": clean_amount(value_estimate, "valueEstimate"),
        },
        visibility=visibility,
    )
    return row


async def set_contingency(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    version: int | None,
    revenue_at_risk: Decimal | None = None,
    trigger: str | None = None,
    response: str | None = None,
    visibility: Visibility | None = None,
) -> ContingencyPlan:
    """The plan for losing the account: supplier-only to write, internal unless shared."""
    plan = await plan_for_edit(session, principal, plan_id)
    require(principal, plan.workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    row = await session.scalar(select(ContingencyPlan).where(ContingencyPlan.plan_id == plan.id))
    values = {
        "revenue_at_risk": clean_amount(revenue_at_risk, "revenueAtRisk"),
        "trigger": clean_text(trigger, "trigger", 10_000),
        "response": clean_text(response, "response", 10_000),
    }
    if row is None:
        row = ContingencyPlan(
            workspace_id=plan.workspace_id,
            plan_id=plan.id,
            **{k: v for k, v in values.items() if v is not None},
            visibility=access.initial_visibility(
                principal, plan.workspace_id, visibility, DEFAULT_VISIBILITY[ContingencyPlan]
            ),
        )
        return await writes.create(session, principal=principal, row=row)
    if version is None:
        raise UserError(
            "version", "Say which version of the contingency plan you changed.", ErrorCode.REQUIRED
        )
    await writes.update(
        session, principal=principal, row=row, version=version, values=values, visibility=visibility
    )
    return row


async def add_comment(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    target_type: str,
    target_id: uuid.UUID,
    text: str,
    visibility: Visibility | None = None,
) -> PlanComment:
    """A mentor (or any supplier role) comments on the plan or one of its elements, whatever
    the plan's status: coaching goes on after approval too."""
    if principal.user_id is None:
        raise Forbidden("Comments are written by people, not by integrations.")
    plan = (await get_plans(session, principal=principal, ids=[plan_id])).get(plan_id)
    if plan is None:
        raise NotFound()
    require(principal, plan.workspace_id, Permission.PLAN_COMMENT)
    models = {m.__name__: m for m in (Objective, Measure, SwotEntry, Initiative, ContingencyPlan)}
    if target_type == "AccountPlan":
        if target_id != plan.id:
            raise UserError(
                "targetId", "Comment on this plan or one of its parts.", ErrorCode.INVALID
            )
    else:
        model = models.get(target_type)
        target = (
            (await get_elements(session, principal=principal, model=model, ids=[target_id])).get(
                target_id
            )
            if model
            else None
        )
        owner_plan = getattr(target, "plan_id", None)
        if model is Measure and target is not None:
            owner_plan = await plan_of_measure(session, target)
        if target is None or owner_plan != plan.id:
            raise UserError(
                "targetId", "Comment on this plan or one of its parts.", ErrorCode.NOT_FOUND
            )
    row = PlanComment(
        workspace_id=plan.workspace_id,
        plan_id=plan.id,
        author_id=principal.user_id,
        target_type=target_type,
        target_id=target_id,
        text=clean_text(text, "text", 4000, required=True),
        visibility=access.initial_visibility(
            principal, plan.workspace_id, visibility, DEFAULT_VISIBILITY[PlanComment]
        ),
    )
    return await writes.create(session, principal=principal, row=row)
