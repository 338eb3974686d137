"""Evaluating every policy into proposals: the same lines and explanations on both databases
as the arithmetic gives, auto-approval, and nothing written twice."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, func, select

from kamp.accounts.models import Location, Workspace
from kamp.db import transaction
from kamp.inventory.arithmetic import Inputs, explain
from kamp.inventory.evaluation import evaluate
from kamp.inventory.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderOrigin,
    PolicyMethod,
    ProposalLine,
    ProposalStatus,
    ReplenishmentProposal,
)
from tests.inventory.replenishment_support import AS_OF, add_assortment, add_policy, add_product
from tests.support import snapshot


async def _setup(runtime, world):
    async with transaction(runtime.session_factory) as session:
        rop = await add_product(session, world, "ROP-1")
        packed = await add_product(session, world, "PACK-12", pack=12, moq=30, lead=5, lead_sd="0")
        calm = await add_product(session, world, "CALM")
        await add_assortment(session, world.a.workspace.id, packed, 1)
        # A: reorder point, 187 to order (the arithmetic's worked case).
        await add_policy(session, world.a.hq, rop)
        # A: min/max in packs, auto-approved up to 300, capped by the max.
        await add_policy(
            session,
            world.a.region,
            packed,
            method=PolicyMethod.MIN_MAX,
            min_qty=100,
            max_qty=300,
            auto_approve_max_qty=300,
            lead_time_days=2,
        )
        # A: plenty on hand, nothing to order.
        await add_policy(session, world.a.region, calm, on_hand=5000)
        # B: blocked by its max.
        await add_policy(session, world.b.hq, packed, max_qty=75)
    return rop, packed


async def _lines(runtime):
    async with runtime.session_factory() as session:
        rows = await session.scalars(select(ProposalLine).order_by(ProposalLine.quantity))
        return list(rows)


async def _count(runtime, model):
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model))


def _reference(**kw):
    base = dict(
        method="REORDER_POINT",
        as_of=AS_OF,
        on_hand=60,
        in_transit=20,
        on_order=0,
        committed=10,
        demand_mean=20.0,
        demand_sd=5.0,
        demand_days=28,
        lead_time_days=4,
        lead_time_sd_days=1.0,
        lead_time_source="product",
        review_period_days=7,
        service_level=0.95,
        min_qty=None,
        max_qty=None,
        pack_multiple=1,
        min_order_qty=1,
    )
    return explain(Inputs(**{**base, **kw}))


async def test_evaluation_proposes_what_the_arithmetic_says(runtime, world):
    rop, packed = await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        result = await evaluate(session, run_key="run-1")
    assert (result.proposals, result.lines, result.auto_approved, result.orders) == (3, 3, 1, 1)

    lines = await _lines(runtime)
    by_product = {(line.workspace_id, line.product_id): line for line in lines}
    worked = by_product[(world.a.workspace.id, rop.id)]
    assert worked.quantity == 187 and worked.status == LineStatus.PROPOSED
    assert worked.explanation == _reference().as_json(formulas=False)

    auto = by_product[(world.a.workspace.id, packed.id)]
    expected = _reference(
        method="MIN_MAX",
        min_qty=100,
        max_qty=300,
        pack_multiple=12,
        min_order_qty=30,
        lead_time_days=2,
        lead_time_sd_days=0.0,
        lead_time_source="policy",
        auto_approve_max_qty=300,
    )
    assert auto.quantity == expected.quantity == 228  # 230 -> 240 in packs, max leaves 228
    assert auto.explanation == expected.as_json(formulas=False)
    assert auto.status == LineStatus.AUTO_APPROVED and auto.approved_quantity == 228

    blocked = by_product[(world.b.workspace.id, packed.id)]
    assert blocked.quantity == 0 and blocked.status == LineStatus.PROPOSED
    assert blocked.explanation["note"] == "blocked_by_max"
    assert blocked.explanation == _reference(
        max_qty=75, pack_multiple=12, min_order_qty=30, lead_time_days=5, lead_time_sd_days=0.0
    ).as_json(formulas=False)

    async with runtime.session_factory() as session:
        order = await session.scalar(select(Order))
        assert order.origin == OrderOrigin.AUTO and order.number == "PO-000001"
        assert order.priority == 1 and order.location_id == world.a.region.id
        assert order.version == 1
        order_line = await session.scalar(select(OrderLine))
        assert (order_line.quantity, order_line.proposal_line_id) == (228, auto.id)
        proposals = {p.location_id: p for p in await session.scalars(select(ReplenishmentProposal))}
        assert proposals[world.a.region.id].status == ProposalStatus.DECIDED
        assert proposals[world.a.hq.id].status == ProposalStatus.OPEN
        assert all(p.version == 1 and p.run_key == "run-1" for p in proposals.values())


async def test_a_retried_or_duplicated_run_writes_nothing_twice(runtime, world):
    await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        await evaluate(session, run_key="run-1")
    before = await snapshot(runtime.session_factory)
    for key in ("run-1", "run-2"):
        async with transaction(runtime.session_factory) as session:
            again = await evaluate(session, run_key=key)
        assert (again.proposals, again.lines, again.orders) == (0, 0, 0)
    assert await snapshot(runtime.session_factory) == before


async def test_nothing_to_evaluate_is_no_error(runtime, world):
    """No policy anywhere (a fresh install's hourly run), or none in one workspace."""
    for workspace_id in (None, world.a.workspace.id):
        async with transaction(runtime.session_factory) as session:
            result = await evaluate(session, workspace_id=workspace_id, run_key="empty")
        assert (result.proposals, result.lines, result.orders) == (0, 0, 0)


async def test_one_workspace_only(runtime, world):
    await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        result = await evaluate(session, workspace_id=world.b.workspace.id, run_key="b")
    assert (result.proposals, result.lines) == (1, 1)
    assert await _count(runtime, ReplenishmentProposal) == 1


async def test_an_order_placed_since_the_report_counts(runtime, world, clock):
    clock.travel(AS_OF + timedelta(hours=1))
    await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        await evaluate(session, run_key="run-1")
    # A new report of the same figures for the auto-approved policy, dated before its order:
    # the order placed since counts, so nothing is ordered again.
    async with transaction(runtime.session_factory) as session:
        from kamp.inventory.models import StockPosition

        for position in await session.scalars(select(StockPosition)):
            position.report_id = __import__("uuid").uuid4()
    async with transaction(runtime.session_factory) as session:
        again = await evaluate(session, run_key="run-2")
    assert (again.lines, again.orders) == (0, 0)


async def test_a_run_key_used_again_adds_to_what_that_run_wrote(runtime, world, clock):
    clock.travel(AS_OF + timedelta(hours=1))
    _, packed = await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        await evaluate(session, run_key="run-1")
    # A new report of region A's packed product, after its auto-approved order was placed.
    async with transaction(runtime.session_factory) as session:
        from kamp.inventory.models import StockPosition

        position = await session.get(StockPosition, (world.a.region.id, packed.id))
        position.report_id = uuid.uuid4()
        position.as_of = AS_OF + timedelta(hours=2)
    async with transaction(runtime.session_factory) as session:
        again = await evaluate(session, run_key="run-1")
    # The location has this run's proposal already: the line joins it.
    assert (again.proposals, again.lines, again.auto_approved, again.orders) == (0, 1, 1, 0)
    async with runtime.session_factory() as session:
        proposal = await session.scalar(
            select(ReplenishmentProposal).where(
                ReplenishmentProposal.location_id == world.a.region.id
            )
        )
        lines = list(
            await session.scalars(
                select(ProposalLine).where(ProposalLine.proposal_id == proposal.id)
            )
        )
        assert [line.status for line in lines] == [LineStatus.AUTO_APPROVED] * 2
        assert proposal.status == ProposalStatus.DECIDED
    assert (await _count(runtime, ReplenishmentProposal), await _count(runtime, Order)) == (3, 1)


async def test_lines_go_with_their_proposal_location_and_workspace(runtime, world):
    rop, _ = await _setup(runtime, world)
    async with transaction(runtime.session_factory) as session:
        await evaluate(session, run_key="run-1")

    async def lines_of(workspace_id):
        async with runtime.session_factory() as session:
            return await session.scalar(
                select(func.count())
                .select_from(ProposalLine)
                .where(ProposalLine.workspace_id == workspace_id)
            )

    assert (await lines_of(world.a.workspace.id), await lines_of(world.b.workspace.id)) == (2, 1)
    async with transaction(runtime.session_factory) as session:
        # A location's children first: a location that has some is kept (RESTRICT).
        await session.execute(delete(Location).where(Location.id == world.b.region.id))
        await session.execute(delete(Workspace).where(Workspace.id == world.b.workspace.id))
    assert (await lines_of(world.a.workspace.id), await lines_of(world.b.workspace.id)) == (2, 0)
    async with transaction(runtime.session_factory) as session:
        await session.execute(
            delete(ReplenishmentProposal).where(ReplenishmentProposal.location_id == world.a.hq.id)
        )
    async with runtime.session_factory() as session:
        left = list(await session.scalars(select(ProposalLine.product_id)))
    assert rop.id not in left and len(left) == 1
