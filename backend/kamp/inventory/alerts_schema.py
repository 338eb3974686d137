"""GraphQL of stock alerts: what is wrong with a workspace's stock now, for the stock board
and the weekly call's "supply and stock" item."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import LocationNode
from kamp.actions import loaders as action_loaders
from kamp.graphql.context import Info
from kamp.graphql.relay import query_id
from kamp.inventory import alerts, loaders
from kamp.inventory.models import AlertKind as AlertKindModel
from kamp.inventory.models import Product, StockAlert
from kamp.inventory.types import ProductNode

if TYPE_CHECKING:
    from kamp.actions.types import ActionItemNode

# Action items' types name meetings', which name this: resolved lazily.
LazyActionItem = Annotated["ActionItemNode", strawberry.lazy("kamp.actions.types")]

AlertKind = strawberry.enum(AlertKindModel, name="StockAlertKind")


@strawberry.type(
    name="StockAlert",
    description="A stock problem while it lasts: a product heading for a stock-out, overstock, "
    "or a location whose stock reports stopped.",
)
class StockAlertType:
    row: strawberry.Private[StockAlert]

    @strawberry.field
    def kind(self) -> AlertKind:  # type: ignore[valid-type]  # strawberry.enum value
        return self.row.kind

    @strawberry.field(description="When it was raised.")
    def raised_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        row = await account_loaders.locations_by_id(info).load(self.row.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field(description="The product; null for a location's stale data.")
    async def product(self, info: Info) -> ProductNode | None:
        product = await _product(info, self.row.product_id)
        return ProductNode.of(product) if product else None

    @strawberry.field(description="The product's SKU; null for a location's stale data.")
    async def sku(self, info: Info) -> str | None:
        product = await _product(info, self.row.product_id)
        return product.sku if product else None

    @strawberry.field(description="The product's name; null for a location's stale data.")
    async def product_name(self, info: Info) -> str | None:
        product = await _product(info, self.row.product_id)
        return product.name if product else None

    @strawberry.field(description="On hand + in transit + on order - committed, when raised.")
    def inventory_position(self) -> int | None:
        return self.row.figures.get("inventoryPosition")

    @strawberry.field(description="Average daily demand times the lead time, for a stock-out risk.")
    def lead_time_demand(self) -> float | None:
        return self.row.figures.get("leadTimeDemand")

    @strawberry.field(description="The policy's maximum, for overstock.")
    def max_qty(self) -> int | None:
        return self.row.figures.get("maxQty")

    @strawberry.field(description="The location's last report, for stale data.")
    def last_report(self) -> datetime | None:
        value = self.row.figures.get("lastReport")
        return datetime.fromisoformat(value) if value else None

    @strawberry.field(description="The action item it opened, if the viewer may see it.")
    async def action_item(self, info: Info) -> LazyActionItem | None:
        from kamp.actions.types import ActionItemNode

        if self.row.action_item_id is None:
            return None
        row = await action_loaders.action_items(info).load(self.row.action_item_id)
        return ActionItemNode.of(row) if row else None


async def _product(info: Info, product_id: uuid.UUID | None) -> Product | None:
    """Through the catalogue's loader: one query for every alert of the request."""
    if product_id is None:
        return None
    return await loaders.products(info).load(product_id)


def alert_types(rows: list[StockAlert]) -> list[StockAlertType]:
    return [StockAlertType(row=row) for row in rows]


@strawberry.type
class StockAlertsQuery:
    @strawberry.field(description="The workspace's open stock alerts, oldest first.")
    async def stock_alerts(self, info: Info, workspace_id: strawberry.ID) -> list[StockAlertType]:
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        rows = await alerts.open_alerts(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
        )
        return alert_types(rows)
