"""Comments on a plan: the mentor's review and the team's replies."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.plans.elements import (
    DEFAULT_VISIBILITY,
    get_elements,
    plan_of_measure,
)
from kamp.plans.models import (
    ContingencyPlan,
    Initiative,
    Measure,
    Objective,
    PlanComment,
    SwotEntry,
)
from kamp.plans.service import get_plans
from kamp.text import clean_text


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
