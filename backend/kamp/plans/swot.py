"""The plan's SWOT entries: strengths, weaknesses, opportunities and threats, of either team."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.plans.elements import (
    DEFAULT_VISIBILITY,
    editable,
)
from kamp.plans.models import (
    SwotEntry,
    SwotKind,
)
from kamp.plans.service import plan_for_edit
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
