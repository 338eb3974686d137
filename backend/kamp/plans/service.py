"""The account plan's life: drafting, submission, approval by both sides, the frozen snapshot
of an approved plan, and new revisions. Elements are in plans/elements.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Side
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.history import as_json
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.plans.models import (
    AccountPlan,
    ContingencyPlan,
    Decision,
    Initiative,
    Measure,
    Objective,
    PlanApproval,
    PlanSnapshot,
    PlanStage,
    PlanStatus,
    SwotEntry,
)

EDITABLE = (PlanStatus.DRAFT, PlanStatus.REJECTED)
# The element kinds a plan holds, in snapshot order.
ELEMENT_MODELS: tuple[type[Any], ...] = (Objective, Measure, SwotEntry, Initiative, ContingencyPlan)


async def get_plans(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AccountPlan]:
    rows = await session.scalars(
        select(AccountPlan).where(
            AccountPlan.id.in_(ids), access.visible(AccountPlan, principal, Permission.PLAN_READ)
        )
    )
    return {row.id: row for row in rows}


async def list_plans(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[AccountPlan]:
    require(principal, workspace_id, Permission.PLAN_READ)
    stmt = select(AccountPlan).where(
        AccountPlan.workspace_id == workspace_id,
        access.visible(AccountPlan, principal, Permission.PLAN_READ),
    )
    return await keyset_page(session, stmt, AccountPlan, page, newest_first=True)


async def plan_for_edit(
    session: AsyncSession, principal: Principal, plan_id: uuid.UUID
) -> AccountPlan:
    """A plan the principal may edit the elements of: visible, and still a draft."""
    plan = (await get_plans(session, principal=principal, ids=[plan_id])).get(plan_id)
    if plan is None:
        raise NotFound()
    require(principal, plan.workspace_id, Permission.PLAN_EDIT)
    if plan.status not in EDITABLE:
        raise UserError(
            "planId",
            "This plan is submitted or approved; start a new draft to change it.",
            ErrorCode.INVALID,
        )
    return plan


async def create_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    period: str,
    title: str,
    stage: PlanStage = PlanStage.PRE_SALES,
    summary: str = "",
) -> AccountPlan:
    """The KAM drafts the plan of a period; there is one living plan per period."""
    require(principal, workspace_id, Permission.PLAN_SUBMIT)
    period, title = period.strip(), title.strip()
    if not period or len(period) > 20:
        raise UserError("period", "Name the period, e.g. 2027 or 2027-H1.", ErrorCode.REQUIRED)
    if not title or len(title) > 200:
        raise UserError(
            "title", "Give the plan a title of at most 200 characters.", ErrorCode.REQUIRED
        )
    exists = await session.scalar(
        select(AccountPlan.id).where(
            AccountPlan.workspace_id == workspace_id, AccountPlan.period == period
        )
    )
    if exists is not None:
        raise UserError("period", "This period already has a plan.", ErrorCode.DUPLICATE)
    plan = AccountPlan(
        workspace_id=workspace_id,
        period=period,
        title=title,
        stage=stage,
        status=PlanStatus.DRAFT,
        summary=summary,
        visibility=Visibility.SHARED,
    )
    return await writes.create(session, principal=principal, row=plan)


async def update_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    version: int,
    title: str | None = None,
    stage: PlanStage | None = None,
    summary: str | None = None,
) -> AccountPlan:
    plan = await plan_for_edit(session, principal, plan_id)
    if title is not None and not (title := title.strip()):
        raise UserError("title", "The title cannot be empty.", ErrorCode.REQUIRED)
    await writes.update(
        session,
        principal=principal,
        row=plan,
        version=version,
        values={"title": title, "stage": stage, "summary": summary},
    )
    return plan


async def _status(
    session: AsyncSession,
    principal: Principal,
    plan: AccountPlan,
    status: PlanStatus,
    **values: Any,
) -> None:
    """A status change is an update like any other: versioned, in the history, announced."""
    await writes.update(
        session,
        principal=principal,
        row=plan,
        version=plan.version,
        values={"status": status, **values},
    )


async def submit_plan(
    session: AsyncSession, *, principal: Principal, plan_id: uuid.UUID, version: int
) -> AccountPlan:
    plan = (await get_plans(session, principal=principal, ids=[plan_id])).get(plan_id)
    if plan is None:
        raise NotFound()
    require(principal, plan.workspace_id, Permission.PLAN_SUBMIT)
    if plan.version != version:
        raise Conflict(plan)
    if plan.status not in EDITABLE:
        raise UserError(
            "id", "Only a draft or a rejected plan can be submitted.", ErrorCode.INVALID
        )
    # A resubmission starts a fresh round of decisions.
    for old in await session.scalars(select(PlanApproval).where(PlanApproval.plan_id == plan.id)):
        await session.delete(old)
    await _status(session, principal, plan, PlanStatus.SUBMITTED, submitted_at=clock.now())
    return plan


async def decide_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: uuid.UUID,
    decision: Decision,
    comment: str = "",
) -> AccountPlan:
    """An executive of either side approves or rejects. Both sides approving freezes the plan
    into a snapshot; one rejection sends it back to the KAM."""
    plan = (await get_plans(session, principal=principal, ids=[plan_id])).get(plan_id)
    if plan is None:
        raise NotFound()
    require(principal, plan.workspace_id, Permission.PLAN_APPROVE)
    if plan.status != PlanStatus.SUBMITTED:
        raise UserError("id", "This plan is not waiting for approval.", ErrorCode.INVALID)
    if decision == Decision.REJECTED and not comment.strip():
        raise UserError("comment", "Say why the plan is rejected.", ErrorCode.REQUIRED)
    side = principal.side
    taken = await session.scalar(
        select(PlanApproval.id).where(PlanApproval.plan_id == plan.id, PlanApproval.side == side)
    )
    if taken is not None:
        raise UserError("id", f"The {side.lower()} side has decided already.", ErrorCode.DUPLICATE)
    approval = PlanApproval(
        plan_id=plan.id,
        approver_id=principal.user_id,
        side=side,
        decision=decision,
        comment=comment.strip()[:4000],
    )
    session.add(approval)
    await session.flush()
    writes.trace(
        session, actor_id=principal.user_id, row=plan, action=f"decided:{decision.lower()}"
    )
    if decision == Decision.REJECTED:
        await _status(session, principal, plan, PlanStatus.REJECTED)
        return plan
    sides = set(
        await session.scalars(
            select(PlanApproval.side).where(
                PlanApproval.plan_id == plan.id, PlanApproval.decision == Decision.APPROVED
            )
        )
    )
    if sides == {Side.SUPPLIER, Side.CUSTOMER}:
        await _status(session, principal, plan, PlanStatus.APPROVED, approved_at=clock.now())
        session.add(PlanSnapshot(plan_id=plan.id, content=await _snapshot(session, plan)))
        await session.flush()
    return plan


async def _elements(session: AsyncSession, plan_id: uuid.UUID) -> dict[str, list[Any]]:
    objectives = list(
        await session.scalars(
            select(Objective)
            .where(Objective.plan_id == plan_id)
            .order_by(Objective.position, Objective.created_at)
        )
    )
    measures = list(
        await session.scalars(
            select(Measure)
            .where(Measure.objective_id.in_([o.id for o in objectives]))
            .order_by(Measure.created_at)
        )
    )
    return {
        "objectives": objectives,
        "measures": measures,
        "swot": list(
            await session.scalars(
                select(SwotEntry).where(SwotEntry.plan_id == plan_id).order_by(SwotEntry.created_at)
            )
        ),
        "initiatives": list(
            await session.scalars(
                select(Initiative)
                .where(Initiative.plan_id == plan_id)
                .order_by(Initiative.created_at)
            )
        ),
        "contingency": list(
            await session.scalars(select(ContingencyPlan).where(ContingencyPlan.plan_id == plan_id))
        ),
    }


def _row_json(row: Any) -> dict[str, Any]:
    skip = {"workspace_id", "updated_at"}
    return {c.key: as_json(getattr(row, c.key)) for c in row.__table__.columns if c.key not in skip}


async def _snapshot(session: AsyncSession, plan: AccountPlan) -> dict[str, Any]:
    """Every element as approved, with its visibility, so readers can be filtered later."""
    elements = await _elements(session, plan.id)
    return {
        "plan": _row_json(plan),
        **{kind: [_row_json(row) for row in rows] for kind, rows in elements.items()},
    }


def snapshot_for(
    content: dict[str, Any], *, principal: Principal, workspace_id: uuid.UUID
) -> dict[str, Any]:
    """The snapshot as a reader may see it: customers lose every INTERNAL element."""
    if can(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ):
        return content
    shared = {
        kind: [row for row in rows if row.get("visibility") == Visibility.SHARED.value]
        for kind, rows in content.items()
        if isinstance(rows, list)
    }
    kept_objectives = {row["id"] for row in shared.get("objectives", [])}
    shared["measures"] = [
        m for m in shared.get("measures", []) if m["objective_id"] in kept_objectives
    ]
    return {"plan": content["plan"], **shared}


async def snapshots_by_plan(
    session: AsyncSession, *, principal: Principal, plan_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """The frozen content of each visible approved plan, unfiltered (see `snapshot_for`)."""
    rows = await session.execute(
        select(PlanSnapshot.plan_id, PlanSnapshot.content)
        .join(AccountPlan, AccountPlan.id == PlanSnapshot.plan_id)
        .where(
            PlanSnapshot.plan_id.in_(plan_ids),
            access.visible(AccountPlan, principal, Permission.PLAN_READ),
        )
    )
    return {plan_id: content for plan_id, content in rows}


async def revise_plan(
    session: AsyncSession, *, principal: Principal, plan_id: uuid.UUID
) -> AccountPlan:
    """Further edits to an approved plan start a new draft: a copy of every element, as the
    next revision of the same period; the approved one stays frozen."""
    plan = (await get_plans(session, principal=principal, ids=[plan_id])).get(plan_id)
    if plan is None:
        raise NotFound()
    require(principal, plan.workspace_id, Permission.PLAN_SUBMIT)
    if plan.status != PlanStatus.APPROVED:
        raise UserError(
            "id", "Only an approved plan is revised; edit the draft instead.", ErrorCode.INVALID
        )
    latest = await session.scalar(
        select(func.max(AccountPlan.revision)).where(
            AccountPlan.workspace_id == plan.workspace_id, AccountPlan.period == plan.period
        )
    )
    if latest != plan.revision:
        raise UserError("id", "A newer revision of this plan exists.", ErrorCode.DUPLICATE)
    draft = AccountPlan(
        workspace_id=plan.workspace_id,
        period=plan.period,
        revision=plan.revision + 1,
        title=plan.title,
        stage=plan.stage,
        status=PlanStatus.DRAFT,
        summary=plan.summary,
        visibility=plan.visibility,
        previous_id=plan.id,
    )
    await writes.create(session, principal=principal, row=draft)
    elements = await _elements(session, plan.id)
    objective_ids: dict[uuid.UUID, uuid.UUID] = {}
    for kind, rows in elements.items():
        for row in rows:
            copy = _copy(row, plan_id=draft.id, objective_ids=objective_ids)
            session.add(copy)
            await session.flush()
            if kind == "objectives":
                objective_ids[row.id] = copy.id
    return draft


def _copy(row: Any, *, plan_id: uuid.UUID, objective_ids: dict[uuid.UUID, uuid.UUID]) -> Any:
    skip = {"id", "created_at", "updated_at", "version"}
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}
    if "plan_id" in values:
        values["plan_id"] = plan_id
    if "objective_id" in values:
        values["objective_id"] = objective_ids[values["objective_id"]]
    return type(row)(**values)


async def approvals_by_plan(
    session: AsyncSession, *, principal: Principal, plan_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[PlanApproval]]:
    """The decisions on each visible plan, oldest first (at most one per side)."""
    rows = await session.scalars(
        select(PlanApproval)
        .join(AccountPlan, AccountPlan.id == PlanApproval.plan_id)
        .where(
            PlanApproval.plan_id.in_(plan_ids),
            access.visible(AccountPlan, principal, Permission.PLAN_READ),
        )
        .order_by(PlanApproval.created_at, PlanApproval.id)
    )
    found: dict[uuid.UUID, list[PlanApproval]] = {}
    for row in rows:
        found.setdefault(row.plan_id, []).append(row)
    return found


access.reader("AccountPlan", get_plans)


def viewer_can(principal: Principal, plan: AccountPlan) -> access.Abilities:
    """A plan's own fields change while it is a draft; nobody deletes a plan."""
    abilities = access.abilities(
        principal,
        plan,
        edit=Permission.PLAN_EDIT,
        comment=Permission.PLAN_COMMENT,
        editable=plan.status in EDITABLE,
    )
    return replace(abilities, delete=False)


access.rule(AccountPlan, viewer_can)
