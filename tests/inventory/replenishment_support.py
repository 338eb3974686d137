"""Rows for the replenishment tests, inserted directly: a product, its place in the account's
assortment, a location's policy and its stock position."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Location
from kamp.inventory.models import (
    AssortmentItem,
    PolicyMethod,
    Product,
    StockPolicy,
    StockPosition,
    UnitOfSale,
)
from tests.support import World

AS_OF = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)


async def add_product(
    session: AsyncSession,
    world: World,
    sku: str,
    *,
    pack: int = 1,
    moq: int = 1,
    lead: int = 4,
    lead_sd: str = "1.00",
) -> Product:
    product = Product(
        supplier_id=world.supplier.id,
        sku=sku,
        name=f"Product {sku}",
        unit_of_sale=UnitOfSale.PIECE,
        pack_multiple=pack,
        min_order_qty=moq,
        lead_time_days=lead,
        lead_time_sd_days=Decimal(lead_sd),
    )
    session.add(product)
    await session.flush()
    return product


async def add_assortment(
    session: AsyncSession, workspace_id: uuid.UUID, product: Product, priority: int
) -> None:
    session.add(AssortmentItem(workspace_id=workspace_id, product_id=product.id, priority=priority))
    await session.flush()


async def add_policy(
    session: AsyncSession,
    location: Location,
    product: Product,
    *,
    method: PolicyMethod = PolicyMethod.REORDER_POINT,
    on_hand: int = 60,
    in_transit: int = 20,
    on_order: int = 0,
    committed: int = 10,
    demand_mean: float = 20.0,
    demand_sd: float = 5.0,
    report_id: uuid.UUID | None = None,
    as_of: datetime = AS_OF,
    **policy: Any,
) -> StockPolicy:
    row = StockPolicy(
        workspace_id=location.workspace_id,
        location_id=location.id,
        product_id=product.id,
        method=method,
        **{"service_level": Decimal("0.95"), "review_period_days": 7, **policy},
    )
    session.add(row)
    session.add(
        StockPosition(
            location_id=location.id,
            product_id=product.id,
            workspace_id=location.workspace_id,
            report_id=report_id or uuid.uuid4(),
            as_of=as_of,
            on_hand=on_hand,
            in_transit=in_transit,
            on_order=on_order,
            committed=committed,
            demand_mean=demand_mean,
            demand_sd=demand_sd,
            demand_days=28,
            updated_at=as_of,
        )
    )
    await session.flush()
    return row


async def principal_of(session: AsyncSession, user: Any, **narrowed: Any) -> Any:
    """The principal of a signed-in user, narrowed like a token (`scopes=...`) if asked."""
    from dataclasses import replace

    from kamp.auth.service import principal_for_user

    principal = await principal_for_user(session, user=user)
    return replace(principal, **narrowed) if narrowed else principal


async def open_proposal(runtime: Any, world: World) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """Workspace A's HQ with three lines waiting: 187 pieces, 228 in packs of 12, and one
    blocked by its max; returns the proposal and its lines by SKU."""
    from sqlalchemy import select

    from kamp.db import transaction
    from kamp.inventory.evaluation import evaluate
    from kamp.inventory.models import ProposalLine, ReplenishmentProposal

    async with transaction(runtime.session_factory) as session:
        plain = await add_product(session, world, "PLAIN")
        packed = await add_product(session, world, "PACKED", pack=12, moq=24)
        blocked = await add_product(session, world, "BLOCKED")
        await add_assortment(session, world.a.workspace.id, plain, 2)
        await add_assortment(session, world.a.workspace.id, packed, 4)
        await add_policy(session, world.a.hq, plain)
        await add_policy(
            session,
            world.a.hq,
            packed,
            method=PolicyMethod.MIN_MAX,
            min_qty=100,
            max_qty=300,
            lead_time_days=2,
        )
        await add_policy(session, world.a.hq, blocked, max_qty=70)
        await evaluate(session, run_key="open")
    async with runtime.session_factory() as session:
        proposal = await session.scalar(select(ReplenishmentProposal))
        assert proposal is not None
        names = {plain.id: "PLAIN", packed.id: "PACKED", blocked.id: "BLOCKED"}
        lines = {
            names[line.product_id]: line.id for line in await session.scalars(select(ProposalLine))
        }
    return proposal.id, lines
