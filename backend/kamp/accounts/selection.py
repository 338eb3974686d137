"""Key account selection: each supplier's weighted criteria, a 0 to 10 score per account and
criterion, the computed score and tier, and the history of score changes.

All of it is the supplier's own view: customers never see it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import (
    CriterionScore,
    KeyAccount,
    ScoreChange,
    SelectionCriterion,
    Side,
    TierDefinition,
    Workspace,
)
from kamp.accounts.service import can_read_internal, get_key_accounts
from kamp.auth.policy import Permission, org_permissions, scopes_allow
from kamp.auth.principal import Principal
from kamp.coediting import writes
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page

MAX_CRITERIA = 30
MAX_TIERS = 10
TWO_PLACES = Decimal("0.01")


def _supplier(principal: Principal) -> uuid.UUID:
    """Reading the supplier's selection model: its people, or tokens allowed its internal view."""
    if principal.side != Side.SUPPLIER or not scopes_allow(
        principal, Permission.ACCOUNT_INTERNAL_READ
    ):
        raise Forbidden()
    return principal.organization_id


def _manage(principal: Principal) -> uuid.UUID:
    if Permission.SELECTION_MANAGE not in org_permissions(principal):
        raise Forbidden("Only a supplier admin defines selection criteria and tiers.")
    return principal.organization_id


def _number(value: Decimal, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise UserError(field, "Enter a number.", ErrorCode.INVALID) from exc
    if not number.is_finite() or not low <= number <= high:
        raise UserError(field, f"Use a number from {low} to {high}.", ErrorCode.INVALID)
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _name(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise UserError(field, f"Give a name of 1 to {limit} characters.", ErrorCode.REQUIRED)
    return value


# --- reads ----------------------------------------------------------------------------------


async def list_criteria(session: AsyncSession, *, principal: Principal) -> list[SelectionCriterion]:
    supplier = _supplier(principal)
    rows = await session.scalars(
        select(SelectionCriterion)
        .where(SelectionCriterion.supplier_id == supplier)
        .order_by(SelectionCriterion.created_at, SelectionCriterion.id)
    )
    return list(rows)


async def list_tiers(session: AsyncSession, *, principal: Principal) -> list[TierDefinition]:
    supplier = _supplier(principal)
    rows = await session.scalars(
        select(TierDefinition)
        .where(TierDefinition.supplier_id == supplier)
        .order_by(TierDefinition.min_score.desc())
    )
    return list(rows)


async def tier_names(session: AsyncSession, *, supplier_id: uuid.UUID) -> list[str]:
    rows = await session.scalars(
        select(TierDefinition.name).where(TierDefinition.supplier_id == supplier_id)
    )
    return list(rows)


@dataclass(frozen=True)
class Selection:
    key_account: KeyAccount
    scores: dict[uuid.UUID, Decimal]  # criterion id -> score


async def _internal_account(
    session: AsyncSession, principal: Principal, key_account_id: uuid.UUID
) -> KeyAccount:
    """A key account whose supplier view the principal may read; others look missing."""
    account = (await get_key_accounts(session, principal=principal, ids=[key_account_id])).get(
        key_account_id
    )
    if account is None:
        raise NotFound()
    workspace_id = await session.scalar(
        select(Workspace.id).where(Workspace.key_account_id == account.id)
    )
    if not can_read_internal(principal, account, workspace_id):
        raise Forbidden()
    return account


async def account_selection(
    session: AsyncSession, *, principal: Principal, key_account_id: uuid.UUID
) -> Selection:
    account = await _internal_account(session, principal, key_account_id)
    rows = await session.execute(
        select(CriterionScore.criterion_id, CriterionScore.score).where(
            CriterionScore.key_account_id == account.id
        )
    )
    return Selection(account, {criterion: score for criterion, score in rows.all()})


async def score_history(
    session: AsyncSession, *, principal: Principal, key_account_id: uuid.UUID, page: PageArgs
) -> Page[ScoreChange]:
    account = await _internal_account(session, principal, key_account_id)
    stmt = select(ScoreChange).where(ScoreChange.key_account_id == account.id)
    return await keyset_page(session, stmt, ScoreChange, page, newest_first=True)


# --- recomputation --------------------------------------------------------------------------


async def recompute(
    session: AsyncSession,
    *,
    supplier_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    key_account_ids: Sequence[uuid.UUID] | None = None,
) -> None:
    """Score = sum(weight * score) / sum(weight) over the supplier's criteria (an unscored
    criterion counts 0); tier = the highest tier whose minimum the score reaches. A history
    row is written only when the score or the tier changes."""
    criteria = {
        c.id: c.weight
        for c in await session.scalars(
            select(SelectionCriterion).where(SelectionCriterion.supplier_id == supplier_id)
        )
    }
    tiers = list(
        await session.scalars(
            select(TierDefinition)
            .where(TierDefinition.supplier_id == supplier_id)
            .order_by(TierDefinition.min_score.desc())
        )
    )
    stmt = select(KeyAccount).where(KeyAccount.supplier_id == supplier_id)
    if key_account_ids is not None:
        stmt = stmt.where(KeyAccount.id.in_(key_account_ids))
    accounts = list(await session.scalars(stmt))
    scores: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = {}
    for account_id, criterion_id, given_score in (
        await session.execute(
            select(
                CriterionScore.key_account_id, CriterionScore.criterion_id, CriterionScore.score
            ).where(CriterionScore.key_account_id.in_([a.id for a in accounts]))
        )
    ).all():
        scores.setdefault(account_id, {})[criterion_id] = given_score
    total_weight = sum(criteria.values(), Decimal(0))
    for account in accounts:
        given = scores.get(account.id, {})
        if total_weight > 0:
            weighted = sum((w * given.get(c, Decimal(0)) for c, w in criteria.items()), Decimal(0))
            score = (weighted / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        else:
            score = None
        tier = _tier_for(score, tiers, account.tier)
        if score == account.score and tier == account.tier:
            continue
        session.add(
            ScoreChange(
                key_account_id=account.id,
                score=score if score is not None else Decimal(0),
                tier=tier,
                previous_score=account.score,
                previous_tier=account.tier,
                actor_id=actor_id,
            )
        )
        account.score, account.tier = score, tier
    await session.flush()


def _tier_for(score: Decimal | None, tiers: list[TierDefinition], current: str) -> str:
    """The highest tier the score reaches. Without tiers the current tier stays; without a
    score (no weighted criteria yet) a defined current tier stays, so a hand-set tier holds
    until criteria exist; below every minimum, the lowest tier."""
    if not tiers:
        return current
    if score is None:
        return current if current in {t.name for t in tiers} else tiers[-1].name
    return next((t.name for t in tiers if score >= t.min_score), tiers[-1].name)


# --- writes ---------------------------------------------------------------------------------


async def define_criterion(
    session: AsyncSession,
    *,
    principal: Principal,
    name: str,
    weight: Decimal,
    description: str = "",
) -> SelectionCriterion:
    supplier = _manage(principal)
    name = _name(name, "name", 200)
    existing = await list_criteria(session, principal=principal)
    if len(existing) >= MAX_CRITERIA:
        raise UserError("name", f"Use at most {MAX_CRITERIA} criteria.", ErrorCode.INVALID)
    if any(c.name.lower() == name.lower() for c in existing):
        raise UserError("name", "A criterion of this name exists.", ErrorCode.DUPLICATE)
    criterion = SelectionCriterion(
        supplier_id=supplier,
        name=name,
        weight=_number(weight, "weight", Decimal(0), Decimal(1000)),
        description=description.strip()[:2000],
    )
    session.add(criterion)
    await session.flush()
    await recompute(session, supplier_id=supplier, actor_id=principal.user_id)
    return criterion


async def _own_criterion(
    session: AsyncSession, principal: Principal, criterion_id: uuid.UUID
) -> SelectionCriterion:
    supplier = _manage(principal)
    criterion = await session.get(SelectionCriterion, criterion_id)
    if criterion is None or criterion.supplier_id != supplier:
        raise NotFound()
    return criterion


async def update_criterion(
    session: AsyncSession,
    *,
    principal: Principal,
    criterion_id: uuid.UUID,
    version: int,
    name: str | None = None,
    weight: Decimal | None = None,
    description: str | None = None,
) -> SelectionCriterion:
    criterion = await _own_criterion(session, principal, criterion_id)
    writes.check_version(criterion, version)
    if name is not None:
        name = _name(name, "name", 200)
        # Checked here: the unique constraint would only fail at flush, as an unexpected error.
        others = await list_criteria(session, principal=principal)
        if any(c.name.lower() == name.lower() and c.id != criterion.id for c in others):
            raise UserError("name", "A criterion of this name exists.", ErrorCode.DUPLICATE)
        criterion.name = name
    if weight is not None:
        criterion.weight = _number(weight, "weight", Decimal(0), Decimal(1000))
    if description is not None:
        criterion.description = description.strip()[:2000]
    await session.flush()
    await recompute(session, supplier_id=criterion.supplier_id, actor_id=principal.user_id)
    return criterion


async def delete_criterion(
    session: AsyncSession, *, principal: Principal, criterion_id: uuid.UUID
) -> uuid.UUID:
    criterion = await _own_criterion(session, principal, criterion_id)
    await session.execute(delete(CriterionScore).where(CriterionScore.criterion_id == criterion.id))
    await session.delete(criterion)
    await session.flush()
    await recompute(session, supplier_id=criterion.supplier_id, actor_id=principal.user_id)
    return criterion_id


async def set_tiers(
    session: AsyncSession, *, principal: Principal, tiers: Sequence[tuple[str, Decimal]]
) -> list[TierDefinition]:
    """Replace the supplier's tiers (e.g. Gold from 7.5, Silver from 5, Bronze from 0) and re-tier
    every account."""
    supplier = _manage(principal)
    if not tiers or len(tiers) > MAX_TIERS:
        raise UserError("tiers", f"Define 1 to {MAX_TIERS} tiers.", ErrorCode.INVALID)
    cleaned = [
        (_name(n, "tiers", 50), _number(m, "tiers", Decimal(0), Decimal(10))) for n, m in tiers
    ]
    if len({n.lower() for n, _ in cleaned}) != len(cleaned):
        raise UserError("tiers", "Each tier needs its own name.", ErrorCode.DUPLICATE)
    if len({m for _, m in cleaned}) != len(cleaned):
        raise UserError("tiers", "Each tier needs its own minimum score.", ErrorCode.DUPLICATE)
    await session.execute(delete(TierDefinition).where(TierDefinition.supplier_id == supplier))
    rows = [TierDefinition(supplier_id=supplier, name=n, min_score=m) for n, m in cleaned]
    session.add_all(rows)
    await session.flush()
    await recompute(session, supplier_id=supplier, actor_id=principal.user_id)
    return sorted(rows, key=lambda t: t.min_score, reverse=True)


async def score_account(
    session: AsyncSession,
    *,
    principal: Principal,
    key_account_id: uuid.UUID,
    criterion_id: uuid.UUID,
    score: Decimal,
) -> KeyAccount:
    """A supplier admin or the account's KAM scores the account on one criterion."""
    account = await _internal_account(session, principal, key_account_id)
    is_admin = Permission.SELECTION_MANAGE in org_permissions(principal)
    if not is_admin and account.kam_id != principal.user_id:
        raise Forbidden("Only the account's KAM or a supplier admin scores it.")
    criterion = await session.get(SelectionCriterion, criterion_id)
    if criterion is None or criterion.supplier_id != account.supplier_id:
        raise UserError("criterionId", "No such criterion.", ErrorCode.NOT_FOUND)
    value = _number(score, "score", Decimal(0), Decimal(10))
    row = await session.scalar(
        select(CriterionScore).where(
            CriterionScore.key_account_id == account.id, CriterionScore.criterion_id == criterion.id
        )
    )
    if row is None:
        session.add(
            CriterionScore(key_account_id=account.id, criterion_id=criterion.id, score=value)
        )
    else:
        row.score = value
    await session.flush()
    await recompute(
        session,
        supplier_id=account.supplier_id,
        actor_id=principal.user_id,
        key_account_ids=[account.id],
    )
    return account
