"""Queries and mutations of the catalogue, the assortment and stock policies: thin, they decode
input and call the use cases (catalogue.py, policies.py)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from kamp.accounts.models import Side
from kamp.coediting.types import Visibility
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, query_id
from kamp.inventory import catalogue, policies
from kamp.inventory.types import (
    AssortmentItemNode,
    ChangeStatus,
    ParameterChangeNode,
    PolicyMethod,
    PolicyParameter,
    ProductNode,
    StockPolicyNode,
    UnitOfSale,
)
from kamp.pagination import PageArgs


def _workspace(workspace_id: str) -> uuid.UUID:
    return query_id(workspace_id, "Workspace", field="workspaceId")


def _optional(value: str | None, expected: str, field: str) -> uuid.UUID | None:
    return query_id(value, expected, field=field) if value is not None else None


@strawberry.type
class InventoryQuery:
    @strawberry.field(
        description="The supplier's catalogue, oldest first: all of it for the supplier's "
        "people, the account's assortment for a customer."
    )
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        product_line: str | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="A part of the SKU or the name.")
        ] = None,
        active: bool | None = None,
    ) -> Connection[ProductNode]:
        page = PageArgs.parse(first, after)
        result = await catalogue.list_products(
            info.context.session,
            principal=await info.context.require_principal(),
            page=page,
            product_line=product_line,
            search=search,
            active=active,
        )
        return connection(result, ProductNode.of)

    @strawberry.field(description="The products a key account buys, in the order added.")
    async def assortment(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        product_line: str | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="A part of the SKU or the name.")
        ] = None,
    ) -> Connection[AssortmentItemNode]:
        page = PageArgs.parse(first, after)
        result = await catalogue.list_assortment(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=_workspace(workspace_id),
            page=page,
            product_line=product_line,
            search=search,
        )
        return connection(result, AssortmentItemNode.of)

    @strawberry.field(description="A workspace's stock policies, oldest first.")
    async def stock_policies(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        product_id: strawberry.ID | None = None,
        active: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StockPolicyNode]:
        page = PageArgs.parse(first, after)
        workspace = _workspace(workspace_id)
        result = await policies.list_policies(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            location_id=_optional(location_id, "Location", "locationId"),
            product_id=_optional(product_id, "Product", "productId"),
            active=active,
        )
        return connection(result, StockPolicyNode.of)

    @strawberry.field(description="Proposed changes of a workspace's policies, newest first.")
    async def parameter_changes(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        status: ChangeStatus | None = None,
        policy_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ParameterChangeNode]:
        page = PageArgs.parse(first, after)
        workspace = _workspace(workspace_id)
        result = await policies.list_changes(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            status=status,
            policy_id=_optional(policy_id, "StockPolicy", "policyId"),
        )
        return connection(result, ParameterChangeNode.of)


# --- catalogue ------------------------------------------------------------------------------


@strawberry.input
class CreateProductInput:
    sku: str = strawberry.field(description="1 to 64 characters, unique in the catalogue.")
    name: str
    unit_of_sale: UnitOfSale = UnitOfSale.PIECE
    product_line: str = ""
    pack_multiple: int = strawberry.field(default=1, description="Base units per unit of sale.")
    min_order_qty: int = strawberry.field(default=1, description="In base units.")
    lead_time_days: int = strawberry.field(default=7, description="0 to 365.")
    lead_time_sd_days: Decimal = Decimal(0)


@strawberry.input
class UpdateProductInput:
    id: strawberry.ID
    version: int
    sku: str | None = None
    name: str | None = None
    unit_of_sale: UnitOfSale | None = None
    product_line: str | None = None
    pack_multiple: int | None = None
    min_order_qty: int | None = None
    lead_time_days: int | None = None
    lead_time_sd_days: Decimal | None = None
    active: bool | None = strawberry.field(default=None, description="False: no longer sold.")


@strawberry.type
class ProductPayload:
    product: ProductNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


# --- assortment -----------------------------------------------------------------------------


@strawberry.input
class AddAssortmentItemInput:
    workspace_id: strawberry.ID
    product_id: strawberry.ID
    customer_item_number: str = ""
    priority: int = strawberry.field(default=3, description="1 (served first) to 9.")
    cost: Decimal | None = strawberry.field(default=None, description="Internal.")
    margin_pct: Decimal | None = strawberry.field(default=None, description="Internal.")
    visibility: Visibility | None = strawberry.field(
        default=None, description="SHARED unless the KAM keeps the item internal."
    )


@strawberry.input
class UpdateAssortmentItemInput:
    id: strawberry.ID
    version: int
    customer_item_number: str | None = strawberry.field(
        default=None, description="The one field the customer changes."
    )
    priority: int | None = None
    cost: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Internal; null clears it."
    )
    margin_pct: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="Internal; null clears it."
    )
    visibility: Visibility | None = None


@strawberry.input
class AssortmentItemIdInput:
    id: strawberry.ID


@strawberry.type
class AssortmentItemPayload:
    item: AssortmentItemNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class RemoveAssortmentItemPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


# --- stock policies -------------------------------------------------------------------------

_OWNED = "Only parameters your side owns (see viewerOwns); propose the others' changes."


@strawberry.input(description=f"A new policy. {_OWNED}")
class CreateStockPolicyInput:
    workspace_id: strawberry.ID
    location_id: strawberry.ID
    product_id: strawberry.ID = strawberry.field(description="A product of the assortment.")
    method: PolicyMethod | None = None
    min_qty: int | None = None
    max_qty: int | None = None
    service_level: Decimal | None = None
    review_period_days: int | None = None
    lead_time_days: int | None = None
    lead_time_sd_days: Decimal | None = None
    demand_window_days: int | None = None
    auto_approve_max_qty: int | None = None


@strawberry.input(description=f"Left out: unchanged; null empties a parameter. {_OWNED}")
class UpdateStockPolicyInput:
    id: strawberry.ID
    version: int
    method: PolicyMethod | None = None
    min_qty: int | None = strawberry.UNSET
    max_qty: int | None = strawberry.UNSET
    service_level: Decimal | None = None
    review_period_days: int | None = None
    lead_time_days: int | None = strawberry.UNSET
    lead_time_sd_days: Decimal | None = strawberry.UNSET
    demand_window_days: int | None = None
    auto_approve_max_qty: int | None = strawberry.UNSET


@strawberry.input
class ParameterOwnerInput:
    field: PolicyParameter
    side: Side


@strawberry.input(description="The KAM reassigns owners; parameters not named keep theirs.")
class SetStockPolicyOwnersInput:
    id: strawberry.ID
    version: int
    owners: list[ParameterOwnerInput]


@strawberry.input
class StockPolicyVersionInput:
    id: strawberry.ID
    version: int


@strawberry.type
class StockPolicyPayload:
    policy: StockPolicyNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class ProposeParameterChangeInput:
    policy_id: strawberry.ID
    parameter: PolicyParameter = strawberry.field(description="One the other side owns.")
    value: str | None = strawberry.field(
        description="A whole number, a decimal (serviceLevel, leadTimeSdDays) or a method; "
        "null empties a parameter that may be empty."
    )
    reason: str = ""


@strawberry.input
class ParameterChangeIdInput:
    id: strawberry.ID


@strawberry.type
class ParameterChangePayload:
    change: ParameterChangeNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _owners(info: Info, input: SetStockPolicyOwnersInput) -> dict[str, Any]:
    return {"owners": [(owner.field, owner.side) for owner in input.owners]}


@strawberry.type
class InventoryMutation:
    create_product = service_mutation(
        catalogue.create_product,
        description="Add a product to the supplier's catalogue (supplier admins).",
        input=CreateProductInput,
        payload=ProductPayload,
        field="product",
        node=ProductNode.of,
    )
    update_product = service_mutation(
        catalogue.update_product,
        description="Change a product of the catalogue (supplier admins).",
        input=UpdateProductInput,
        payload=ProductPayload,
        field="product",
        node=ProductNode.of,
        ids={"id": "Product"},
        rename={"id": "product_id"},
    )
    add_assortment_item = service_mutation(
        catalogue.add_assortment_item,
        description="Add a product of the catalogue to the account's assortment.",
        input=AddAssortmentItemInput,
        payload=AssortmentItemPayload,
        field="item",
        node=AssortmentItemNode.of,
        ids={"workspace_id": "Workspace", "product_id": "Product"},
    )
    update_assortment_item = service_mutation(
        catalogue.update_assortment_item,
        description="The supplier changes an item; the customer its own item number only.",
        input=UpdateAssortmentItemInput,
        payload=AssortmentItemPayload,
        field="item",
        node=AssortmentItemNode.of,
        ids={"id": "AssortmentItem"},
        rename={"id": "item_id"},
    )
    remove_assortment_item = service_mutation(
        catalogue.remove_assortment_item,
        description="Take a product out of the assortment; not while a policy plans it.",
        input=AssortmentItemIdInput,
        payload=RemoveAssortmentItemPayload,
        field="deleted_id",
        node=None,
        ids={"id": "AssortmentItem"},
        rename={"id": "item_id"},
    )
    create_stock_policy = service_mutation(
        policies.create_policy,
        description="A policy for a location and a product of the assortment.",
        input=CreateStockPolicyInput,
        payload=StockPolicyPayload,
        field="policy",
        node=StockPolicyNode.of,
        ids={"workspace_id": "Workspace", "location_id": "Location", "product_id": "Product"},
    )
    update_stock_policy = service_mutation(
        policies.update_policy,
        description="Set the parameters your side owns; another's is refused (FORBIDDEN).",
        input=UpdateStockPolicyInput,
        payload=StockPolicyPayload,
        field="policy",
        node=StockPolicyNode.of,
        ids={"id": "StockPolicy"},
        rename={"id": "policy_id"},
    )
    set_stock_policy_owners = service_mutation(
        policies.set_policy_owners,
        description="The KAM says which side owns which parameters.",
        input=SetStockPolicyOwnersInput,
        payload=StockPolicyPayload,
        field="policy",
        node=StockPolicyNode.of,
        ids={"id": "StockPolicy"},
        rename={"id": "policy_id"},
        extra=_owners,
    )
    deactivate_stock_policy = service_mutation(
        policies.deactivate_policy,
        description="Stop replenishing a product at a location.",
        input=StockPolicyVersionInput,
        payload=StockPolicyPayload,
        field="policy",
        node=StockPolicyNode.of,
        ids={"id": "StockPolicy"},
        rename={"id": "policy_id"},
    )
    reactivate_stock_policy = service_mutation(
        policies.reactivate_policy,
        input=StockPolicyVersionInput,
        payload=StockPolicyPayload,
        field="policy",
        node=StockPolicyNode.of,
        ids={"id": "StockPolicy"},
        rename={"id": "policy_id"},
    )
    propose_parameter_change = service_mutation(
        policies.propose_change,
        description="Ask the side that owns a parameter to change it.",
        input=ProposeParameterChangeInput,
        payload=ParameterChangePayload,
        field="change",
        node=ParameterChangeNode.of,
        ids={"policy_id": "StockPolicy"},
    )
    accept_parameter_change = service_mutation(
        policies.accept_change,
        description="The owner side applies a proposed value to the policy.",
        input=ParameterChangeIdInput,
        payload=ParameterChangePayload,
        field="change",
        node=ParameterChangeNode.of,
        ids={"id": "ParameterChange"},
        rename={"id": "change_id"},
    )
    refuse_parameter_change = service_mutation(
        policies.refuse_change,
        description="The owner side turns a proposed change down.",
        input=ParameterChangeIdInput,
        payload=ParameterChangePayload,
        field="change",
        node=ParameterChangeNode.of,
        ids={"id": "ParameterChange"},
        rename={"id": "change_id"},
    )
    withdraw_parameter_change = service_mutation(
        policies.withdraw_change,
        description="Its proposer takes a waiting change back.",
        input=ParameterChangeIdInput,
        payload=ParameterChangePayload,
        field="change",
        node=ParameterChangeNode.of,
        ids={"id": "ParameterChange"},
        rename={"id": "change_id"},
    )
