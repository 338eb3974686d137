"""Daily demand, positions and their statistics as reports arrive, and each location's
freshness."""

from __future__ import annotations

import json
import math
import random
import statistics
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from kamp.accounts.locations import delete_location
from kamp.accounts.models import KeyAccount, Location, Role
from kamp.inventory import alerts, positions
from kamp.inventory.models import (
    AlertKind,
    DemandDay,
    PolicyMethod,
    StockAlert,
    StockPolicy,
    StockPosition,
    StockReport,
    StockSource,
)
from kamp.inventory.positions import Freshness, list_positions, location_freshness
from kamp.inventory.reports import IngestMode, record_reports
from tests.inventory.stock_support import principal, row, stock_world

NOW = datetime(2030, 5, 20, 12, 0, tzinfo=UTC)
D = NOW.date()


@pytest.fixture
async def stock(runtime, world, clock):
    clock.travel(NOW)
    return await stock_world(runtime, world)


def _day(offset: int) -> datetime:
    """Ten in the morning, `offset` days from D (UTC)."""
    return datetime.combine(D + timedelta(days=offset), datetime.min.time(), UTC) + timedelta(
        hours=10
    )


async def _send(runtime, world, *rows, role=Role.SUPPLIER_MEMBER, keep=False):
    who = await principal(runtime, world, role)
    async with runtime.session_factory() as session:
        result = await record_reports(
            session,
            principal=who,
            workspace_id=world.a.workspace.id,
            rows=list(rows),
            source=StockSource.API,
            mode=IngestMode.ALL_OR_NOTHING,
        )
        await session.commit()
    assert result.accepted == len(rows)


async def _position(runtime, stock, code="A-1", sku="SKU-1") -> StockPosition:
    async with runtime.session_factory() as session:
        found = await session.get(StockPosition, (stock.branches[code], stock.products[sku]))
        assert found is not None
        return found


async def _days(runtime, stock, code="A-1", sku="SKU-1") -> dict[date, tuple[float, bool]]:
    async with runtime.session_factory() as session:
        rows = await session.execute(
            select(DemandDay.day, DemandDay.quantity, DemandDay.stockout).where(
                DemandDay.location_id == stock.branches[code],
                DemandDay.product_id == stock.products[sku],
            )
        )
        return {day: (round(quantity, 6), out) for day, quantity, out in rows.all()}


async def test_sales_spread_over_the_days_in_stock(runtime, world, stock):
    # 10 sold over 4 days, the last of them out of stock: 10/3 on each of the other three.
    await _send(runtime, world, row(1, _day(0), period_days=4, sold=10, stockout_days=1))
    third = round(10 / 3, 6)
    assert await _days(runtime, stock) == {
        D - timedelta(days=3): (third, False),
        D - timedelta(days=2): (third, False),
        D - timedelta(days=1): (third, False),
        D: (0.0, True),
    }
    # Out of stock every day: the sales spread over all of them. Reports add up per day.
    await _send(runtime, world, row(1, _day(-1), period_days=2, sold=4, stockout_days=2))
    days = await _days(runtime, stock)
    assert days[D - timedelta(days=2)] == (round(10 / 3 + 2, 6), True)
    assert days[D - timedelta(days=1)] == (round(10 / 3 + 2, 6), True)
    # Nothing sold is data too: the day is written with 0.
    await _send(runtime, world, row(1, _day(-7), sold=0))
    assert (await _days(runtime, stock))[D - timedelta(days=7)] == (0.0, False)


async def test_a_late_report_does_not_overwrite_newer_figures(runtime, world, stock):
    await _send(runtime, world, row(1, _day(0), on_hand=40, in_transit=5, sold=2))
    newest = await _position(runtime, stock)
    await _send(runtime, world, row(1, _day(-2), on_hand=99, on_order=7, sold=6))
    late = await _position(runtime, stock)
    assert (late.on_hand, late.in_transit, late.on_order, late.as_of) == (40, 5, 0, _day(0))
    assert late.report_id == newest.report_id
    # ... but its demand counts: two days with data now.
    assert (late.demand_days, late.demand_mean) == (2, 4.0)
    # A report of the same instant replaces the figures; within one call the later row wins.
    await _send(
        runtime, world, row(1, _day(0), on_hand=38), row(2, _day(0), on_hand=37, committed=3)
    )
    same = await _position(runtime, stock)
    assert (same.on_hand, same.committed) == (37, 3)


async def test_demand_statistics_by_hand(runtime, world, stock):
    """Window 7 (the policy's) ending on D: days D-6 .. D.

    D-9: 50 (outside the window) · D-6: 4 · D-5: 5 + 1 (a late report) · D-4: 5 ·
    D-3: out of stock (left out) · D-2, D-1: no report (no data) · D: 9 · D+1 is after the
    position's date. In the window: 4, 6, 5, 9: mean 6, squared deviations 4 + 0 + 1 + 9 = 14,
    sample variance 14 / 3, standard deviation 2.1602. Without a policy the window is 28
    days, which takes in D-9 too: 50, 4, 6, 5, 9."""
    member = await principal(runtime, world, Role.SUPPLIER_MEMBER)
    async with runtime.session_factory() as session:
        session.add(
            StockPolicy(
                workspace_id=world.a.workspace.id,
                location_id=stock.branches["A-1"],
                product_id=stock.products["SKU-1"],
                method=PolicyMethod.REORDER_POINT,
                demand_window_days=7,
                owners={},
                version=1,
            )
        )
        # Demand after the position's date (a forecast, say) is no part of its window.
        session.add(
            DemandDay(
                location_id=stock.branches["A-1"],
                product_id=stock.products["SKU-1"],
                day=D + timedelta(days=1),
                workspace_id=world.a.workspace.id,
                quantity=1000.0,
                stockout=False,
            )
        )
        await session.commit()
    assert member is not None
    for code in ("A-1", "A-2"):
        await _send(runtime, world, row(1, _day(-9), location_code=code, sold=50))
        await _send(runtime, world, row(1, _day(-6), location_code=code, sold=4))
        await _send(
            runtime,
            world,
            row(1, _day(-3), location_code=code, period_days=3, sold=10, stockout_days=1),
        )
        await _send(runtime, world, row(1, _day(-5), location_code=code, sold=1))
        await _send(runtime, world, row(1, _day(0), location_code=code, sold=9, on_hand=40))
    with_policy = await _position(runtime, stock, "A-1")
    assert with_policy.demand_days == 4
    assert with_policy.demand_mean == pytest.approx(6.0)
    assert with_policy.demand_sd == pytest.approx(math.sqrt(14 / 3))
    assert with_policy.demand_sd == pytest.approx(2.1602, abs=1e-4)
    default = await _position(runtime, stock, "A-2")
    assert default.demand_days == 5
    assert default.demand_mean == pytest.approx(74 / 5)
    assert default.demand_sd == pytest.approx(
        math.sqrt(sum((x - 14.8) ** 2 for x in (50, 4, 6, 5, 9)) / 4)
    )
    assert positions.describe([4, 6, 5, 9]) == pytest.approx((6.0, math.sqrt(14 / 3)))
    assert positions.describe([7]) == (7.0, 0.0)


async def test_only_touched_positions_are_recomputed(runtime, world, stock):
    await _send(runtime, world, row(1, _day(-1), sold=3), row(2, _day(-1), sku="SKU-2", sold=3))
    # A deliberately wrong figure on the untouched key: recomputing it would change it.
    async with runtime.session_factory() as session:
        await session.execute(
            update(StockPosition)
            .where(StockPosition.product_id == stock.products["SKU-2"])
            .values(demand_mean=123.0, demand_days=99)
        )
        await session.commit()
    await _send(runtime, world, row(1, _day(0), sold=5))
    untouched = await _position(runtime, stock, sku="SKU-2")
    assert (untouched.demand_mean, untouched.demand_days) == (123.0, 99)
    touched = await _position(runtime, stock)
    assert (touched.demand_mean, touched.demand_days) == (4.0, 2)


async def test_freshness_badges_follow_the_clock(runtime, world, stock, clock):
    await _send(
        runtime,
        world,
        row(1, NOW - timedelta(hours=1)),
        row(2, NOW - timedelta(days=3), location_code="A-2"),
        row(3, NOW - timedelta(days=9), location_code="A-2", sku="SKU-2"),
    )
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    async with runtime.session_factory() as session:
        found = await location_freshness(
            session, principal=buyer, workspace_id=world.a.workspace.id
        )
    badges = {f.location.code or f.location.kind.value: f.badge for f in found}
    assert badges == {
        "HEADQUARTERS": Freshness.NO_DATA,
        "REGION": Freshness.NO_DATA,
        "DISTRICT": Freshness.NO_DATA,
        "A-1": Freshness.FRESH,
        "A-2": Freshness.AGING,  # its latest figures count, not its oldest
    }
    assert [f.badge for f in found][-2:] == [Freshness.AGING, Freshness.FRESH]  # oldest first
    clock.travel(NOW + timedelta(days=8))
    async with runtime.session_factory() as session:
        found = await location_freshness(
            session, principal=buyer, workspace_id=world.a.workspace.id
        )
    assert {f.location.code: f.badge for f in found if f.location.code} == {
        "A-1": Freshness.STALE,
        "A-2": Freshness.STALE,
    }
    assert positions.badge(timedelta(days=2)) == Freshness.AGING
    assert positions.badge(timedelta(days=7)) == Freshness.STALE
    assert positions.badge(timedelta(days=1, hours=23)) == Freshness.FRESH


async def test_positions_page_through_what_the_reader_sees(runtime, world, stock):
    await _send(
        runtime,
        world,
        row(1, _day(0)),
        row(2, _day(0), sku="SKU-2"),
        row(3, _day(0), sku="SKU-3"),  # INTERNAL in the assortment
        row(4, _day(0), location_code="A-2"),
    )
    expected = {"SKU-1", "SKU-2", "SKU-3"}
    for role, skus in ((Role.KAM, expected), (Role.CUSTOMER_BUYER, expected - {"SKU-3"})):
        who = await principal(runtime, world, role)
        seen, after = [], None
        async with runtime.session_factory() as session:
            while True:
                page, more = await list_positions(
                    session,
                    principal=who,
                    workspace_id=world.a.workspace.id,
                    location_id=stock.branches["A-1"],
                    first=1,
                    after=after,
                )
                seen += [p.product_id for p in page]
                if not more:
                    break
                after = (page[-1].location_id, page[-1].product_id)
        assert sorted(seen) == sorted(stock.products[s] for s in skus)


async def _statistics_by_reading(runtime, world) -> dict[tuple, tuple[int, float, float]]:
    """Every position's statistics, and the same computed afresh from its window's days."""
    found = {}
    async with runtime.session_factory() as session:
        policies = await session.execute(
            select(StockPolicy.location_id, StockPolicy.product_id, StockPolicy.demand_window_days)
        )
        windows = {(location, product): days for location, product, days in policies.all()}
        for position in await session.scalars(
            select(StockPosition).where(StockPosition.workspace_id == world.a.workspace.id)
        ):
            key = (position.location_id, position.product_id)
            end = position.as_of.astimezone(UTC).date()
            window = windows.get(key, positions.DEFAULT_WINDOW_DAYS)
            values = list(
                await session.scalars(
                    select(DemandDay.quantity).where(
                        DemandDay.location_id == position.location_id,
                        DemandDay.product_id == position.product_id,
                        DemandDay.day > end - timedelta(days=window),
                        DemandDay.day <= end,
                        DemandDay.stockout.is_(False),
                    )
                )
            )
            found[key] = (
                (position.demand_days, position.demand_mean, position.demand_sd),
                (len(values), *positions.describe(values)),
            )
    return found


async def test_running_statistics_are_those_of_the_window_read_afresh(runtime, world, stock):
    """Reports in order and late, overlapping periods, stock-outs, several rows of one key in
    a call, gaps longer than the window, a policy whose window comes and changes: after every
    call each position's statistics are those of its window read afresh."""
    rng = random.Random(852)
    keys = [("A-1", "SKU-1"), ("A-1", "SKU-2"), ("A-2", "SKU-1")]
    cursor = -400
    for step in range(60):
        if step in (25, 40):
            async with runtime.session_factory() as session:
                policy = await session.scalar(select(StockPolicy))
                if policy is None:
                    session.add(
                        StockPolicy(
                            workspace_id=world.a.workspace.id,
                            location_id=stock.branches["A-1"],
                            product_id=stock.products["SKU-1"],
                            method=PolicyMethod.REORDER_POINT,
                            demand_window_days=7,
                            owners={},
                            version=1,
                        )
                    )
                else:
                    policy.demand_window_days = 14
                await session.commit()
        rows = []
        for number in range(1, rng.randint(1, 4) + 1):
            move = rng.random()
            cursor = min(0, cursor + (rng.randint(0, 2) if move < 0.85 else rng.randint(29, 45)))
            offset = cursor if rng.random() < 0.8 else cursor - rng.randint(1, 20)  # late
            period = rng.randint(1, 5)
            stockout = rng.choice([0, 0, 0, rng.randint(0, period)])
            code, sku = rng.choice(keys)
            rows.append(
                row(
                    number,
                    _day(offset),
                    location_code=code,
                    sku=sku,
                    period_days=period,
                    stockout_days=stockout,
                    sold=rng.randint(0, 30),
                )
            )
        await _send(runtime, world, *rows)
        touched = {(stock.branches[r.location_code], stock.products[r.sku]) for r in rows}
        found = await _statistics_by_reading(runtime, world)
        for kept, expected in (found[key] for key in touched):  # a policy recomputes nothing
            assert kept[0] == expected[0]
            assert kept[1:] == pytest.approx(expected[1:], rel=1e-9, abs=1e-9)


async def test_a_deleted_locations_stock_is_never_read(runtime, world, stock, clock):
    """Stock rows have no foreign key to their location: once it is deleted they are history
    that no read returns (the board, freshness, the stale-data alerts)."""
    await _send(
        runtime,
        world,
        row(1, _day(0)),
        row(2, _day(0), location_code="A-2"),
        row(3, _day(0), location_code="A-2", sku="SKU-2"),
    )
    kam = await principal(runtime, world, Role.KAM)
    async with runtime.session_factory() as session:
        await delete_location(session, principal=kam, location_id=stock.branches["A-2"])
        await session.commit()
    async with runtime.session_factory() as session:
        page, more = await list_positions(
            session, principal=kam, workspace_id=world.a.workspace.id, first=100
        )
        assert {p.location_id for p in page} == {stock.branches["A-1"]} and not more
        page, _more = await list_positions(
            session,
            principal=kam,
            workspace_id=world.a.workspace.id,
            location_id=stock.branches["A-2"],
        )
        assert page == []
        found = await location_freshness(session, principal=kam, workspace_id=world.a.workspace.id)
        assert stock.branches["A-2"] not in {f.location.id for f in found}
    clock.travel(NOW + timedelta(days=8))
    async with runtime.session_factory() as session:
        assert await alerts.check_stock(session) == 1
        await session.commit()
        stale = (await session.execute(select(StockAlert.location_id, StockAlert.kind))).all()
    assert stale == [(stock.branches["A-1"], AlertKind.STALE_DATA)]


async def test_an_accounts_removal_takes_its_stock(runtime, world, stock):
    """No foreign key to the workspace either: the removal of an account (its workspace) takes
    its reports, demand days and positions, and leaves another account's alone."""
    await _send(runtime, world, row(1, _day(0), period_days=3, sold=6), row(2, _day(0)))
    b_member = await principal(runtime, world, Role.SUPPLIER_MEMBER, account="b")
    async with runtime.session_factory() as session:
        await record_reports(
            session,
            principal=b_member,
            workspace_id=world.b.workspace.id,
            rows=[row(1, _day(0), location_code="B-1")],
            source=StockSource.API,
        )
        await session.commit()

    async def counts() -> dict[str, int]:
        async with runtime.session_factory() as session:
            return {
                model.__tablename__: await session.scalar(
                    select(func.count()).select_from(model).where(model.workspace_id == workspace)
                )
                for model in (StockReport, DemandDay, StockPosition)
                for workspace in (world.a.workspace.id,)
            } | {
                f"b {model.__tablename__}": await session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.workspace_id == world.b.workspace.id)
                )
                for model in (StockReport, DemandDay, StockPosition)
            }

    assert await counts() == {
        "stock_reports": 2,
        "demand_days": 3,
        "stock_positions": 1,
        "b stock_reports": 1,
        "b demand_days": 1,
        "b stock_positions": 1,
    }
    async with runtime.session_factory() as session:
        # SQLite checks the locations' RESTRICT key to their parent at once, even for rows the
        # same cascade removes: the tree is flattened first (no bearing on the stock).
        await session.execute(
            update(Location)
            .where(Location.workspace_id == world.a.workspace.id)
            .values(parent_id=None)
        )
        await session.execute(delete(KeyAccount).where(KeyAccount.id == world.a.key_account.id))
        await session.commit()
    assert await counts() == {
        "stock_reports": 0,
        "demand_days": 0,
        "stock_positions": 0,
        "b stock_reports": 1,
        "b demand_days": 1,
        "b stock_positions": 1,
    }


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_reports_read_only_the_days_the_window_moves_by_on_postgresql(runtime, world, stock):
    """A year of history for the touched key and for an untouched one. The next day's report
    reads the one day that leaves the window (the running sums hold the rest, the new day is
    the batch's own); a new position reads nothing; a report that changes a day already counted
    reads the key's window again, through the primary key's range. Never the history."""
    await _send(
        runtime,
        world,
        row(1, _day(-1), period_days=365, sold=365),
        row(2, _day(-1), sku="SKU-2", period_days=365, sold=365),
    )

    async def days_read(as_of: datetime, sold: int, code: str = "A-1") -> int:
        """Record one report as the ingest does; the demand days its position's statement
        read (by EXPLAIN ANALYZE, which runs it)."""
        key = (stock.branches[code], stock.products["SKU-1"])
        meta = positions._Meta(world.a.workspace.id, StockSource.API, None, None, uuid.uuid4(), NOW)
        reports_sql, demand_sql, positions_sql = positions.batch_statements(meta)
        async with runtime.session_factory() as session:
            pg = await positions.stage(session, [(*key, as_of, 1, 5, 0, 0, 0, sold, 0, 1)])
            await pg.execute(reports_sql)
            await pg.execute(demand_sql)
            plan = await pg.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + positions_sql)
            await session.commit()
        nodes = []

        def walk(node):
            nodes.append(node)
            for child in node.get("Plans", []):
                walk(child)

        walk((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
        scans = [n for n in nodes if n.get("Relation Name") == "demand_days"]
        assert scans and all("Index" in n["Node Type"] for n in scans)
        return sum(n["Actual Rows"] * n["Actual Loops"] for n in scans)

    history = await _position(runtime, stock)
    assert (history.demand_days, history.demand_mean, history.demand_sd) == (28, 1.0, 0.0)
    assert await days_read(_day(0), 1) == 1  # D-28 leaves
    first = await _position(runtime, stock)
    assert (first.demand_days, first.demand_mean, first.demand_sd) == (28, 1.0, 0.0)
    assert await days_read(_day(1), 3) == 1  # D-27 leaves
    moved = await _position(runtime, stock)
    assert moved.demand_days == 28
    assert moved.demand_mean == pytest.approx(30 / 28)
    assert moved.demand_sd == pytest.approx(statistics.stdev([1.0] * 27 + [3.0]))
    assert await days_read(_day(1), 2) == 28  # a day already counted changed
    again = await _position(runtime, stock)
    assert again.demand_mean == pytest.approx(32 / 28)
    assert await days_read(_day(0), 4, code="A-2") == 0  # a new position
    new = await _position(runtime, stock, "A-2")
    assert (new.demand_days, new.demand_mean, new.demand_sd) == (1, 4.0, 0.0)
