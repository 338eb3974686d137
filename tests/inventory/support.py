"""Building a catalogue, assortments and stock policies for tests, through the API (a signed-in
client) or the use cases (a runtime). Every helper returns the object as the API shows it, with
its global `id` and `version`.

    p = await product(runtime, world, sku="BOLT-8")               # the supplier admin adds it
    item = await assortment_item(runtime, world.a, p["id"])        # the KAM of account a
    pol = await policy(runtime, world.a, gid("Location", world.a.region.id), p["id"],
                       method="MIN_MAX", min_qty=10, max_qty=50)   # each side sets its own
    ids = await stocked(runtime, world, world.a)                   # all three at once

With a client, each helper runs one mutation as that client's user and fails the test on any
error (the client must be allowed to). Fields may be named either way (min_qty or minQty)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from kamp.accounts.models import Role, Side, User
from kamp.auth.service import principal_for_user
from kamp.graphql.relay import parse_global_id, to_global_id
from kamp.inventory import catalogue, policies
from kamp.inventory.models import PolicyMethod, UnitOfSale
from kamp.inventory.policies import DEFAULT_OWNERS, PolicyParameter
from kamp.runtime import Runtime
from tests.support import Account, World, gid, gql

SUPPLIER = Side.SUPPLIER
ERRORS = "errors { field code message }"
PRODUCT_FIELDS = (
    "id version sku name productLine unitOfSale packMultiple minOrderQty leadTimeDays "
    "leadTimeSdDays active"
)
ITEM_FIELDS = (
    "id version visibility customerItemNumber priority cost marginPct "
    f"product {{ {PRODUCT_FIELDS} }}"
)
POLICY_FIELDS = (
    "id version visibility method minQty maxQty serviceLevel reviewPeriodDays leadTimeDays "
    "leadTimeSdDays demandWindowDays autoApproveMaxQty active viewerOwns "
    "owners { field side } location { id } product { id sku }"
)
CHANGE_FIELDS = (
    "id version visibility field proposedValue currentValue reason status "
    "proposedBy { email } decidedBy { email } viewerCanDecide policy { id }"
)

CREATE_PRODUCT = f"""mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{
  product {{ {PRODUCT_FIELDS} }} {ERRORS} }} }}"""
UPDATE_PRODUCT = f"""mutation($input: UpdateProductInput!) {{ updateProduct(input: $input) {{
  product {{ {PRODUCT_FIELDS} }} {ERRORS} }} }}"""
ADD_ITEM = f"""mutation($input: AddAssortmentItemInput!) {{
  addAssortmentItem(input: $input) {{ item {{ {ITEM_FIELDS} }} {ERRORS} }} }}"""
UPDATE_ITEM = f"""mutation($input: UpdateAssortmentItemInput!) {{
  updateAssortmentItem(input: $input) {{ item {{ {ITEM_FIELDS} }} {ERRORS} }} }}"""
REMOVE_ITEM = f"""mutation($input: AssortmentItemIdInput!) {{
  removeAssortmentItem(input: $input) {{ deletedId {ERRORS} }} }}"""
CREATE_POLICY = f"""mutation($input: CreateStockPolicyInput!) {{
  createStockPolicy(input: $input) {{ policy {{ {POLICY_FIELDS} }} {ERRORS} }} }}"""
UPDATE_POLICY = f"""mutation($input: UpdateStockPolicyInput!) {{
  updateStockPolicy(input: $input) {{ policy {{ {POLICY_FIELDS} }} {ERRORS} }} }}"""
SET_OWNERS = f"""mutation($input: SetStockPolicyOwnersInput!) {{
  setStockPolicyOwners(input: $input) {{ policy {{ {POLICY_FIELDS} }} {ERRORS} }} }}"""
DEACTIVATE_POLICY = f"""mutation($input: StockPolicyVersionInput!) {{
  deactivateStockPolicy(input: $input) {{ policy {{ {POLICY_FIELDS} }} {ERRORS} }} }}"""
REACTIVATE_POLICY = f"""mutation($input: StockPolicyVersionInput!) {{
  reactivateStockPolicy(input: $input) {{ policy {{ {POLICY_FIELDS} }} {ERRORS} }} }}"""
PROPOSE = f"""mutation($input: ProposeParameterChangeInput!) {{
  proposeParameterChange(input: $input) {{ change {{ {CHANGE_FIELDS} }} {ERRORS} }} }}"""
ACCEPT = f"""mutation($input: ParameterChangeIdInput!) {{
  acceptParameterChange(input: $input) {{ change {{ {CHANGE_FIELDS} }} {ERRORS} }} }}"""
REFUSE = f"""mutation($input: ParameterChangeIdInput!) {{
  refuseParameterChange(input: $input) {{ change {{ {CHANGE_FIELDS} }} {ERRORS} }} }}"""
WITHDRAW = f"""mutation($input: ParameterChangeIdInput!) {{
  withdrawParameterChange(input: $input) {{ change {{ {CHANGE_FIELDS} }} {ERRORS} }} }}"""

PRODUCTS = f"""query($first: Int, $after: String, $line: String, $search: String) {{
  products(first: $first, after: $after, productLine: $line, search: $search) {{
  nodes {{ {PRODUCT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
ASSORTMENT = f"""query($ws: ID!, $first: Int, $after: String) {{
  assortment(workspaceId: $ws, first: $first, after: $after) {{
  nodes {{ {ITEM_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
POLICIES = f"""query($ws: ID!, $location: ID, $product: ID, $first: Int, $after: String) {{
  stockPolicies(workspaceId: $ws, locationId: $location, productId: $product, first: $first,
  after: $after) {{ nodes {{ {POLICY_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
CHANGES = f"""query($ws: ID!, $status: ChangeStatus, $first: Int, $after: String) {{
  parameterChanges(workspaceId: $ws, status: $status, first: $first, after: $after) {{
  nodes {{ {CHANGE_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
HISTORY = "history { nodes { action field before after actor { email } } }"
NODE = f"""query($id: ID!) {{ node(id: $id) {{ id
  ... on WorkspaceElement {{ visibility version viewerCan {{ edit delete share }} {HISTORY} }}
  ... on Product {{ sku name }}
  ... on AssortmentItem {{ customerItemNumber priority cost marginPct product {{ id }} }}
  ... on StockPolicy {{ minQty maxQty method viewerOwns }}
  ... on ParameterChange {{ field proposedValue status viewerCanDecide }} }} }}"""


async def ok(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload object."""
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload["errors"] == [], payload
    return next(v for k, v in payload.items() if k != "errors")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _shown(row: Any, type_name: str) -> dict[str, Any]:
    """A row as the API names it (camelCase fields, a global ID, enums by name)."""
    shown: dict[str, Any] = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, uuid.UUID):
            value = str(value)
        shown[_camel(column.key)] = value
    shown["id"] = to_global_id(type_name, row.id)
    return shown


async def _as(runtime: Runtime, user: User, run: Any) -> Any:
    async with runtime.session_factory() as session:
        principal = await principal_for_user(session, user=user)
        row = await run(session, principal)
        await session.commit()
        return row


def _uuid(global_id: str) -> uuid.UUID:
    return parse_global_id(global_id)[1]


async def product(
    runtime_or_http: Runtime | httpx.AsyncClient,
    world: World | None = None,
    *,
    sku: str = "P-1",
    name: str = "Hex bolt M8",
    **fields: Any,
) -> dict[str, Any]:
    """Add a product to the catalogue, as the supplier admin (a runtime) or as the client."""
    if isinstance(runtime_or_http, httpx.AsyncClient):
        variables = {"sku": sku, "name": name, **{_camel(k): v for k, v in fields.items()}}
        return await ok(runtime_or_http, CREATE_PRODUCT, {"input": variables})
    assert world is not None, "name the world whose supplier admin adds the product"
    fields = {_snake(k): v for k, v in fields.items()}
    if isinstance(fields.get("unit_of_sale"), str):
        fields["unit_of_sale"] = UnitOfSale(fields["unit_of_sale"])
    row = await _as(
        runtime_or_http,
        world.admin,
        lambda session, principal: catalogue.create_product(
            session, principal=principal, sku=sku, name=name, **fields
        ),
    )
    return _shown(row, "Product")


async def assortment_item(
    runtime_or_http: Runtime | httpx.AsyncClient,
    account: Account,
    product_id: str,
    **fields: Any,
) -> dict[str, Any]:
    """Add a product (its global ID) to the account's assortment, as its KAM (a runtime) or
    as the client."""
    if isinstance(runtime_or_http, httpx.AsyncClient):
        variables = {
            "workspaceId": account.workspace_gid,
            "productId": product_id,
            **{_camel(k): v for k, v in fields.items()},
        }
        return await ok(runtime_or_http, ADD_ITEM, {"input": variables})
    fields = {_snake(k): v for k, v in fields.items()}
    row = await _as(
        runtime_or_http,
        account.users[Role.KAM],
        lambda session, principal: catalogue.add_assortment_item(
            session,
            principal=principal,
            workspace_id=account.workspace.id,
            product_id=_uuid(product_id),
            **fields,
        ),
    )
    return _shown(row, "AssortmentItem")


async def policy(
    runtime_or_http: Runtime | httpx.AsyncClient,
    account: Account,
    location_id: str,
    product_id: str,
    **fields: Any,
) -> dict[str, Any]:
    """A stock policy for a location and a product of the assortment (global IDs). With a
    runtime each side sets what it owns: the KAM creates the policy with the supplier's
    parameters, the customer's buyer sets its own, then the KAM the method (a min/max policy
    needs the customer's min and max first). With a client, one createStockPolicy."""
    if isinstance(runtime_or_http, httpx.AsyncClient):
        variables = {
            "workspaceId": account.workspace_gid,
            "locationId": location_id,
            "productId": product_id,
            **{_camel(k): v for k, v in fields.items()},
        }
        return await ok(runtime_or_http, CREATE_POLICY, {"input": variables})
    runtime = runtime_or_http
    fields = {_snake(k): v for k, v in fields.items()}
    method = fields.pop("method", None)
    supplier = {k: v for k, v in fields.items() if DEFAULT_OWNERS[PolicyParameter(k)] == SUPPLIER}
    customer = {k: v for k, v in fields.items() if k not in supplier}
    kam, buyer = account.users[Role.KAM], account.users[Role.CUSTOMER_BUYER]
    row = await _as(
        runtime,
        kam,
        lambda session, principal: policies.create_policy(
            session,
            principal=principal,
            workspace_id=account.workspace.id,
            location_id=_uuid(location_id),
            product_id=_uuid(product_id),
            **supplier,
        ),
    )
    for user, values in (
        (buyer, customer),
        (kam, {"method": PolicyMethod(method)} if method else {}),
    ):
        if values:
            row = await _as(
                runtime,
                user,
                lambda session, principal, values=values, version=row.version, at=row.id: (
                    policies.update_policy(
                        session, principal=principal, policy_id=at, version=version, **values
                    )
                ),
            )
    return _shown(row, "StockPolicy")


async def stocked(
    runtime: Runtime,
    world: World,
    account: Account,
    *,
    sku: str = "P-1",
    location: str = "region",
    **policy_fields: Any,
) -> dict[str, str]:
    """A product in the catalogue and the account's assortment, with a policy at one of its
    locations ("hq" or "region"): their global IDs by "product", "item", "policy", "location"."""
    made = await product(runtime, world, sku=sku)
    item = await assortment_item(runtime, account, made["id"])
    where = gid("Location", getattr(account, location).id)
    plan = await policy(runtime, account, where, made["id"], **policy_fields)
    return {"product": made["id"], "item": item["id"], "policy": plan["id"], "location": where}
