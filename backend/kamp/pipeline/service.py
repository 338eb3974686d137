"""The pipeline of opportunities with an account: new, open, won or lost, their value and
expected close, and a post-mortem on each lost one.

Opportunities are supplier-internal by default: the KAM shares the ones the customer may see.
Every function takes the session and the Principal, enforces policy and flushes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import members
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.pipeline.models import Opportunity, OpportunityStage
from kamp.text import clean_text

S = OpportunityStage
DEFAULT_VISIBILITY = Visibility.INTERNAL
# Where an opportunity may go from each stage. Nothing returns to NEW; a closed one can be
# reopened (a stage set by mistake, a lost deal that comes back).
TRANSITIONS: dict[OpportunityStage, frozenset[OpportunityStage]] = {
    S.NEW: frozenset({S.OPEN, S.WON, S.LOST}),
    S.OPEN: frozenset({S.WON, S.LOST}),
    S.WON: frozenset({S.OPEN}),
    S.LOST: frozenset({S.OPEN}),
}
MAX_AMOUNT = Decimal("1e16")  # Numeric(18, 2)


# --- reads ----------------------------------------------------------------------------------


async def get_opportunities(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Opportunity]:
    rows = await session.scalars(
        select(Opportunity).where(
            Opportunity.id.in_(ids),
            access.visible(Opportunity, principal, Permission.PIPELINE_READ),
        )
    )
    return {row.id: row for row in rows}


async def list_opportunities(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    stage: OpportunityStage | None = None,
) -> Page[Opportunity]:
    require(principal, workspace_id, Permission.PIPELINE_READ)
    stmt = select(Opportunity).where(
        Opportunity.workspace_id == workspace_id,
        access.visible(Opportunity, principal, Permission.PIPELINE_READ),
    )
    if stage is not None:
        stmt = stmt.where(Opportunity.stage == stage)
    return await keyset_page(session, stmt, Opportunity, page)


REVIEW_NEW_DAYS = 30
REVIEW_LOST_DAYS = 90
REVIEW_LIMIT = 50  # per group: an agenda item, not a report


@dataclass(frozen=True)
class PipelineReview:
    new: list[Opportunity]
    open: list[Opportunity]
    lost: list[Opportunity]


async def pipeline_review(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, as_of: datetime
) -> PipelineReview:
    """What a meeting reviews: opportunities new in the last 30 days, those still open, and
    those lost in the last 90 days (with their post-mortems), as the viewer may see them."""
    require(principal, workspace_id, Permission.PIPELINE_READ)
    base = select(Opportunity).where(
        Opportunity.workspace_id == workspace_id,
        access.visible(Opportunity, principal, Permission.PIPELINE_READ),
    )
    new = await session.scalars(
        base.where(
            Opportunity.stage.in_([OpportunityStage.NEW, OpportunityStage.OPEN]),
            Opportunity.created_at >= as_of - timedelta(days=REVIEW_NEW_DAYS),
            Opportunity.created_at <= as_of,
        )
        .order_by(Opportunity.created_at.desc(), Opportunity.id)
        .limit(REVIEW_LIMIT)
    )
    still_open = await session.scalars(
        base.where(Opportunity.stage.in_([OpportunityStage.NEW, OpportunityStage.OPEN]))
        .order_by(Opportunity.expected_close.asc().nulls_last(), Opportunity.id)
        .limit(REVIEW_LIMIT)
    )
    lost = await session.scalars(
        base.where(
            Opportunity.stage == OpportunityStage.LOST,
            Opportunity.updated_at >= as_of - timedelta(days=REVIEW_LOST_DAYS),
        )
        .order_by(Opportunity.updated_at.desc(), Opportunity.id)
        .limit(REVIEW_LIMIT)
    )
    return PipelineReview(new=list(new), open=list(still_open), lost=list(lost))


@dataclass(frozen=True)
class StageTotal:
    stage: OpportunityStage
    currency: str
    count: int
    value: Decimal


async def pipeline_totals(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID
) -> list[StageTotal]:
    """Count and value by stage and currency, over what the principal may see only."""
    require(principal, workspace_id, Permission.PIPELINE_READ)
    rows = await session.execute(
        select(
            Opportunity.stage,
            Opportunity.currency,
            func.count(),
            func.coalesce(func.sum(Opportunity.value), 0),
        )
        .where(
            Opportunity.workspace_id == workspace_id,
            access.visible(Opportunity, principal, Permission.PIPELINE_READ),
        )
        .group_by(Opportunity.stage, Opportunity.currency)
    )
    order = list(OpportunityStage)
    totals = [
        StageTotal(
            stage=OpportunityStage(stage),
            currency=currency,
            count=count,
            value=Decimal(str(value)).quantize(Decimal("0.01")),
        )
        for stage, currency, count, value in rows.all()
    ]
    return sorted(totals, key=lambda t: (order.index(t.stage), t.currency))


# --- validation -----------------------------------------------------------------------------


def _value(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise UserError("value", "Enter an amount.", ErrorCode.INVALID) from exc
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise UserError("value", "Enter an amount of zero or more.", ErrorCode.INVALID)
    if value != value.quantize(Decimal("0.01")):
        raise UserError("value", "Use at most two decimal places.", ErrorCode.INVALID)
    return value.quantize(Decimal("0.01"))  # as stored, so the history shows what is kept


def _currency(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise UserError("currency", "Use a three-letter currency code.", ErrorCode.INVALID)
    return value


def _check_lost(stage: OpportunityStage, post_mortem: str) -> None:
    if stage == S.LOST and not post_mortem:
        raise UserError(
            "postMortem",
            "Say why the opportunity was lost and what to do differently.",
            ErrorCode.REQUIRED,
        )


async def _editable(
    session: AsyncSession, principal: Principal, opportunity_id: uuid.UUID
) -> Opportunity:
    row = (await get_opportunities(session, principal=principal, ids=[opportunity_id])).get(
        opportunity_id
    )
    if row is None:
        raise NotFound()
    require(principal, row.workspace_id, Permission.PIPELINE_EDIT)
    return row


# --- writes ---------------------------------------------------------------------------------


async def create_opportunity(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    name: str,
    stage: OpportunityStage = S.NEW,
    description: str = "",
    value: Decimal = Decimal(0),
    currency: str = "USD",
    expected_close: date | None = None,
    product_line: str = "",
    owner_id: uuid.UUID | None = None,
    post_mortem: str = "",
    visibility: Visibility | None = None,
) -> Opportunity:
    require(principal, workspace_id, Permission.PIPELINE_EDIT)
    post_mortem = clean_text(post_mortem, "postMortem", 10_000) or ""
    _check_lost(stage, post_mortem)
    row = Opportunity(
        workspace_id=workspace_id,
        name=clean_text(name, "name", 300, required=True),
        description=clean_text(description, "description", 10_000) or "",
        stage=stage,
        value=_value(value),
        currency=_currency(currency),
        expected_close=expected_close,
        product_line=clean_text(product_line, "productLine", 100) or "",
        owner_id=await members.owner(session, workspace_id, owner_id),
        post_mortem=post_mortem,
        visibility=access.initial_visibility(
            principal, workspace_id, visibility, DEFAULT_VISIBILITY
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_opportunity(
    session: AsyncSession,
    *,
    principal: Principal,
    opportunity_id: uuid.UUID,
    version: int,
    name: str | None = None,
    stage: OpportunityStage | None = None,
    description: str | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    expected_close: date | None = None,
    product_line: str | None = None,
    owner_id: uuid.UUID | None = None,
    post_mortem: str | None = None,
    visibility: Visibility | None = None,
) -> Opportunity:
    """Change fields and move the stage; a move to LOST needs a post-mortem (given now or
    already there), and a lost opportunity keeps one."""
    row = await _editable(session, principal, opportunity_id)
    if row.version != version:  # before judging the stage move against a stale state
        raise Conflict(row)
    post_mortem = clean_text(post_mortem, "postMortem", 10_000)
    if stage is not None and stage != row.stage and stage not in TRANSITIONS[row.stage]:
        raise UserError(
            "stage",
            f"An opportunity cannot move from {row.stage.value} to {stage.value}.",
            ErrorCode.INVALID,
        )
    _check_lost(stage or row.stage, row.post_mortem if post_mortem is None else post_mortem)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "name": clean_text(name, "name", 300, required=True),
            "stage": stage,
            "description": clean_text(description, "description", 10_000),
            "value": _value(value),
            "currency": _currency(currency),
            "expected_close": expected_close,
            "product_line": clean_text(product_line, "productLine", 100),
            "owner_id": await members.owner(session, row.workspace_id, owner_id),
            "post_mortem": post_mortem,
        },
        visibility=visibility,
    )
    return row


async def delete_opportunity(
    session: AsyncSession, *, principal: Principal, opportunity_id: uuid.UUID
) -> uuid.UUID:
    row = await _editable(session, principal, opportunity_id)
    await writes.delete(session, principal=principal, row=row)
    return opportunity_id


access.reader("Opportunity", get_opportunities)
access.rule(Opportunity, partial(access.abilities, edit=Permission.PIPELINE_EDIT))
