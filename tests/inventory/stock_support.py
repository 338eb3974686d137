"""Stock test data, inserted through the models: a small catalogue, account a's assortment
(two shared items, one internal), account b's (one item), and branches with codes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kamp.accounts.models import Location, LocationKind, Role, User
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.inventory.models import AssortmentItem, Product, UnitOfSale
from kamp.inventory.reports import StockRowInput
from kamp.runtime import Runtime
from tests.support import World


@dataclass
class Stock:
    products: dict[str, uuid.UUID] = field(default_factory=dict)  # by SKU
    branches: dict[str, uuid.UUID] = field(default_factory=dict)  # by code


async def stock_world(runtime: Runtime, world: World) -> Stock:
    stock = Stock()
    async with runtime.session_factory() as session:
        for sku in ("SKU-1", "SKU-2", "SKU-3", "SKU-4"):
            product = Product(
                supplier_id=world.supplier.id,
                sku=sku,
                name=f"Product {sku}",
                unit_of_sale=UnitOfSale.PIECE,
                lead_time_sd_days=0,
                version=1,
            )
            session.add(product)
            await session.flush()
            stock.products[sku] = product.id
        # a: SKU-1, SKU-2 shared, SKU-3 internal (its cost is the supplier's); SKU-4 nowhere.
        for sku, visibility, item in (
            ("SKU-1", Visibility.SHARED, "C-100"),
            ("SKU-2", Visibility.SHARED, "C-200"),
            ("SKU-3", Visibility.INTERNAL, "C-300"),
        ):
            session.add(
                AssortmentItem(
                    workspace_id=world.a.workspace.id,
                    product_id=stock.products[sku],
                    visibility=visibility,
                    customer_item_number=item,
                    version=1,
                )
            )
        session.add(
            AssortmentItem(
                workspace_id=world.b.workspace.id,
                product_id=stock.products["SKU-1"],
                customer_item_number="B-100",
                version=1,
            )
        )
        for account, codes in ((world.a, ("A-1", "A-2")), (world.b, ("B-1",))):
            district = Location(
                workspace_id=account.workspace.id,
                kind=LocationKind.DISTRICT,
                name="District",
                parent_id=account.region.id,
                version=1,
            )
            session.add(district)
            await session.flush()
            for code in codes:
                branch = Location(
                    workspace_id=account.workspace.id,
                    kind=LocationKind.BRANCH,
                    name=f"Branch {code}",
                    code=code,
                    parent_id=district.id,
                    version=1,
                )
                session.add(branch)
                await session.flush()
                stock.branches[code] = branch.id
        await session.commit()
    return stock


async def principal(runtime: Runtime, world: World, role: Role, account: str = "a") -> Principal:
    email = getattr(world, account).email(role)
    async with runtime.session_factory() as session:
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        return await principal_for_user(session, user=user)


def row(number: int, as_of: datetime | str, **values: Any) -> StockRowInput:
    defaults: dict[str, Any] = {"location_code": "A-1", "sku": "SKU-1", "on_hand": 10}
    return StockRowInput(row=number, as_of=as_of, **(defaults | values))
