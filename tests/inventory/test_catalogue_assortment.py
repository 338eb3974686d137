"""Each account's assortment: the supplier adds, changes and removes items; the customer's
buyer keeps its own item number and nothing else; cost and margin are internal fields of a
shared row, never readable by the customer, in the item, its history or recent changes."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role, Side
from tests.inventory.support import (
    ADD_ITEM,
    ASSORTMENT,
    DEACTIVATE_POLICY,
    NODE,
    REMOVE_ITEM,
    UPDATE_ITEM,
    UPDATE_PRODUCT,
    assortment_item,
    ok,
    policy,
    product,
)
from tests.inventory.test_catalogue import refused
from tests.support import gid, gql

RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) { nodeType
  entry { action field before after } } }"""
SUPPLIER_EDITORS = {Role.KAM, Role.SUPPLIER_MEMBER}


@pytest.fixture
async def bolt(runtime, world):
    return await product(runtime, world, sku="BOLT-8", productLine="Fasteners")


@pytest.fixture
async def kam(world, clients):
    return await clients.as_user(world.a.email(Role.KAM))


def add(world, product_id, **fields):
    return {"input": {"workspaceId": world.a.workspace_gid, "productId": product_id, **fields}}


async def test_the_kam_adds_an_item_with_its_commercials(world, kam, bolt):
    item = await ok(
        kam,
        ADD_ITEM,
        add(
            world,
            bolt["id"],
            customerItemNumber="C-100",
            priority=1,
            cost="0.1234",
            marginPct="22.5",
        ),
    )
    assert {
        k: item[k] for k in ("visibility", "customerItemNumber", "priority", "cost", "marginPct")
    } == {
        "visibility": "SHARED",
        "customerItemNumber": "C-100",
        "priority": 1,
        "cost": "0.1234",
        "marginPct": "22.50",
    }
    assert item["product"]["sku"] == "BOLT-8"
    listed = (await gql(kam, ASSORTMENT, {"ws": world.a.workspace_gid}))["data"]["assortment"]
    assert [n["id"] for n in listed["nodes"]] == [item["id"]]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"priority": 0}, "INVALID", "priority"),
        ({"priority": 10}, "INVALID", "priority"),
        ({"cost": "-1"}, "INVALID", "cost"),
        ({"marginPct": "100.01"}, "INVALID", "marginPct"),
        ({"customerItemNumber": "X" * 65}, "INVALID", "customerItemNumber"),
    ],
)
async def test_bad_items_are_refused(world, kam, bolt, runtime, fields, code, field):
    await refused(runtime, kam, ADD_ITEM, add(world, bolt["id"], **fields), code=code, field=field)


async def test_an_item_is_added_once_and_only_for_a_product_on_sale(
    world, kam, bolt, runtime, clients
):
    await ok(kam, ADD_ITEM, add(world, bolt["id"]))
    await refused(
        runtime, kam, ADD_ITEM, add(world, bolt["id"]), code="DUPLICATE", field="productId"
    )
    old = await product(runtime, world, sku="OLD")
    admin = await clients.as_user(world.admin.email)
    await ok(admin, UPDATE_PRODUCT, {"input": {"id": old["id"], "version": 1, "active": False}})
    await refused(runtime, kam, ADD_ITEM, add(world, old["id"]), code="INVALID", field="productId")
    # Something that is no product answers as a missing one.
    await refused(
        runtime,
        kam,
        ADD_ITEM,
        add(world, gid("Product", world.a.hq.id)),
        code="NOT_FOUND",
        field="productId",
    )


@pytest.mark.parametrize("role", list(Role))
async def test_who_changes_what(world, runtime, clients, bolt, role):
    item = await assortment_item(runtime, world.a, bolt["id"], cost="2")
    http = await clients.as_user(world.a.email(role))
    number = {"input": {"id": item["id"], "version": 1, "customerItemNumber": "C-7"}}
    priority = {"input": {"id": item["id"], "version": 1, "priority": 2}}
    cost = {"input": {"id": item["id"], "version": 1, "cost": None}}
    if role in SUPPLIER_EDITORS:
        changed = await ok(http, UPDATE_ITEM, priority)
        assert changed["priority"] == 2
        cleared = await ok(http, UPDATE_ITEM, {"input": {**cost["input"], "version": 2}})
        assert cleared["cost"] is None
        return
    if role == Role.CUSTOMER_BUYER:
        # Its own item number, and nothing else.
        for variables, field in ((priority, "priority"), (cost, "cost")):
            payload = await refused(
                runtime, http, UPDATE_ITEM, variables, code="FORBIDDEN", field=field
            )
            assert "supplier" in payload["errors"][0]["message"]
        # A form sent whole restates the priority as it is.
        number["input"]["priority"] = 3
        changed = await ok(http, UPDATE_ITEM, number)
        assert (changed["customerItemNumber"], changed["cost"]) == ("C-7", None)
        return
    for variables in (number, priority):
        await refused(runtime, http, UPDATE_ITEM, variables, code="FORBIDDEN")
    await refused(runtime, http, REMOVE_ITEM, {"input": {"id": item["id"]}}, code="FORBIDDEN")
    await refused(runtime, http, ADD_ITEM, add(world, bolt["id"]), code="FORBIDDEN")


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE])
async def test_customers_never_add_or_remove(world, runtime, clients, bolt, role):
    item = await assortment_item(runtime, world.a, bolt["id"])
    http = await clients.as_user(world.a.email(role))
    other = await product(runtime, world, sku="OTHER")
    await refused(runtime, http, ADD_ITEM, add(world, other["id"]), code="FORBIDDEN")
    await refused(runtime, http, REMOVE_ITEM, {"input": {"id": item["id"]}}, code="FORBIDDEN")


async def test_an_item_planned_somewhere_stays_until_its_policies_stop(world, runtime, kam, bolt):
    item = await assortment_item(runtime, world.a, bolt["id"])
    plan = await policy(runtime, world.a, gid("Location", world.a.hq.id), bolt["id"])
    await refused(
        runtime, kam, REMOVE_ITEM, {"input": {"id": item["id"]}}, code="INVALID", field="id"
    )
    await ok(kam, DEACTIVATE_POLICY, {"input": {"id": plan["id"], "version": plan["version"]}})
    removed = await ok(kam, REMOVE_ITEM, {"input": {"id": item["id"]}})
    assert removed == item["id"]
    listed = (await gql(kam, ASSORTMENT, {"ws": world.a.workspace_gid}))["data"]["assortment"]
    assert listed["nodes"] == []


@pytest.mark.parametrize("role", list(Role))
async def test_cost_and_margin_stay_with_the_supplier(world, runtime, clients, kam, bolt, role):
    """Set at creation and changed twice, with a shared change between: the customer reads
    neither the values nor any trace of them, in the item, its history or recent changes."""
    item = await ok(kam, ADD_ITEM, add(world, bolt["id"], cost="3.5", marginPct="30"))
    await ok(kam, UPDATE_ITEM, {"input": {"id": item["id"], "version": 1, "cost": "4.25"}})
    await ok(
        kam,
        UPDATE_ITEM,
        {"input": {"id": item["id"], "version": 2, "marginPct": "12", "priority": 2}},
    )
    http = await clients.as_user(world.a.email(role))
    node = (await gql(http, NODE, {"id": item["id"]}))["data"]["node"]
    listed = (await gql(http, ASSORTMENT, {"ws": world.a.workspace_gid}))["data"]["assortment"]
    recent = (await gql(http, RECENT, {"ws": world.a.workspace_gid}))["data"]["recentChanges"]
    history = [(h["action"], h["field"]) for h in node["history"]["nodes"]]
    traced = {e["entry"]["field"] for e in recent if e["nodeType"] == "AssortmentItem"}
    if role.side == Side.SUPPLIER:
        assert (node["cost"], node["marginPct"]) == ("4.2500", "12.00")
        assert {("updated", "cost"), ("updated", "margin_pct"), ("updated", "priority")} <= set(
            history
        )
        assert {"cost", "margin_pct", "priority"} <= traced
        return
    assert (node["cost"], node["marginPct"], node["priority"]) == (None, None, 2)
    assert [(n["cost"], n["marginPct"]) for n in listed["nodes"]] == [(None, None)]
    assert history == [("created", None), ("updated", "priority")]
    assert traced == {None, "priority"}
    assert "4.25" not in str(recent) and "3.5" not in str(node)
