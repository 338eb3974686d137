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
