"""Stock problems inside the relationship. A product heading for a stock-out (its inventory
position below the demand of one lead time), overstock (above the policy's maximum) and a
location whose data went stale raise an alert once; both sides hear of it, the side that acts
gets an action item (the supplier for stock, the customer for its own reports), and the
weekly call reviews what is open. An alert clears when its figures recover.

The job is idempotent: an open alert is unique per (location, product, kind), so a second
run raises nothing twice; alerts of an INTERNAL policy reach the supplier alone."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.locations import get_locations
from kamp.accounts.models import KeyAccount, Location, Membership, Role, User, Workspace
from kamp.actions import service as actions
from kamp.actions.models import ActionPriority
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.inventory.models import (
    AlertKind,
    AssortmentItem,
    Product,
    StockAlert,
    StockPolicy,
    StockPosition,
)
from kamp.notifications.service import notify

STALE_AFTER = timedelta(days=7)
# How soon the side that acts should have done so.
DUE = {
    AlertKind.STOCKOUT_RISK: timedelta(days=1),
    AlertKind.OVERSTOCK: timedelta(days=7),
    AlertKind.STALE_DATA: timedelta(days=2),
}
WORDS = {
    AlertKind.STOCKOUT_RISK: "heading for a stock-out",
    AlertKind.OVERSTOCK: "overstocked",
    AlertKind.STALE_DATA: "not reported for a week",
}
MAX_LINES = 20

P, Q, G, A = StockPolicy, StockPosition, Product, AssortmentItem
POSITION = Q.on_hand + Q.in_transit + Q.on_order - Q.committed
LEAD_DEMAND = Q.demand_mean * func.coalesce(P.lead_time_days, G.lead_time_days)


def _holds(kind: AlertKind) -> ColumnElement[bool]:
    """The condition of a product alert on a policy's position."""
    if kind == AlertKind.STOCKOUT_RISK:
        return and_(Q.demand_mean > 0, POSITION < LEAD_DEMAND)
    return and_(P.max_qty.is_not(None), P.max_qty < POSITION)


# An alert is the supplier's alone when its policy or the product's assortment item is.
INTERNAL = or_(P.visibility == Visibility.INTERNAL, A.visibility == Visibility.INTERNAL)


def _positions() -> Any:
    return (
        select(P.workspace_id, P.location_id, P.product_id, INTERNAL)
        .join(Q, and_(Q.location_id == P.location_id, Q.product_id == P.product_id))
        .join(G, G.id == P.product_id)
        .join(A, and_(A.workspace_id == P.workspace_id, A.product_id == P.product_id))
        .where(P.active.is_(True))
    )


@dataclass(frozen=True)
class Raised:
    alert: StockAlert
    internal: bool  # about an INTERNAL policy: the supplier's alone


async def _raise_product_alerts(session: AsyncSession, now: datetime) -> list[Raised]:
    raised: list[Raised] = []
    for kind in (AlertKind.STOCKOUT_RISK, AlertKind.OVERSTOCK):
        already = exists().where(
            StockAlert.location_id == P.location_id,
            StockAlert.product_id == P.product_id,
            StockAlert.kind == kind,
            StockAlert.cleared_at.is_(None),
        )
        rows = await session.execute(
            _positions()
            .add_columns(POSITION, LEAD_DEMAND, P.max_qty, Q.as_of)
            .where(_holds(kind), ~already)
        )
        for workspace_id, location_id, product_id, internal, ip, lead, cap, as_of in rows:
            figures = {"inventoryPosition": int(ip), "asOf": as_of.isoformat()}
            if kind == AlertKind.STOCKOUT_RISK:
                figures["leadTimeDemand"] = round(float(lead), 2)
            else:
                figures["maxQty"] = int(cap)
            alert = StockAlert(
                workspace_id=workspace_id,
                location_id=location_id,
                product_id=product_id,
                kind=kind,
                figures=figures,
                created_at=now,
            )
            session.add(alert)
            raised.append(Raised(alert, bool(internal)))
    return raised


async def _raise_stale_alerts(session: AsyncSession, now: datetime) -> list[Raised]:
    already = exists().where(
        StockAlert.location_id == Q.location_id,
        StockAlert.product_id.is_(None),
        StockAlert.kind == AlertKind.STALE_DATA,
        StockAlert.cleared_at.is_(None),
    )
    # Through the location and the product: positions have no foreign keys to them, and
    # those of a deleted location or product are history, not a location to alert about.
    rows = await session.execute(
        select(Q.workspace_id, Q.location_id, func.max(Q.as_of))
        .join(Location, Location.id == Q.location_id)
        .join(G, G.id == Q.product_id)
        .where(~already)
        .group_by(Q.workspace_id, Q.location_id)
        .having(func.max(Q.as_of) < now - STALE_AFTER)
    )
    raised = []
    for workspace_id, location_id, last in rows:
        alert = StockAlert(
            workspace_id=workspace_id,
            location_id=location_id,
            kind=AlertKind.STALE_DATA,
            figures={"lastReport": last.isoformat()},
            created_at=now,
        )
        session.add(alert)
        raised.append(Raised(alert, False))
    return raised


async def _clear(session: AsyncSession, now: datetime) -> int:
    """Alerts whose figures recovered (or whose policy went) are cleared."""
    cleared = 0
    for kind in (AlertKind.STOCKOUT_RISK, AlertKind.OVERSTOCK):
        still = (
            _positions()
            .where(
                _holds(kind),
                P.location_id == StockAlert.location_id,
                P.product_id == StockAlert.product_id,
            )
            .exists()
        )
        result = await session.execute(
            update(StockAlert)
            .where(StockAlert.kind == kind, StockAlert.cleared_at.is_(None), ~still)
            .values(cleared_at=now)
            .execution_options(synchronize_session=False)
        )
        cleared += result.rowcount  # type: ignore[attr-defined]  # CursorResult of an UPDATE
    fresh = (
        select(Q.location_id)
        .where(Q.location_id == StockAlert.location_id, Q.as_of >= now - STALE_AFTER)
        .exists()
    )
    result = await session.execute(
        update(StockAlert)
        .where(StockAlert.kind == AlertKind.STALE_DATA, StockAlert.cleared_at.is_(None), fresh)
        .values(cleared_at=now)
        .execution_options(synchronize_session=False)
    )
    return cleared + result.rowcount  # type: ignore[attr-defined]  # CursorResult of an UPDATE


async def _lock(session: AsyncSession) -> None:
    """One run at a time on PostgreSQL (SQLite has a single writer anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('kamp:stock-alerts'))"))


async def check_stock(session: AsyncSession, *, base_url: str = "") -> int:
    """The job: raise what is wrong, clear what recovered, tell both sides and open action
    items for what was raised. Returns the number of alerts raised."""
    now = clock.now()
    await _lock(session)
    await _clear(session, now)
    raised = await _raise_product_alerts(session, now) + await _raise_stale_alerts(session, now)
    await session.flush()
    groups: dict[tuple[uuid.UUID, uuid.UUID, AlertKind, bool], list[StockAlert]] = defaultdict(list)
    for item in raised:
        a = item.alert
        groups[(a.workspace_id, a.location_id, a.kind, item.internal)].append(a)
    for (workspace_id, location_id, kind, internal), alerts in groups.items():
        await _tell(session, workspace_id, location_id, kind, internal, alerts, base_url)
    return len(raised)


async def _people(session: AsyncSession, workspace_id: uuid.UUID) -> tuple[User | None, list[User]]:
    """The account's KAM and the customer's buyers."""
    kam = await session.scalar(
        select(User)
        .join(KeyAccount, KeyAccount.kam_id == User.id)
        .join(Workspace, Workspace.key_account_id == KeyAccount.id)
        .where(Workspace.id == workspace_id, User.is_active.is_(True))
    )
    buyers = list(
        await session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.workspace_id == workspace_id,
                Membership.role == Role.CUSTOMER_BUYER,
                User.is_active.is_(True),
            )
            .order_by(Membership.created_at, User.id)
        )
    )
    return kam, buyers


async def _tell(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID,
    kind: AlertKind,
    internal: bool,
    alerts: Sequence[StockAlert],
    base_url: str,
) -> None:
    kam, buyers = await _people(session, workspace_id)
    if kam is None:
        return
    location = await session.get(Location, location_id)
    place = location.name if location else "a location"
    products = {
        p.id: p
        for p in await session.scalars(
            select(Product).where(Product.id.in_([a.product_id for a in alerts if a.product_id]))
        )
    }
    lines = [_line(a, products.get(a.product_id) if a.product_id else None) for a in alerts]
    many = "product" if len(alerts) == 1 else "products"
    count = f"{len(alerts)} {many}" if kind != AlertKind.STALE_DATA else "its stock"
    title = f"{place}: {count} {WORDS[kind]}"[:300]
    body = "\n".join(lines[:MAX_LINES])
    # The customer keeps its reports up to date; the supplier its stock.
    acts = buyers[0] if kind == AlertKind.STALE_DATA and buyers else kam
    item = await actions.create_action_item(
        session,
        principal=await principal_for_user(session, user=kam),
        workspace_id=workspace_id,
        title=title,
        description=body,
        owner_id=acts.id,
        due_date=(clock.now() + DUE[kind]).date(),
        priority=ActionPriority.HIGH if kind == AlertKind.STOCKOUT_RISK else ActionPriority.MEDIUM,
        visibility=Visibility.INTERNAL if internal else Visibility.SHARED,
    )
    for alert in alerts:
        alert.action_item_id = item.id
    audience = [kam.id] if internal else [kam.id, *(b.id for b in buyers)]
    await notify(
        session,
        # An owner other than the KAM heard of the item as it was assigned.
        user_ids=[u for u in audience if u == kam.id or u != acts.id],
        workspace_id=workspace_id,
        kind="stock.alert",
        title=title,
        body=body,
        node=item,
        dedupe_key=f"stock.alert:{alerts[0].id}",
        link=base_url,
    )


def _line(alert: StockAlert, product: Product | None) -> str:
    f = alert.figures
    if alert.kind == AlertKind.STALE_DATA:
        return f"- last report {f.get('lastReport', '?')[:10]}"
    name = f"{product.sku} {product.name}" if product else "a product"
    if alert.kind == AlertKind.STOCKOUT_RISK:
        return (
            f"- {name}: position {f['inventoryPosition']}, lead-time demand {f['leadTimeDemand']}"
        )
    return f"- {name}: position {f['inventoryPosition']}, maximum {f['maxQty']}"


# --- reads ----------------------------------------------------------------------------------


async def keeps_stock(session: AsyncSession, workspace_id: uuid.UUID) -> bool:
    """Does kamp keep this account's stock (any active policy)?"""
    found = await session.scalar(
        select(P.id).where(P.workspace_id == workspace_id, P.active.is_(True)).limit(1)
    )
    return found is not None


async def open_alerts(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID
) -> list[StockAlert]:
    """The workspace's open alerts the principal may see: those of INTERNAL policies only on
    the supplier's side."""
    require(principal, workspace_id, Permission.INVENTORY_READ)
    policy_hidden = (
        select(P.id)
        .join(A, and_(A.workspace_id == P.workspace_id, A.product_id == P.product_id))
        .where(
            P.location_id == StockAlert.location_id,
            P.product_id == StockAlert.product_id,
            INTERNAL,
        )
        .exists()
    )
    stmt = select(StockAlert).where(
        StockAlert.workspace_id == workspace_id, StockAlert.cleared_at.is_(None)
    )
    if not can(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ):
        stmt = stmt.where(~policy_hidden)
    rows = list(await session.scalars(stmt.order_by(StockAlert.created_at, StockAlert.id)))
    # Only locations the principal may see (all of the workspace's, today).
    shown = await get_locations(
        session, principal=principal, ids=list({r.location_id for r in rows})
    )
    return [r for r in rows if r.location_id in shown]
