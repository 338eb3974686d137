"""GraphQL types of replenishment: proposals whose lines explain their arithmetic, and the
orders they become. Nested fields go through DataLoaders (no query per item); what the viewer
may not read (a product outside its assortment, an internal policy) resolves as null."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import LocationNode, UserNode, user_node
from kamp.coediting.types import WorkspaceElementNode
from kamp.graphql.context import Info
from kamp.graphql.relay import Connection, connection, node_loader, register_node, to_global_id
from kamp.inventory import arithmetic, models, orders, proposals
from kamp.inventory import loaders as inventory_loaders
from kamp.inventory import replenishment_loaders as loaders
from kamp.inventory.types import PolicyMethod, ProductNode, StockPolicyNode
from kamp.pagination import PageArgs

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
ProposalStatus = models.ProposalStatus
strawberry.enum(
    ProposalStatus,
    description="OPEN: lines wait for the customer. DECIDED: every line is decided.",
)
LineStatus = models.LineStatus
strawberry.enum(
    LineStatus,
    name="ProposalLineStatus",
    description="PROPOSED: waiting. APPROVED as proposed, MODIFIED (another quantity), "
    "REJECTED, or AUTO_APPROVED (up to the policy's auto-approval quantity).",
)
OrderStatus = models.OrderStatus
strawberry.enum(
    OrderStatus,
    description="PLACED -> CONFIRMED -> SHIPPED -> DELIVERED -> INVOICED; PLACED or CONFIRMED "
    "-> CANCELLED.",
)
OrderOrigin = models.OrderOrigin
strawberry.enum(
    OrderOrigin,
    description="APPROVED: the customer's decision on a proposal. AUTO: lines up to the "
    "policy's auto-approval quantity.",
)
Decision = proposals.Decision
strawberry.enum(
    Decision,
    name="LineDecision",
    description="APPROVE the proposed quantity, MODIFY it (give the quantity), or REJECT.",
)


# --- the explanation of a line --------------------------------------------------------------


@strawberry.type(description="One figure the arithmetic read (a stock figure, a parameter).")
class ExplanationFigure:
    name: str = strawberry.field(description="e.g. on_hand, demand_mean, pack_multiple.")
    value: JSON | None = strawberry.field(description="A number, a text or null, as read.")


@strawberry.type(description="One step of the arithmetic: its formula and what it gave.")
class ExplanationStep:
    name: str = strawberry.field(description="e.g. inventory_position, safety_stock, need.")
    formula: str
    value: JSON | None = strawberry.field(description="A number, or true/false for a trigger.")


@strawberry.type(description="What the customer ordered instead, and what the arithmetic says.")
class ExplanationDecision:
    quantity: int
    warnings: list[str] = strawberry.field(
        description="What the arithmetic would not have ordered (not whole packs, below the "
        "minimum order, above the location's max); the quantity stands."
    )


@strawberry.type(
    name="LineExplanation",
    description="Every input and step of a line's arithmetic, each step with its formula: "
    "what the quantity comes from.",
)
class LineExplanation:
    stored: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, stored: dict[str, Any]) -> LineExplanation:
        return cls(stored=arithmetic.with_formulas(stored))

    @strawberry.field
    def method(self) -> PolicyMethod | None:
        method = self.stored.get("method")
        known = {m.value for m in PolicyMethod}
        return PolicyMethod(method) if isinstance(method, str) and method in known else None

    @strawberry.field(description="The figures read, in the order the arithmetic reads them.")
    def inputs(self) -> list[ExplanationFigure]:
        return [
            ExplanationFigure(name=name, value=JSON(value))
            for name, value in (self.stored.get("inputs") or {}).items()
        ]

    @strawberry.field(description="The steps, in the order computed.")
    def steps(self) -> list[ExplanationStep]:
        return [
            ExplanationStep(
                name=step["name"], formula=step.get("formula", ""), value=JSON(step.get("value"))
            )
            for step in self.stored.get("steps") or []
        ]

    @strawberry.field(description="The quantity proposed, in base units.")
    def quantity(self) -> int:
        return int(self.stored.get("quantity") or 0)

    @strawberry.field(
        description="Why the line orders less than its need: capped_by_max (cut to the whole "
        "packs that fit under the location's max) or blocked_by_max (nothing fits); null "
        "when it orders what it needs."
    )
    def note(self) -> str | None:
        return self.stored.get("note")

    @strawberry.field(description="How long what is on hand lasts at the mean demand.")
    def days_of_supply(self) -> float | None:
        return self.stored.get("days_of_supply")

    @strawberry.field(description="When what is on hand runs out at the mean demand.")
    def stockout_date(self) -> date | None:
        value = self.stored.get("stockout_date")
        return date.fromisoformat(value) if value else None

    @strawberry.field(description="The customer's modified quantity and its warnings, if any.")
    def decision(self) -> ExplanationDecision | None:
        decided = self.stored.get("decision")
        if not decided:
            return None
        return ExplanationDecision(
            quantity=int(decided["quantity"]), warnings=list(decided.get("warnings") or [])
        )


# --- proposals ------------------------------------------------------------------------------


@strawberry.type(
    name="ReplenishmentProposal",
    description="What one evaluation proposes for one location: the customer decides its "
    "lines at once (decideProposal).",
)
class ReplenishmentProposalNode(WorkspaceElementNode):
    row: strawberry.Private[models.ReplenishmentProposal]

    @classmethod
    def of(cls, row: models.ReplenishmentProposal) -> ReplenishmentProposalNode:
        return cls(id=to_global_id("ReplenishmentProposal", row.id), row=row)

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        row = await account_loaders.locations_by_id(info).load(self.row.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field
    def status(self) -> ProposalStatus:
        return self.row.status

    @strawberry.field(description="The evaluation that wrote it: hourly:<hour> or manual:<minute>.")
    def run_key(self) -> str:
        return self.row.run_key

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def decided_by(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.decided_by_id)

    @strawberry.field
    def decided_at(self) -> datetime | None:
        return self.row.decided_at

    @strawberry.field(description="Its lines, in the order written.")
    async def lines(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProposalLineNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.lines_of_proposals(info, page).load(self.row.id)
        return connection(result, ProposalLineNode.of)

    @strawberry.field(
        description="The orders it gave: the customer's approved lines, and any lines "
        "approved automatically (at most one of each origin)."
    )
    async def orders(self, info: Info) -> list[OrderNode]:
        rows = await loaders.orders_of_proposals(info).load(self.row.id)
        return [OrderNode.of(row) for row in rows or []]

    @strawberry.field(
        description="Whether the viewer may decide it now (the customer's approvers, while "
        "it is open)."
    )
    async def viewer_can_decide(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return proposals.may_decide(principal, self.row)


@strawberry.type(
    name="ProposalLine",
    description="One product to reorder at the proposal's location, with the arithmetic "
    "that gave its quantity. Quantities are in base units (pieces).",
)
class ProposalLineNode(WorkspaceElementNode):
    row: strawberry.Private[models.ProposalLine]

    @classmethod
    def of(cls, row: models.ProposalLine) -> ProposalLineNode:
        return cls(id=to_global_id("ProposalLine", row.id), row=row)

    @strawberry.field
    async def proposal(self, info: Info) -> ReplenishmentProposalNode | None:
        row = await loaders.proposals_by_id(info).load(self.row.proposal_id)
        return ReplenishmentProposalNode.of(row) if row else None

    @strawberry.field
    async def product(self, info: Info) -> ProductNode | None:
        row = await inventory_loaders.products(info).load(self.row.product_id)
        return ProductNode.of(row) if row else None

    @strawberry.field(description="The policy it applies; null if the viewer may not see it.")
    async def policy(self, info: Info) -> StockPolicyNode | None:
        row = await inventory_loaders.policies_by_id(info).load(self.row.policy_id)
        return StockPolicyNode.of(row) if row else None

    @strawberry.field(description="What the arithmetic proposes (0: blocked by the max).")
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field(description="What was approved (as proposed or modified); null otherwise.")
    def approved_quantity(self) -> int | None:
        return self.row.approved_quantity

    @strawberry.field
    def status(self) -> LineStatus:
        return self.row.status

    @strawberry.field
    async def decided_by(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.decided_by_id)

    @strawberry.field
    def decided_at(self) -> datetime | None:
        return self.row.decided_at

    @strawberry.field
    def explanation(self) -> LineExplanation:
        return LineExplanation.of(self.row.explanation)

    @strawberry.field(description="Whether the viewer may decide it now (with its proposal).")
    async def viewer_can_decide(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return proposals.may_decide_line(principal, self.row)


# --- orders ---------------------------------------------------------------------------------


@strawberry.type(
    name="Order",
    description="Approved lines on their way: the supplier moves it on, the customer reads it.",
)
class OrderNode(WorkspaceElementNode):
    row: strawberry.Private[models.Order]

    @classmethod
    def of(cls, row: models.Order) -> OrderNode:
        return cls(id=to_global_id("Order", row.id), row=row)

    @strawberry.field(description="PO-000001 and on, per workspace.")
    def number(self) -> str:
        return self.row.number

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        row = await account_loaders.locations_by_id(info).load(self.row.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field
    async def proposal(self, info: Info) -> ReplenishmentProposalNode | None:
        if self.row.proposal_id is None:
            return None
        row = await loaders.proposals_by_id(info).load(self.row.proposal_id)
        return ReplenishmentProposalNode.of(row) if row else None

    @strawberry.field
    def status(self) -> OrderStatus:
        return self.row.status

    @strawberry.field
    def origin(self) -> OrderOrigin:
        return self.row.origin

    @strawberry.field(description="The highest priority of its products: 1 is served first.")
    def priority(self) -> int:
        return self.row.priority

    @strawberry.field
    def placed_at(self) -> datetime:
        return self.row.placed_at

    @strawberry.field
    def confirmed_at(self) -> datetime | None:
        return self.row.confirmed_at

    @strawberry.field
    def shipped_at(self) -> datetime | None:
        return self.row.shipped_at

    @strawberry.field
    def expected_delivery(self) -> date | None:
        return self.row.expected_delivery

    @strawberry.field
    def delivered_at(self) -> datetime | None:
        return self.row.delivered_at

    @strawberry.field
    def invoice_number(self) -> str | None:
        return self.row.invoice_number

    @strawberry.field
    def invoice_amount(self) -> Decimal | None:
        return self.row.invoice_amount

    @strawberry.field(description="ISO 4217, e.g. EUR.")
    def invoice_currency(self) -> str | None:
        return self.row.invoice_currency

    @strawberry.field
    def invoice_due(self) -> date | None:
        return self.row.invoice_due

    @strawberry.field
    def paid_at(self) -> datetime | None:
        return self.row.paid_at

    @strawberry.field(description="Its lines, in the order written.")
    async def lines(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OrderLineNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.lines_of_orders(info, page).load(self.row.id)
        return connection(result, OrderLineNode.of)

    @strawberry.field(
        description="The statuses the viewer may move it to now (confirmOrder, shipOrder, "
        "deliverOrder, invoiceOrder, cancelOrder); empty for the customer."
    )
    async def next_statuses(self, info: Info) -> list[OrderStatus]:
        principal = await info.context.require_principal()
        return orders.next_statuses(principal, self.row)

    @strawberry.field(description="Whether the viewer may move it on (the supplier's side).")
    async def viewer_can_move(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return bool(orders.next_statuses(principal, self.row))

    @strawberry.field(description="Whether the viewer may mark its invoice paid now.")
    async def viewer_can_mark_paid(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        return orders.may_mark_paid(principal, self.row)


@strawberry.type(name="OrderLine", description="A product of an order, in base units (pieces).")
class OrderLineNode(WorkspaceElementNode):
    row: strawberry.Private[models.OrderLine]

    @classmethod
    def of(cls, row: models.OrderLine) -> OrderLineNode:
        return cls(id=to_global_id("OrderLine", row.id), row=row)

    @strawberry.field
    async def order(self, info: Info) -> OrderNode | None:
        row = await loaders.orders_by_id(info).load(self.row.order_id)
        return OrderNode.of(row) if row else None

    @strawberry.field
    async def product(self, info: Info) -> ProductNode | None:
        row = await inventory_loaders.products(info).load(self.row.product_id)
        return ProductNode.of(row) if row else None

    @strawberry.field(description="The proposal line it comes from.")
    async def proposal_line(self, info: Info) -> ProposalLineNode | None:
        if self.row.proposal_line_id is None:
            return None
        row = await loaders.proposal_lines(info).load(self.row.proposal_line_id)
        return ProposalLineNode.of(row) if row else None

    @strawberry.field(description="What was ordered.")
    def quantity(self) -> int:
        return self.row.quantity

    @strawberry.field(description="What was shipped; null until the order is.")
    def shipped_quantity(self) -> int | None:
        return self.row.shipped_quantity

    @strawberry.field(description="What arrived; null until the order is delivered.")
    def delivered_quantity(self) -> int | None:
        return self.row.delivered_quantity


register_node(
    "ReplenishmentProposal", node_loader(loaders.proposals_by_id, ReplenishmentProposalNode.of)
)
register_node("ProposalLine", node_loader(loaders.proposal_lines, ProposalLineNode.of))
register_node("Order", node_loader(loaders.orders_by_id, OrderNode.of))
register_node("OrderLine", node_loader(loaders.order_lines, OrderLineNode.of))
