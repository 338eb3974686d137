"""Deviations of actual sales from the forecast, and telling the KAM about each new one once.

A month deviates when |actual - forecast| / forecast * 100 exceeds the threshold of the
workspace's sales goal for that year. The KAM is told once per entry and direction: a
DeviationNotice row is claimed with INSERT ... ON CONFLICT DO NOTHING on its unique key, in the
same transaction as the email, so a rerun or a concurrent duplicate job sends nothing twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, exists, extract, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import KeyAccount, User, Workspace
from kamp.forecasts.models import DeviationNotice, ForecastEntry, SalesGoal
from kamp.mail.service import queue_mail
from kamp.settings import Settings

ABOVE, BELOW = "above", "below"
CENT = Decimal("0.01")
# Entries looked at per run: a bounded transaction; the next run picks up the rest.
BATCH = 500


def deviation_pct(forecast: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """(actual - forecast) / forecast in percent; None without an actual or a forecast."""
    if actual is None or not forecast:
        return None
    return ((actual - forecast) / forecast * 100).quantize(CENT)


def exceeds(forecast: Decimal | None, actual: Decimal | None, threshold: Decimal | None) -> bool:
    """Whether the month is a deviation; compared exactly, without rounding the percentage."""
    if actual is None or not forecast or forecast <= 0 or threshold is None:
        return False
    return abs(actual - forecast) * 100 > threshold * forecast


def direction(forecast: Decimal, actual: Decimal) -> str:
    return ABOVE if actual > forecast else BELOW


@dataclass(frozen=True)
class Candidate:
    entry: ForecastEntry
    threshold: Decimal
    workspace_name: str
    kam: User


async def _candidates(session: AsyncSession) -> list[Candidate]:
    """Entries with an actual beyond their year's threshold and no notice in that direction.

    The SQL is a pre-filter: SQLite computes on floats, so it is a little generous, and the
    exact Decimal check in `exceeds` decides."""
    entry, goal = ForecastEntry, SalesGoal
    way = case((entry.actual > entry.forecast, ABOVE), else_=BELOW)
    notified = exists().where(
        DeviationNotice.forecast_entry_id == entry.id, DeviationNotice.direction == way
    )
    stmt = (
        select(entry, goal.deviation_threshold_pct, Workspace.name, User)
        .join(
            goal,
            and_(
                goal.workspace_id == entry.workspace_id, goal.year == extract("year", entry.month)
            ),
        )
        .join(Workspace, Workspace.id == entry.workspace_id)
        .join(KeyAccount, KeyAccount.id == Workspace.key_account_id)
        .join(User, User.id == KeyAccount.kam_id)
        .where(
            entry.actual.is_not(None),
            entry.forecast > 0,
            User.is_active.is_(True),
            func.abs(entry.actual - entry.forecast) * Decimal("100.1")
            > goal.deviation_threshold_pct * entry.forecast,
            ~notified,
        )
        .order_by(entry.month, entry.id)
        .limit(BATCH)
    )
    rows = (await session.execute(stmt)).all()
    return [
        Candidate(row, Decimal(str(threshold)), name, kam)
        for row, threshold, name, kam in rows
        if exceeds(row.forecast, row.actual, Decimal(str(threshold)))
    ]


async def _claim(
    session: AsyncSession, *, entry_id: uuid.UUID, way: str, user_id: uuid.UUID
) -> bool:
    """Write the notice unless one exists (or a concurrent job is writing it: PostgreSQL waits
    for that transaction, SQLite for the write lock). True if this call wrote it."""
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(DeviationNotice)
        .values(forecast_entry_id=entry_id, direction=way, notified_user_id=user_id)
        .on_conflict_do_nothing(index_elements=["forecast_entry_id", "direction"])
        .returning(DeviationNotice.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


def _mail(candidate: Candidate, settings: Settings) -> tuple[str, str]:
    entry = candidate.entry
    assert entry.actual is not None  # a candidate has one
    line = entry.product_line or "the whole account"
    pct = deviation_pct(entry.forecast, entry.actual)
    way = direction(entry.forecast, entry.actual)
    subject = f"Forecast deviation in {candidate.workspace_name}: {_month(entry.month)}"
    body = (
        f"Actual sales of {_month(entry.month)} for {line} in {candidate.workspace_name} were "
        f"{entry.actual} against a forecast of {entry.forecast}: {pct:+}%, {way} the forecast "
        f"and beyond your threshold of {candidate.threshold}%.\n\n"
        f"Review the forecast: {settings.base_url}/\n"
    )
    return subject, body


def _month(month: date) -> str:
    return f"{month:%B %Y}"


async def notify_deviations(session: AsyncSession, *, settings: Settings) -> int:
    """Notice and mail every new deviation; returns how many were notified by this call.
    Flushes, never commits: the notices and their emails commit together or not at all."""
    notified = 0
    for candidate in await _candidates(session):
        entry = candidate.entry
        assert entry.actual is not None
        claimed = await _claim(
            session,
            entry_id=entry.id,
            way=direction(entry.forecast, entry.actual),
            user_id=candidate.kam.id,
        )
        if not claimed:
            continue
        subject, body = _mail(candidate, settings)
        await queue_mail(session, recipient=candidate.kam.email, subject=subject, body=body)
        notified += 1
    return notified
