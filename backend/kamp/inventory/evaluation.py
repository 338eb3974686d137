"""Evaluating every stock policy at once into proposals whose lines explain themselves.

One set-based pass, the same SQL on PostgreSQL and SQLite (they differ only in a few function
names, below): every active policy joined with its location's stock position and its product
gives the inventory position, the safety stock, the reorder point, the order-up-to level, the
need and the quantity rounded to packs, at least the MOQ, capped by the location's max (the
steps of `kamp.inventory.arithmetic`, in the same order, so both agree on every quantity),
kept as the run's candidates with every input and step. Then, in a handful of INSERT ... SELECT
statements: one proposal per location that needs one (unique per location and run key), its
lines with their explanation JSON (built as they are written), and for lines up to the
policy's auto-approval threshold an AUTO order, from the candidates (not read back from the
lines) when every candidate became a line of a new proposal, as it does but for a run key
used twice.

Idempotent: a policy with a line waiting for the customer, or with a line on the same figures
(the position's report, `basis`), proposes nothing; every insert is ON CONFLICT DO NOTHING on
the table's unique keys; on PostgreSQL, evaluations of one workspace wait for each other
(`lock`), so two at once never leave an empty proposal behind (and any that would be left is
deleted before the end). A retried or duplicated run, with the same run key or another, writes
nothing twice.

History and events: one `created` change record and event per proposal and per order, written
through the kernel. The lines of a proposal are created with it and carry their own creation
time and explanation; a history row per line would double the work of a large run and say
nothing the proposal's does not (the customer's decisions on lines are traced one by one)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    and_,
    case,
    cast,
    delete,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from kamp import clock
from kamp.coediting.models import Visibility
from kamp.coediting.writes import trace
from kamp.db import UTCDateTime
from kamp.inventory.arithmetic import (
    BLOCKED_BY_MAX,
    CAPPED_BY_MAX,
    DECIMALS,
    FORMULAS,
    MIN_MAX,
    REORDER_POINT,
    z_score,
)
from kamp.inventory.models import (
    AssortmentItem,
    LineStatus,
    Order,
    OrderLine,
    OrderOrigin,
    OrderStatus,
    PolicyMethod,
    Product,
    ProposalLine,
    ProposalStatus,
    ReplenishmentProposal,
    StockPolicy,
    StockPosition,
)

# A priority when the account's assortment does not list the product.
DEFAULT_PRIORITY = 3
ORDER_PREFIX = "PO-"
# Lines written by one run beyond which PostgreSQL's statistics are refreshed at once.
ANALYZE_AFTER = 5000


@dataclass(frozen=True)
class Evaluation:
    """What one run wrote."""

    policies: int  # policies that asked for an order (before idempotency)
    proposals: int
    lines: int
    auto_approved: int
    orders: int


# --- the two dialects ----------------------------------------------------------------------


class _Sql:
    """The few expressions PostgreSQL and SQLite spell differently."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def new_id(self) -> ColumnElement[Any]:
        if self.pg:
            return func.gen_random_uuid()
        # A version 4 UUID as SQLite stores one (32 hex digits); randomblob per row.
        return literal_column(
            "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
            "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || "
            "hex(randomblob(6)))"
        )

    # JSON. SQLite builds it with its json functions. PostgreSQL's json_build_object looks up
    # the output function of every argument on every call, which made building the
    # explanations the larger part of a run; there the JSON is written as text instead: one
    # concat() of its punctuation and its values (numbers as they print, strings quoted; the
    # strings are our own codes and dates, which need no escaping), cast to JSON once.

    def json_object(self, *pairs: tuple[str, Any]) -> Any:
        if not self.pg:
            args: list[Any] = []
            for key, value in pairs:
                args += [_const(key), value]
            return func.json_object(*args)
        pieces: list[Any] = ["{"]
        for i, (key, value) in enumerate(pairs):
            pieces.append(("," if i else "") + json.dumps(key) + ":")
            pieces += _json_pieces(value)
        pieces.append("}")
        return _JsonText(tuple(pieces))

    def json_array(self, *items: Any) -> Any:
        if not self.pg:
            return func.json_array(*items)
        pieces: list[Any] = ["["]
        for i, item in enumerate(items):
            if i:
                pieces.append(",")
            pieces += _json_pieces(item)
        pieces.append("]")
        return _JsonText(tuple(pieces))

    def json_true(self) -> Any:
        return _JsonText(("true",)) if self.pg else func.json("true")

    def json_text(self, value: Any) -> ColumnElement[Any]:
        """A JSON value built by json_object/json_array as an SQL expression (text on
        PostgreSQL: `as_json` makes it JSON)."""
        if not isinstance(value, _JsonText):
            return value
        merged: list[Any] = []
        for piece in value.pieces:
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            else:
                merged.append(piece)
        args = [_const(p) if isinstance(p, str) else p for p in merged]
        # concat() takes at most 100 arguments.
        while len(args) > 90:
            args = [func.concat(*args[i : i + 90], type_=Text) for i in range(0, len(args), 90)]
        return func.concat(*args, type_=Text)

    def as_json(self, value: Any) -> ColumnElement[Any]:
        return cast(value, JSON) if self.pg else value

    def rounded(self, value: Any) -> ColumnElement[Any]:
        """A float as the explanation shows it (DECIMALS places)."""
        if self.pg:
            return func.round(cast(value, Numeric), DECIMALS)
        return func.round(value, DECIMALS)

    def iso_instant(self, value: Any) -> ColumnElement[Any]:
        if self.pg:
            return func.to_char(
                func.timezone("UTC", value), _const('YYYY-MM-DD"T"HH24:MI:SS"Z"'), type_=String
            )
        return func.strftime(_const("%Y-%m-%dT%H:%M:%SZ"), value, type_=String)

    def date_after(self, value: Any, days: Any) -> ColumnElement[Any]:
        """The UTC date `days` (a float) after the instant `value`, as YYYY-MM-DD."""
        if self.pg:
            shifted = func.timezone("UTC", value) + literal_column("interval '1 day'") * days
            return func.to_char(shifted, _const("YYYY-MM-DD"), type_=String)
        return func.date(value, _const("+") + cast(days, String) + _const(" days"), type_=String)

    def order_number(self, n: Any) -> ColumnElement[Any]:
        if self.pg:
            digits = case(
                (n < 1000000, func.lpad(cast(n, String), 6, _const("0"))), else_=cast(n, String)
            )
            return _const(ORDER_PREFIX) + digits
        return func.printf(_const(ORDER_PREFIX + "%06d"), n)

    def insert(self, table: Any) -> Any:
        return postgresql.insert(table) if self.pg else sqlite.insert(table)


@dataclass(frozen=True)
class _JsonText:
    """JSON as text pieces (PostgreSQL): JSON text (str), and SQL values rendered in place."""

    pieces: tuple[Any, ...]


def _json_pieces(value: Any) -> list[Any]:
    if isinstance(value, _JsonText):
        return list(value.pieces)
    if isinstance(value.type, String):
        return [func.coalesce(_const('"') + value + _const('"'), _const("null"))]
    return [func.coalesce(cast(value, Text), _const("null"))]


def _const(value: str) -> ColumnElement[Any]:
    """A constant string inlined in the SQL (PostgreSQL cannot type a parameter given to
    json_build_object); only ever our own constants."""
    return literal_column("'" + value.replace("'", "''") + "'", String)


def _bigger(a: Any, b: Any) -> ColumnElement[Any]:
    return case((a >= b, a), else_=b)


def format_number(n: int) -> str:
    return f"{ORDER_PREFIX}{n:06d}"


def number_value(number: Any) -> ColumnElement[Any]:
    """The sequence number of an order number ('PO-000123' -> 123) in SQL."""
    return cast(func.substr(number, len(ORDER_PREFIX) + 1), BigInteger)


# --- locks ---------------------------------------------------------------------------------

_ALL = "replenishment:all"


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def lock(session: AsyncSession, workspace_id: uuid.UUID | None) -> None:
    """Serialize evaluations and order numbering of a workspace (or of all, for a run over
    every workspace) until the transaction ends. PostgreSQL only: SQLite has one writer."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if workspace_id is None:
        await session.execute(select(func.pg_advisory_xact_lock(_key(_ALL))))
        return
    await session.execute(select(func.pg_advisory_xact_lock_shared(_key(_ALL))))
    await session.execute(select(func.pg_advisory_xact_lock(_key(f"replenishment:{workspace_id}"))))


async def next_order_number(session: AsyncSession, workspace_id: uuid.UUID) -> int:
    """The next number of the workspace's orders; call under `lock(session, workspace_id)`."""
    last = await session.scalar(
        select(func.max(number_value(Order.number))).where(Order.workspace_id == workspace_id)
    )
    return int(last or 0) + 1


# --- the candidates ------------------------------------------------------------------------

# A run's candidates: each policy to order for, with every input and step of its arithmetic;
# the lines' explanations are built from them as the lines are written.
_candidates = Table(
    "replenishment_candidates",
    MetaData(),
    Column("line_id", Uuid),  # the id of the line it becomes
    Column("policy_id", Uuid),
    Column("workspace_id", Uuid),
    Column("location_id", Uuid),
    Column("product_id", Uuid),
    Column("basis", Uuid),
    Column("quantity", BigInteger),
    Column("auto", Boolean),
    Column("note", String(32)),
    Column("method", String(32)),
    Column("as_of", UTCDateTime),
    Column("on_hand", BigInteger),
    Column("in_transit", BigInteger),
    Column("on_order", BigInteger),
    Column("committed", BigInteger),
    Column("ip", BigInteger),
    Column("d", Float),
    Column("sd", Float),
    Column("demand_days", Integer),
    Column("lead", Integer),
    Column("lead_sd", Float),
    Column("lead_source", String(16)),
    Column("review", Integer),
    Column("service_level", Float),
    Column("min_qty", BigInteger),
    Column("max_qty", BigInteger),
    Column("pack_multiple", Integer),
    Column("min_order_qty", Integer),
    Column("auto_approve_max_qty", BigInteger),
    Column("z", Float),
    Column("ss", Float),
    Column("rop", Float),
    Column("target", Float),
    Column("need", BigInteger),
    Column("rounded", BigInteger),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)


class _CreateTemporaryTableAs(Executable, ClauseElement):
    """CREATE TEMPORARY TABLE name ON COMMIT DROP AS query (PostgreSQL)."""

    inherit_cache = False

    def __init__(self, name: str, query: Any) -> None:
        self.name = name
        self.query = query


@compiles(_CreateTemporaryTableAs)
def _create_temporary_table_as(element: _CreateTemporaryTableAs, compiler: Any, **kw: Any) -> str:
    query = compiler.process(element.query, **kw)
    return f"CREATE TEMPORARY TABLE {element.name} ON COMMIT DROP AS {query}"


async def _z_scores(
    session: AsyncSession, workspace_id: uuid.UUID | None
) -> list[tuple[Decimal, float]]:
    """z of each distinct service level in use (there are few)."""
    stmt = select(StockPolicy.service_level).distinct().where(StockPolicy.active.is_(True))
    if workspace_id is not None:
        stmt = stmt.where(StockPolicy.workspace_id == workspace_id)
    found = []
    for level in await session.scalars(stmt):
        if level is not None and 0 < level < 1:
            found.append((level, z_score(float(level))))
    return found


def _candidate_select(
    sql: _Sql, zs: list[tuple[Decimal, float]], workspace_id: uuid.UUID | None
) -> Any:
    pol, pos, prod = StockPolicy, StockPosition, Product
    rop_method = pol.method == PolicyMethod.REORDER_POINT
    lead = func.coalesce(pol.lead_time_days, prod.lead_time_days)
    lead_sd = cast(func.coalesce(pol.lead_time_sd_days, prod.lead_time_sd_days), Float)
    d, sd = pos.demand_mean, pos.demand_sd
    # No service level in use (no reorder-point policy at all): a CASE needs a branch.
    z = (
        case(
            *[
                (
                    pol.service_level == literal_column(str(lv)),
                    cast(literal_column(repr(zv)), Float),
                )
                for lv, zv in zs
            ],
            else_=null(),
        )
        if zs
        else cast(null(), Float)
    )
    ss = z * func.sqrt(lead * sd * sd + d * d * lead_sd * lead_sd)
    rop = d * lead + ss
    target = d * (lead + pol.review_period_days) + ss
    ip0 = pos.on_hand + pos.in_transit + pos.on_order - pos.committed
    threshold = case((rop_method, rop), else_=cast(pol.min_qty, Float))
    pending = (
        select(cast(func.coalesce(func.sum(OrderLine.quantity), 0), BigInteger))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.location_id == pos.location_id,
            OrderLine.product_id == pos.product_id,
            Order.status != OrderStatus.CANCELLED,
            Order.placed_at > pos.as_of,
        )
        .scalar_subquery()
    )
    waiting = exists().where(
        ProposalLine.policy_id == pol.id,
        or_(ProposalLine.status == LineStatus.PROPOSED, ProposalLine.basis == pos.report_id),
    )
    pack = case((prod.pack_multiple >= 1, prod.pack_multiple), else_=1)
    moq = case((prod.min_order_qty >= 0, prod.min_order_qty), else_=0)
    base = select(
        pol.id.label("policy_id"),
        pol.workspace_id,
        pol.location_id,
        pol.product_id,
        pos.report_id.label("basis"),
        pol.method,
        pos.as_of,
        pos.on_hand,
        pos.in_transit,
        pos.on_order,
        pos.committed,
        d.label("d"),
        sd.label("sd"),
        pos.demand_days,
        lead.label("lead"),
        lead_sd.label("lead_sd"),
        case((pol.lead_time_days.is_(None), _const("product")), else_=_const("policy")).label(
            "lead_source"
        ),
        pol.review_period_days.label("review"),
        cast(pol.service_level, Float).label("service_level"),
        pol.min_qty,
        pol.max_qty,
        prod.pack_multiple,
        prod.min_order_qty,
        pack.label("pack"),
        ((moq + pack - 1) // pack * pack).label("moq_packs"),
        pol.auto_approve_max_qty,
        case((rop_method, z), else_=null()).label("z"),
        case((rop_method, ss), else_=null()).label("ss"),
        case((rop_method, rop), else_=null()).label("rop"),
        case((rop_method, target), else_=null()).label("target"),
        case((rop_method, cast(func.ceil(target), BigInteger)), else_=pol.max_qty).label(
            "target_units"
        ),
        threshold.label("threshold"),
        (ip0 + pending).label("ip"),
    ).select_from(pol)
    base = base.join(
        pos, and_(pos.location_id == pol.location_id, pos.product_id == pol.product_id)
    ).join(prod, prod.id == pol.product_id)
    base = base.where(
        pol.active.is_(True),
        or_(
            and_(rop_method, z.is_not(None)),
            and_(
                pol.method == PolicyMethod.MIN_MAX,
                pol.min_qty.is_not(None),
                pol.max_qty.is_not(None),
            ),
        ),
        # What is ordered since the report only raises the position: those above the
        # threshold without it are left out before it is looked up.
        ip0 <= threshold,
        ~waiting,
    )
    if workspace_id is not None:
        base = base.where(pol.workspace_id == workspace_id)
    b = base.cte("replenishment_base").prefix_with("MATERIALIZED")

    need = b.c.target_units - b.c.ip
    fits = case((b.c.max_qty - b.c.ip > 0, (b.c.max_qty - b.c.ip) // b.c.pack * b.c.pack), else_=0)
    steps = select(
        b,
        need.label("need"),
        case(
            (need <= 0, 0),
            else_=_bigger((need + b.c.pack - 1) // b.c.pack * b.c.pack, b.c.moq_packs),
        ).label("rounded"),
        fits.label("fits"),
    ).where(b.c.ip <= b.c.threshold, need > 0)
    s = steps.cte("replenishment_steps")

    fits_ok = and_(s.c.fits > 0, s.c.fits >= s.c.moq_packs)
    uncapped = or_(s.c.max_qty.is_(None), s.c.rounded <= s.c.max_qty - s.c.ip)
    quantity = case((uncapped, s.c.rounded), (fits_ok, s.c.fits), else_=0)
    note = case((uncapped, null()), (fits_ok, _const(CAPPED_BY_MAX)), else_=_const(BLOCKED_BY_MAX))
    auto = and_(
        s.c.auto_approve_max_qty.is_not(None), quantity > 0, quantity <= s.c.auto_approve_max_qty
    )
    values = {
        "line_id": sql.new_id(),
        "quantity": quantity,
        "auto": auto,
        "note": note,
        **{column.name: s.c[column.name] for column in _candidates.c if column.name in s.c},
    }
    return list(values), select(*[value.label(name) for name, value in values.items()])


def _explanation(sql: _Sql, s: Any) -> ColumnElement[Any]:
    """The explanation of `Explanation.as_json(formulas=False)` of a candidate, built in SQL."""
    r = sql.rounded
    quantity, note = s.c.quantity, s.c.note

    def step(name: str, formula: str, value: Any) -> ColumnElement[Any]:
        # The formula is a constant of the step's name: shown, not stored (`with_formulas`).
        del formula
        return sql.json_object(("name", _const(name)), ("value", value))

    inputs = sql.json_object(
        ("as_of", sql.iso_instant(s.c.as_of)),
        ("on_hand", s.c.on_hand),
        ("in_transit", s.c.in_transit),
        ("on_order", s.c.on_order),
        ("committed", s.c.committed),
        (
            "ordered_since_report",
            s.c.ip - (s.c.on_hand + s.c.in_transit + s.c.on_order - s.c.committed),
        ),
        ("demand_mean", r(s.c.d)),
        ("demand_sd", r(s.c.sd)),
        ("demand_days", s.c.demand_days),
        ("lead_time_days", s.c.lead),
        ("lead_time_sd_days", r(s.c.lead_sd)),
        ("lead_time_source", s.c.lead_source),
        ("review_period_days", s.c.review),
        ("service_level", r(s.c.service_level)),
        ("min_qty", s.c.min_qty),
        ("max_qty", s.c.max_qty),
        ("pack_multiple", s.c.pack_multiple),
        ("min_order_qty", s.c.min_order_qty),
        ("auto_approve_max_qty", s.c.auto_approve_max_qty),
    )
    tail = [
        step("rounded", FORMULAS["rounded"], s.c.rounded),
        step("quantity", FORMULAS["quantity"], quantity),
    ]
    rop_steps = sql.json_array(
        step("z", FORMULAS["z"], r(s.c.z)),
        step("inventory_position", FORMULAS["inventory_position"], s.c.ip),
        step("safety_stock", FORMULAS["safety_stock"], r(s.c.ss)),
        step("reorder_point", FORMULAS["reorder_point"], r(s.c.rop)),
        step("order_up_to", FORMULAS["order_up_to"], r(s.c.target)),
        step("trigger", FORMULAS["trigger_rop"], sql.json_true()),
        step("need", FORMULAS["need_rop"], s.c.need),
        *tail,
    )
    min_max_steps = sql.json_array(
        step("inventory_position", FORMULAS["inventory_position"], s.c.ip),
        step("trigger", FORMULAS["trigger_min"], sql.json_true()),
        step("need", FORMULAS["need_max"], s.c.need),
        *tail,
    )
    days = case((s.c.d > 0, case((s.c.on_hand > 0, s.c.on_hand), else_=0) / s.c.d), else_=null())
    method = s.c.method
    pairs = [
        ("method", method),
        ("inputs", inputs),
        ("steps", None),
        ("quantity", quantity),
        ("note", note),
        ("days_of_supply", r(days)),
        ("stockout_date", case((s.c.d > 0, sql.date_after(s.c.as_of, days)), else_=null())),
    ]

    def whole(steps: Any) -> ColumnElement[Any]:
        return sql.json_text(
            sql.json_object(*[(k, steps if k == "steps" else v) for k, v in pairs])
        )

    return sql.as_json(
        case((method == _const(REORDER_POINT), whole(rop_steps)), else_=whole(min_max_steps))
    )


# --- the run -------------------------------------------------------------------------------


async def evaluate(
    session: AsyncSession, *, workspace_id: uuid.UUID | None = None, run_key: str
) -> Evaluation:
    """Evaluate every active policy (of one workspace, or all) into proposals, lines and
    auto-approved orders. Flushes, never commits."""
    bind = session.get_bind()
    sql = _Sql(bind.dialect.name)
    await session.flush()
    await lock(session, workspace_id)
    now = clock.now()
    at = literal(now, UTCDateTime())
    zs = await _z_scores(session, workspace_id)
    if sql.pg:
        # Compiling these few statements to machine code takes longer than it saves.
        await session.execute(text("SET LOCAL jit = off"))
    # On failure the table goes with the transaction (PostgreSQL), or is emptied by the next
    # run on the connection (SQLite): dropping it then would only hide the error.
    names, candidates = _candidate_select(sql, zs, workspace_id)
    if sql.pg:
        # CREATE TABLE AS may read with parallel workers, where INSERT ... SELECT may not: the
        # join of every policy with its position shares the cores.
        await session.execute(text("DROP TABLE IF EXISTS replenishment_candidates"))
        await session.execute(_CreateTemporaryTableAs(_candidates.name, candidates))
    else:
        await session.execute(CreateTable(_candidates, if_not_exists=True))
        await session.execute(delete(_candidates))
        await session.execute(_candidates.insert().from_select(names, candidates))
    asked = await session.scalar(select(func.count()).select_from(_candidates)) or 0
    if asked == 0:
        await session.execute(text("DROP TABLE IF EXISTS replenishment_candidates"))
        return Evaluation(0, 0, 0, 0, 0)
    if sql.pg:
        # Temporary tables have no statistics until analyzed: the joins below would
        # guess them empty. The columns they join and filter on are enough.
        await session.execute(
            text("ANALYZE replenishment_candidates (workspace_id, location_id, product_id, auto)")
        )
    proposal_ids = await _insert_proposals(session, sql, at, run_key)
    lines, auto = await _insert_lines(session, sql, at, run_key, workspace_id)
    places = await session.scalar(select(func.count(distinct(_candidates.c.location_id))))
    if lines == asked and len(proposal_ids) == places:
        # As it should be: every candidate became a line of a proposal this run created.
        # The orders and the proposals' statuses follow from the candidates alone, without
        # reading back the lines just written.
        order_ids = await _auto_orders_of_candidates(session, sql, at, run_key)
        await _settle_proposals_of_candidates(session, at, run_key)
    else:
        # Another run got there first for some (or this run key was used before): go by
        # what the tables hold.
        if sql.pg and lines > ANALYZE_AFTER:
            # Statistics of the rows just written, so that the statements below do not
            # plan for the tables as they were (a nested loop over "absent" lines).
            await session.execute(text("ANALYZE replenishment_proposals, proposal_lines"))
        order_ids = await _auto_orders(session, sql, at, now, run_key, workspace_id)
        proposal_ids = await _settle_proposals(session, at, run_key, proposal_ids)
    await session.execute(text("DROP TABLE IF EXISTS replenishment_candidates"))
    await _trace_created(session, ReplenishmentProposal, proposal_ids)
    await _trace_created(session, Order, order_ids)
    return Evaluation(asked, len(proposal_ids), lines, auto, len(order_ids))


def _element_values(sql: _Sql, at: Any) -> dict[str, Any]:
    return {
        "id": sql.new_id(),
        "visibility": literal(Visibility.SHARED.value, String),
        "version": literal(1, Integer),
        "created_at": at,
        "updated_at": at,
    }


async def _insert_proposals(
    session: AsyncSession, sql: _Sql, at: Any, run_key: str
) -> list[uuid.UUID]:
    c = _candidates
    places = select(c.c.workspace_id, c.c.location_id).distinct().subquery()
    values = {
        **_element_values(sql, at),
        "workspace_id": places.c.workspace_id,
        "location_id": places.c.location_id,
        "run_key": literal(run_key, String),
        "status": literal(ProposalStatus.OPEN.value, String),
    }
    stmt = (
        sql.insert(ReplenishmentProposal)
        .from_select(list(values), select(*values.values()).where(true()))
        .on_conflict_do_nothing(index_elements=["location_id", "run_key"])
        .returning(ReplenishmentProposal.id)
    )
    return list((await session.scalars(stmt)).all())


async def _insert_lines(
    session: AsyncSession, sql: _Sql, at: Any, run_key: str, workspace_id: uuid.UUID | None
) -> tuple[int, int]:
    c, p = _candidates, ReplenishmentProposal
    status = case(
        (c.c.auto, _const(LineStatus.AUTO_APPROVED.value)), else_=_const(LineStatus.PROPOSED.value)
    )
    values = {
        **_element_values(sql, at),
        "id": c.c.line_id,
        "workspace_id": c.c.workspace_id,
        "proposal_id": p.id,
        "policy_id": c.c.policy_id,
        "product_id": c.c.product_id,
        "basis": c.c.basis,
        "quantity": c.c.quantity,
        "approved_quantity": case((c.c.auto, c.c.quantity), else_=null()),
        "explanation": _explanation(sql, c),
        "status": status,
        "decided_at": case((c.c.auto, at), else_=null()),
    }
    source = (
        select(*values.values())
        .select_from(c)
        .join(p, and_(p.location_id == c.c.location_id, p.run_key == run_key))
        .where(true())
    )
    stmt = (
        sql.insert(ProposalLine)
        .from_select(list(values), source)
        .on_conflict_do_nothing()
        .returning(ProposalLine.status)
    )
    statuses = (await session.scalars(stmt)).all()
    return len(statuses), sum(1 for s in statuses if s == LineStatus.AUTO_APPROVED)


async def _auto_orders(
    session: AsyncSession,
    sql: _Sql,
    at: Any,
    now: Any,
    run_key: str,
    workspace_id: uuid.UUID | None,
) -> list[uuid.UUID]:
    """One AUTO order per proposal of this run with auto-approved lines, numbered on from
    the workspace's last order, its priority the first of its products'."""
    p, line, item = ReplenishmentProposal, ProposalLine, AssortmentItem
    scope = [p.run_key == run_key]
    if workspace_id is not None:
        scope.append(p.workspace_id == workspace_id)
    priority = (
        select(func.min(func.coalesce(item.priority, DEFAULT_PRIORITY)))
        .select_from(line)
        .outerjoin(
            item, and_(item.workspace_id == line.workspace_id, item.product_id == line.product_id)
        )
        .where(line.proposal_id == p.id, line.status == LineStatus.AUTO_APPROVED)
        .scalar_subquery()
    )
    has_auto = exists().where(line.proposal_id == p.id, line.status == LineStatus.AUTO_APPROVED)
    has_order = exists().where(Order.proposal_id == p.id, Order.origin == OrderOrigin.AUTO)
    due = (
        select(
            p.id.label("proposal_id"),
            p.workspace_id,
            p.location_id,
            priority.label("priority"),
            func.row_number()
            .over(partition_by=p.workspace_id, order_by=(p.location_id, p.id))
            .label("n"),
        )
        .where(*scope, has_auto, ~has_order)
        .subquery()
    )
    last = (
        select(Order.workspace_id, func.max(number_value(Order.number)).label("last"))
        .where(Order.workspace_id.in_(select(due.c.workspace_id)))
        .group_by(Order.workspace_id)
        .subquery()
    )
    n = func.coalesce(last.c.last, 0) + due.c.n
    values = {
        **_element_values(sql, at),
        "workspace_id": due.c.workspace_id,
        "location_id": due.c.location_id,
        "proposal_id": due.c.proposal_id,
        "origin": _const(OrderOrigin.AUTO.value),
        "number": sql.order_number(n),
        "status": _const(OrderStatus.PLACED.value),
        "priority": func.coalesce(due.c.priority, DEFAULT_PRIORITY),
        "placed_at": at,
    }
    source = (
        select(*values.values())
        .select_from(due)
        .outerjoin(last, last.c.workspace_id == due.c.workspace_id)
        .where(true())
    )
    order_ids = list(
        (
            await session.scalars(
                sql.insert(Order)
                .from_select(list(values), source)
                .on_conflict_do_nothing()
                .returning(Order.id)
            )
        ).all()
    )
    if not order_ids:
        return []
    o = Order
    line_values = {
        **_element_values(sql, at),
        "workspace_id": line.workspace_id,
        "order_id": o.id,
        "product_id": line.product_id,
        "proposal_line_id": line.id,
        "quantity": line.quantity,
    }
    line_source = (
        select(*line_values.values())
        .select_from(line)
        .join(o, and_(o.proposal_id == line.proposal_id, o.origin == OrderOrigin.AUTO))
        .join(p, p.id == line.proposal_id)
        .where(*scope, line.status == LineStatus.AUTO_APPROVED)
    )
    await session.execute(
        sql.insert(OrderLine).from_select(list(line_values), line_source).on_conflict_do_nothing()
    )
    return order_ids


async def _auto_orders_of_candidates(
    session: AsyncSession, sql: _Sql, at: Any, run_key: str
) -> list[uuid.UUID]:
    """`_auto_orders` when every candidate became a line of a proposal created by this run
    (none has an order yet): the same orders, numbers and lines, from the candidates."""
    c, p, item = _candidates, ReplenishmentProposal, AssortmentItem
    places = (
        select(
            c.c.location_id,
            func.min(func.coalesce(item.priority, DEFAULT_PRIORITY)).label("priority"),
        )
        .select_from(c)
        .outerjoin(
            item, and_(item.workspace_id == c.c.workspace_id, item.product_id == c.c.product_id)
        )
        .where(c.c.auto)
        .group_by(c.c.location_id)
        .subquery()
    )
    due = (
        select(
            p.id.label("proposal_id"),
            p.workspace_id,
            p.location_id,
            places.c.priority,
            func.row_number()
            .over(partition_by=p.workspace_id, order_by=(p.location_id, p.id))
            .label("n"),
        )
        .select_from(places)
        .join(p, and_(p.location_id == places.c.location_id, p.run_key == run_key))
        .subquery()
    )
    last = (
        select(Order.workspace_id, func.max(number_value(Order.number)).label("last"))
        .where(Order.workspace_id.in_(select(due.c.workspace_id)))
        .group_by(Order.workspace_id)
        .subquery()
    )
    n = func.coalesce(last.c.last, 0) + due.c.n
    values = {
        **_element_values(sql, at),
        "workspace_id": due.c.workspace_id,
        "location_id": due.c.location_id,
        "proposal_id": due.c.proposal_id,
        "origin": _const(OrderOrigin.AUTO.value),
        "number": sql.order_number(n),
        "status": _const(OrderStatus.PLACED.value),
        "priority": func.coalesce(due.c.priority, DEFAULT_PRIORITY),
        "placed_at": at,
    }
    source = (
        select(*values.values())
        .select_from(due)
        .outerjoin(last, last.c.workspace_id == due.c.workspace_id)
        .where(true())
    )
    order_ids = list(
        (
            await session.scalars(
                sql.insert(Order)
                .from_select(list(values), source)
                .on_conflict_do_nothing()
                .returning(Order.id)
            )
        ).all()
    )
    if not order_ids:
        return []
    # Each line's order by two lookups on unique keys: the statistics of the tables do not
    # know yet of the proposals and orders just written, and a join planned on them would
    # scan the candidates once per order.
    proposal = (
        select(p.id)
        .where(p.location_id == c.c.location_id, p.run_key == run_key)
        .correlate(c)
        .scalar_subquery()
    )
    order = (
        select(Order.id)
        .where(Order.proposal_id == proposal, Order.origin == OrderOrigin.AUTO)
        .scalar_subquery()
    )
    line_values = {
        **_element_values(sql, at),
        "workspace_id": c.c.workspace_id,
        "order_id": order,
        "product_id": c.c.product_id,
        "proposal_line_id": c.c.line_id,
        "quantity": c.c.quantity,
    }
    line_source = select(*line_values.values()).select_from(c).where(c.c.auto)
    await session.execute(
        sql.insert(OrderLine).from_select(list(line_values), line_source).on_conflict_do_nothing()
    )
    return order_ids


async def _settle_proposals_of_candidates(session: AsyncSession, at: Any, run_key: str) -> None:
    """`_settle_proposals` when every candidate became a line of a proposal created by this
    run (none is empty): those whose lines were all approved automatically are decided."""
    c, p = _candidates, ReplenishmentProposal
    await session.execute(
        update(p)
        .where(
            p.run_key == run_key,
            p.location_id.in_(select(c.c.location_id).where(c.c.auto)),
            ~p.location_id.in_(select(c.c.location_id).where(~c.c.auto)),
        )
        .values(status=ProposalStatus.DECIDED, decided_at=at)
        .execution_options(synchronize_session=False)
    )


async def _settle_proposals(
    session: AsyncSession, at: Any, run_key: str, created: list[uuid.UUID]
) -> list[uuid.UUID]:
    """Drop this run's proposals that got no line (another run took them); a proposal whose
    lines were all approved automatically waits for no one: it is decided."""
    p, line = ReplenishmentProposal, ProposalLine
    empty = list(
        (
            await session.scalars(
                delete(p)
                .where(p.run_key == run_key, ~exists().where(line.proposal_id == p.id))
                .returning(p.id)
            )
        ).all()
    )
    await session.execute(
        update(p)
        .where(
            p.run_key == run_key,
            p.status == ProposalStatus.OPEN,
            ~exists().where(line.proposal_id == p.id, line.status == LineStatus.PROPOSED),
        )
        .values(status=ProposalStatus.DECIDED, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    gone = set(empty)
    return [row_id for row_id in created if row_id not in gone]


async def _trace_created(session: AsyncSession, model: Any, ids: list[uuid.UUID]) -> None:
    """A `created` history row and event per row, written through the kernel."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in await session.scalars(select(model).where(model.id.in_(chunk))):
            trace(session, actor_id=None, row=row, action="created", internal=False)
    await session.flush()


__all__ = ["MIN_MAX", "REORDER_POINT", "Evaluation", "evaluate", "format_number", "lock"]
