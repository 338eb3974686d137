"""The replenishment arithmetic against worked textbook cases and the rounding edge cases."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from kamp.inventory.arithmetic import (
    BLOCKED_BY_MAX,
    CAPPED_BY_MAX,
    MIN_MAX,
    REORDER_POINT,
    Inputs,
    capped_quantity,
    days_of_supply,
    explain,
    inventory_position,
    order_up_to,
    reorder_point,
    rounded_quantity,
    safety_stock,
    stockout_date,
    z_score,
)

AS_OF = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)


def _inputs(**changes: object) -> Inputs:
    base = Inputs(
        method=REORDER_POINT,
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
    return replace(base, **changes)  # type: ignore[arg-type]


def _step(explanation, name):
    return next(step.value for step in explanation.steps if step.name == name)


def test_z_of_common_service_levels():
    assert z_score(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert z_score(0.99) == pytest.approx(2.3263, abs=1e-4)
    assert z_score(0.5) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        z_score(1.0)


def test_safety_stock_with_varying_demand_and_lead_time():
    # d̄ = 20/day, sd(d) = 5, L = 4 days, sd(L) = 1 day, 95 %:
    # SS = 1.6449 · √(4·25 + 400·1) = 1.6449 · √500 = 36.78
    ss = safety_stock(z_score(0.95), 20.0, 5.0, 4, 1.0)
    assert ss == pytest.approx(1.6448536 * math.sqrt(500), rel=1e-6)
    assert ss == pytest.approx(36.780, abs=1e-3)
    assert reorder_point(20.0, 4, ss) == pytest.approx(116.780, abs=1e-3)
    assert order_up_to(20.0, 4, 7, ss) == pytest.approx(256.780, abs=1e-3)


def test_safety_stock_with_a_fixed_lead_time_is_z_sigma_root_l():
    ss = safety_stock(z_score(0.95), 20.0, 5.0, 4, 0.0)
    assert ss == pytest.approx(z_score(0.95) * 5.0 * math.sqrt(4))
    assert ss == pytest.approx(16.449, abs=1e-3)


def test_inventory_position_counts_what_is_coming_and_what_is_promised():
    assert inventory_position(60, 20, 5, 10) == 75
    assert inventory_position(0, 0, 0, 10) == -10
    assert inventory_position(60, 20, 5, 10, ordered_since_report=24) == 99


@pytest.mark.parametrize(
    ("need", "pack", "moq", "expected"),
    [
        (0, 12, 24, 0),  # nothing needed: no order
        (-5, 12, 24, 0),
        (1, 12, 1, 12),  # just above zero: one pack, never zero
        (1, 1, 1, 1),
        (12, 12, 1, 12),  # an exact multiple stays
        (13, 12, 1, 24),
        (5, 12, 30, 36),  # the MOQ itself rounded up to whole packs
        (40, 12, 30, 48),
        (100, 1, 250, 250),
        (7, 0, 0, 7),  # a missing pack is one piece
    ],
)
def test_rounding(need, pack, moq, expected):
    assert rounded_quantity(need, pack, moq) == expected


def test_max_is_a_capacity():
    # Room for 50 under max 100: 48 in packs of 12.
    assert capped_quantity(60, 50, 100, 12, 1) == (48, CAPPED_BY_MAX)
    # It fits: unchanged.
    assert capped_quantity(48, 50, 100, 12, 1) == (48, None)
    # Room for less than the MOQ: blocked, and said so.
    assert capped_quantity(60, 50, 100, 12, 60) == (0, BLOCKED_BY_MAX)
    # Room for less than a pack: blocked.
    assert capped_quantity(12, 95, 100, 12, 1) == (0, BLOCKED_BY_MAX)
    # Already above max.
    assert capped_quantity(12, 120, 100, 12, 1) == (0, BLOCKED_BY_MAX)
    # No max: no cap.
    assert capped_quantity(600, 50, None, 12, 1) == (600, None)


def test_days_of_supply_and_stockout():
    assert days_of_supply(60, 20.0) == 3.0
    assert days_of_supply(60, 0.0) is None
    assert days_of_supply(-5, 20.0) == 0.0
    assert stockout_date(AS_OF, 60, 20.0) == date(2025, 3, 13)
    assert stockout_date(AS_OF, 70, 20.0) == date(2025, 3, 13)  # 3.5 days: mid-day
    assert stockout_date(AS_OF, 60, 0.0) is None


def test_reorder_point_explanation_lists_every_input_and_step():
    e = explain(_inputs())
    # IP = 60 + 20 + 0 - 10 = 70 ≤ ROP 116.78: order up to S = 256.78 → ⌈S⌉ - IP = 187.
    assert _step(e, "inventory_position") == 70
    assert _step(e, "safety_stock") == 36.78  # 36.78004…, shown to 4 places
    assert _step(e, "trigger") is True
    assert _step(e, "need") == 257 - 70
    assert e.order and e.quantity == 187 and e.note is None
    data = e.as_json()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == [
        "method",
        "inputs",
        "steps",
        "quantity",
        "note",
        "days_of_supply",
        "stockout_date",
    ]
    assert data["inputs"]["lead_time_source"] == "product"
    assert [s["name"] for s in data["steps"]] == [
        "z",
        "inventory_position",
        "safety_stock",
        "reorder_point",
        "order_up_to",
        "trigger",
        "need",
        "rounded",
        "quantity",
    ]
    assert all(s["formula"] for s in data["steps"])
    assert data["days_of_supply"] == 3.0 and data["stockout_date"] == "2025-03-13"


def test_above_the_reorder_point_no_order():
    e = explain(_inputs(on_hand=200))
    assert not e.order and e.quantity == 0 and _step(e, "trigger") is False


def test_exactly_on_the_reorder_point_orders():
    # sd = 0 everywhere: ROP = d̄·L = 80 exactly; IP = 80 reorders.
    e = explain(
        _inputs(demand_sd=0.0, lead_time_sd_days=0.0, on_hand=80, in_transit=0, committed=0)
    )
    assert _step(e, "reorder_point") == 80.0
    assert e.order and e.quantity == 220 - 80


def test_min_max_orders_up_to_max_in_packs_capped():
    inputs = _inputs(method=MIN_MAX, min_qty=100, max_qty=300, pack_multiple=24, min_order_qty=48)
    e = explain(inputs)
    # IP 70 ≤ 100: need 230 → 240 in packs, above max by 10: 216 (9 packs) fit.
    assert _step(e, "need") == 230 and _step(e, "rounded") == 240
    assert e.quantity == 216 and e.note == CAPPED_BY_MAX
    assert [s.name for s in e.steps] == [
        "inventory_position",
        "trigger",
        "need",
        "rounded",
        "quantity",
    ]
    assert explain(replace(inputs, on_hand=101, in_transit=9)).order  # IP 100: at min → order
    assert explain(replace(inputs, on_hand=101, in_transit=10)).order is False  # 101 > 100


def test_a_line_that_cannot_order_says_why():
    e = explain(_inputs(max_qty=75, pack_multiple=12))
    assert e.order and e.quantity == 0 and e.note == BLOCKED_BY_MAX


def test_auto_approval_up_to_the_threshold():
    assert explain(_inputs(auto_approve_max_qty=187)).auto_approve
    assert not explain(_inputs(auto_approve_max_qty=186)).auto_approve
    assert not explain(_inputs(auto_approve_max_qty=None)).auto_approve


def test_ordered_since_report_counts():
    e = explain(_inputs(ordered_since_report=60))
    assert _step(e, "inventory_position") == 130 and not e.order


def test_a_stored_explanation_is_shown_with_its_formulas():
    from kamp.inventory.arithmetic import with_formulas

    for inputs in (_inputs(), _inputs(method=MIN_MAX, min_qty=100, max_qty=300)):
        e = explain(inputs)
        stored = e.as_json(formulas=False)
        assert all(set(step) == {"name", "value"} for step in stored["steps"])
        assert with_formulas(stored) == e.as_json()
