"""The plan's contingency plan: what the supplier does if the account is at risk."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, UserError
from kamp.plans.elements import (
    DEFAULT_VISIBILITY,
    clean_amount,
)
from kamp.plans.models import (
    ContingencyPlan,
)
from kamp.plans.service import plan_for_edit
from kamp.text import clean_text


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
