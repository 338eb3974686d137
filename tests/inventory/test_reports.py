"""Recording stock reports: each row checked, both modes, nothing half-applied, and only those
who may report do (a refused call changes nothing)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kamp import clock
from kamp.accounts.models import Role
from kamp.errors import ErrorCode, Forbidden, NotFound
from kamp.inventory import reports
from kamp.inventory.models import DemandDay, StockPosition, StockReport, StockSource
from kamp.inventory.reports import IngestMode, RowError, StockRowsRefused, record_reports
from tests.inventory.stock_support import principal, row, stock_world
from tests.support import snapshot


@pytest.fixture
async def stock(runtime, world):
    return await stock_world(runtime, world)


def _at(hours: float = 1):
    return clock.now() - timedelta(hours=hours)


async def _record(runtime, who, rows, *, mode=IngestMode.VALID_ROWS, workspace=None, world=None):
    async with runtime.session_factory() as session:
        try:
            result = await record_reports(
                session,
                principal=who,
                workspace_id=workspace or world.a.workspace.id,
                rows=rows,
                source=StockSource.API,
                mode=mode,
            )
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
    return result


async def _count(runtime, model) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_each_row_is_checked_and_good_rows_are_kept(runtime, world, stock):
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    when = _at()
    rows = [
        row(1, when, sold=3),
        row(2, when, location_code="NOPE"),
        row(3, when, sku="SKU-404"),
        row(4, when, on_hand=-1, sold="3.5", in_transit="x"),
        row(5, "2026-13-01"),
        row(6, (when + timedelta(days=1)).isoformat()),
        row(7, when - timedelta(days=800)),
        row(8, when, period_days=0),
        row(9, when, period_days=2, stockout_days=3),
        row(10, when.replace(tzinfo=None).isoformat()),
        row(11, when, on_hand=None),
        row(12, when, location_code=None),
        row(13, when, sku=None),
        row(14, when, location_code="A-2", sku=None, item_number="C-200", on_hand="7"),
        row(15, when, on_hand=True),
    ]
    result = await _record(runtime, buyer, rows, world=world)
    assert result.accepted == 2 and result.rows_read == 15 and result.rejected == 13
    found = {(e.row, e.field): (e.code, e.message) for e in result.errors}
    assert found == {
        (2, "location"): (ErrorCode.NOT_FOUND, "No location has this code in this workspace."),
        (3, "product"): (ErrorCode.NOT_FOUND, "This product is not in the account's assortment."),
        (4, "on_hand"): (ErrorCode.INVALID, "Must be 0 or more."),
        (4, "sold"): (ErrorCode.INVALID, "Must be a whole number."),
        (4, "in_transit"): (ErrorCode.INVALID, "Must be a whole number."),
        (5, "as_of"): (ErrorCode.INVALID, f"Not a date. {reports._TIME_HINT}"),
        (6, "as_of"): (ErrorCode.INVALID, "Lies in the future."),
        (7, "as_of"): (ErrorCode.INVALID, "Is more than two years old."),
        (8, "period_days"): (ErrorCode.INVALID, "Must be between 1 and 366."),
        (9, "stockout_days"): (ErrorCode.INVALID, "Cannot exceed the period's days."),
        (10, "as_of"): (ErrorCode.INVALID, f"The time has no UTC offset. {reports._TIME_HINT}"),
        (11, "on_hand"): (ErrorCode.REQUIRED, "This field is required."),
        (12, "location"): (ErrorCode.REQUIRED, "Name the location (its ID or code)."),
        (13, "product"): (ErrorCode.REQUIRED, "Name the product (its ID, SKU or item number)."),
        (15, "on_hand"): (ErrorCode.INVALID, "Must be a whole number."),
    }
    assert result.error_count == len(found)
    async with runtime.session_factory() as session:
        kept = (await session.execute(select(StockReport.on_hand, StockReport.product_id))).all()
        assert sorted(kept) == sorted([(10, stock.products["SKU-1"]), (7, stock.products["SKU-2"])])
        report = await session.scalar(select(StockReport).where(StockReport.on_hand == 10))
        assert report.reported_by_id == buyer.user_id and report.client_id is None
        assert report.batch_id == result.batch_id and report.source == StockSource.API
        assert await session.scalar(select(func.count()).select_from(StockPosition)) == 2


async def test_all_or_nothing_refuses_every_row_for_one_bad_one(runtime, world, stock):
    member = await principal(runtime, world, Role.SUPPLIER_MEMBER)
    before = await snapshot(runtime.session_factory)
    with pytest.raises(StockRowsRefused) as refused:
        await _record(
            runtime,
            member,
            [row(1, _at()), row(2, _at(), on_hand="lots"), row(3, _at())],
            mode=IngestMode.ALL_OR_NOTHING,
            world=world,
        )
    result = refused.value.result
    assert result.accepted == 0 and result.rejected == 1
    assert result.errors == [RowError(2, "on_hand", "Must be a whole number.", ErrorCode.INVALID)]
    assert await snapshot(runtime.session_factory) == before


async def test_nothing_is_half_applied_across_batches(runtime, world, stock, monkeypatch):
    """The bad row comes after whole batches were written: the rollback takes them all."""
    monkeypatch.setattr(reports, "BATCH_ROWS", 3)
    member = await principal(runtime, world, Role.SUPPLIER_MEMBER)
    before = await snapshot(runtime.session_factory)
    rows = [row(n, _at(n), sold=n) for n in range(1, 8)] + [row(8, _at(), sku="SKU-4")]
    with pytest.raises(StockRowsRefused) as refused:
        await _record(runtime, member, rows, mode=IngestMode.ALL_OR_NOTHING, world=world)
    assert refused.value.result.rows_read == 8
    assert await snapshot(runtime.session_factory) == before
    # The same rows, the bad one left out, are all written (the batches were real).
    result = await _record(runtime, member, rows[:-1], mode=IngestMode.ALL_OR_NOTHING, world=world)
    assert result.accepted == 7 and await _count(runtime, StockReport) == 7


async def test_what_is_not_yours_reads_as_missing(runtime, world, stock):
    """Another account's location, a product the account does not buy, an item hidden from
    the customer, and things that do not exist at all: one and the same answer."""
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    when = _at()
    result = await _record(
        runtime,
        buyer,
        [
            row(1, when, location_code="B-1"),
            row(2, when, location_code=None, location_id=stock.branches["B-1"]),
            row(3, when, location_code=None, location_id=uuid.uuid4()),
            row(4, when, location_code="ZZZ"),
            row(5, when, sku="SKU-4"),
            row(6, when, sku="SKU-3"),  # INTERNAL in a's assortment
            row(7, when, sku="SKU-999"),
            row(8, when, sku=None, product_id=stock.products["SKU-4"]),
            row(9, when, sku=None, product_id=uuid.uuid4()),
            row(10, when, sku=None, item_number="B-100"),  # b's item number
            row(11, when, sku=None, item_number="C-300"),  # the internal item's
        ],
        world=world,
    )
    assert result.accepted == 0
    by_field: dict[str, set] = {}
    for error in result.errors:
        by_field.setdefault(error.field, set()).add((error.code, error.message))
    location_answers = {e for e in by_field["location"]}
    product_answers = {e for e in by_field["product"]}
    # Codes and IDs word it differently, but nothing tells "not yours" from "not there".
    assert location_answers == {
        (ErrorCode.NOT_FOUND, "No location has this code in this workspace."),
        (ErrorCode.NOT_FOUND, "No such location in this workspace."),
    }
    assert product_answers == {
        (ErrorCode.NOT_FOUND, "This product is not in the account's assortment.")
    }
    # The supplier sees its internal item and reports it.
    member = await principal(runtime, world, Role.SUPPLIER_MEMBER)
    result = await _record(runtime, member, [row(1, when, sku="SKU-3")], world=world)
    assert result.accepted == 1


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER, Role.KAM])
async def test_who_may_report(runtime, world, stock, role):
    who = await principal(runtime, world, role)
    result = await _record(runtime, who, [row(1, _at())], world=world)
    assert result.accepted == 1


@pytest.mark.parametrize(
    ("role", "error"),
    [
        (Role.MENTOR, Forbidden),
        (Role.SUPPLIER_EXECUTIVE, Forbidden),
        (Role.CUSTOMER_EXECUTIVE, Forbidden),
        ("token without inventory:write", Forbidden),
        ("another account's buyer", NotFound),
    ],
)
async def test_who_may_not_report_changes_nothing(runtime, world, stock, role, error):
    if role == "token without inventory:write":
        buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
        who = dataclasses.replace(
            buyer, client_id=uuid.uuid4(), scopes=frozenset({"inventory:read", "accounts:write"})
        )
    elif role == "another account's buyer":
        who = await principal(runtime, world, Role.CUSTOMER_BUYER, account="b")
    else:
        who = await principal(runtime, world, role)
    before = await snapshot(runtime.session_factory)
    with pytest.raises(error):
        await _record(runtime, who, [row(1, _at())], world=world)
    assert await snapshot(runtime.session_factory) == before


async def test_a_token_with_inventory_write_records_its_client(runtime, world, stock):
    buyer = await principal(runtime, world, Role.CUSTOMER_BUYER)
    app = uuid.uuid4()
    who = dataclasses.replace(buyer, client_id=app, scopes=frozenset({"inventory:write"}))
    result = await _record(runtime, who, [row(1, _at())], world=world)
    assert result.accepted == 1
    async with runtime.session_factory() as session:
        report = await session.scalar(select(StockReport))
        assert (report.client_id, report.reported_by_id) == (app, buyer.user_id)


async def test_errors_are_capped_but_counted(runtime, world, stock, monkeypatch):
    monkeypatch.setattr(reports, "MAX_ERRORS", 5)
    member = await principal(runtime, world, Role.SUPPLIER_MEMBER)
    rows = [row(n, _at(), sku="NOPE") for n in range(1, 21)]
    result = await _record(runtime, member, rows, world=world)
    assert (len(result.errors), result.error_count, result.errors_truncated) == (5, 20, True)
    assert [e.row for e in result.errors] == [1, 2, 3, 4, 5]
    assert await _count(runtime, DemandDay) == 0
