"""Who decides, moves and evaluates replenishment through the API, and who only reads.

The customer's buyer alone decides proposals; the supplier's KAM and members alone move orders
on and run an evaluation; the executives and the mentor read. What the API refuses, viewerCan
denies, and a refused mutation changes nothing. Another account's proposal answers as a
random ID does; a token with inventory:read alone writes nothing, one without inventory scopes
reads nothing. Two buyers deciding at once give one order."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from kamp.accounts.models import Role
from kamp.inventory import proposals as proposals_module
from kamp.inventory.models import Order, OrderLine
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.inventory.test_replenishment_api import (
    CANCEL,
    CONFIRM,
    DECIDE,
    DELIVER,
    EVALUATE,
    INVOICE,
    NODE,
    ORDERS,
    PAID,
    PROPOSALS,
    SHIP,
    decisions,
    evaluated,
    placed,
    refused,
    stock_up,
)
from tests.support import error_codes, gid, gql, snapshot

DECIDERS = {Role.CUSTOMER_BUYER}
MOVERS = {Role.KAM, Role.SUPPLIER_MEMBER}
EVALUATORS = {Role.KAM, Role.SUPPLIER_MEMBER}


def _moves(order: dict) -> list[tuple[str, dict]]:
    at = {"id": order["id"], "version": order["version"]}
    return [
        (CONFIRM, at),
        (SHIP, at),
        (DELIVER, at),
        (
            INVOICE,
            {
                **at,
                "invoiceNumber": "I-1",
                "invoiceAmount": "10",
                "invoiceCurrency": "EUR",
                "invoiceDue": "2025-04-01",
            },
        ),
        (PAID, at),
        (CANCEL, at),
    ]


@pytest.mark.parametrize("role", list(Role))
async def test_who_decides_moves_and_evaluates(runtime, world, clients, role):
    """Each role reads the proposal and the order; viewerCan says what it may do, and exactly
    that is refused otherwise (FORBIDDEN, nothing written)."""
    await stock_up(runtime, world)
    open_one = await evaluated(runtime, world, clients)
    http = await clients.as_user(world.a.email(role))
    ws = world.a.workspace_gid

    (seen,) = (await gql(http, PROPOSALS, {"ws": ws}))["data"]["replenishmentProposals"]["nodes"]
    assert seen["id"] == open_one["id"]
    assert seen["viewerCanDecide"] is (role in DECIDERS)
    assert seen["viewerCan"] == {"edit": role in DECIDERS, "delete": False, "share": False}
    assert all(line["viewerCanDecide"] is (role in DECIDERS) for line in seen["lines"]["nodes"])
    # Every role reads the explanation, the product and (a shared policy) the policy.
    assert all(
        line["explanation"]["steps"] and line["product"] and line["policy"]
        for line in seen["lines"]["nodes"]
    )
    if role not in DECIDERS:
        await refused(runtime, http, DECIDE, decisions(open_one), "FORBIDDEN")
    if role not in EVALUATORS:
        await refused(runtime, http, EVALUATE, {"input": {"workspaceId": ws}}, "FORBIDDEN")

    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    decided = (await gql(buyer, DECIDE, decisions(open_one)))["data"]["decideProposal"]
    (order,) = (await gql(http, ORDERS, {"ws": ws}))["data"]["orders"]["nodes"]
    assert order["id"] == decided["order"]["id"]
    may_move = role in MOVERS
    assert order["viewerCanMove"] is may_move
    assert order["nextStatuses"] == (["CONFIRMED", "CANCELLED"] if may_move else [])
    assert order["viewerCan"] == {"edit": may_move, "delete": may_move, "share": False}
    assert not order["viewerCanMarkPaid"]
    if not may_move:
        for query, variables in _moves(order):
            await refused(runtime, http, query, {"input": variables}, "FORBIDDEN")


async def test_the_customer_runs_no_evaluation(runtime, world, clients):
    """The buyer plans the parameters it owns, but what the arithmetic proposes is the
    supplier's to run: refused, nothing written."""
    await stock_up(runtime, world)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = {"input": {"workspaceId": world.a.workspace_gid}}
    await refused(runtime, buyer, EVALUATE, ws, "FORBIDDEN")


async def test_another_account_answers_as_a_random_id(runtime, world, clients):
    order = await placed(runtime, world, clients)
    buyer_a = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    (proposal,) = (await gql(buyer_a, PROPOSALS, {"ws": world.a.workspace_gid}))["data"][
        "replenishmentProposals"
    ]["nodes"]
    line = proposal["lines"]["nodes"][0]["id"]
    order_line = order["lines"]["nodes"][0]["id"]
    for role in (Role.KAM, Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER):
        other = await clients.as_user(world.b.email(role))
        for query in (PROPOSALS, ORDERS):
            result = await gql(other, query, {"ws": world.a.workspace_gid})
            assert error_codes(result) == ["NOT_FOUND"], (role, result)
        for type_name, node_id in (
            ("ReplenishmentProposal", proposal["id"]),
            ("ProposalLine", line),
            ("Order", order["id"]),
            ("OrderLine", order_line),
        ):
            assert (await gql(other, NODE, {"id": node_id}))["data"]["node"] is None
            random = gid(type_name, uuid.uuid4())
            assert (await gql(other, NODE, {"id": random}))["data"]["node"] is None
        # Deciding or moving a's: the same answer as for an ID that does not exist.
        random_proposal = gid("ReplenishmentProposal", uuid.uuid4())
        mine = decisions(proposal)
        theirs = {"input": {**mine["input"], "id": random_proposal}}
        hidden = await _refused_alike(runtime, other, DECIDE, mine, theirs)
        assert [e["code"] for e in hidden["errors"]] == ["NOT_FOUND"]
        for query, variables in _moves(order):
            random_order = {**variables, "id": gid("Order", uuid.uuid4())}
            hidden = await _refused_alike(
                runtime, other, query, {"input": variables}, {"input": random_order}
            )
            assert [e["code"] for e in hidden["errors"]] == ["NOT_FOUND"], (role, query)
        evaluated_b = await gql(other, EVALUATE, {"input": {"workspaceId": world.a.workspace_gid}})
        random_ws = await gql(
            other, EVALUATE, {"input": {"workspaceId": gid("Workspace", uuid.uuid4())}}
        )
        assert evaluated_b == random_ws
        assert evaluated_b["data"]["evaluateReplenishment"]["errors"][0]["code"] == "NOT_FOUND"


async def _refused_alike(runtime, http, query, hidden, random):
    before = await snapshot(runtime.session_factory)
    first = await gql(http, query, hidden)
    second = await gql(http, query, random)
    assert await snapshot(runtime.session_factory) == before
    assert first == second, (first, second)
    (payload,) = first["data"].values()
    return payload


async def _token(runtime, clients, client, world, user, scope: str) -> str:
    app = await make_client(runtime, world.admin, scopes=tuple(scope.split()))
    browser = await clients.as_user(user.email)
    code, verifier = await get_code(browser, app, scope=scope)
    response = await exchange(client, app, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER])
async def test_a_read_token_writes_nothing(runtime, world, clients, client, role):
    await stock_up(runtime, world)
    proposal = await evaluated(runtime, world, clients)
    token = await _token(
        runtime, clients, client, world, world.a.users[role], "openid inventory:read"
    )
    ws = world.a.workspace_gid
    seen = await bearer_gql(client, token, PROPOSALS, {"ws": ws})
    (listed,) = seen["data"]["replenishmentProposals"]["nodes"]
    assert listed["id"] == proposal["id"]
    # What the token cannot do, viewerCan does not offer.
    assert not listed["viewerCanDecide"] and not listed["viewerCan"]["edit"]
    writes = [
        (DECIDE, decisions(proposal)),
        (EVALUATE, {"input": {"workspaceId": ws}}),
    ]
    for query, variables in writes:
        before = await snapshot(runtime.session_factory)
        result = await bearer_gql(client, token, query, variables)
        assert error_codes(result) == ["FORBIDDEN"], (query, result)
        assert await snapshot(runtime.session_factory) == before
    # An order, placed by the buyer's browser: the token moves it not.
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    order = (await gql(buyer, DECIDE, decisions(proposal)))["data"]["decideProposal"]["order"]
    (listed_order,) = (await bearer_gql(client, token, ORDERS, {"ws": ws}))["data"]["orders"][
        "nodes"
    ]
    assert listed_order["nextStatuses"] == [] and not listed_order["viewerCanMove"]
    for query, variables in _moves(order):
        before = await snapshot(runtime.session_factory)
        result = await bearer_gql(client, token, query, {"input": variables})
        assert error_codes(result) == ["FORBIDDEN"], (query, result)
        assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER])
async def test_a_token_without_inventory_scopes_reads_nothing(
    runtime, world, clients, client, role
):
    order = await placed(runtime, world, clients)
    token = await _token(
        runtime, clients, client, world, world.a.users[role], "openid plans:read plans:write"
    )
    ws = world.a.workspace_gid
    for query in (PROPOSALS, ORDERS):
        result = await bearer_gql(client, token, query, {"ws": ws})
        assert error_codes(result) == ["FORBIDDEN"], result
    assert (await bearer_gql(client, token, NODE, {"id": order["id"]}))["data"]["node"] is None
    line = order["lines"]["nodes"][0]["id"]
    assert (await bearer_gql(client, token, NODE, {"id": line}))["data"]["node"] is None
    proposal = order["proposal"]["id"]
    assert (await bearer_gql(client, token, NODE, {"id": proposal}))["data"]["node"] is None


async def test_a_token_with_inventory_write_moves_orders_for_the_supplier(
    runtime, world, clients, client
):
    """The supplier's ERP (a member's token with inventory:write) confirms an order; the
    customer's (the buyer's) decides but moves nothing."""
    order = await placed(runtime, world, clients)
    scope = "openid inventory:read inventory:write"
    member = await _token(
        runtime, clients, client, world, world.a.users[Role.SUPPLIER_MEMBER], scope
    )
    confirmed = await bearer_gql(
        client, member, CONFIRM, {"input": {"id": order["id"], "version": 1}}
    )
    assert confirmed["data"]["confirmOrder"]["order"]["status"] == "CONFIRMED", confirmed
    buyer = await _token(runtime, clients, client, world, world.a.users[Role.CUSTOMER_BUYER], scope)
    before = await snapshot(runtime.session_factory)
    cancel = await bearer_gql(client, buyer, CANCEL, {"input": {"id": order["id"], "version": 2}})
    assert error_codes(cancel) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before


async def test_two_decisions_at_once_give_one_order(runtime, world, clients, monkeypatch):
    """Two browsers of the buyer send the same decision at the same moment, both having read
    version 1: one order, and the other gets a CONFLICT and writes nothing."""
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    await stock_up(runtime, world)
    proposal = await evaluated(runtime, world, clients)
    first = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    second = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    barrier = asyncio.Barrier(2)
    load = proposals_module.get_proposal

    async def both_have_read(session, **kwargs):
        row = await load(session, **kwargs)
        await barrier.wait()  # both hold version 1 before either writes
        return row

    monkeypatch.setattr(proposals_module, "get_proposal", both_have_read)
    results = await asyncio.gather(
        gql(first, DECIDE, decisions(proposal)), gql(second, DECIDE, decisions(proposal))
    )
    payloads = [result["data"]["decideProposal"] for result in results]
    codes = sorted(tuple(e["code"] for e in p["errors"]) for p in payloads)
    assert codes == [(), ("CONFLICT",)], payloads
    won = next(p for p in payloads if not p["errors"])
    assert won["order"]["number"] == "PO-000001"
    lost = next(p for p in payloads if p["errors"])
    # The loser is shown the proposal as the winner left it.
    assert lost["order"] is None and lost["errors"][0]["field"] == "version"
    assert (lost["proposal"]["status"], lost["proposal"]["version"]) == ("DECIDED", 2)
    async with runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
        assert await session.scalar(select(func.count()).select_from(OrderLine)) == 2
    # Read again, the proposal is decided once, by the winner.
    monkeypatch.setattr(proposals_module, "get_proposal", load)
    (now,) = (await gql(first, PROPOSALS, {"ws": world.a.workspace_gid}))["data"][
        "replenishmentProposals"
    ]["nodes"]
    assert (now["status"], now["version"], [o["number"] for o in now["orders"]]) == (
        "DECIDED",
        2,
        ["PO-000001"],
    )
