"""A scorecard per location, rolled up the location tree, and sell-through across locations:
what the figures are on a worked example, and that an internal product counts for the
supplier alone."""

from __future__ import annotations

import pytest

from kamp import clock
from kamp.accounts.models import Role
from kamp.errors import NotFound, UserError
from kamp.inventory import scorecards
from kamp.inventory.models import StockSource
from kamp.inventory.reports import record_reports
from tests.inventory.stock_support import principal, row, stock_world


async def _reported(runtime, world):
    """Ten days ending now: branch A-1 sold 90 of SKU-1 with the last day out of stock (40 on
    hand) and 1,000 of the internal SKU-3; branch A-2 sold 50 of SKU-2 (100 on hand)."""
    stock = await stock_world(runtime, world)
    now = clock.now()
    rows = [
        row(1, now, sku="SKU-1", period_days=10, sold=90, stockout_days=1, on_hand=40),
        row(2, now, sku="SKU-3", period_days=10, sold=1000, on_hand=500),
        row(3, now, location_code="A-2", sku="SKU-2", period_days=10, sold=50, on_hand=100),
    ]
    kam = await principal(runtime, world, Role.KAM)
    async with runtime.session_factory() as session:
        await record_reports(
            session,
            principal=kam,
            workspace_id=world.a.workspace.id,
            rows=rows,
            source=StockSource.API,
        )
        await session.commit()
    return stock


async def test_the_tree_rolls_up_what_each_side_may_see(runtime, world):
    stock = await _reported(runtime, world)
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    async with runtime.session_factory() as session:
        [hq] = await scorecards.scorecards(
            session, principal=buyer, workspace_id=world.a.workspace.id
        )
    branch = scorecards.find([hq], stock.branches["A-1"])
    assert branch is not None
    f = branch.total
    # Nine days in stock at 10 a day; the stock-out day missed about 10 more.
    assert (f.sold, f.missed, f.stockout_days, f.fill_rate) == (90.0, 10.0, 1, 0.9)
    assert (f.on_hand, f.daily_demand, f.days_of_supply) == (40, 10.0, 4.0)
    t = hq.total
    assert (t.sold, t.missed, t.stockout_days, t.fill_rate) == (140.0, 10.0, 1, 0.9333)
    assert (t.on_hand, t.daily_demand, t.days_of_supply) == (140, 15.0, 9.3)
    # 140 sold in 28 days over an average stock of 140: 13 turns a year.
    assert t.turns == 13.04
    assert hq.own.sold == 0 and hq.children[0].location.id == world.a.region.id
    kam = await principal(runtime, world, Role.KAM)
    async with runtime.session_factory() as session:
        [hq] = await scorecards.scorecards(
            session, principal=kam, workspace_id=world.a.workspace.id
        )
    assert (hq.total.sold, hq.total.on_hand) == (1140.0, 640)


async def test_sell_through_across_locations(runtime, world):
    stock = await _reported(runtime, world)
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    kam = await principal(runtime, world, Role.KAM)
    ws = world.a.workspace.id
    async with runtime.session_factory() as session:
        whole = await scorecards.sell_through(session, principal=buyer, workspace_id=ws)
        assert [(s.product.sku, s.sold) for s in whole] == [("SKU-1", 90.0), ("SKU-2", 50.0)]
        at = await scorecards.sell_through(
            session, principal=buyer, workspace_id=ws, location_id=stock.branches["A-2"]
        )
        assert [(s.product.sku, s.sold) for s in at] == [("SKU-2", 50.0)]
        theirs = await scorecards.sell_through(session, principal=kam, workspace_id=ws)
        assert [s.product.sku for s in theirs] == ["SKU-3", "SKU-1", "SKU-2"]
        # Another account's location is not one of this account's.
        with pytest.raises(UserError) as refused:
            await scorecards.sell_through(
                session, principal=buyer, workspace_id=ws, location_id=stock.branches["B-1"]
            )
        assert refused.value.error_code == "NOT_FOUND"
        with pytest.raises(UserError):
            await scorecards.scorecards(session, principal=buyer, workspace_id=ws, days=3)


async def test_another_account_sees_nothing(runtime, world):
    await _reported(runtime, world)
    outsider = await principal(runtime, world, Role.CUSTOMER_BUYER, account="b")
    async with runtime.session_factory() as session:
        with pytest.raises(NotFound):
            await scorecards.scorecards(
                session, principal=outsider, workspace_id=world.a.workspace.id
            )
