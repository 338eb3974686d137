"""Forecasts against actuals: monthly entries per account (optionally per product line), the
annual sales goal and the deviation threshold the KAM watches, and the joint view of a year.

Entries and goals are a joint view, SHARED by default; the KAM may keep one INTERNAL. Anyone
with FORECASTS_EDIT sets entries; only the KAM (who answers for the plan: PLAN_SUBMIT) sets
the goal and the threshold. Every function flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, UserError
from kamp.forecasts.deviations import deviation_pct, exceeds
from kamp.forecasts.models import ForecastEntry, SalesGoal
from kamp.pagination import Page, PageArgs, keyset_page

DEFAULT_VISIBILITY = Visibility.SHARED
DEFAULT_THRESHOLD = Decimal("10.00")
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_AMOUNT = Decimal("1e16")  # Numeric(18, 2)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def check_year(year: int, field: str = "year") -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(field, f"Give a year from {MIN_YEAR} to {MAX_YEAR}.", ErrorCode.INVALID)
    return year


def year_span(year: int) -> tuple[date, date]:
    """The first and the last month of a year, as entries store them."""
    return date(year, 1, 1), date(year, 12, 1)


# --- reads ----------------------------------------------------------------------------------


async def get_entries(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ForecastEntry]:
    rows = await session.scalars(
        select(ForecastEntry).where(
            ForecastEntry.id.in_(ids),
            access.visible(ForecastEntry, principal, Permission.FORECASTS_READ),
        )
    )
    return {row.id: row for row in rows}


async def get_goals(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SalesGoal]:
    rows = await session.scalars(
        select(SalesGoal).where(
            SalesGoal.id.in_(ids), access.visible(SalesGoal, principal, Permission.FORECASTS_READ)
        )
    )
    return {row.id: row for row in rows}


async def goals_by_year(
    session: AsyncSession, *, principal: Principal, keys: Sequence[tuple[uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], SalesGoal]:
    """The visible goals of (workspace, year) pairs, for the deviation flag of entries."""
    rows = await session.scalars(
        select(SalesGoal).where(
            tuple_(SalesGoal.workspace_id, SalesGoal.year).in_(list(keys)),
            access.visible(SalesGoal, principal, Permission.FORECASTS_READ),
        )
    )
    return {(row.workspace_id, row.year): row for row in rows}


async def list_entries(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    year: int | None = None,
    product_line: str | None = None,
) -> Page[ForecastEntry]:
    require(principal, workspace_id, Permission.FORECASTS_READ)
    stmt = select(ForecastEntry).where(
        ForecastEntry.workspace_id == workspace_id,
        access.visible(ForecastEntry, principal, Permission.FORECASTS_READ),
    )
    if year is not None:
        first, last = year_span(year)
        stmt = stmt.where(ForecastEntry.month.between(first, last))
    if product_line is not None:
        stmt = stmt.where(ForecastEntry.product_line == product_line.strip())
    return await keyset_page(session, stmt, ForecastEntry, page)


async def list_goals(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[SalesGoal]:
    require(principal, workspace_id, Permission.FORECASTS_READ)
    stmt = select(SalesGoal).where(
        SalesGoal.workspace_id == workspace_id,
        access.visible(SalesGoal, principal, Permission.FORECASTS_READ),
    )
    return await keyset_page(session, stmt, SalesGoal, page)


# --- validation -----------------------------------------------------------------------------


def check_month(month: date) -> date:
    """Entries are kept per calendar month, keyed by its first day. Any other day is refused
    rather than moved: a client off by a time zone would land in the wrong month silently."""
    if month.day != 1:
        raise UserError(
            "month",
            f"Give the first day of the month, e.g. {month:%Y-%m}-01.",
            ErrorCode.INVALID,
        )
    check_year(month.year, "month")
    return month


def product_line_of(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) > 100:
        raise UserError("productLine", "Use at most 100 characters.", ErrorCode.INVALID)
    return value


def amount(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise UserError(field, "Enter an amount.", ErrorCode.INVALID) from exc
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise UserError(field, "Enter an amount of zero or more.", ErrorCode.INVALID)
    if value != value.quantize(CENT):
        raise UserError(field, "Use at most two decimal places.", ErrorCode.INVALID)
    return value.quantize(CENT)  # as stored, so the history shows what is kept


def _threshold(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    value = amount(value, "deviationThresholdPct")
    assert value is not None
    if not 0 < value <= 1000:
        raise UserError(
            "deviationThresholdPct", "Give a percentage above 0, at most 1000.", ErrorCode.INVALID
        )
    return value


def _currency(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if len(value) != 3 or not value.isalpha() or not value.isascii():
        raise UserError("currency", "Use a three-letter currency code.", ErrorCode.INVALID)
    return value


async def _create(session: AsyncSession, principal: Principal, row: writes.R) -> writes.R:
    """Create a keyed row; losing a race to create the same key is a CONFLICT (reload it)."""
    try:
        return await writes.create(session, principal=principal, row=row)
    except IntegrityError as exc:
        raise Conflict(None, "Someone set this at the same moment; reload it.") from exc


# --- writes ---------------------------------------------------------------------------------


async def set_forecast_entry(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    month: date,
    product_line: str | None = "",
    forecast: Decimal | None = None,
    actual: Decimal | None = None,
    version: int | None = None,
    visibility: Visibility | None = None,
) -> ForecastEntry:
    """Set the forecast and/or the actual of a month (None leaves a value as it is). The first
    call creates the entry; later ones must carry the version they were based on. The KAM
    names the visibility to set the internal figures beside the joint ones, or, with the
    version of the month's one entry, to share or withdraw it."""
    require(principal, workspace_id, Permission.FORECASTS_EDIT)
    month = check_month(month)
    line = product_line_of(product_line)
    values = {"forecast": amount(forecast, "forecast"), "actual": amount(actual, "actual")}
    kept = {
        row.visibility: row
        for row in await session.scalars(
            select(ForecastEntry).where(
                ForecastEntry.workspace_id == workspace_id,
                ForecastEntry.month == month,
                ForecastEntry.product_line == line,
                access.visible(ForecastEntry, principal, Permission.FORECASTS_READ),
            )
        )
    }
    # A month holds the joint figures and, beside them, the supplier's internal ones if kept:
    # the customer sees only the first, so an internal entry never stands in its way.
    if visibility is None:
        row = kept.get(Visibility.SHARED) or kept.get(Visibility.INTERNAL)
    else:
        row = kept.get(visibility)
        if row is None and version is not None and len(kept) == 1:
            [row] = kept.values()  # the month's one entry is shared or withdrawn
    if row is None:
        entry = ForecastEntry(
            workspace_id=workspace_id,
            month=month,
            product_line=line,
            forecast=values["forecast"] if values["forecast"] is not None else ZERO,
            actual=values["actual"],
            visibility=access.initial_visibility(
                principal, workspace_id, visibility, DEFAULT_VISIBILITY
            ),
        )
        return await _create(session, principal, entry)
    if version is None:
        raise UserError(
            "version",
            "This month is set already; send the version you changed.",
            ErrorCode.REQUIRED,
        )
    try:
        await writes.update(
            session,
            principal=principal,
            row=row,
            version=version,
            values=values,
            visibility=visibility,
        )
    except IntegrityError as exc:  # both figures kept at once, by another request
        raise Conflict(None, "Someone set this at the same moment; reload it.") from exc
    return row


async def set_sales_goal(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    year: int,
    annual_goal: Decimal | None = None,
    deviation_threshold_pct: Decimal | None = None,
    currency: str | None = None,
    version: int | None = None,
    visibility: Visibility | None = None,
) -> SalesGoal:
    """The KAM sets the year's goal and the deviation threshold (created on first call)."""
    require(principal, workspace_id, Permission.FORECASTS_EDIT)
    require(principal, workspace_id, Permission.PLAN_SUBMIT)
    year = check_year(year)
    values = {
        "annual_goal": amount(annual_goal, "annualGoal"),
        "deviation_threshold_pct": _threshold(deviation_threshold_pct),
        "currency": _currency(currency),
    }
    row = await session.scalar(
        select(SalesGoal).where(SalesGoal.workspace_id == workspace_id, SalesGoal.year == year)
    )
    if row is None:
        if values["annual_goal"] is None:
            raise UserError("annualGoal", "Give the year's sales goal.", ErrorCode.REQUIRED)
        goal = SalesGoal(
            workspace_id=workspace_id,
            year=year,
            annual_goal=values["annual_goal"],
            deviation_threshold_pct=values["deviation_threshold_pct"] or DEFAULT_THRESHOLD,
            currency=values["currency"] or "USD",
            visibility=access.initial_visibility(
                principal, workspace_id, visibility, DEFAULT_VISIBILITY
            ),
        )
        return await _create(session, principal, goal)
    if version is None:
        raise UserError(
            "version", "This year has a goal; send the version you changed.", ErrorCode.REQUIRED
        )
    await writes.update(
        session, principal=principal, row=row, version=version, values=values, visibility=visibility
    )
    return row


# --- the year at a glance -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: date
    entry: ForecastEntry | None  # the figures counted: the joint ones, else the internal ones
    internal_entry: ForecastEntry | None  # the supplier's own, whether or not joint ones exist
    # What the month counts: the entry's figures, or for the whole account without an entry
    # of its own, the sum of its product lines' (each field on its own).
    forecast: Decimal | None
    actual: Decimal | None
    deviation_pct: Decimal | None
    flagged: bool


@dataclass(frozen=True)
class YearView:
    """One year of one account (or product line) as the viewer may see it: sums are taken
    over visible entries only, so an internal entry never shows through a total."""

    year: int
    product_line: str
    months: list[MonthFigures]
    goal: SalesGoal | None
    product_lines: list[str]

    @property
    def threshold(self) -> Decimal | None:
        return self.goal.deviation_threshold_pct if self.goal else None

    @property
    def annual_forecast(self) -> Decimal:
        return sum((m.forecast for m in self.months if m.forecast is not None), ZERO)

    @property
    def ytd_through(self) -> date | None:
        """The last month with an actual: year to date compares months that have closed."""
        closed = [m.month for m in self.months if m.actual is not None]
        return max(closed) if closed else None

    def _ytd(self) -> list[MonthFigures]:
        through = self.ytd_through
        if through is None:
            return []
        return [m for m in self.months if m.month <= through]

    @property
    def ytd_forecast(self) -> Decimal:
        return sum((m.forecast or ZERO for m in self._ytd()), ZERO)

    @property
    def ytd_actual(self) -> Decimal:
        return sum((m.actual or ZERO for m in self._ytd()), ZERO)

    @property
    def ytd_attainment_pct(self) -> Decimal | None:
        if not self.ytd_forecast:
            return None
        return (self.ytd_actual / self.ytd_forecast * 100).quantize(CENT)

    @property
    def goal_attainment_pct(self) -> Decimal | None:
        if self.goal is None or not self.goal.annual_goal:
            return None
        return (self.ytd_actual / self.goal.annual_goal * 100).quantize(CENT)


def _counted(kept: dict[Visibility, ForecastEntry]) -> ForecastEntry | None:
    """Of a month's entries of one line, the one that counts: the joint one, else the internal."""
    return kept.get(Visibility.SHARED) or kept.get(Visibility.INTERNAL)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, ZERO) if known else None


MAX_PRODUCT_LINES = 100


async def year_view(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    year: int,
    product_line: str = "",
) -> YearView:
    require(principal, workspace_id, Permission.FORECASTS_READ)
    first, last = year_span(year)
    line = product_line.strip()
    in_year = (
        ForecastEntry.workspace_id == workspace_id,
        ForecastEntry.month.between(first, last),
        access.visible(ForecastEntry, principal, Permission.FORECASTS_READ),
    )
    # The line's entries; for the whole account, every line's too: they add up to its total.
    by_line: dict[tuple[date, str], dict[Visibility, ForecastEntry]] = {}
    shown = select(ForecastEntry).where(*in_year)
    if line:
        shown = shown.where(ForecastEntry.product_line == line)
    for row in await session.scalars(shown):
        by_line.setdefault((row.month, row.product_line), {})[row.visibility] = row
    goal = await session.scalar(
        select(SalesGoal).where(
            SalesGoal.workspace_id == workspace_id,
            SalesGoal.year == year,
            access.visible(SalesGoal, principal, Permission.FORECASTS_READ),
        )
    )
    lines = await session.scalars(
        select(ForecastEntry.product_line)
        .where(*in_year, ForecastEntry.product_line != "")
        .distinct()
        .order_by(ForecastEntry.product_line)
        .limit(MAX_PRODUCT_LINES)
    )
    threshold = goal.deviation_threshold_pct if goal else None
    months = []
    for number in range(1, 13):
        month = date(year, number, 1)
        kept = by_line.get((month, line), {})
        entry = _counted(kept)
        parts = [
            counted
            for (at, other), rows in by_line.items()
            if at == month and other != line and (counted := _counted(rows)) is not None
        ]
        forecast: Decimal | None
        if entry is not None:
            forecast, actual = entry.forecast, entry.actual
        else:
            forecast, actual = _sum([p.forecast for p in parts]), _sum([p.actual for p in parts])
        months.append(
            MonthFigures(
                month=month,
                entry=entry,
                internal_entry=kept.get(Visibility.INTERNAL),
                forecast=forecast,
                actual=actual,
                deviation_pct=deviation_pct(forecast, actual),
                flagged=exceeds(forecast, actual, threshold),
            )
        )
    return YearView(year, line, months, goal, list(lines))


access.reader("ForecastEntry", get_entries)
access.reader("SalesGoal", get_goals)


def _goal_abilities(principal: Principal, row: SalesGoal) -> access.Abilities:
    """The KAM sets the goals the forecasts are measured against."""
    kam = can(principal, row.workspace_id, Permission.PLAN_SUBMIT)
    return access.abilities(principal, row, edit=Permission.FORECASTS_EDIT, editable=kam)


access.rule(ForecastEntry, partial(access.abilities, edit=Permission.FORECASTS_EDIT))
access.rule(SalesGoal, _goal_abilities)
