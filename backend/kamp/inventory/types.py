"""GraphQL types of the catalogue, the assortment and stock policies. Nested fields go through
DataLoaders; what the viewer may not read (a product outside its assortment, the supplier's
cost and margin) resolves as null."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.models import Side
from kamp.accounts.types import LocationNode, UserNode, user_node
from kamp.coediting import access
from kamp.coediting.types import ViewerCan, WorkspaceElementNode
from kamp.graphql.context import Info
from kamp.graphql.relay import (
    Connection,
    Node,
    connection,
    node_loader,
    register_node,
    to_global_id,
)
from kamp.inventory import catalogue, loaders, models, policies
from kamp.pagination import PageArgs

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
UnitOfSale = models.UnitOfSale
strawberry.enum(UnitOfSale, description="The unit a product is sold in.")
PolicyMethod = models.PolicyMethod
strawberry.enum(
    PolicyMethod,
    description="MIN_MAX: reorder up to the max when at or below the min. REORDER_POINT: "
    "reorder when below the lead time's demand plus safety stock for the service level.",
)
ChangeStatus = models.ChangeStatus
strawberry.enum(ChangeStatus, description="Where a proposed parameter change stands.")
PolicyParameter = policies.PolicyParameter
strawberry.enum(PolicyParameter, description="A stock policy's parameter.")


@strawberry.type(
    name="Product",
    description="An article of the supplier's catalogue. Quantities are in base units (pieces).",
)
class ProductNode(Node):
    row: strawberry.Private[models.Product]

    @classmethod
    def of(cls, row: models.Product) -> ProductNode:
        return cls(id=to_global_id("Product", row.id), row=row)

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def sku(self) -> str:
        return self.row.sku

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def product_line(self) -> str:
        return self.row.product_line

    @strawberry.field
    def unit_of_sale(self) -> UnitOfSale:
        return self.row.unit_of_sale

    @strawberry.field(description="Base units per unit of sale: orders are multiples of it.")
    def pack_multiple(self) -> int:
        return self.row.pack_multiple

    @strawberry.field(description="The smallest order, in base units.")
    def min_order_qty(self) -> int:
        return self.row.min_order_qty

    @strawberry.field
    def lead_time_days(self) -> int:
        return self.row.lead_time_days

    @strawberry.field(description="The standard deviation of the lead time, in days.")
    def lead_time_sd_days(self) -> Decimal:
        return self.row.lead_time_sd_days

    @strawberry.field(description="False once the product is no longer sold.")
    def active(self) -> bool:
        return self.row.active

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.row.updated_at

    @strawberry.field(description="What the viewer may do: edit (supplier admins).")
    async def viewer_can(self, info: Info) -> ViewerCan:
        principal = await info.context.require_principal()
        may = catalogue.may_manage_catalogue(principal)
        return ViewerCan.of(access.Abilities(edit=may))


@strawberry.type(
    name="AssortmentItem",
    description="A product the key account buys. Cost and margin are the supplier's: null "
    "for the customer.",
)
class AssortmentItemNode(WorkspaceElementNode):
    row: strawberry.Private[models.AssortmentItem]

    @classmethod
    def of(cls, row: models.AssortmentItem) -> AssortmentItemNode:
        return cls(id=to_global_id("AssortmentItem", row.id), row=row)

    @strawberry.field
    async def product(self, info: Info) -> ProductNode | None:
        row = await loaders.products(info).load(self.row.product_id)
        return ProductNode.of(row) if row else None

    @strawberry.field(description="The customer's own number for the product.")
    def customer_item_number(self) -> str:
        return self.row.customer_item_number

    @strawberry.field(description="1 (served first) to 9.")
    def priority(self) -> int:
        return self.row.priority

    @strawberry.field(description="The supplier's cost per base unit; null for the customer.")
    async def cost(self, info: Info) -> Decimal | None:
        principal = await info.context.require_principal()
        return self.row.cost if catalogue.may_read_commercials(principal, self.row) else None

    @strawberry.field(description="The supplier's margin in percent; null for the customer.")
    async def margin_pct(self, info: Info) -> Decimal | None:
        principal = await info.context.require_principal()
        return self.row.margin_pct if catalogue.may_read_commercials(principal, self.row) else None


@strawberry.type(description="Which side owns a policy parameter: it alone sets it directly.")
class ParameterOwner:
    field: PolicyParameter
    side: Side


@strawberry.type(
    name="StockPolicy",
    description="When and how much a location reorders a product. Each parameter has an "
    "owner side; the other side proposes changes (proposeParameterChange).",
)
class StockPolicyNode(WorkspaceElementNode):
    row: strawberry.Private[models.StockPolicy]

    @classmethod
    def of(cls, row: models.StockPolicy) -> StockPolicyNode:
        return cls(id=to_global_id("StockPolicy", row.id), row=row)

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        row = await account_loaders.locations_by_id(info).load(self.row.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field
    async def product(self, info: Info) -> ProductNode | None:
        row = await loaders.products(info).load(self.row.product_id)
        return ProductNode.of(row) if row else None

    @strawberry.field
    def method(self) -> PolicyMethod:
        return self.row.method

    @strawberry.field(description="At or below it, a min/max policy reorders.")
    def min_qty(self) -> int | None:
        return self.row.min_qty

    @strawberry.field(description="The most the location holds: a min/max policy's target.")
    def max_qty(self) -> int | None:
        return self.row.max_qty

    @strawberry.field(description="The target cycle service level, above 0.5 up to 0.9999.")
    def service_level(self) -> Decimal:
        return self.row.service_level

    @strawberry.field
    def review_period_days(self) -> int:
        return self.row.review_period_days

    @strawberry.field(description="Null: the product's lead time applies.")
    def lead_time_days(self) -> int | None:
        return self.row.lead_time_days

    @strawberry.field(description="Null: the product's applies.")
    def lead_time_sd_days(self) -> Decimal | None:
        return self.row.lead_time_sd_days

    @strawberry.field(description="The days of demand the statistics read.")
    def demand_window_days(self) -> int:
        return self.row.demand_window_days

    @strawberry.field(description="Lines up to this quantity need no approval; null: all do.")
    def auto_approve_max_qty(self) -> int | None:
        return self.row.auto_approve_max_qty

    @strawberry.field
    def active(self) -> bool:
        return self.row.active

    @strawberry.field(description="Every parameter's owner side.")
    def owners(self) -> list[ParameterOwner]:
        return [
            ParameterOwner(field=parameter, side=side)
            for parameter, side in policies.owners_of(self.row).items()
        ]

    @strawberry.field(
        description="The parameters the viewer may set directly (its side owns them and it "
        "may plan); it proposes changes of the others."
    )
    async def viewer_owns(self, info: Info) -> list[PolicyParameter]:
        principal = await info.context.require_principal()
        if not policies.may_plan(principal, self.row):
            return []
        return policies.owned_by(principal, self.row)

    @strawberry.field(description="Whether the viewer may propose changes of the others'.")
    async def viewer_can_propose(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return policies.may_plan(principal, self.row)

    @strawberry.field(description="Whether the viewer may reassign owners (the KAM).")
    async def viewer_can_reassign_owners(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return policies.may_reassign_owners(principal, self.row)

    @strawberry.field(description="Proposed changes of this policy, newest first.")
    async def parameter_changes(
        self,
        info: Info,
        status: ChangeStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ParameterChangeNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.changes_of(info, page, status).load(self.row.id)
        return connection(result, ParameterChangeNode.of)


@strawberry.type(
    name="ParameterChange",
    description="A side's proposal to change a policy parameter the other side owns.",
)
class ParameterChangeNode(WorkspaceElementNode):
    row: strawberry.Private[models.ParameterChange]

    @classmethod
    def of(cls, row: models.ParameterChange) -> ParameterChangeNode:
        return cls(id=to_global_id("ParameterChange", row.id), row=row)

    @strawberry.field
    async def policy(self, info: Info) -> StockPolicyNode | None:
        row = await loaders.policies_by_id(info).load(self.row.policy_id)
        return StockPolicyNode.of(row) if row else None

    @strawberry.field
    def field(self) -> PolicyParameter:
        return PolicyParameter(self.row.field)

    @strawberry.field(description="As text (a number or a method); null empties the parameter.")
    def proposed_value(self) -> str | None:
        return policies.as_text(self.row.proposed_value)

    @strawberry.field(description="The parameter's value now, as text.")
    async def current_value(self, info: Info) -> str | None:
        row = await loaders.policies_by_id(info).load(self.row.policy_id)
        return policies.as_text(getattr(row, self.row.field)) if row else None

    @strawberry.field
    def reason(self) -> str:
        return self.row.reason

    @strawberry.field
    def status(self) -> ChangeStatus:
        return self.row.status

    @strawberry.field
    async def proposed_by(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.proposed_by_id)

    @strawberry.field
    async def decided_by(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.decided_by_id)

    @strawberry.field
    def decided_at(self) -> datetime | None:
        return self.row.decided_at

    @strawberry.field(description="Whether the viewer may accept or refuse it (the owner side).")
    async def viewer_can_decide(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        policy = await loaders.policies_by_id(info).load(self.row.policy_id)
        return policies.may_decide(principal, self.row, policy)


register_node("Product", node_loader(loaders.products, ProductNode.of))
register_node("AssortmentItem", node_loader(loaders.assortment_items, AssortmentItemNode.of))
register_node("StockPolicy", node_loader(loaders.policies_by_id, StockPolicyNode.of))
register_node("ParameterChange", node_loader(loaders.changes, ParameterChangeNode.of))
