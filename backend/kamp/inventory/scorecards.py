"""How each location's stock is doing, and what the account sells across its locations: a
scorecard per location rolled up the location tree (fill rate, stock-out days, turns, days of
supply) and sell-through per product, over a window of days ending today. A product the
viewer does not see in the assortment counts for no one but the supplier.

Fill rate is units sold against units asked for, the demand missed on a stock-out day being
estimated at the product's average daily demand there. Turns are the window's sales over the
average stock its reports showed, per year."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Location
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.errors import ErrorCode, UserError
from kamp.inventory.models import AssortmentItem, DemandDay, Product, StockPosition, StockReport

MIN_DAYS, MAX_DAYS = 7, 366


@dataclass
class Figures:
    sold: float = 0.0
    missed: float = 0.0  # estimated demand lost on stock-out days
    stockout_days: int = 0  # product-days out of stock
    on_hand: int = 0
    daily_demand: float = 0.0  # the products' average daily demand, now
    average_stock: float = 0.0  # the products' average on hand over the window's reports
    days: int = 28

    def add(self, other: Figures) -> None:
        self.sold += other.sold
        self.missed += other.missed
        self.stockout_days += other.stockout_days
        self.on_hand += other.on_hand
        self.daily_demand += other.daily_demand
        self.average_stock += other.average_stock

    @property
    def fill_rate(self) -> float | None:
        asked = self.sold + self.missed
        return round(self.sold / asked, 4) if asked > 0 else None

    @property
    def days_of_supply(self) -> float | None:
        return round(self.on_hand / self.daily_demand, 1) if self.daily_demand > 0 else None

    @property
    def turns(self) -> float | None:
        if self.average_stock <= 0:
            return None
        return round(self.sold / self.average_stock * 365 / self.days, 2)


@dataclass
class Scorecard:
    location: Location
    own: Figures
    total: Figures  # the location with every location under it
    children: list[Scorecard] = field(default_factory=list)


def check_days(days: int) -> int:
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise UserError("days", f"Give {MIN_DAYS} to {MAX_DAYS} days.", ErrorCode.INVALID)
    return days


def _seen(principal: Principal, workspace: Any, product: Any) -> Any:
    """The product is in the assortment as the principal sees it."""
    return (
        select(AssortmentItem.id)
        .where(
            AssortmentItem.workspace_id == workspace,
            AssortmentItem.product_id == product,
            access.visible(AssortmentItem, principal, Permission.INVENTORY_READ),
        )
        .exists()
    )


async def _own_figures(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, days: int
) -> dict[uuid.UUID, Figures]:
    """Each location's own figures: three grouped statements, whatever the number of rows."""
    since = clock.today() - timedelta(days=days - 1)
    figures: dict[uuid.UUID, Figures] = defaultdict(lambda: Figures(days=days))
    d, q = DemandDay, StockPosition
    missed = case((d.stockout.is_(True), func.coalesce(q.demand_mean, 0.0)), else_=0.0)
    rows = await session.execute(
        select(
            d.location_id,
            func.sum(d.quantity),
            func.sum(missed),
            func.sum(case((d.stockout.is_(True), 1), else_=0)),
        )
        .outerjoin(q, and_(q.location_id == d.location_id, q.product_id == d.product_id))
        .where(
            d.workspace_id == workspace_id,
            d.day >= since,
            _seen(principal, d.workspace_id, d.product_id),
        )
        .group_by(d.location_id)
    )
    for location_id, sold, lost, out in rows.all():
        f = figures[location_id]
        f.sold, f.missed, f.stockout_days = float(sold or 0), float(lost or 0), int(out or 0)
    rows = await session.execute(
        select(q.location_id, func.sum(q.on_hand), func.sum(q.demand_mean))
        .where(q.workspace_id == workspace_id, _seen(principal, q.workspace_id, q.product_id))
        .group_by(q.location_id)
    )
    for location_id, on_hand, demand in rows.all():
        figures[location_id].on_hand = int(on_hand or 0)
        figures[location_id].daily_demand = float(demand or 0)
    r = StockReport
    per_product = (
        select(r.location_id, func.avg(r.on_hand).label("stock"))
        .where(
            r.workspace_id == workspace_id,
            r.as_of >= clock.now() - timedelta(days=days),
            _seen(principal, r.workspace_id, r.product_id),
        )
        .group_by(r.location_id, r.product_id)
        .subquery()
    )
    rows = await session.execute(
        select(per_product.c.location_id, func.sum(per_product.c.stock)).group_by(
            per_product.c.location_id
        )
    )
    for location_id, stock in rows.all():
        figures[location_id].average_stock = float(stock or 0)
    return figures


async def scorecards(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, days: int = 28
) -> list[Scorecard]:
    """The workspace's location tree, each location with its own figures and its subtree's;
    the roots first."""
    require(principal, workspace_id, Permission.INVENTORY_READ)
    days = check_days(days)
    own = await _own_figures(session, principal, workspace_id, days)
    locations = list(
        await session.scalars(
            select(Location)
            .where(Location.workspace_id == workspace_id)
            .order_by(Location.created_at, Location.id)
        )
    )
    cards = {
        loc.id: Scorecard(loc, own.get(loc.id) or Figures(days=days), Figures(days=days))
        for loc in locations
    }
    roots: list[Scorecard] = []
    for loc in locations:
        card = cards[loc.id]
        parent = cards.get(loc.parent_id) if loc.parent_id else None
        (parent.children if parent else roots).append(card)

    def roll_up(card: Scorecard) -> Figures:
        card.total.add(card.own)
        for child in card.children:
            card.total.add(roll_up(child))
        return card.total

    for root in roots:
        roll_up(root)
    return roots


def find(cards: list[Scorecard], location_id: uuid.UUID) -> Scorecard | None:
    for card in cards:
        if card.location.id == location_id:
            return card
        if (found := find(card.children, location_id)) is not None:
            return found
    return None


async def subtree(
    session: AsyncSession, workspace_id: uuid.UUID, location_id: uuid.UUID
) -> list[uuid.UUID]:
    """The location and every location under it, or a user error when it is not one of the
    workspace's: one statement reading the tree's links, no figures."""
    links = (
        await session.execute(
            select(Location.id, Location.parent_id).where(Location.workspace_id == workspace_id)
        )
    ).all()
    if location_id not in {id_ for id_, _ in links}:
        raise UserError("locationId", "No such location.", ErrorCode.NOT_FOUND)
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for id_, parent in links:
        if parent is not None:
            children[parent].append(id_)
    found, stack = [], [location_id]
    while stack:
        found.append(current := stack.pop())
        stack.extend(children[current])
    return found


@dataclass(frozen=True)
class SellThrough:
    product: Product
    sold: float


async def sell_through(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID | None = None,
    days: int = 28,
) -> list[SellThrough]:
    """Units sold per product over the window, at a location and every location under it
    (the whole account without one): what the KAM's volume is measured on. Most sold first."""
    require(principal, workspace_id, Permission.INVENTORY_READ)
    days = check_days(days)
    since = clock.today() - timedelta(days=days - 1)
    where = [
        DemandDay.workspace_id == workspace_id,
        DemandDay.day >= since,
        _seen(principal, DemandDay.workspace_id, DemandDay.product_id),
    ]
    if location_id is not None:
        where.append(DemandDay.location_id.in_(await subtree(session, workspace_id, location_id)))
    sold = func.sum(DemandDay.quantity)
    rows = await session.execute(
        select(Product, sold)
        .join(Product, Product.id == DemandDay.product_id)
        .where(*where)
        .group_by(Product.id)
        .order_by(sold.desc(), Product.sku)
    )
    return [SellThrough(product, float(units or 0)) for product, units in rows.all()]
