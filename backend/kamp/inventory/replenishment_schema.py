"""Queries and mutations of replenishment: thin, they decode input and call the use cases
(proposals.py, orders.py). The customer's approvers decide proposals; the supplier's side moves
orders on and runs an evaluation now; everyone of the workspace who reads inventory reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from kamp.errors import Conflict, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import mutate, service_mutation
from kamp.graphql.relay import Connection, connection, decode_id, query_id, to_global_id
from kamp.inventory import orders, proposals
from kamp.inventory.proposals import Run
from kamp.inventory.replenishment_types import (
    Decision,
    OrderNode,
    OrderStatus,
    ProposalStatus,
    ReplenishmentProposalNode,
)
from kamp.pagination import PageArgs


def _optional(value: str | None, expected: str, field: str) -> uuid.UUID | None:
    return query_id(value, expected, field=field) if value is not None else None


@strawberry.type
class ReplenishmentQuery:
    @strawberry.field(description="A workspace's replenishment proposals, newest first.")
    async def replenishment_proposals(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        status: ProposalStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ReplenishmentProposalNode]:
        page = PageArgs.parse(first, after)
        result = await proposals.list_proposals(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=query_id(workspace_id, "Workspace", field="workspaceId"),
            page=page,
            location_id=_optional(location_id, "Location", "locationId"),
            status=status,
        )
        return connection(result, ReplenishmentProposalNode.of)

    @strawberry.field(description="A workspace's replenishment orders, newest first.")
    async def orders(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        status: OrderStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OrderNode]:
        page = PageArgs.parse(first, after)
        result = await orders.list_orders(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=query_id(workspace_id, "Workspace", field="workspaceId"),
            page=page,
            location_id=_optional(location_id, "Location", "locationId"),
            status=status,
        )
        return connection(result, OrderNode.of)


# --- deciding a proposal --------------------------------------------------------------------


@strawberry.input(description="The customer's decision on one waiting line.")
class LineDecisionInput:
    line_id: strawberry.ID = strawberry.field(description="A ProposalLine of the proposal.")
    decision: Decision
    quantity: int | None = strawberry.field(
        default=None, description="MODIFY only: the quantity to order instead, at least 1."
    )


@strawberry.input(description="Decide every waiting line of a proposal at once.")
class DecideProposalInput:
    id: strawberry.ID
    version: int
    lines: list[LineDecisionInput]


@strawberry.type(description="What the arithmetic would not have ordered for one line.")
class LineWarnings:
    line_id: strawberry.ID
    messages: list[str]


@strawberry.type
class DecideProposalPayload:
    proposal: ReplenishmentProposalNode | None = strawberry.field(
        default=None, description="The proposal decided; the current one on a CONFLICT."
    )
    order: OrderNode | None = strawberry.field(
        default=None, description="The order of the approved lines; null if none was."
    )
    warnings: list[LineWarnings] = strawberry.field(
        default_factory=list,
        description="Per modified line, what the arithmetic would not have ordered (not whole "
        "packs, below the minimum order, above the max): the quantity stands.",
    )
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _decisions(lines: Sequence[LineDecisionInput]) -> list[proposals.LineDecision]:
    return [
        proposals.LineDecision(
            line_id=decode_id(line.line_id, "ProposalLine", field="lines"),
            decision=line.decision,
            quantity=line.quantity,
        )
        for line in lines
    ]


# --- moving orders on -----------------------------------------------------------------------


@strawberry.input
class OrderVersionInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="A quantity for one line of the order.")
class OrderLineQuantityInput:
    line_id: strawberry.ID = strawberry.field(description="An OrderLine of the order.")
    quantity: int


@strawberry.input(description="Lines left out ship their ordered quantity.")
class ShipOrderInput:
    id: strawberry.ID
    version: int
    shipped_quantities: list[OrderLineQuantityInput] | None = None
    shipped_at: datetime | None = strawberry.field(default=None, description="Default: now.")
    expected_delivery: date | None = None


@strawberry.input(description="Lines left out arrive as shipped.")
class DeliverOrderInput:
    id: strawberry.ID
    version: int
    delivered_quantities: list[OrderLineQuantityInput] | None = None
    delivered_at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.input
class InvoiceOrderInput:
    id: strawberry.ID
    version: int
    invoice_number: str = strawberry.field(description="1 to 64 characters.")
    invoice_amount: Decimal = strawberry.field(description="Rounded to cents; not negative.")
    invoice_currency: str = strawberry.field(description="ISO 4217, e.g. EUR.")
    invoice_due: date


@strawberry.input
class MarkOrderPaidInput:
    id: strawberry.ID
    version: int
    paid_at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.type
class OrderPayload:
    order: OrderNode | None = strawberry.field(
        default=None, description="The order moved on; the current one on a CONFLICT."
    )
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _quantities(
    lines: Sequence[OrderLineQuantityInput] | None, field: str
) -> dict[uuid.UUID, int] | None:
    if lines is None:
        return None
    found: dict[uuid.UUID, int] = {}
    for line in lines:
        line_id = decode_id(line.line_id, "OrderLine", field=field)
        if line_id in found:
            raise UserError(field, "A line is given twice.", ErrorCode.INVALID)
        found[line_id] = line.quantity
    return found


def _shipped(info: Info, input: ShipOrderInput) -> dict[str, Any]:
    return {"shipped_quantities": _quantities(input.shipped_quantities, "shippedQuantities")}


def _delivered(info: Info, input: DeliverOrderInput) -> dict[str, Any]:
    return {"delivered_quantities": _quantities(input.delivered_quantities, "deliveredQuantities")}


# --- running an evaluation ------------------------------------------------------------------


@strawberry.input
class EvaluateReplenishmentInput:
    workspace_id: strawberry.ID


@strawberry.type(description="What one evaluation wrote.")
class ReplenishmentEvaluation:
    run_key: str = strawberry.field(
        description="manual:<minute>: a second run in the same minute writes nothing twice."
    )
    policies: int = strawberry.field(description="Policies that asked for an order.")
    proposals: int = strawberry.field(description="Proposals written (one per location).")
    lines: int = strawberry.field(description="Lines written (a waiting policy gets none).")
    auto_approved: int = strawberry.field(description="Lines approved without the customer.")
    orders: int = strawberry.field(description="Orders placed for auto-approved lines.")

    @classmethod
    def of(cls, run: Run) -> ReplenishmentEvaluation:
        result = run.result
        return cls(
            run_key=run.run_key,
            policies=result.policies,
            proposals=result.proposals,
            lines=result.lines,
            auto_approved=result.auto_approved,
            orders=result.orders,
        )


@strawberry.type
class EvaluateReplenishmentPayload:
    evaluation: ReplenishmentEvaluation | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


_ORDER = {"id": "Order"}
_RENAME = {"id": "order_id"}


@strawberry.type
class ReplenishmentMutation:
    @strawberry.mutation(
        description="The customer's approvers decide every waiting line of an open proposal "
        "at once: approved and modified lines become one order. A stale version is a "
        "CONFLICT carrying the current proposal."
    )
    async def decide_proposal(
        self, info: Info, input: DecideProposalInput
    ) -> DecideProposalPayload:
        async def run() -> DecideProposalPayload:
            proposal_id = decode_id(input.id, "ReplenishmentProposal")
            principal = await info.context.require_principal()
            session = info.context.session
            try:
                decided = await proposals.decide_proposal(
                    session,
                    principal=principal,
                    proposal_id=proposal_id,
                    version=input.version,
                    lines=_decisions(input.lines),
                )
            except Conflict as conflict:
                if conflict.current is None:
                    # Someone decided it while this request was writing: this request changes
                    # nothing (its transaction is over), and shows the proposal as it is now.
                    await session.rollback()
                    found = await proposals.get_proposals(
                        session, principal=principal, ids=[proposal_id]
                    )
                    conflict.current = found.get(proposal_id)
                raise
            return DecideProposalPayload(
                proposal=ReplenishmentProposalNode.of(decided.proposal),
                order=OrderNode.of(decided.order) if decided.order else None,
                warnings=[
                    LineWarnings(line_id=to_global_id("ProposalLine", line_id), messages=found)
                    for line_id, found in decided.warnings.items()
                ],
            )

        return await mutate(
            info,
            run,
            payload=DecideProposalPayload,
            field="proposal",
            node=ReplenishmentProposalNode.of,
        )

    confirm_order = service_mutation(
        orders.confirm_order,
        description="The supplier confirms a placed order.",
        input=OrderVersionInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename=_RENAME,
    )
    ship_order = service_mutation(
        orders.ship_order,
        description="The supplier ships a confirmed order: each line's quantity, when, and "
        "when it should arrive.",
        input=ShipOrderInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename=_RENAME,
        extra=_shipped,
    )
    deliver_order = service_mutation(
        orders.deliver_order,
        description="A shipped order arrived: each line's quantity, and when.",
        input=DeliverOrderInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename=_RENAME,
        extra=_delivered,
    )
    invoice_order = service_mutation(
        orders.invoice_order,
        description="The supplier invoices a delivered order.",
        input=InvoiceOrderInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename={
            **_RENAME,
            "invoice_number": "number",
            "invoice_amount": "amount",
            "invoice_currency": "currency",
            "invoice_due": "due",
        },
    )
    mark_order_paid = service_mutation(
        orders.mark_order_paid,
        description="The invoice of an order is paid.",
        input=MarkOrderPaidInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename=_RENAME,
    )
    cancel_order = service_mutation(
        orders.cancel_order,
        description="Cancel an order not shipped yet.",
        input=OrderVersionInput,
        payload=OrderPayload,
        field="order",
        node=OrderNode.of,
        ids=_ORDER,
        rename=_RENAME,
    )
    evaluate_replenishment = service_mutation(
        proposals.evaluate_now,
        description="The supplier's planners (inventory planning, on the supplier's side) "
        "evaluate a workspace's stock policies now, as the hourly run does.",
        input=EvaluateReplenishmentInput,
        payload=EvaluateReplenishmentPayload,
        field="evaluation",
        node=ReplenishmentEvaluation.of,
        ids={"workspace_id": "Workspace"},
    )
