"""Replenishment through the API: the KAM runs an evaluation, the customer's buyer reads the
proposal's lines with their arithmetic explained and decides them, the supplier moves the
order on to paid. Stale versions are conflicts carrying the current state; refused input
changes nothing; nested lists cost the same number of statements however many there are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from kamp.accounts.models import Role
from kamp.db import transaction
from kamp.inventory.arithmetic import FORMULAS
from kamp.inventory.models import PolicyMethod
from kamp.runtime import Runtime
from tests.conftest import count_statements
from tests.inventory.replenishment_support import (
    AS_OF,
    add_assortment,
    add_policy,
    add_product,
)
from tests.inventory.support import ok
from tests.support import World, error_codes, gid, gql, snapshot

NOW = AS_OF + timedelta(hours=2, minutes=7, seconds=30)
SET = "2025-03-10T10:07:30"  # NOW, as the API shows it
ERRORS = "errors { field code message }"
EXPLANATION = """explanation { method inputs { name value } steps { name formula value }
  quantity note daysOfSupply stockoutDate decision { quantity warnings } }"""
LINE_FIELDS = f"""id version status quantity approvedQuantity viewerCanDecide decidedAt
  decidedBy {{ email }} viewerCan {{ edit delete share }} product {{ sku }} policy {{ id }}
  proposal {{ id }} {EXPLANATION}"""
PROPOSAL_FIELDS = f"""id version status runKey createdAt decidedAt decidedBy {{ email }}
  viewerCanDecide viewerCan {{ edit delete share }} location {{ id }} orders {{ id number }}
  lines(first: 100) {{ nodes {{ {LINE_FIELDS} }} pageInfo {{ hasNextPage }} }}"""
ORDER_LINE_FIELDS = """id version quantity shippedQuantity deliveredQuantity product { sku }
  proposalLine { id } order { id }"""
ORDER_FIELDS = f"""id version number status origin priority placedAt confirmedAt shippedAt
  expectedDelivery deliveredAt invoiceNumber invoiceAmount invoiceCurrency invoiceDue paidAt
  nextStatuses viewerCanMove viewerCanMarkPaid viewerCan {{ edit delete share }}
  location {{ id }} proposal {{ id }} lines {{ nodes {{ {ORDER_LINE_FIELDS} }} }}"""

PROPOSALS = f"""query($ws: ID!, $location: ID, $status: ProposalStatus, $first: Int,
  $after: String) {{ replenishmentProposals(workspaceId: $ws, locationId: $location,
  status: $status, first: $first, after: $after) {{ nodes {{ {PROPOSAL_FIELDS} }}
  pageInfo {{ hasNextPage endCursor }} }} }}"""
ORDERS = f"""query($ws: ID!, $location: ID, $status: OrderStatus, $first: Int,
  $after: String) {{ orders(workspaceId: $ws, locationId: $location, status: $status,
  first: $first, after: $after) {{ nodes {{ {ORDER_FIELDS} }}
  pageInfo {{ hasNextPage endCursor }} }} }}"""
NODE = """query($id: ID!) { node(id: $id) { id
  ... on ReplenishmentProposal { proposalStatus: status viewerCanDecide }
  ... on ProposalLine { quantity lineStatus: status }
  ... on Order { number orderStatus: status nextStatuses }
  ... on OrderLine { quantity } } }"""

RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) { nodeType nodeId
  entry { action field } } }"""
EVALUATE = f"""mutation($input: EvaluateReplenishmentInput!) {{
  evaluateReplenishment(input: $input) {{ evaluation {{ runKey policies proposals lines
  autoApproved orders }} {ERRORS} }} }}"""
DECIDE = f"""mutation($input: DecideProposalInput!) {{ decideProposal(input: $input) {{
  proposal {{ {PROPOSAL_FIELDS} }} order {{ {ORDER_FIELDS} }}
  warnings {{ lineId messages }} {ERRORS} }} }}"""


def _move(name: str, input_type: str) -> str:
    return f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
  order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""


CONFIRM = _move("confirmOrder", "OrderVersionInput")
SHIP = _move("shipOrder", "ShipOrderInput")
DELIVER = _move("deliverOrder", "DeliverOrderInput")
INVOICE = _move("invoiceOrder", "InvoiceOrderInput")
PAID = _move("markOrderPaid", "MarkOrderPaidInput")
CANCEL = _move("cancelOrder", "OrderVersionInput")


@pytest.fixture
def now(clock):
    clock.travel(NOW)
    return NOW


async def stock_up(runtime: Runtime, world: World, location: str = "hq") -> dict[str, str]:
    """Three policies with their positions at one of account a's locations, which an
    evaluation turns into 187 pieces (PLAIN), 228 in packs of 12 (PACKED, min/max) and a
    line blocked by its max (BLOCKED). Product IDs by SKU."""
    where = getattr(world.a, location)
    tag = "" if location == "hq" else f"-{location.upper()}"
    async with transaction(runtime.session_factory) as session:
        plain = await add_product(session, world, f"PLAIN{tag}")
        packed = await add_product(session, world, f"PACKED{tag}", pack=12, moq=24)
        blocked = await add_product(session, world, f"BLOCKED{tag}")
        await add_assortment(session, world.a.workspace.id, plain, 2)
        await add_assortment(session, world.a.workspace.id, packed, 4)
        await add_assortment(session, world.a.workspace.id, blocked, 5)
        await add_policy(session, where, plain)
        await add_policy(
            session,
            where,
            packed,
            method=PolicyMethod.MIN_MAX,
            min_qty=100,
            max_qty=300,
            lead_time_days=2,
        )
        await add_policy(session, where, blocked, max_qty=70)
    return {
        f"PLAIN{tag}": gid("Product", plain.id),
        f"PACKED{tag}": gid("Product", packed.id),
        f"BLOCKED{tag}": gid("Product", blocked.id),
    }


async def evaluated(runtime: Runtime, world: World, clients: Any) -> dict[str, Any]:
    """The KAM runs an evaluation of account a; its proposal as the buyer reads it."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    await ok(kam, EVALUATE, {"input": {"workspaceId": world.a.workspace_gid}})
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    (proposal,) = (await gql(buyer, PROPOSALS, {"ws": world.a.workspace_gid}))["data"][
        "replenishmentProposals"
    ]["nodes"]
    return proposal


def by_sku(proposal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["product"]["sku"]: line for line in proposal["lines"]["nodes"]}


def decisions(proposal: dict[str, Any]) -> dict[str, Any]:
    """The buyer approves PLAIN, orders 100 of PACKED (not whole packs) and rejects BLOCKED."""
    lines = by_sku(proposal)
    return {
        "input": {
            "id": proposal["id"],
            "version": proposal["version"],
            "lines": [
                {"lineId": lines["PLAIN"]["id"], "decision": "APPROVE"},
                {"lineId": lines["PACKED"]["id"], "decision": "MODIFY", "quantity": 100},
                {"lineId": lines["BLOCKED"]["id"], "decision": "REJECT"},
            ],
        }
    }


async def placed(runtime: Runtime, world: World, clients: Any) -> dict[str, Any]:
    """An order placed by the buyer's decision, as its payload shows it."""
    await stock_up(runtime, world)
    proposal = await evaluated(runtime, world, clients)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    result = await gql(buyer, DECIDE, decisions(proposal))
    assert result["data"]["decideProposal"]["errors"] == [], result
    return result["data"]["decideProposal"]["order"]


async def refused(
    runtime: Runtime, http: httpx.AsyncClient, query: str, variables: dict[str, Any], code: str
) -> dict[str, Any]:
    """A mutation refused with `code` (a GraphQL error for FORBIDDEN, a user error otherwise)
    that changed nothing."""
    before = await snapshot(runtime.session_factory)
    result = await gql(http, query, variables)
    assert await snapshot(runtime.session_factory) == before, "a refused mutation changed data"
    if code == "FORBIDDEN":
        assert error_codes(result) == ["FORBIDDEN"], result
        return result
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert [e["code"] for e in payload["errors"]] == [code], payload
    return payload


async def test_the_whole_loop(runtime, world, clients, now):
    await stock_up(runtime, world)
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    ws = world.a.workspace_gid

    run = await ok(kam, EVALUATE, {"input": {"workspaceId": ws}})
    assert run == {
        "runKey": "manual:2025-03-10T10:07",
        "policies": 3,
        "proposals": 1,
        "lines": 3,
        "autoApproved": 0,
        "orders": 0,
    }

    page = (await gql(buyer, PROPOSALS, {"ws": ws, "status": "OPEN"}))["data"]
    (proposal,) = page["replenishmentProposals"]["nodes"]
    assert proposal["status"] == "OPEN" and proposal["runKey"] == run["runKey"]
    assert proposal["location"] == {"id": gid("Location", world.a.hq.id)}
    assert proposal["viewerCanDecide"] and proposal["viewerCan"]["edit"]
    assert not proposal["viewerCan"]["delete"] and proposal["orders"] == []
    lines = by_sku(proposal)
    assert {sku: line["quantity"] for sku, line in lines.items()} == {
        "PLAIN": 187,
        "PACKED": 228,
        "BLOCKED": 0,
    }
    assert all(line["viewerCanDecide"] and line["status"] == "PROPOSED" for line in lines.values())
    assert lines["BLOCKED"]["explanation"]["note"] == "blocked_by_max"
    assert lines["PACKED"]["explanation"]["method"] == "MIN_MAX"
    assert lines["PLAIN"]["product"] == {"sku": "PLAIN"}
    assert lines["PLAIN"]["policy"]["id"].startswith("U3RvY2tQb2xpY3k6")  # StockPolicy:
    assert lines["PLAIN"]["proposal"] == {"id": proposal["id"]}
    inputs = {f["name"]: f["value"] for f in lines["PLAIN"]["explanation"]["inputs"]}
    assert (inputs["on_hand"], inputs["in_transit"], inputs["committed"]) == (60, 20, 10)
    assert inputs["demand_mean"] == 20.0 and inputs["service_level"] == 0.95
    assert lines["PLAIN"]["explanation"]["daysOfSupply"] == 3.0
    assert lines["PLAIN"]["explanation"]["stockoutDate"] == "2025-03-13"
    # The KAM reads the same proposal but may not decide it.
    seen = (await gql(kam, PROPOSALS, {"ws": ws}))["data"]["replenishmentProposals"]["nodes"]
    assert [p["id"] for p in seen] == [proposal["id"]] and not seen[0]["viewerCanDecide"]

    decided = (await gql(buyer, DECIDE, decisions(proposal)))["data"]["decideProposal"]
    assert decided["errors"] == []
    assert decided["warnings"] == [
        {"lineId": lines["PACKED"]["id"], "messages": ["100 is not a whole number of packs of 12."]}
    ]
    after = decided["proposal"]
    assert (after["status"], after["version"], after["viewerCanDecide"]) == ("DECIDED", 2, False)
    assert after["decidedBy"] == {"email": world.a.email(Role.CUSTOMER_BUYER)}
    decided_lines = by_sku(after)
    assert {
        sku: (line["status"], line["approvedQuantity"]) for sku, line in decided_lines.items()
    } == {
        "PLAIN": ("APPROVED", 187),
        "PACKED": ("MODIFIED", 100),
        "BLOCKED": ("REJECTED", None),
    }
    assert decided_lines["PACKED"]["explanation"]["decision"] == {
        "quantity": 100,
        "warnings": ["100 is not a whole number of packs of 12."],
    }
    assert not any(line["viewerCanDecide"] for line in decided_lines.values())
    order = decided["order"]
    assert after["orders"] == [{"id": order["id"], "number": "PO-000001"}]
    assert (order["number"], order["status"], order["origin"], order["priority"]) == (
        "PO-000001",
        "PLACED",
        "APPROVED",
        2,
    )
    assert order["proposal"] == {"id": proposal["id"]}
    # The buyer reads its order and moves nothing.
    assert (order["nextStatuses"], order["viewerCanMove"], order["viewerCan"]["edit"]) == (
        [],
        False,
        False,
    )
    quantities = {
        line["product"]["sku"]: (line["quantity"], line["proposalLine"]["id"])
        for line in order["lines"]["nodes"]
    }
    assert quantities == {
        "PLAIN": (187, lines["PLAIN"]["id"]),
        "PACKED": (100, lines["PACKED"]["id"]),
    }

    # The supplier moves it on.
    (seen_order,) = (await gql(member, ORDERS, {"ws": ws, "status": "PLACED"}))["data"]["orders"][
        "nodes"
    ]
    assert seen_order["nextStatuses"] == ["CONFIRMED", "CANCELLED"]
    assert seen_order["viewerCanMove"] and seen_order["viewerCan"]["delete"]
    confirmed = await ok(member, CONFIRM, {"input": {"id": order["id"], "version": 1}})
    # Now, as the clock says (it runs on from where the test set it).
    assert confirmed["status"] == "CONFIRMED" and confirmed["confirmedAt"] >= SET
    assert confirmed["nextStatuses"] == ["SHIPPED", "CANCELLED"]
    order_lines = {line["product"]["sku"]: line["id"] for line in order["lines"]["nodes"]}
    shipped = await ok(
        member,
        SHIP,
        {
            "input": {
                "id": order["id"],
                "version": confirmed["version"],
                "shippedQuantities": [{"lineId": order_lines["PLAIN"], "quantity": 180}],
                "expectedDelivery": "2025-03-14",
            }
        },
    )
    assert (shipped["status"], shipped["expectedDelivery"]) == ("SHIPPED", "2025-03-14")
    assert shipped["nextStatuses"] == ["DELIVERED"] and not shipped["viewerCan"]["delete"]
    assert {
        line["product"]["sku"]: line["shippedQuantity"] for line in shipped["lines"]["nodes"]
    } == {"PLAIN": 180, "PACKED": 100}
    delivered = await ok(
        kam,
        DELIVER,
        {
            "input": {
                "id": order["id"],
                "version": shipped["version"],
                "deliveredQuantities": [{"lineId": order_lines["PACKED"], "quantity": 96}],
                "deliveredAt": "2025-03-13T15:00:00+00:00",
            }
        },
    )
    assert delivered["deliveredAt"] == "2025-03-13T15:00:00+00:00"
    assert {
        line["product"]["sku"]: line["deliveredQuantity"] for line in delivered["lines"]["nodes"]
    } == {"PLAIN": 180, "PACKED": 96}
    invoice = {
        "id": order["id"],
        "version": delivered["version"],
        "invoiceNumber": " INV-77 ",
        "invoiceAmount": "1234.567",
        "invoiceCurrency": "eur",
        "invoiceDue": "2025-04-13",
    }
    invoiced = await ok(member, INVOICE, {"input": invoice})
    assert (
        invoiced["status"],
        invoiced["invoiceNumber"],
        invoiced["invoiceAmount"],
        invoiced["invoiceCurrency"],
        invoiced["invoiceDue"],
    ) == ("INVOICED", "INV-77", "1234.57", "EUR", "2025-04-13")
    assert invoiced["nextStatuses"] == [] and invoiced["viewerCanMarkPaid"]
    paid = await ok(member, PAID, {"input": {"id": order["id"], "version": invoiced["version"]}})
    assert paid["paidAt"] >= SET and not paid["viewerCanMarkPaid"]
    assert not paid["viewerCan"]["edit"]
    # The buyer sees it paid, by ID too; its lines by ID.
    (mine,) = (await gql(buyer, ORDERS, {"ws": ws}))["data"]["orders"]["nodes"]
    assert (mine["status"], mine["paidAt"], mine["viewerCanMarkPaid"]) == (
        "INVOICED",
        paid["paidAt"],
        False,
    )
    node = (await gql(buyer, NODE, {"id": order["id"]}))["data"]["node"]
    assert node == {
        "id": order["id"],
        "number": "PO-000001",
        "orderStatus": "INVOICED",
        "nextStatuses": [],
    }
    line_node = (await gql(buyer, NODE, {"id": order_lines["PLAIN"]}))["data"]["node"]
    assert line_node == {"id": order_lines["PLAIN"], "quantity": 187}
    # The workspace's latest changes tell of them, to both sides.
    for http in (buyer, kam):
        recent = (await gql(http, RECENT, {"ws": ws}))["data"]["recentChanges"]
        told = {(change["nodeType"], change["entry"]["field"]) for change in recent}
        assert {
            ("ReplenishmentProposal", None),  # created by the evaluation
            ("ReplenishmentProposal", "status"),
            ("ProposalLine", "status"),
            ("Order", None),
            ("Order", "status"),
            ("Order", "paid_at"),
        } <= told, told


async def test_every_step_carries_its_formula(runtime, world, clients, now):
    await stock_up(runtime, world)
    lines = by_sku(await evaluated(runtime, world, clients))
    steps = {
        sku: [(s["name"], s["formula"]) for s in line["explanation"]["steps"]]
        for sku, line in lines.items()
    }
    assert steps["PLAIN"] == [
        ("z", FORMULAS["z"]),
        ("inventory_position", FORMULAS["inventory_position"]),
        ("safety_stock", FORMULAS["safety_stock"]),
        ("reorder_point", FORMULAS["reorder_point"]),
        ("order_up_to", FORMULAS["order_up_to"]),
        ("trigger", FORMULAS["trigger_rop"]),
        ("need", FORMULAS["need_rop"]),
        ("rounded", FORMULAS["rounded"]),
        ("quantity", FORMULAS["quantity"]),
    ]
    assert steps["PACKED"] == [
        ("inventory_position", FORMULAS["inventory_position"]),
        ("trigger", FORMULAS["trigger_min"]),
        ("need", FORMULAS["need_max"]),
        ("rounded", FORMULAS["rounded"]),
        ("quantity", FORMULAS["quantity"]),
    ]
    values = {s["name"]: s["value"] for s in lines["PACKED"]["explanation"]["steps"]}
    assert values == {
        "inventory_position": 70,
        "trigger": True,
        "need": 230,
        "rounded": 240,
        "quantity": 228,
    }
    assert lines["PACKED"]["explanation"]["note"] == "capped_by_max"


async def test_a_stale_decision_is_a_conflict_with_the_current_proposal(
    runtime, world, clients, now
):
    await stock_up(runtime, world)
    proposal = await evaluated(runtime, world, clients)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    await ok(buyer, DECIDE, decisions(proposal))
    stale = await refused(runtime, buyer, DECIDE, decisions(proposal), "CONFLICT")
    assert stale["errors"][0]["field"] == "version"
    assert (stale["proposal"]["status"], stale["proposal"]["version"]) == ("DECIDED", 2)
    assert stale["order"] is None


async def test_a_stale_move_is_a_conflict_with_the_current_order(runtime, world, clients, now):
    order = await placed(runtime, world, clients)
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    await ok(member, CONFIRM, {"input": {"id": order["id"], "version": 1}})
    stale = await refused(
        runtime, member, CANCEL, {"input": {"id": order["id"], "version": 1}}, "CONFLICT"
    )
    assert (stale["order"]["status"], stale["order"]["version"]) == ("CONFIRMED", 2)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"PACKED": {"decision": "MODIFY"}}, "quantity", "INVALID"),
        ({"PACKED": {"decision": "MODIFY", "quantity": 0}}, "quantity", "INVALID"),
        ({"PLAIN": {"decision": "APPROVE", "quantity": 5}}, "quantity", "INVALID"),
        ({"BLOCKED": {"decision": "APPROVE"}}, "lines", "INVALID"),
        ({"BLOCKED": None}, "lines", "REQUIRED"),
        ({"PLAIN": {"lineId": "nonsense", "decision": "APPROVE"}}, "lines", "INVALID"),
    ],
)
async def test_a_refused_decision_changes_nothing(
    runtime, world, clients, now, change, field, code
):
    await stock_up(runtime, world)
    proposal = await evaluated(runtime, world, clients)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    variables = decisions(proposal)
    ids = {sku: line["id"] for sku, line in by_sku(proposal).items()}
    lines = []
    for line in variables["input"]["lines"]:
        sku = next(s for s, i in ids.items() if i == line["lineId"])
        if sku in change:
            if change[sku] is None:
                continue
            line = {"lineId": line["lineId"], **change[sku]}
        lines.append(line)
    variables["input"]["lines"] = lines
    payload = await refused(runtime, buyer, DECIDE, variables, code)
    assert payload["errors"][0]["field"] == field
    assert payload["proposal"] is None and payload["order"] is None


async def test_refused_moves_change_nothing(runtime, world, clients, now):
    order = await placed(runtime, world, clients)
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    at = {"id": order["id"], "version": 1}
    # Not yet confirmed: neither shipped nor delivered, invoiced or paid.
    await refused(runtime, member, SHIP, {"input": at}, "INVALID")
    await refused(runtime, member, DELIVER, {"input": at}, "INVALID")
    invoice = {**at, "invoiceNumber": "I-1", "invoiceAmount": "1", "invoiceCurrency": "EUR"}
    await refused(
        runtime, member, INVOICE, {"input": {**invoice, "invoiceDue": "2025-04-01"}}, "INVALID"
    )
    await refused(runtime, member, PAID, {"input": at}, "INVALID")
    confirmed = await ok(member, CONFIRM, {"input": at})
    line = order["lines"]["nodes"][0]["id"]
    now_at = {"id": order["id"], "version": confirmed["version"]}
    for quantities, code in (
        ([{"lineId": line, "quantity": -1}], "INVALID"),
        ([{"lineId": line, "quantity": 1}, {"lineId": line, "quantity": 2}], "INVALID"),
        ([{"lineId": gid("OrderLine", world.a.hq.id), "quantity": 1}], "NOT_FOUND"),
        ([{"lineId": order["id"], "quantity": 1}], "INVALID"),  # an Order's ID, not a line's
    ):
        payload = await refused(
            runtime, member, SHIP, {"input": {**now_at, "shippedQuantities": quantities}}, code
        )
        assert payload["errors"][0]["field"] == "shippedQuantities"
    early = {**now_at, "shippedAt": "2025-03-10T09:00:00+00:00", "expectedDelivery": "2025-03-09"}
    payload = await refused(runtime, member, SHIP, {"input": early}, "INVALID")
    assert payload["errors"][0]["field"] == "expectedDelivery"
    cancelled = await ok(member, CANCEL, {"input": now_at})
    assert (cancelled["status"], cancelled["nextStatuses"]) == ("CANCELLED", [])
    assert not cancelled["viewerCan"]["edit"] and not cancelled["viewerCan"]["delete"]


async def test_an_evaluation_of_the_same_minute_writes_nothing_twice(
    runtime, world, clients, now, clock
):
    await stock_up(runtime, world)
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = {"input": {"workspaceId": world.a.workspace_gid}}
    first = await ok(kam, EVALUATE, ws)
    again = await ok(kam, EVALUATE, ws)
    assert (first["lines"], again["lines"], again["proposals"]) == (3, 0, 0)
    assert again["runKey"] == first["runKey"]
    # A minute on, the lines still wait for the customer: nothing new either.
    clock.travel(NOW + timedelta(minutes=1))
    later = await ok(kam, EVALUATE, ws)
    assert (later["runKey"], later["lines"]) == ("manual:2025-03-10T10:08", 0)
    # Account b has no policies: nothing to propose.
    kam_b = await clients.as_user(world.b.email(Role.KAM))
    empty = await ok(kam_b, EVALUATE, {"input": {"workspaceId": world.b.workspace_gid}})
    assert (empty["policies"], empty["proposals"]) == (0, 0)


async def test_proposals_and_orders_page_and_filter(runtime, world, clients, now, clock):
    await stock_up(runtime, world)
    await stock_up(runtime, world, "region")
    kam = await clients.as_user(world.a.email(Role.KAM))
    await ok(kam, EVALUATE, {"input": {"workspaceId": world.a.workspace_gid}})
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    hq, region = gid("Location", world.a.hq.id), gid("Location", world.a.region.id)

    async def proposals(**variables):
        page = (await gql(buyer, PROPOSALS, {"ws": ws, **variables}))["data"]
        return page["replenishmentProposals"]

    both = (await proposals())["nodes"]
    assert {p["location"]["id"] for p in both} == {hq, region}
    first = await proposals(first=1)
    assert first["pageInfo"]["hasNextPage"] and len(first["nodes"]) == 1
    rest = await proposals(first=1, after=first["pageInfo"]["endCursor"])
    assert [p["id"] for p in first["nodes"] + rest["nodes"]] == [p["id"] for p in both]
    assert not rest["pageInfo"]["hasNextPage"]
    (at_region,) = (await proposals(location=region))["nodes"]
    assert at_region["location"]["id"] == region
    await ok(buyer, DECIDE, _regional(at_region))
    assert [p["id"] for p in (await proposals(status="OPEN"))["nodes"]] != [at_region["id"]]
    assert [p["id"] for p in (await proposals(status="DECIDED"))["nodes"]] == [at_region["id"]]
    orders = (await gql(buyer, ORDERS, {"ws": ws, "location": region}))["data"]["orders"]
    assert [o["location"]["id"] for o in orders["nodes"]] == [region]
    assert (await gql(buyer, ORDERS, {"ws": ws, "location": hq}))["data"]["orders"]["nodes"] == []
    assert (await gql(buyer, ORDERS, {"ws": ws, "status": "SHIPPED"}))["data"]["orders"][
        "nodes"
    ] == []
    too_many = await gql(buyer, PROPOSALS, {"ws": ws, "first": 101})
    assert error_codes(too_many) == ["BAD_USER_INPUT"]
    wrong_type = await gql(buyer, ORDERS, {"ws": ws, "location": ws})
    assert error_codes(wrong_type) == ["BAD_USER_INPUT"]
    # A proposal's lines page too.
    lines_page = """query($ws: ID!, $after: String) { replenishmentProposals(workspaceId: $ws,
      first: 2) { nodes { lines(first: 2, after: $after) { nodes { id }
      pageInfo { hasNextPage endCursor } } } } }"""
    pages = (await gql(buyer, lines_page, {"ws": ws}))["data"]["replenishmentProposals"]["nodes"]
    assert all(
        len(p["lines"]["nodes"]) == 2 and p["lines"]["pageInfo"]["hasNextPage"] for p in pages
    )


def _regional(proposal: dict[str, Any]) -> dict[str, Any]:
    """The decisions of a regional proposal (its SKUs carry the location's tag)."""
    lines = by_sku(proposal)
    return {
        "input": {
            "id": proposal["id"],
            "version": proposal["version"],
            "lines": [
                {"lineId": lines["PLAIN-REGION"]["id"], "decision": "APPROVE"},
                {"lineId": lines["PACKED-REGION"]["id"], "decision": "APPROVE"},
                {"lineId": lines["BLOCKED-REGION"]["id"], "decision": "REJECT"},
            ],
        }
    }


async def test_nested_lists_are_batched(runtime, world, clients, now, clock):
    """The statements of a page of proposals with their lines, products, policies and
    orders, and of a page of orders with theirs, do not grow with the number of items."""
    await stock_up(runtime, world)
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = {"input": {"workspaceId": world.a.workspace_gid}}
    await ok(kam, EVALUATE, ws)
    (proposal,) = (await gql(buyer, PROPOSALS, {"ws": world.a.workspace_gid}))["data"][
        "replenishmentProposals"
    ]["nodes"]
    await ok(buyer, DECIDE, decisions(proposal))

    async def counted(query: str) -> int:
        with count_statements(runtime.engine) as counter:
            result = await gql(buyer, query, {"ws": world.a.workspace_gid})
        assert "errors" not in result, result
        return counter.count

    few = (await counted(PROPOSALS), await counted(ORDERS))
    await stock_up(runtime, world, "region")
    clock.travel(NOW + timedelta(minutes=1))
    await ok(kam, EVALUATE, ws)
    proposals = (await gql(buyer, PROPOSALS, {"ws": world.a.workspace_gid, "status": "OPEN"}))[
        "data"
    ]["replenishmentProposals"]["nodes"]
    await ok(buyer, DECIDE, _regional(proposals[0]))
    many = (await counted(PROPOSALS), await counted(ORDERS))
    assert many == few
