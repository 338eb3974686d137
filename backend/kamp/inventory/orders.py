"""Orders on their way: the supplier (ORDERS_FULFIL: the KAM, a supplier member, or its ERP
with a token holding inventory:write) moves each on, the customer reads them.

    PLACED -> CONFIRMED -> SHIPPED -> DELIVERED -> INVOICED (then paid)
    PLACED | CONFIRMED -> CANCELLED

Every move is based on the order's version (a stale one is a CONFLICT) and traced."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.inventory.models import Order, OrderLine, OrderStatus
from kamp.pagination import Page, PageArgs, keyset_page, keyset_pages

S = OrderStatus
NEXT: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PLACED: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset(),
    S.CANCELLED: frozenset(),
}
_READ = Permission.INVENTORY_READ


async def get_order(session: AsyncSession, *, principal: Principal, order_id: uuid.UUID) -> Order:
    row = await session.scalar(
        select(Order).where(Order.id == order_id, access.visible(Order, principal, _READ))
    )
    if row is None:
        raise NotFound()
    return row


async def list_orders(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    location_id: uuid.UUID | None = None,
    status: OrderStatus | None = None,
) -> Page[Order]:
    """A workspace's orders, newest first, by location and status if asked."""
    require(principal, workspace_id, _READ)
    stmt = select(Order).where(
        Order.workspace_id == workspace_id, access.visible(Order, principal, _READ)
    )
    if location_id is not None:
        stmt = stmt.where(Order.location_id == location_id)
    if status is not None:
        stmt = stmt.where(Order.status == status)
    return await keyset_page(session, stmt, Order, page, newest_first=True)


async def lines_of(
    session: AsyncSession, *, principal: Principal, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OrderLine]]:
    found: dict[uuid.UUID, list[OrderLine]] = {oid: [] for oid in order_ids}
    rows = await session.scalars(
        select(OrderLine)
        .where(OrderLine.order_id.in_(list(order_ids)), access.visible(OrderLine, principal, _READ))
        .order_by(OrderLine.order_id, OrderLine.created_at, OrderLine.id)
    )
    for line in rows:
        found[line.order_id].append(line)
    return found


async def get_orders(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Order]:
    """The orders among `ids` the principal may see (one query)."""
    rows = await session.scalars(
        select(Order).where(Order.id.in_(list(ids)), access.visible(Order, principal, _READ))
    )
    return {row.id: row for row in rows}


async def get_lines(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, OrderLine]:
    rows = await session.scalars(
        select(OrderLine).where(
            OrderLine.id.in_(list(ids)), access.visible(OrderLine, principal, _READ)
        )
    )
    return {row.id: row for row in rows}


async def line_pages(
    session: AsyncSession,
    *,
    principal: Principal,
    order_ids: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[OrderLine]]:
    """A page of each order's lines, in the order written, in one statement."""
    return await keyset_pages(
        session,
        select(OrderLine).where(access.visible(OrderLine, principal, _READ)),
        OrderLine,
        page,
        parent=OrderLine.order_id,
        parent_ids=order_ids,
    )


async def of_proposals(
    session: AsyncSession, *, principal: Principal, proposal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Order]]:
    """The orders each proposal gave (at most one of each origin), in one query."""
    found: dict[uuid.UUID, list[Order]] = {pid: [] for pid in proposal_ids}
    rows = await session.scalars(
        select(Order)
        .where(Order.proposal_id.in_(list(proposal_ids)), access.visible(Order, principal, _READ))
        .order_by(Order.proposal_id, Order.created_at, Order.id)
    )
    for row in rows:
        if row.proposal_id is not None:
            found[row.proposal_id].append(row)
    return found


async def _movable(
    session: AsyncSession, principal: Principal, order_id: uuid.UUID, version: int
) -> Order:
    """The order, if the principal may move it and its version is current."""
    order = await get_order(session, principal=principal, order_id=order_id)
    require(principal, order.workspace_id, Permission.ORDERS_FULFIL)
    writes.check_version(order, version)
    return order


def _check_move(order: Order, to: OrderStatus) -> None:
    if to not in NEXT[order.status]:
        raise UserError(
            "status",
            f"A {order.status.lower()} order cannot become {to.lower()}.",
            ErrorCode.INVALID,
        )


async def _move(
    session: AsyncSession,
    principal: Principal,
    order: Order,
    version: int,
    to: OrderStatus,
    values: Mapping[str, Any],
) -> Order:
    _check_move(order, to)
    await writes.update(
        session, principal=principal, row=order, version=version, values={**values, "status": to}
    )
    return order


async def _line_quantities(
    session: AsyncSession,
    order: Order,
    given: Mapping[uuid.UUID, int] | None,
    field: str,
    default: str,
) -> list[tuple[OrderLine, int]]:
    """Each line's quantity for a shipment or a delivery: as given, or its `default`."""
    lines = list(await session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    given = dict(given or {})
    known = {line.id for line in lines}
    if set(given) - known:
        raise UserError(field, "A line is not one of this order's lines.", ErrorCode.NOT_FOUND)
    found = []
    for line in lines:
        quantity = given.get(line.id)
        if quantity is None:
            quantity = getattr(line, default) if getattr(line, default) is not None else 0
        if quantity < 0:
            raise UserError(field, "A quantity cannot be negative.", ErrorCode.INVALID)
        found.append((line, quantity))
    return found


async def _set_lines(
    session: AsyncSession, principal: Principal, lines: list[tuple[OrderLine, int]], name: str
) -> None:
    for line, quantity in lines:
        await writes.update(
            session, principal=principal, row=line, version=line.version, values={name: quantity}
        )


async def confirm_order(
    session: AsyncSession, *, principal: Principal, order_id: uuid.UUID, version: int
) -> Order:
    order = await _movable(session, principal, order_id, version)
    return await _move(
        session, principal, order, version, S.CONFIRMED, {"confirmed_at": clock.now()}
    )


async def ship_order(
    session: AsyncSession,
    *,
    principal: Principal,
    order_id: uuid.UUID,
    version: int,
    shipped_quantities: Mapping[uuid.UUID, int] | None = None,
    shipped_at: datetime | None = None,
    expected_delivery: date | None = None,
) -> Order:
    """Shipped: each line's quantity (its ordered quantity unless given)."""
    order = await _movable(session, principal, order_id, version)
    _check_move(order, S.SHIPPED)
    lines = await _line_quantities(
        session, order, shipped_quantities, "shippedQuantities", "quantity"
    )
    when = shipped_at or clock.now()
    if expected_delivery is not None and expected_delivery < when.date():
        raise UserError(
            "expectedDelivery", "The expected delivery is before the shipment.", ErrorCode.INVALID
        )
    await _move(
        session,
        principal,
        order,
        version,
        S.SHIPPED,
        {"shipped_at": when, "expected_delivery": expected_delivery},
    )
    await _set_lines(session, principal, lines, "shipped_quantity")
    return order


async def deliver_order(
    session: AsyncSession,
    *,
    principal: Principal,
    order_id: uuid.UUID,
    version: int,
    delivered_quantities: Mapping[uuid.UUID, int] | None = None,
    delivered_at: datetime | None = None,
) -> Order:
    """Delivered: each line's quantity (what was shipped unless given)."""
    order = await _movable(session, principal, order_id, version)
    _check_move(order, S.DELIVERED)
    lines = await _line_quantities(
        session, order, delivered_quantities, "deliveredQuantities", "shipped_quantity"
    )
    await _move(
        session,
        principal,
        order,
        version,
        S.DELIVERED,
        {"delivered_at": delivered_at or clock.now()},
    )
    await _set_lines(session, principal, lines, "delivered_quantity")
    return order


async def invoice_order(
    session: AsyncSession,
    *,
    principal: Principal,
    order_id: uuid.UUID,
    version: int,
    number: str,
    amount: Decimal,
    currency: str,
    due: date,
) -> Order:
    order = await _movable(session, principal, order_id, version)
    _check_move(order, S.INVOICED)
    number = number.strip()
    if not number or len(number) > 64:
        raise UserError(
            "invoiceNumber", "An invoice number has 1 to 64 characters.", ErrorCode.INVALID
        )
    if amount < 0:
        raise UserError("invoiceAmount", "An invoice amount cannot be negative.", ErrorCode.INVALID)
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise UserError(
            "invoiceCurrency", "A currency is a three-letter ISO 4217 code.", ErrorCode.INVALID
        )
    return await _move(
        session,
        principal,
        order,
        version,
        S.INVOICED,
        {
            "invoice_number": number,
            "invoice_amount": amount.quantize(Decimal("0.01")),
            "invoice_currency": currency,
            "invoice_due": due,
        },
    )


async def mark_order_paid(
    session: AsyncSession,
    *,
    principal: Principal,
    order_id: uuid.UUID,
    version: int,
    paid_at: datetime | None = None,
) -> Order:
    order = await _movable(session, principal, order_id, version)
    if order.status != S.INVOICED or order.paid_at is not None:
        raise UserError("status", "Only an invoiced, unpaid order can be paid.", ErrorCode.INVALID)
    await writes.update(
        session,
        principal=principal,
        row=order,
        version=version,
        values={"paid_at": paid_at or clock.now()},
    )
    return order


async def cancel_order(
    session: AsyncSession, *, principal: Principal, order_id: uuid.UUID, version: int
) -> Order:
    order = await _movable(session, principal, order_id, version)
    return await _move(session, principal, order, version, S.CANCELLED, {})


# --- what the viewer may do -----------------------------------------------------------------


def may_fulfil(principal: Principal, row: Order) -> bool:
    """The supplier's side (ORDERS_FULFIL) moves orders on; the customer reads them."""
    return can(principal, row.workspace_id, Permission.ORDERS_FULFIL)


def may_mark_paid(principal: Principal, row: Order) -> bool:
    return may_fulfil(principal, row) and row.status == S.INVOICED and row.paid_at is None


def next_statuses(principal: Principal, row: Order) -> list[OrderStatus]:
    """The statuses the principal may move the order to now, in the order of the flow."""
    if not may_fulfil(principal, row):
        return []
    return [status for status in OrderStatus if status in NEXT[row.status]]


def order_abilities(principal: Principal, row: Order) -> access.Abilities:
    """Edit: move it on (or mark its invoice paid); delete: cancel it. Orders keep the
    visibility they were written with."""
    return access.Abilities(
        edit=bool(next_statuses(principal, row)) or may_mark_paid(principal, row),
        delete=may_fulfil(principal, row) and S.CANCELLED in NEXT[row.status],
    )


access.reader("Order", get_orders)
access.reader("OrderLine", get_lines)
access.rule(Order, order_abilities)
