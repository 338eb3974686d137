"""The supplier's catalogue: only its admins create and change products, with clear errors for
bad input and nothing written when refused; its people read all of it, page by page, by line
or by a part of the SKU or name; a customer sees a product only through its assortment."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role, Side
from tests.inventory.support import (
    CREATE_PRODUCT,
    NODE,
    PRODUCTS,
    UPDATE_PRODUCT,
    assortment_item,
    ok,
    product,
)
from tests.support import error_codes, gid, gql, snapshot


async def refused(runtime, http, query, variables, *, code, field=None):
    """Run a mutation that must be refused with `code`; the database must not change."""
    before = await snapshot(runtime.session_factory)
    result = await gql(http, query, variables)
    assert await snapshot(runtime.session_factory) == before, "a refused mutation changed data"
    if code == "FORBIDDEN" and field is None:
        assert error_codes(result) == [code], result
        return result
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], payload
    return payload


@pytest.fixture
async def admin(world, clients):
    return await clients.as_user(world.admin.email)


def new(**fields):
    return {"input": {"sku": "BOLT-8", "name": "Hex bolt M8", **fields}}


async def test_the_admin_creates_and_changes_products(admin, runtime):
    made = await ok(
        admin,
        CREATE_PRODUCT,
        new(
            unitOfSale="CARTON",
            productLine="Fasteners",
            packMultiple=12,
            minOrderQty=30,
            leadTimeDays=10,
            leadTimeSdDays="1.5",
        ),
    )
    assert made == {
        "id": made["id"],
        "version": 1,
        "sku": "BOLT-8",
        "name": "Hex bolt M8",
        "productLine": "Fasteners",
        "unitOfSale": "CARTON",
        "packMultiple": 12,
        "minOrderQty": 30,
        "leadTimeDays": 10,
        "leadTimeSdDays": "1.50",
        "active": True,
    }
    changed = await ok(
        admin,
        UPDATE_PRODUCT,
        {"input": {"id": made["id"], "version": 1, "name": "Hex bolt M8 zinc", "active": False}},
    )
    assert (changed["version"], changed["name"], changed["active"]) == (
        2,
        "Hex bolt M8 zinc",
        False,
    )
    stale = await refused(
        runtime,
        admin,
        UPDATE_PRODUCT,
        {"input": {"id": made["id"], "version": 1, "name": "Lost update"}},
        code="CONFLICT",
        field="version",
    )
    assert stale["product"]["name"] == "Hex bolt M8 zinc"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "   "}, "sku"),
        ({"sku": "X" * 65}, "sku"),
        ({"sku": "BOLT 8"}, "sku"),
        ({"name": ""}, "name"),
        ({"packMultiple": 0}, "packMultiple"),
        ({"minOrderQty": 0}, "minOrderQty"),
        ({"leadTimeDays": -1}, "leadTimeDays"),
        ({"leadTimeDays": 366}, "leadTimeDays"),
        ({"leadTimeSdDays": "-0.5"}, "leadTimeSdDays"),
        ({"leadTimeSdDays": "NaN"}, "leadTimeSdDays"),
    ],
)
async def test_bad_products_are_refused(admin, runtime, fields, field):
    code = "REQUIRED" if field in ("sku", "name") and not fields[field].strip() else "INVALID"
    await refused(runtime, admin, CREATE_PRODUCT, new(**fields), code=code, field=field)


async def test_a_sku_is_unique_per_supplier_whatever_its_case(admin, runtime):
    await ok(admin, CREATE_PRODUCT, new())
    await refused(runtime, admin, CREATE_PRODUCT, new(sku="bolt-8"), code="DUPLICATE", field="sku")
    other = await ok(admin, CREATE_PRODUCT, new(sku="NUT-8"))
    await refused(
        runtime,
        admin,
        UPDATE_PRODUCT,
        {"input": {"id": other["id"], "version": 1, "sku": "Bolt-8"}},
        code="DUPLICATE",
        field="sku",
    )
    renamed = await ok(
        admin, UPDATE_PRODUCT, {"input": {"id": other["id"], "version": 1, "sku": "NUT-8A"}}
    )
    assert renamed["sku"] == "NUT-8A"


@pytest.mark.parametrize("role", list(Role))
async def test_only_supplier_admins_manage_the_catalogue(world, admin, clients, runtime, role):
    made = await ok(admin, CREATE_PRODUCT, new())
    http = await clients.as_user(world.a.email(role))
    await refused(runtime, http, CREATE_PRODUCT, new(sku="OTHER"), code="FORBIDDEN")
    update = {"input": {"id": made["id"], "version": 1, "name": "Renamed"}}
    await refused(runtime, http, UPDATE_PRODUCT, update, code="FORBIDDEN")


async def test_the_catalogue_pages_filters_and_searches(world, admin, clients):
    for n, line in enumerate(["Fasteners", "Fasteners", "Tools", "Fasteners", "Tools"]):
        await product(admin, sku=f"SKU-{n}", name=f"{line} item {n}", productLine=line)
    await product(admin, sku="SPECIAL_1", name="Anchor 100%")
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    seen, after = [], None
    while True:
        page = (await gql(member, PRODUCTS, {"first": 2, "after": after}))["data"]["products"]
        seen += [n["sku"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["SKU-0", "SKU-1", "SKU-2", "SKU-3", "SKU-4", "SPECIAL_1"]

    async def skus(**variables):
        return [
            n["sku"] for n in (await gql(member, PRODUCTS, variables))["data"]["products"]["nodes"]
        ]

    assert await skus(line="Tools") == ["SKU-2", "SKU-4"]
    assert await skus(search="sku-3") == ["SKU-3"]
    assert await skus(search="TOOLS ITEM") == ["SKU-2", "SKU-4"]
    # Wildcards are searched for as they are.
    assert await skus(search="_") == ["SPECIAL_1"]
    assert await skus(search="%") == ["SPECIAL_1"]
    too_many = await gql(member, PRODUCTS, {"first": 101})
    assert error_codes(too_many) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("role", list(Role))
async def test_customers_see_only_their_assortment(world, admin, clients, runtime, role):
    bought = await product(admin, sku="BOUGHT")
    elsewhere = await product(admin, sku="ELSEWHERE")
    await assortment_item(runtime, world.a, bought["id"])
    await assortment_item(runtime, world.b, elsewhere["id"])
    http = await clients.as_user(world.a.email(role))
    listed = [n["sku"] for n in (await gql(http, PRODUCTS, {}))["data"]["products"]["nodes"]]
    node = (await gql(http, NODE, {"id": elsewhere["id"]}))["data"]["node"]
    missing = (await gql(http, NODE, {"id": gid("Product", world.a.hq.id)}))["data"]["node"]
    assert missing is None
    if role.side == Side.SUPPLIER:
        assert listed == ["BOUGHT", "ELSEWHERE"]
        assert node == {"id": elsewhere["id"], "sku": "ELSEWHERE", "name": "Hex bolt M8"}
    else:
        # Another account's product answers as a missing one.
        assert listed == ["BOUGHT"]
        assert node is None
    own = (await gql(http, NODE, {"id": bought["id"]}))["data"]["node"]
    assert own["sku"] == "BOUGHT"


async def test_the_admin_reads_the_catalogue_without_a_membership(admin):
    await product(admin)
    page = (await gql(admin, PRODUCTS, {}))["data"]["products"]["nodes"]
    assert [n["sku"] for n in page] == ["P-1"]
