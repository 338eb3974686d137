"""Stock policies: validation, who creates and changes them, each side setting only the
parameters it owns, and the changes one side proposes and the other decides. Every refused
mutation leaves the database as it was."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.conftest import count_statements
from tests.inventory.support import (
    ACCEPT,
    CHANGES,
    CREATE_POLICY,
    DEACTIVATE_POLICY,
    NODE,
    POLICIES,
    PROPOSE,
    REACTIVATE_POLICY,
    REFUSE,
    SET_OWNERS,
    UPDATE_POLICY,
    WITHDRAW,
    assortment_item,
    ok,
    product,
    stocked,
)
from tests.inventory.test_catalogue import refused
from tests.support import gid, gql

SUPPLIER_OWNED = ["METHOD", "LEAD_TIME_DAYS", "LEAD_TIME_SD_DAYS"]
CUSTOMER_OWNED = [
    "MIN_QTY",
    "MAX_QTY",
    "SERVICE_LEVEL",
    "REVIEW_PERIOD_DAYS",
    "DEMAND_WINDOW_DAYS",
    "AUTO_APPROVE_MAX_QTY",
]
PLANNERS = [Role.KAM, Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER]


@pytest.fixture
async def stock(runtime, world):
    """A product of account a's assortment, and its locations."""
    made = await product(runtime, world, sku="BOLT-8", leadTimeDays=9)
    await assortment_item(runtime, world.a, made["id"])
    return {
        "product": made["id"],
        "hq": gid("Location", world.a.hq.id),
        "region": gid("Location", world.a.region.id),
    }


@pytest.fixture
async def kam(world, clients):
    return await clients.as_user(world.a.email(Role.KAM))


@pytest.fixture
async def buyer(world, clients):
    return await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))


def create(world, stock, where="hq", **fields):
    return {
        "input": {
            "workspaceId": world.a.workspace_gid,
            "locationId": stock[where],
            "productId": stock["product"],
            **fields,
        }
    }


def update(policy, **fields):
    return {"input": {"id": policy["id"], "version": policy["version"], **fields}}


def propose(policy, parameter, value, reason="Shelf space"):
    return {
        "input": {
            "policyId": policy["id"],
            "parameter": parameter,
            "value": value,
            "reason": reason,
        }
    }


# --- creating -----------------------------------------------------------------------------------


async def test_the_supplier_creates_with_its_parameters(world, kam, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock, leadTimeDays=12, leadTimeSdDays="2.5"))
    assert {k: made[k] for k in made if k not in ("id", "location", "product", "owners")} == {
        "version": 1,
        "visibility": "SHARED",
        "method": "REORDER_POINT",
        "minQty": None,
        "maxQty": None,
        "serviceLevel": "0.9500",
        "reviewPeriodDays": 7,
        "leadTimeDays": 12,
        "leadTimeSdDays": "2.50",
        "demandWindowDays": 28,
        "autoApproveMaxQty": None,
        "active": True,
        "viewerOwns": SUPPLIER_OWNED,
    }
    assert made["location"]["id"] == stock["hq"] and made["product"]["sku"] == "BOLT-8"
    owners = {o["field"]: o["side"] for o in made["owners"]}
    assert owners == {
        **dict.fromkeys(SUPPLIER_OWNED, "SUPPLIER"),
        **dict.fromkeys(CUSTOMER_OWNED, "CUSTOMER"),
    }


async def test_the_customer_creates_with_its_parameters(world, buyer, stock):
    made = await ok(
        buyer,
        CREATE_POLICY,
        create(world, stock, minQty=10, maxQty=40, serviceLevel="0.9999", autoApproveMaxQty=0),
    )
    assert (made["minQty"], made["maxQty"], made["serviceLevel"]) == (10, 40, "0.9999")
    assert made["autoApproveMaxQty"] == 0
    assert made["viewerOwns"] == CUSTOMER_OWNED


@pytest.mark.parametrize(
    ("role", "fields", "field"),
    [
        (Role.KAM, {"minQty": 5}, "minQty"),
        (Role.KAM, {"autoApproveMaxQty": 1000}, "autoApproveMaxQty"),
        (Role.SUPPLIER_MEMBER, {"serviceLevel": "0.99"}, "serviceLevel"),
        (Role.CUSTOMER_BUYER, {"method": "MIN_MAX", "minQty": 1, "maxQty": 2}, "method"),
        (Role.CUSTOMER_BUYER, {"leadTimeDays": 1}, "leadTimeDays"),
    ],
)
async def test_nobody_creates_with_the_others_parameters(
    world, clients, runtime, stock, role, fields, field
):
    http = await clients.as_user(world.a.email(role))
    payload = await refused(
        runtime, http, CREATE_POLICY, create(world, stock, **fields), code="FORBIDDEN", field=field
    )
    assert "propose" in payload["errors"][0]["message"]


@pytest.mark.parametrize(
    ("role", "fields", "field", "code"),
    [
        (Role.CUSTOMER_BUYER, {"minQty": 50, "maxQty": 40}, "minQty", "INVALID"),
        (Role.CUSTOMER_BUYER, {"minQty": -1}, "minQty", "INVALID"),
        (Role.CUSTOMER_BUYER, {"maxQty": -1}, "maxQty", "INVALID"),
        (Role.CUSTOMER_BUYER, {"serviceLevel": "0.5"}, "serviceLevel", "INVALID"),
        (Role.CUSTOMER_BUYER, {"serviceLevel": "1"}, "serviceLevel", "INVALID"),
        (Role.CUSTOMER_BUYER, {"serviceLevel": "0.99995"}, "serviceLevel", "INVALID"),
        (Role.CUSTOMER_BUYER, {"reviewPeriodDays": 366}, "reviewPeriodDays", "INVALID"),
        (Role.CUSTOMER_BUYER, {"reviewPeriodDays": -1}, "reviewPeriodDays", "INVALID"),
        (Role.CUSTOMER_BUYER, {"demandWindowDays": 6}, "demandWindowDays", "INVALID"),
        (Role.CUSTOMER_BUYER, {"demandWindowDays": 366}, "demandWindowDays", "INVALID"),
        (Role.CUSTOMER_BUYER, {"autoApproveMaxQty": -1}, "autoApproveMaxQty", "INVALID"),
        (Role.KAM, {"leadTimeDays": 366}, "leadTimeDays", "INVALID"),
        (Role.KAM, {"leadTimeSdDays": "-1"}, "leadTimeSdDays", "INVALID"),
        # A min/max policy needs the customer's min and max, which it sets first.
        (Role.KAM, {"method": "MIN_MAX"}, "minQty", "INVALID"),
    ],
)
async def test_bad_policies_are_refused(world, clients, runtime, stock, role, fields, field, code):
    http = await clients.as_user(world.a.email(role))
    await refused(
        runtime, http, CREATE_POLICY, create(world, stock, **fields), code=code, field=field
    )


async def test_a_policy_needs_a_location_and_a_product_of_the_account(world, kam, runtime, stock):
    await ok(kam, CREATE_POLICY, create(world, stock))
    await refused(
        runtime, kam, CREATE_POLICY, create(world, stock), code="DUPLICATE", field="productId"
    )
    elsewhere = {**stock, "hq": gid("Location", world.b.hq.id)}
    await refused(
        runtime,
        kam,
        CREATE_POLICY,
        create(world, elsewhere),
        code="NOT_FOUND",
        field="locationId",
    )
    unlisted = await product(runtime, world, sku="UNLISTED")
    await refused(
        runtime,
        kam,
        CREATE_POLICY,
        create(world, {**stock, "product": unlisted["id"]}, "region"),
        code="NOT_FOUND",
        field="productId",
    )


@pytest.mark.parametrize("role", [r for r in Role if r not in PLANNERS])
async def test_others_cannot_plan(world, clients, runtime, stock, kam, role):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    http = await clients.as_user(world.a.email(role))
    await refused(runtime, http, CREATE_POLICY, create(world, stock, "region"), code="FORBIDDEN")
    for query, variables in (
        (UPDATE_POLICY, update(made, leadTimeDays=3)),
        (UPDATE_POLICY, update(made, minQty=3)),
        (DEACTIVATE_POLICY, update(made)),
        (PROPOSE, propose(made, "MIN_QTY", "4")),
    ):
        await refused(runtime, http, query, variables, code="FORBIDDEN")


# --- changing what one owns ---------------------------------------------------------------------


async def test_each_side_changes_only_what_it_owns(world, kam, buyer, runtime, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    mine = await ok(buyer, UPDATE_POLICY, update(made, minQty=5, maxQty=20))
    assert (mine["version"], mine["minQty"], mine["maxQty"]) == (2, 5, 20)
    payload = await refused(
        runtime,
        buyer,
        UPDATE_POLICY,
        update(mine, minQty=6, leadTimeDays=3),
        code="FORBIDDEN",
        field="leadTimeDays",
    )
    assert payload["errors"][0]["message"] == (
        "The supplier owns leadTimeDays: propose a change instead."
    )
    await refused(
        runtime, kam, UPDATE_POLICY, update(mine, maxQty=30), code="FORBIDDEN", field="maxQty"
    )
    # Restating the other side's value as it is changes nothing and is no refusal.
    same = await ok(kam, UPDATE_POLICY, update(mine, minQty=5, method="MIN_MAX"))
    assert (same["method"], same["version"]) == ("MIN_MAX", 3)
    # Emptying the min of a min/max policy would break it.
    await refused(
        runtime, buyer, UPDATE_POLICY, update(same, minQty=None), code="INVALID", field="minQty"
    )
    await refused(
        runtime, buyer, UPDATE_POLICY, update(same, minQty=25), code="INVALID", field="minQty"
    )
    stale = await refused(
        runtime, buyer, UPDATE_POLICY, update(mine, minQty=7), code="CONFLICT", field="version"
    )
    assert stale["policy"]["version"] == 3
    node = (await gql(buyer, NODE, {"id": made["id"]}))["data"]["node"]
    history = [(h["action"], h["field"], h["actor"]["email"]) for h in node["history"]["nodes"]]
    # One update's fields are recorded at the same instant, in no particular order.
    assert (history[0], set(history[1:3]), history[3]) == (
        ("created", None, world.a.email(Role.KAM)),
        {
            ("updated", "max_qty", world.a.email(Role.CUSTOMER_BUYER)),
            ("updated", "min_qty", world.a.email(Role.CUSTOMER_BUYER)),
        },
        ("updated", "method", world.a.email(Role.KAM)),
    )


async def test_either_side_deactivates_and_reactivates(world, kam, buyer, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    off = await ok(buyer, DEACTIVATE_POLICY, update(made))
    assert (off["active"], off["version"]) == (False, 2)
    listed = await gql(kam, POLICIES, {"ws": world.a.workspace_gid, "location": stock["hq"]})
    assert [n["active"] for n in listed["data"]["stockPolicies"]["nodes"]] == [False]
    on = await ok(kam, REACTIVATE_POLICY, update(off))
    assert on["active"] is True


async def test_the_kam_reassigns_owners(world, kam, buyer, clients, runtime, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    owners = {
        "input": {
            "id": made["id"],
            "version": 1,
            "owners": [
                {"field": "MIN_QTY", "side": "SUPPLIER"},
                {"field": "METHOD", "side": "CUSTOMER"},
            ],
        }
    }
    for who in (buyer, await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))):
        await refused(runtime, who, SET_OWNERS, owners, code="FORBIDDEN")
    moved = await ok(kam, SET_OWNERS, owners)
    assert moved["version"] == 2
    assert {o["field"]: o["side"] for o in moved["owners"]}["MIN_QTY"] == "SUPPLIER"
    assert moved["viewerOwns"] == ["MIN_QTY", "LEAD_TIME_DAYS", "LEAD_TIME_SD_DAYS"]
    now = await ok(kam, UPDATE_POLICY, update(moved, minQty=3))
    assert now["minQty"] == 3
    await refused(
        runtime, buyer, UPDATE_POLICY, update(now, minQty=4), code="FORBIDDEN", field="minQty"
    )
    await refused(
        runtime, kam, UPDATE_POLICY, update(now, method="MIN_MAX"), code="FORBIDDEN", field="method"
    )
    node = (await gql(buyer, NODE, {"id": made["id"]}))["data"]["node"]
    changes = {(h["field"], h["before"], h["after"]) for h in node["history"]["nodes"][1:3]}
    assert changes == {
        ("owner:method", "SUPPLIER", "CUSTOMER"),
        ("owner:min_qty", "CUSTOMER", "SUPPLIER"),
    }


# --- proposing changes --------------------------------------------------------------------------


async def test_the_supplier_proposes_and_the_customer_accepts(world, kam, buyer, runtime, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    change = await ok(kam, PROPOSE, propose(made, "SERVICE_LEVEL", "0.98"))
    assert {k: change[k] for k in ("field", "proposedValue", "currentValue", "status")} == {
        "field": "SERVICE_LEVEL",
        "proposedValue": "0.9800",
        "currentValue": "0.9500",
        "status": "PROPOSED",
    }
    assert change["viewerCanDecide"] is False
    assert change["proposedBy"]["email"] == world.a.email(Role.KAM)
    # The proposer's side cannot decide it; a second proposal of the parameter waits.
    await refused(
        runtime, kam, ACCEPT, {"input": {"id": change["id"]}}, code="FORBIDDEN", field="id"
    )
    await refused(
        runtime,
        kam,
        PROPOSE,
        propose(made, "SERVICE_LEVEL", "0.97"),
        code="DUPLICATE",
        field="parameter",
    )
    waiting = await gql(buyer, CHANGES, {"ws": world.a.workspace_gid, "status": "PROPOSED"})
    [seen] = waiting["data"]["parameterChanges"]["nodes"]
    assert (seen["id"], seen["viewerCanDecide"], seen["reason"]) == (
        change["id"],
        True,
        "Shelf space",
    )
    accepted = await ok(buyer, ACCEPT, {"input": {"id": change["id"]}})
    assert (accepted["status"], accepted["decidedBy"]["email"]) == (
        "ACCEPTED",
        world.a.email(Role.CUSTOMER_BUYER),
    )
    node = (await gql(kam, NODE, {"id": made["id"]}))["data"]["node"]
    assert node["version"] == 2
    assert node["history"]["nodes"][-1] == {
        "action": "updated",
        "field": "service_level",
        "before": "0.9500",
        "after": "0.9800",
        "actor": {"email": world.a.email(Role.CUSTOMER_BUYER)},
    }
    await refused(
        runtime, buyer, ACCEPT, {"input": {"id": change["id"]}}, code="INVALID", field="id"
    )


async def test_the_customer_proposes_and_the_supplier_refuses(world, kam, buyer, clients, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    change = await ok(buyer, PROPOSE, propose(made, "LEAD_TIME_DAYS", "4", "Faster, please"))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    refused_change = await ok(member, REFUSE, {"input": {"id": change["id"]}})
    assert refused_change["status"] == "REFUSED"
    node = (await gql(kam, NODE, {"id": made["id"]}))["data"]["node"]
    assert (node["version"], len(node["history"]["nodes"])) == (1, 1)
    # Emptying a parameter that may be empty: the product's lead time applies again.
    first = await ok(kam, UPDATE_POLICY, update(made, leadTimeDays=20))
    back = await ok(buyer, PROPOSE, propose(first, "LEAD_TIME_DAYS", None))
    assert back["proposedValue"] is None
    accepted = await ok(kam, ACCEPT, {"input": {"id": back["id"]}})
    assert accepted["status"] == "ACCEPTED"
    listed = await gql(kam, POLICIES, {"ws": world.a.workspace_gid})
    assert listed["data"]["stockPolicies"]["nodes"][0]["leadTimeDays"] is None


async def test_the_proposer_withdraws(world, kam, buyer, clients, runtime, stock):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    change = await ok(kam, PROPOSE, propose(made, "MAX_QTY", "100"))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    for other in (member, buyer):
        await refused(
            runtime, other, WITHDRAW, {"input": {"id": change["id"]}}, code="FORBIDDEN", field="id"
        )
    withdrawn = await ok(kam, WITHDRAW, {"input": {"id": change["id"]}})
    assert withdrawn["status"] == "WITHDRAWN"
    await refused(
        runtime, buyer, ACCEPT, {"input": {"id": change["id"]}}, code="INVALID", field="id"
    )
    again = await ok(kam, PROPOSE, propose(made, "MAX_QTY", "90"))
    assert again["status"] == "PROPOSED"


@pytest.mark.parametrize(
    ("parameter", "value", "field", "code"),
    [
        ("METHOD", "MIN_MAX", "parameter", "INVALID"),  # the supplier's own: set it directly
        ("MIN_QTY", "ten", "value", "INVALID"),
        ("MIN_QTY", "-1", "value", "INVALID"),
        ("SERVICE_LEVEL", "1.5", "value", "INVALID"),
        ("REVIEW_PERIOD_DAYS", None, "value", "REQUIRED"),
        ("SERVICE_LEVEL", "0.95", "value", "INVALID"),  # the value it has
    ],
)
async def test_bad_proposals_are_refused(world, kam, runtime, stock, parameter, value, field, code):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    await refused(runtime, kam, PROPOSE, propose(made, parameter, value), code=code, field=field)


async def test_an_acceptance_that_would_break_the_policy_changes_nothing(
    world, kam, buyer, runtime, stock
):
    made = await ok(buyer, CREATE_POLICY, create(world, stock, minQty=10, maxQty=20))
    change = await ok(buyer, PROPOSE, propose(made, "METHOD", "MIN_MAX"))
    lower = await ok(kam, PROPOSE, propose(made, "MAX_QTY", "5"))
    payload = await refused(
        runtime, buyer, ACCEPT, {"input": {"id": lower["id"]}}, code="INVALID", field="id"
    )
    assert "minimum" in payload["errors"][0]["message"]
    accepted = await ok(kam, ACCEPT, {"input": {"id": change["id"]}})
    assert accepted["status"] == "ACCEPTED"
    listed = await gql(kam, POLICIES, {"ws": world.a.workspace_gid})
    assert listed["data"]["stockPolicies"]["nodes"][0]["method"] == "MIN_MAX"


@pytest.mark.parametrize("role", list(Role))
async def test_viewer_can(world, clients, runtime, stock, kam, role):
    made = await ok(kam, CREATE_POLICY, create(world, stock))
    change = await ok(kam, PROPOSE, propose(made, "MIN_QTY", "5"))
    http = await clients.as_user(world.a.email(role))
    policy = (await gql(http, NODE, {"id": made["id"]}))["data"]["node"]
    proposal = (await gql(http, NODE, {"id": change["id"]}))["data"]["node"]
    plans = role in PLANNERS
    assert policy["viewerCan"] == {"edit": plans, "delete": False, "share": role == Role.KAM}
    expected = (
        (SUPPLIER_OWNED if role.side.value == "SUPPLIER" else CUSTOMER_OWNED) if plans else []
    )
    assert policy["viewerOwns"] == expected
    assert proposal["viewerCanDecide"] is (role == Role.CUSTOMER_BUYER)
    assert proposal["viewerCan"]["delete"] is (role == Role.KAM)


BOARD = """query($ws: ID!) { stockPolicies(workspaceId: $ws, first: 100) { nodes {
  id minQty location { name } product { sku }
  parameterChanges(first: 10) { nodes { field currentValue proposedBy { email }
    policy { id } } } } } }"""


async def test_nested_fields_are_batched(world, runtime, kam):
    """The statements of a policy list do not grow with its policies and their changes."""

    async def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            made = await stocked(runtime, world, world.a, sku=f"SKU-{n}", location="hq")
            await ok(kam, PROPOSE, propose({"id": made["policy"]}, "MIN_QTY", str(n + 1)))

    async def statements() -> int:
        with count_statements(runtime.engine) as counter:
            result = await gql(kam, BOARD, {"ws": world.a.workspace_gid})
        assert "errors" not in result, result
        return counter.count

    await grow(0, 2)
    few = await statements()
    await grow(2, 4)
    listed = await gql(kam, BOARD, {"ws": world.a.workspace_gid})
    nodes = listed["data"]["stockPolicies"]["nodes"]
    assert len(nodes) == 6 and all(len(n["parameterChanges"]["nodes"]) == 1 for n in nodes)
    assert await statements() == few
