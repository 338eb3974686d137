"""The replenishment arithmetic: pure functions, no database.

Evaluation (`kamp.inventory.evaluation`) computes the same steps in SQL for every policy at
once; `explain` here is the reference it is tested against, and what a page or a test uses to
show one policy's arithmetic. Both compute in the same order with IEEE doubles, so they agree
bit for bit on every quantity; the explanation shows floats rounded to DECIMALS places.

Decisions (each is a step of the explanation, so nobody has to guess them):
- An order is triggered when the inventory position is AT OR BELOW the reorder point (or the
  min of a min/max policy): IP <= ROP, IP <= min. Odoo orders when the forecast falls strictly
  below its min; a position sitting exactly on the reorder point has no stock left beyond the
  safety stock, so kamp reorders it.
- The inventory position also counts what was ordered since the report it is based on
  (`ordered_since_report`): a report does not know of an order placed after it, and without
  this every hourly evaluation would reorder until the next report arrives.
- The need is rounded up to the pack multiple and to at least the minimum order quantity (the
  MOQ itself rounded up to a pack multiple): a need above zero never rounds to nothing.
- The location's max is a capacity: an order never takes the position above it. The order is
  cut to the whole packs that fit; when that leaves nothing, or less than the MOQ, the line
  still appears with quantity 0 and says why (`note: blocked_by_max`) instead of silently
  never ordering.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from statistics import NormalDist
from typing import Any

DECIMALS = 4

REORDER_POINT = "REORDER_POINT"
MIN_MAX = "MIN_MAX"

# Why a triggered line orders less than its need (None: it orders what it needs).
CAPPED_BY_MAX = "capped_by_max"
BLOCKED_BY_MAX = "blocked_by_max"

FORMULAS = {
    "z": "z = Φ⁻¹(service level)",
    "inventory_position": (
        "IP = on hand + in transit + on order - committed + ordered since report"
    ),
    "safety_stock": "SS = z · √(L · sd(d)² + d̄² · sd(L)²)",
    "reorder_point": "ROP = d̄ · L + SS",
    "order_up_to": "S = d̄ · (L + R) + SS",
    "trigger_rop": "order when IP ≤ ROP",
    "trigger_min": "order when IP ≤ min",
    "need_rop": "q = ⌈S⌉ - IP",
    "need_max": "q = max - IP",
    "rounded": "⌈q / pack⌉ · pack, at least ⌈MOQ / pack⌉ · pack",
    "quantity": "at most ⌊(max - IP) / pack⌋ · pack; 0 when that is below the MOQ",
}


def z_score(service_level: float) -> float:
    """The standard normal quantile of a target cycle service level (0 < level < 1)."""
    if not 0 < service_level < 1:
        raise ValueError("a service level lies strictly between 0 and 1")
    return NormalDist().inv_cdf(service_level)


def inventory_position(
    on_hand: int, in_transit: int, on_order: int, committed: int, ordered_since_report: int = 0
) -> int:
    return on_hand + in_transit + on_order - committed + ordered_since_report


def safety_stock(
    z: float, demand_mean: float, demand_sd: float, lead: int, lead_sd: float
) -> float:
    """z · √(L·sd(d)² + d̄²·sd(L)²): demand and lead time both vary. With sd(L) = 0, z·sd(d)·√L."""
    return z * math.sqrt(
        lead * demand_sd * demand_sd + demand_mean * demand_mean * lead_sd * lead_sd
    )


def reorder_point(demand_mean: float, lead: int, ss: float) -> float:
    return demand_mean * lead + ss


def order_up_to(demand_mean: float, lead: int, review: int, ss: float) -> float:
    return demand_mean * (lead + review) + ss


def round_up(quantity: int, multiple: int) -> int:
    """The smallest multiple of `multiple` at or above a positive quantity."""
    return (quantity + multiple - 1) // multiple * multiple


def rounded_quantity(need: int, pack: int, moq: int) -> int:
    """Whole packs, at least the MOQ (itself in whole packs); 0 only when nothing is needed."""
    if need <= 0:
        return 0
    pack = max(pack, 1)
    return max(round_up(need, pack), round_up(max(moq, 0), pack))


def capped_quantity(
    quantity: int, position: int, max_qty: int | None, pack: int, moq: int
) -> tuple[int, str | None]:
    """The order cut so the position never exceeds max, and why it was cut (or blocked)."""
    if max_qty is None or quantity <= 0:
        return quantity, None
    room = max_qty - position
    if quantity <= room:
        return quantity, None
    pack = max(pack, 1)
    fits = room // pack * pack if room > 0 else 0
    if fits <= 0 or fits < round_up(max(moq, 0), pack):
        return 0, BLOCKED_BY_MAX
    return fits, CAPPED_BY_MAX


def days_of_supply(on_hand: int, demand_mean: float) -> float | None:
    """How long what is on hand lasts at the mean demand; None without demand."""
    if demand_mean <= 0:
        return None
    return max(on_hand, 0) / demand_mean


def stockout_date(as_of: datetime, on_hand: int, demand_mean: float) -> date | None:
    days = days_of_supply(on_hand, demand_mean)
    if days is None:
        return None
    return (as_of + timedelta(days=days)).date()


@dataclass(frozen=True)
class Inputs:
    """Everything one policy's arithmetic reads."""

    method: str
    as_of: datetime
    on_hand: int
    in_transit: int
    on_order: int
    committed: int
    demand_mean: float
    demand_sd: float
    demand_days: int
    lead_time_days: int
    lead_time_sd_days: float
    lead_time_source: str  # "policy" | "product"
    review_period_days: int
    service_level: float
    min_qty: int | None
    max_qty: int | None
    pack_multiple: int
    min_order_qty: int
    auto_approve_max_qty: int | None = None
    ordered_since_report: int = 0


@dataclass(frozen=True)
class Step:
    name: str
    formula: str
    value: Any


@dataclass(frozen=True)
class Explanation:
    """Every input and every step with its formula and value; `as_json` is what a proposal
    line stores and the API shows (stable keys)."""

    method: str
    inputs: dict[str, Any]
    steps: list[Step]
    order: bool  # whether the policy asks for an order (a line), possibly blocked
    quantity: int
    note: str | None
    days_of_supply: float | None
    stockout_date: date | None
    auto_approve: bool = field(default=False)

    def as_json(self, *, formulas: bool = True) -> dict[str, Any]:
        """The JSON shown; `formulas=False` gives what a line stores (each step's name and
        value: the formula of a step is a constant of its name, added by `with_formulas`)."""
        steps = [asdict(step) for step in self.steps]
        if not formulas:
            steps = [{"name": step["name"], "value": step["value"]} for step in steps]
        return {
            "method": self.method,
            "inputs": self.inputs,
            "steps": steps,
            "quantity": self.quantity,
            "note": self.note,
            "days_of_supply": self.days_of_supply,
            "stockout_date": self.stockout_date.isoformat() if self.stockout_date else None,
        }


STEP_FORMULAS = {
    "z": FORMULAS["z"],
    "inventory_position": FORMULAS["inventory_position"],
    "safety_stock": FORMULAS["safety_stock"],
    "reorder_point": FORMULAS["reorder_point"],
    "order_up_to": FORMULAS["order_up_to"],
    "rounded": FORMULAS["rounded"],
    "quantity": FORMULAS["quantity"],
}


def with_formulas(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored explanation as it is shown: each step with its formula."""
    method = stored.get("method")
    by_method = {
        "trigger": FORMULAS["trigger_rop" if method == REORDER_POINT else "trigger_min"],
        "need": FORMULAS["need_rop" if method == REORDER_POINT else "need_max"],
    }
    steps = [
        {
            "name": step["name"],
            "formula": by_method.get(step["name"]) or STEP_FORMULAS.get(step["name"], ""),
            "value": step.get("value"),
        }
        for step in stored.get("steps", [])
    ]
    return {**stored, "steps": steps}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _inputs_json(i: Inputs) -> dict[str, Any]:
    return {
        "as_of": i.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "on_hand": i.on_hand,
        "in_transit": i.in_transit,
        "on_order": i.on_order,
        "committed": i.committed,
        "ordered_since_report": i.ordered_since_report,
        "demand_mean": _r(i.demand_mean),
        "demand_sd": _r(i.demand_sd),
        "demand_days": i.demand_days,
        "lead_time_days": i.lead_time_days,
        "lead_time_sd_days": _r(i.lead_time_sd_days),
        "lead_time_source": i.lead_time_source,
        "review_period_days": i.review_period_days,
        "service_level": _r(i.service_level),
        "min_qty": i.min_qty,
        "max_qty": i.max_qty,
        "pack_multiple": i.pack_multiple,
        "min_order_qty": i.min_order_qty,
        "auto_approve_max_qty": i.auto_approve_max_qty,
    }


def explain(i: Inputs) -> Explanation:
    """One policy's arithmetic from its inputs, step by step."""
    ip = inventory_position(
        i.on_hand, i.in_transit, i.on_order, i.committed, i.ordered_since_report
    )
    steps: list[Step] = []
    if i.method == REORDER_POINT:
        z = z_score(i.service_level)
        ss = safety_stock(z, i.demand_mean, i.demand_sd, i.lead_time_days, i.lead_time_sd_days)
        rop = reorder_point(i.demand_mean, i.lead_time_days, ss)
        target = order_up_to(i.demand_mean, i.lead_time_days, i.review_period_days, ss)
        order = ip <= rop
        need = math.ceil(target) - ip
        steps += [
            Step("z", FORMULAS["z"], _r(z)),
            Step("inventory_position", FORMULAS["inventory_position"], ip),
            Step("safety_stock", FORMULAS["safety_stock"], _r(ss)),
            Step("reorder_point", FORMULAS["reorder_point"], _r(rop)),
            Step("order_up_to", FORMULAS["order_up_to"], _r(target)),
            Step("trigger", FORMULAS["trigger_rop"], order),
            Step("need", FORMULAS["need_rop"], need),
        ]
    elif i.method == MIN_MAX:
        if i.min_qty is None or i.max_qty is None:
            raise ValueError("a min/max policy needs both a min and a max")
        order = ip <= i.min_qty
        need = i.max_qty - ip
        steps += [
            Step("inventory_position", FORMULAS["inventory_position"], ip),
            Step("trigger", FORMULAS["trigger_min"], order),
            Step("need", FORMULAS["need_max"], need),
        ]
    else:
        raise ValueError(f"unknown method {i.method}")
    order = order and need > 0
    rounded = rounded_quantity(need, i.pack_multiple, i.min_order_qty) if order else 0
    quantity, note = capped_quantity(rounded, ip, i.max_qty, i.pack_multiple, i.min_order_qty)
    steps += [
        Step("rounded", FORMULAS["rounded"], rounded),
        Step("quantity", FORMULAS["quantity"], quantity),
    ]
    auto = (
        order
        and quantity > 0
        and i.auto_approve_max_qty is not None
        and quantity <= i.auto_approve_max_qty
    )
    return Explanation(
        method=i.method,
        inputs=_inputs_json(i),
        steps=steps,
        order=order,
        quantity=quantity,
        note=note,
        days_of_supply=_r(days_of_supply(i.on_hand, i.demand_mean)),
        stockout_date=stockout_date(i.as_of, i.on_hand, i.demand_mean),
        auto_approve=auto,
    )
