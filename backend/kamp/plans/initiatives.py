"""The plan's initiatives: what is done, by whom, by when, for which objective."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import members
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.plans.elements import (
    DEFAULT_VISIBILITY,
    clean_amount,
    editable,
)
from kamp.plans.models import (
    Initiative,
    TeamKind,
)
from kamp.plans.service import plan_for_edit
from kamp.text import clean_text


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
        owner_id=await members.owner(session, plan.workspace_id, owner_id),
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
            "owner_id": await members.owner(session, plan.workspace_id, owner_id),
            "value_estimate": clean_amount(value_estimate, "valueEstimate"),
        },
        visibility=visibility,
    )
    return row
