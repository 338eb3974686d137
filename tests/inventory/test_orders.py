"""The supplier moves an order on; the customer reads it and cannot move it; a move out of
turn or on a stale version is refused and changes nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from kamp import clock
from kamp.accounts.models import Role, User
from kamp.db import transaction
from kamp.errors import Conflict, Forbidden, NotFound, UserError
from kamp.inventory import orders
from kamp.inventory.models import Order, OrderLine, OrderStatus
from kamp.inventory.proposals import Decision, LineDecision, decide_proposal
from kamp.pagination import PageArgs
from tests.inventory.replenishment_support import open_proposal, principal_of
from tests.support import snapshot


async def _placed(runtime, world) -> uuid.UUID:
    proposal_id, lines = await open_proposal(runtime, world)
    async with transaction(runtime.session_factory) as session:
        buyer = await session.get_one(User, world.a.users[Role.CUSTOMER_BUYER].id)
        decided = await decide_proposal(
            session,
            principal=await principal_of(session, buyer),
            proposal_id=proposal_id,
            version=1,
            lines=[
                LineDecision(lines["PLAIN"], Decision.APPROVE),
                LineDecision(lines["PACKED"], Decision.APPROVE),
                LineDecision(lines["BLOCKED"], Decision.REJECT),
            ],
        )
        return decided.order.id


async def _as(runtime, user, work, **narrowed):
    async with transaction(runtime.session_factory) as session:
        principal = await principal_of(session, await session.get_one(User, user.id), **narrowed)
        return await work(session, principal)


async def test_the_supplier_moves_an_order_from_placed_to_paid(runtime, world):
    order_id = await _placed(runtime, world)
    member = world.a.users[Role.SUPPLIER_MEMBER]
    kam = world.a.users[Role.KAM]

    async def confirm(session, principal):
        return await orders.confirm_order(
            session, principal=principal, order_id=order_id, version=1
        )

    assert (await _as(runtime, member, confirm)).status == OrderStatus.CONFIRMED
    async with runtime.session_factory() as session:
        lines = {line.quantity: line.id for line in await session.scalars(select(OrderLine))}
    short = lines[187]

    async def ship(session, principal):
        return await orders.ship_order(
            session,
            principal=principal,
            order_id=order_id,
            version=2,
            shipped_quantities={short: 180},
            expected_delivery=clock.today() + timedelta(days=3),
        )

    shipped = await _as(runtime, kam, ship)
    assert shipped.status == OrderStatus.SHIPPED and shipped.shipped_at is not None

    async def deliver(session, principal):
        return await orders.deliver_order(
            session, principal=principal, order_id=order_id, version=3
        )

    await _as(runtime, member, deliver)
    async with runtime.session_factory() as session:
        got = {
            line.id: (line.quantity, line.shipped_quantity, line.delivered_quantity)
            for line in await session.scalars(select(OrderLine))
        }
    assert got[short] == (187, 180, 180)  # delivered: what was shipped
    assert sorted(got.values())[1][1:] == (228, 228)

    async def invoice(session, principal):
        return await orders.invoice_order(
            session,
            principal=principal,
            order_id=order_id,
            version=4,
            number=" INV-1 ",
            amount=Decimal("1234.5"),
            currency="eur",
            due=date(2030, 1, 31),
        )

    invoiced = await _as(runtime, member, invoice)
    assert (invoiced.invoice_number, invoiced.invoice_amount, invoiced.invoice_currency) == (
        "INV-1",
        Decimal("1234.50"),
        "EUR",
    )

    async def pay(session, principal):
        return await orders.mark_order_paid(
            session, principal=principal, order_id=order_id, version=5
        )

    paid = await _as(runtime, member, pay)
    assert paid.paid_at is not None and paid.version == 6

    # The customer reads its orders, filtered by status and location, a page at a time.
    async def listing(session, principal):
        first = await orders.list_orders(
            session,
            principal=principal,
            workspace_id=world.a.workspace.id,
            page=PageArgs(first=1),
            status=OrderStatus.INVOICED,
            location_id=world.a.hq.id,
        )
        none = await orders.list_orders(
            session,
            principal=principal,
            workspace_id=world.a.workspace.id,
            page=PageArgs(first=1),
            location_id=world.a.region.id,
        )
        return first, none

    first, none = await _as(runtime, world.a.users[Role.CUSTOMER_BUYER], listing)
    assert [o.id for o in first.items] == [order_id] and not first.has_next
    assert none.items == []


@pytest.mark.parametrize(
    ("who", "narrowed", "error"),
    [
        (("a", Role.CUSTOMER_BUYER), {}, Forbidden),
        (("a", Role.MENTOR), {}, Forbidden),
        (("a", Role.SUPPLIER_EXECUTIVE), {}, Forbidden),
        (("b", Role.KAM), {}, NotFound),
        (("a", Role.SUPPLIER_MEMBER), {"scopes": frozenset({"inventory:read"})}, Forbidden),
    ],
)
async def test_no_one_else_moves_an_order(runtime, world, who, narrowed, error):
    order_id = await _placed(runtime, world)
    account, role = who
    user = getattr(world, account).users[role]
    before = await snapshot(runtime.session_factory)

    async def confirm(session, principal):
        return await orders.confirm_order(
            session, principal=principal, order_id=order_id, version=1
        )

    with pytest.raises(error):
        await _as(runtime, user, confirm, **narrowed)
    assert await snapshot(runtime.session_factory) == before


async def test_an_erp_token_with_inventory_write_moves_it(runtime, world):
    order_id = await _placed(runtime, world)

    async def confirm(session, principal):
        return await orders.confirm_order(
            session, principal=principal, order_id=order_id, version=1
        )

    scopes = frozenset({"inventory:read", "inventory:write"})
    moved = await _as(runtime, world.a.users[Role.SUPPLIER_MEMBER], confirm, scopes=scopes)
    assert moved.status == OrderStatus.CONFIRMED


async def test_moves_out_of_turn_and_stale_versions_change_nothing(runtime, world):
    order_id = await _placed(runtime, world)
    member = world.a.users[Role.SUPPLIER_MEMBER]
    before = await snapshot(runtime.session_factory)

    async def deliver(session, principal):
        return await orders.deliver_order(
            session, principal=principal, order_id=order_id, version=1
        )

    async def invoice(session, principal):
        return await orders.invoice_order(
            session,
            principal=principal,
            order_id=order_id,
            version=1,
            number="X",
            amount=Decimal(1),
            currency="EUR",
            due=date(2030, 1, 1),
        )

    async def stale(session, principal):
        return await orders.confirm_order(
            session, principal=principal, order_id=order_id, version=7
        )

    async def pay(session, principal):
        return await orders.mark_order_paid(
            session, principal=principal, order_id=order_id, version=1
        )

    for move in (deliver, invoice, pay):
        with pytest.raises(UserError) as refused:
            await _as(runtime, member, move)
        assert refused.value.field == "status"
    with pytest.raises(Conflict):
        await _as(runtime, member, stale)
    assert await snapshot(runtime.session_factory) == before

    async def cancel(session, principal):
        return await orders.cancel_order(session, principal=principal, order_id=order_id, version=1)

    assert (await _as(runtime, member, cancel)).status == OrderStatus.CANCELLED

    async def cancel_again(session, principal):
        return await orders.cancel_order(session, principal=principal, order_id=order_id, version=2)

    with pytest.raises(UserError):
        await _as(runtime, member, cancel_again)
    async with runtime.session_factory() as session:
        assert (await session.get_one(Order, order_id)).status == OrderStatus.CANCELLED


async def test_invalid_shipment_and_invoice_details_are_refused(runtime, world):
    order_id = await _placed(runtime, world)
    member = world.a.users[Role.SUPPLIER_MEMBER]

    async def confirm(session, principal):
        return await orders.confirm_order(
            session, principal=principal, order_id=order_id, version=1
        )

    await _as(runtime, member, confirm)
    before = await snapshot(runtime.session_factory)
    for quantities, field in (({uuid.uuid4(): 1}, "shippedQuantities"), (None, "expectedDelivery")):

        async def ship(session, principal, quantities=quantities):
            return await orders.ship_order(
                session,
                principal=principal,
                order_id=order_id,
                version=2,
                shipped_quantities=quantities,
                expected_delivery=clock.today() - timedelta(days=1),
            )

        with pytest.raises(UserError) as refused:
            await _as(runtime, member, ship)
        assert refused.value.field == field
    assert await snapshot(runtime.session_factory) == before
