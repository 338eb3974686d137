"""How each location's stock stands, as the stock board reads it: every position with its
policy's reorder point and a status, a location's subtree rolled up (counts by status,
freshness, scorecard figures) with its children, and one product's history at a location.

**Status** of a (location, product) position, from its latest report's figures, with
IP = on hand + in transit + on order - committed and "the policy" being the position's
policy when the viewer sees it and it is active (an inactive or hidden policy plans nothing):

- RED when on hand is 0 or the position is at or below the demand of one lead time
  (IP <= d̄ · L, L being the policy's lead time, else the product's): it runs out before a
  new order could arrive. With no demand at all, that is IP <= 0.
- YELLOW (not RED) when IP is at or below the policy's reorder point: d̄ · L + SS for a
  REORDER_POINT policy (arithmetic.py, the same formula evaluation orders on), the min of a
  MIN_MAX policy. Without a policy a position is never YELLOW.
- GREEN otherwise.

Orders placed since the report are not counted in (evaluation does count them): the board
shows the figures as reported. The list (`list_stock_positions`) computes each status with
arithmetic.py; the board counts them in SQL with the same formulas in the same order, so
both agree (a test holds them together).

The board costs a constant number of statements whatever the number of products and
locations: the scorecards (scorecards.py), the service levels in use, and one grouped
statement of counts and latest reports per location; the tree is rolled up in Python."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal_column, null, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Location
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.errors import BadRequest
from kamp.inventory import arithmetic, positions, scorecards
from kamp.inventory.models import (
    AssortmentItem,
    DemandDay,
    PolicyMethod,
    Product,
    StockPolicy,
    StockPosition,
    StockReport,
)
from kamp.inventory.positions import Freshness, badge

READ = Permission.INVENTORY_READ


class StockStatus(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"


def status_of(
    *, on_hand: int, position: int, lead_time_demand: float, reorder_point: float | None
) -> StockStatus:
    """The rule of the module's docstring."""
    if on_hand <= 0 or position <= lead_time_demand:
        return StockStatus.RED
    if reorder_point is not None and position <= reorder_point:
        return StockStatus.YELLOW
    return StockStatus.GREEN


@dataclass(frozen=True)
class PositionView:
    """A position with what its policy makes of it."""

    position: StockPosition
    product: Product
    policy: StockPolicy | None  # the viewer's to see, active or not
    inventory_position: int
    lead_time_days: int
    lead_time_demand: float
    safety_stock: float | None
    reorder_point: float | None  # the min of a MIN_MAX policy
    order_up_to: float | None  # the max of a MIN_MAX policy
    days_of_supply: float | None
    projected_stockout: date | None
    status: StockStatus


def _plans(policy: StockPolicy | None) -> StockPolicy | None:
    return policy if policy is not None and policy.active else None


def view(position: StockPosition, product: Product, policy: StockPolicy | None) -> PositionView:
    """One position's figures and status (arithmetic.py)."""
    plan = _plans(policy)
    lead = product.lead_time_days
    lead_sd = product.lead_time_sd_days
    if plan is not None and plan.lead_time_days is not None:
        lead = plan.lead_time_days
    if plan is not None and plan.lead_time_sd_days is not None:
        lead_sd = plan.lead_time_sd_days
    d, sd = position.demand_mean, position.demand_sd
    ip = arithmetic.inventory_position(
        position.on_hand, position.in_transit, position.on_order, position.committed
    )
    ss = rop = up_to = None
    if plan is not None and plan.method == PolicyMethod.REORDER_POINT:
        level = float(plan.service_level)
        if 0 < level < 1:
            z = arithmetic.z_score(level)
            ss = arithmetic.safety_stock(z, d, sd, lead, float(lead_sd))
            rop = arithmetic.reorder_point(d, lead, ss)
            up_to = arithmetic.order_up_to(d, lead, plan.review_period_days, ss)
    elif plan is not None and plan.method == PolicyMethod.MIN_MAX:
        rop = None if plan.min_qty is None else float(plan.min_qty)
        up_to = None if plan.max_qty is None else float(plan.max_qty)
    lead_demand = d * lead
    return PositionView(
        position=position,
        product=product,
        policy=policy,
        inventory_position=ip,
        lead_time_days=lead,
        lead_time_demand=lead_demand,
        safety_stock=ss,
        reorder_point=rop,
        order_up_to=up_to,
        days_of_supply=arithmetic.days_of_supply(position.on_hand, d),
        projected_stockout=arithmetic.stockout_date(position.as_of, position.on_hand, d),
        status=status_of(
            on_hand=position.on_hand, position=ip, lead_time_demand=lead_demand, reorder_point=rop
        ),
    )


def _policy_visible(principal: Principal) -> Any:
    return access.visible(StockPolicy, principal, READ)


async def _views(
    session: AsyncSession, principal: Principal, rows: Sequence[StockPosition]
) -> list[PositionView]:
    """The views of positions the principal sees: two statements whatever their number."""
    if not rows:
        return []
    keys = [(row.location_id, row.product_id) for row in rows]
    products = {
        p.id: p
        for p in await session.scalars(
            select(Product).where(Product.id.in_({row.product_id for row in rows}))
        )
    }
    found: dict[tuple[uuid.UUID, uuid.UUID], StockPolicy] = {}
    for at in range(0, len(keys), 400):
        for policy in await session.scalars(
            select(StockPolicy).where(
                tuple_(StockPolicy.location_id, StockPolicy.product_id).in_(keys[at : at + 400]),
                _policy_visible(principal),
            )
        ):
            found[(policy.location_id, policy.product_id)] = policy
    return [
        view(row, products[row.product_id], found.get((row.location_id, row.product_id)))
        for row in rows
    ]


# --- the positions, a page at a time ---------------------------------------------------------


def encode_cursor(location_id: uuid.UUID, product_id: uuid.UUID) -> str:
    raw = json.dumps([str(location_id), str(product_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A position's key from its cursor; anything else is refused before any SQL."""
    try:
        if len(cursor) > 200:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not (isinstance(value, list) and len(value) == 2):
            raise ValueError("not a pair")
        return uuid.UUID(str(value[0])), uuid.UUID(str(value[1]))
    except (ValueError, TypeError, RecursionError, binascii.Error) as exc:
        raise BadRequest("`after` is not a valid cursor.") from exc


async def list_stock_positions(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID | None = None,
    first: int = 20,
    after: tuple[uuid.UUID, uuid.UUID] | None = None,
) -> tuple[list[PositionView], bool]:
    """A page of positions (positions.list_positions) with their policies and statuses."""
    rows, more = await positions.list_positions(
        session,
        principal=principal,
        workspace_id=workspace_id,
        location_id=location_id,
        first=first,
        after=after,
    )
    return await _views(session, principal, rows), more


# --- the board ---------------------------------------------------------------------------------


@dataclass
class Summary:
    """A location's figures, or its subtree's."""

    red: int = 0
    yellow: int = 0
    green: int = 0
    # The newest and the oldest of the locations' latest reports.
    latest_report: datetime | None = None
    oldest_report: datetime | None = None
    # Locations without children (where stock is) that never reported.
    unreported_locations: int = 0
    figures: scorecards.Figures = field(default_factory=scorecards.Figures)

    @property
    def positions(self) -> int:
        return self.red + self.yellow + self.green

    def add(self, other: Summary) -> None:
        self.red += other.red
        self.yellow += other.yellow
        self.green += other.green
        self.unreported_locations += other.unreported_locations
        if other.latest_report is not None:
            self.latest_report = max(self.latest_report or other.latest_report, other.latest_report)
        if other.oldest_report is not None:
            self.oldest_report = min(self.oldest_report or other.oldest_report, other.oldest_report)

    def freshness(self, now: datetime) -> Freshness:
        """The stalest location's: NO_DATA only when no location reported."""
        if self.oldest_report is None:
            return Freshness.NO_DATA
        return badge(max(now - self.oldest_report, timedelta(0)))


@dataclass
class BoardEntry:
    location: Location
    own: Summary
    total: Summary  # the location and every location under it
    children: list[BoardEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    entry: BoardEntry
    now: datetime  # what the freshness is measured against


async def _z_scores(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID
) -> list[tuple[Decimal, float]]:
    """z of each service level the workspace's visible active policies use (there are few)."""
    levels = await session.scalars(
        select(StockPolicy.service_level)
        .distinct()
        .where(
            StockPolicy.workspace_id == workspace_id,
            StockPolicy.active.is_(True),
            _policy_visible(principal),
        )
    )
    return [
        (level, arithmetic.z_score(float(level)))
        for level in levels
        if level is not None and 0 < level < 1
    ]


async def _own_counts(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID
) -> dict[uuid.UUID, Summary]:
    """Each location's positions by status and its latest report: one grouped statement."""
    zs = await _z_scores(session, principal, workspace_id)
    q, pol, prod = StockPosition, StockPolicy, Product
    lead = func.coalesce(pol.lead_time_days, prod.lead_time_days)
    lead_sd = cast(func.coalesce(pol.lead_time_sd_days, prod.lead_time_sd_days), Float)
    d, sd = q.demand_mean, q.demand_sd
    z = case(
        *[
            (pol.service_level == literal_column(str(lv)), cast(literal_column(repr(zv)), Float))
            for lv, zv in zs
        ],
        else_=null(),
    )
    # The same steps as arithmetic.safety_stock and reorder_point, in the same order.
    rop = d * lead + z * func.sqrt(lead * sd * sd + d * d * lead_sd * lead_sd)
    threshold = case(
        (pol.method == PolicyMethod.REORDER_POINT, rop),
        (pol.method == PolicyMethod.MIN_MAX, cast(pol.min_qty, Float)),
        else_=null(),
    )
    ip = q.on_hand + q.in_transit + q.on_order - q.committed
    red = or_(q.on_hand <= 0, ip <= d * lead)
    yellow = and_(~red, threshold.is_not(None), ip <= threshold)
    status = case((red, 2), (yellow, 1), else_=0)
    rows = await session.execute(
        select(
            q.location_id,
            func.sum(case((status == 2, 1), else_=0)),
            func.sum(case((status == 1, 1), else_=0)),
            func.sum(case((status == 0, 1), else_=0)),
            func.max(q.as_of),
        )
        .join(prod, prod.id == q.product_id)
        .outerjoin(
            pol,
            and_(
                pol.location_id == q.location_id,
                pol.product_id == q.product_id,
                pol.active.is_(True),
                _policy_visible(principal),
            ),
        )
        .where(q.workspace_id == workspace_id, _position_visible(principal))
        .group_by(q.location_id)
    )
    found: dict[uuid.UUID, Summary] = {}
    for location_id, n_red, n_yellow, n_green, latest in rows.all():
        found[location_id] = Summary(
            red=int(n_red or 0),
            yellow=int(n_yellow or 0),
            green=int(n_green or 0),
            latest_report=latest,
            oldest_report=latest,
        )
    return found


def _position_visible(principal: Principal) -> Any:
    """Positions of products the principal sees in the assortment (as positions.py has it)."""
    return (
        select(AssortmentItem.id)
        .where(
            AssortmentItem.workspace_id == StockPosition.workspace_id,
            AssortmentItem.product_id == StockPosition.product_id,
            access.visible(AssortmentItem, principal, READ),
        )
        .exists()
    )


async def stock_board(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID,
    days: int = 28,
) -> Board | None:
    """A location with its subtree rolled up and its children (each with theirs); None for
    a location not in the workspace. The scorecard figures cover `days` days to today."""
    require(principal, workspace_id, READ)
    days = scorecards.check_days(days)
    cards = await scorecards.scorecards(
        session, principal=principal, workspace_id=workspace_id, days=days
    )
    if scorecards.find(cards, location_id) is None:
        return None
    counts = await _own_counts(session, principal, workspace_id)

    def build(card: scorecards.Scorecard) -> BoardEntry:
        own = counts.get(card.location.id) or Summary()
        if not card.children and own.latest_report is None:
            own.unreported_locations = 1
        own.figures = card.own
        entry = BoardEntry(card.location, own, Summary(figures=card.total))
        entry.total.add(own)
        for child in card.children:
            built = build(child)
            entry.children.append(built)
            entry.total.add(built.total)
        return entry

    def locate(entry: BoardEntry) -> BoardEntry | None:
        if entry.location.id == location_id:
            return entry
        for child in entry.children:
            if (found := locate(child)) is not None:
                return found
        return None

    for card in cards:
        if (found := locate(build(card))) is not None:
            return Board(found, clock.now())
    return None  # pragma: no cover - found among the cards above


# --- one product's history at a location -------------------------------------------------------


@dataclass(frozen=True)
class HistoryPoint:
    day: date
    on_hand: int | None  # the last report's on or before that day (None before the first)
    reported: bool  # a report is dated that day
    demand: float | None  # None: no report covers the day
    stockout: bool
    reorder_point: float | None


@dataclass(frozen=True)
class History:
    location: Location
    product: Product
    current: PositionView | None
    points: list[HistoryPoint]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


async def product_history(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID,
    product_id: uuid.UUID,
    days: int = 28,
) -> History | None:
    """A point per day of the `days` days to today (UTC). The reorder point is today's
    (the current policy on the current figures) on every day: a flat line. None for a
    location not in the workspace or a product not in the assortment the viewer sees."""
    require(principal, workspace_id, READ)
    days = scorecards.check_days(days)
    location = await session.scalar(
        select(Location).where(Location.id == location_id, Location.workspace_id == workspace_id)
    )
    product = await session.scalar(
        select(Product).where(
            Product.id == product_id,
            select(AssortmentItem.id)
            .where(
                AssortmentItem.workspace_id == workspace_id,
                AssortmentItem.product_id == Product.id,
                access.visible(AssortmentItem, principal, READ),
            )
            .exists(),
        )
    )
    if location is None or product is None:
        return None
    today = clock.today()
    since = today - timedelta(days=days - 1)
    r = StockReport
    mine = and_(r.location_id == location_id, r.product_id == product_id)
    before = (
        select(r.as_of, r.on_hand)
        .where(mine, r.as_of < _day_start(since))
        .order_by(r.as_of.desc(), r.created_at.desc())
        .limit(1)
        .subquery()
    )
    reports = await session.execute(
        select(before.c.as_of, before.c.on_hand).union_all(
            select(r.as_of, r.on_hand).where(
                mine,
                r.as_of >= _day_start(since),
                r.as_of < _day_start(today + timedelta(days=1)),
            )
        )
    )
    by_day: dict[date, tuple[datetime, int]] = {}
    carried: int | None = None
    for as_of, on_hand in sorted(reports.all(), key=lambda row: row[0]):
        as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        day = as_of.astimezone(UTC).date()
        if day < since:
            carried = on_hand
        else:
            by_day[day] = (as_of, on_hand)
    demand = {
        day: (quantity, stockout)
        for day, quantity, stockout in (
            await session.execute(
                select(DemandDay.day, DemandDay.quantity, DemandDay.stockout).where(
                    DemandDay.location_id == location_id,
                    DemandDay.product_id == product_id,
                    DemandDay.day >= since,
                    DemandDay.day <= today,
                )
            )
        ).all()
    }
    position = await session.get(StockPosition, (location_id, product_id))
    current = (await _views(session, principal, [position]))[0] if position else None
    rop = current.reorder_point if current else None
    points = []
    for i in range(days):
        day = since + timedelta(days=i)
        reported = day in by_day
        if reported:
            carried = by_day[day][1]
        quantity, out = demand.get(day, (None, False))
        points.append(HistoryPoint(day, carried, reported, quantity, bool(out), rop))
    return History(location, product, current, points)
