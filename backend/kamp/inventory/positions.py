"""What stock reports do to daily demand and to positions, set-based, and what is read back:
the positions of a location and how fresh each location's figures are.

**Daily demand.** A report covers `period_days` days ending on its `as_of` date (UTC): the
days `as_of.date() - period_days + 1` .. `as_of.date()`. Its `stockout_days` are taken to be
the *last* days of the period (a stock-out usually lasts until the count that reports it);
those days are marked `stockout` and get no demand. What was sold is spread evenly over the
days the product was in stock: `sold / (period_days - stockout_days)` each (over all the days
when every one of them was a stock-out). Reports add up: a DemandDay's quantity is the sum of
the shares of every report covering it, and a day is a stock-out day once any report says so.
A report that sold nothing still writes its days (quantity 0): "sold nothing" is data,
"no report" is not.

**Positions.** A (location, product) position holds the figures of its latest report: a report
older than the position's (`as_of` earlier) adds its demand but leaves the figures alone; one
as recent replaces them (the later of two reports of the same instant wins).

**Statistics.** For each position a batch touched (never any other), over the window of its
policy (`StockPolicy.demand_window_days`, 28 without a policy) ending on the position's date:
the mean and the *sample* standard deviation (n - 1) of daily demand, and the number of days
with data. Stock-out days are left out: their demand is censored (what would have sold is
unknown), and counting them as zero would bias the mean down and the deviation up, so safety
stock would be computed from the shortage it is meant to prevent. Days without any report are
left out too (no data, not zero demand). The sample deviation is the textbook estimator of the
daily demand's deviation in the safety stock formula (z * sd * sqrt(lead time)); with fewer
than two days it is 0, and `demand_days` says how little it rests on.

On PostgreSQL a batch is copied (COPY) into a temporary staging table and applied with three
statements sent in one round trip, whatever its size, and the statistics are kept as running
sums on the position (O(1) per report, see _UPSERT_POSITIONS); on SQLite (the embedded
default) with executemany batches, reading each touched position's window."""

from __future__ import annotations

import asyncio
import math
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Location, Workspace
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.errors import NotFound
from kamp.inventory.models import (
    AssortmentItem,
    DemandDay,
    StockPolicy,
    StockPosition,
    StockReport,
    StockSource,
)

DEFAULT_WINDOW_DAYS = 28

# The fields of a checked row (reports.py), in order.
ROW_FIELDS = (
    "location_id",
    "product_id",
    "as_of",
    "period_days",
    "on_hand",
    "in_transit",
    "on_order",
    "committed",
    "sold",
    "stockout_days",
    "seq",  # its row number: the later of two rows of one instant wins
)
Row = tuple[uuid.UUID, uuid.UUID, datetime, int, int, int, int, int, int, int, int]


@dataclass(frozen=True)
class _Meta:
    workspace_id: uuid.UUID
    source: StockSource
    reported_by_id: uuid.UUID | None
    client_id: uuid.UUID | None
    batch_id: uuid.UUID
    now: datetime


# --- PostgreSQL: COPY into a staging table, then one round trip of set-based statements ------
#
# Per batch: the checked rows are copied (COPY) into a temporary staging table, then one
# simple-protocol query runs the three statements below (reports appended, demand days
# upserted, positions upserted) in a single round trip, which the ingest overlaps with reading
# and checking the next batch (reports.py). The few values common to the batch are rendered
# as typed literals (UUIDs, an instant, an enum value: nothing a sender wrote).
#
# Not done: `synchronous_commit = off` for the ingest's transaction. It would save the WAL
# flush at commit only, and trade the durability of an acknowledged upload for it.

# JIT compilation is off for the rest of the ingest's transaction: the staging tables have no
# statistics, so the planner guesses high costs (a thousand days a report) and PostgreSQL
# would compile every batch's statements anew, which takes longer than running them.
_STAGE = """
SET LOCAL jit = off;
CREATE TEMPORARY TABLE IF NOT EXISTS inventory_stock_stage (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    location_id uuid NOT NULL,
    product_id uuid NOT NULL,
    as_of timestamptz NOT NULL,
    period_days integer NOT NULL,
    on_hand bigint NOT NULL,
    in_transit bigint NOT NULL,
    on_order bigint NOT NULL,
    committed bigint NOT NULL,
    sold bigint NOT NULL,
    stockout_days integer NOT NULL,
    latest boolean NOT NULL
) ON COMMIT DROP;
CREATE TEMPORARY TABLE IF NOT EXISTS inventory_stock_keys (
    location_id uuid NOT NULL,
    product_id uuid NOT NULL,
    fresh boolean NOT NULL,
    first_day date NOT NULL,
    n bigint NOT NULL,
    s float8 NOT NULL,
    q float8 NOT NULL
) ON COMMIT DROP
"""
# A staged row: a checked row's fields but its number, and whether it gives its key's figures.
STAGE_FIELDS = (*ROW_FIELDS[:-1], "latest")

_INSERT_REPORTS = """
INSERT INTO stock_reports (
    id, created_at, workspace_id, location_id, product_id, as_of, period_days, on_hand,
    in_transit, on_order, committed, sold, stockout_days, source, reported_by_id, client_id,
    batch_id)
SELECT id, {now}, {workspace}, location_id, product_id, as_of, period_days, on_hand,
    in_transit, on_order, committed, sold, stockout_days, {source}, {reported_by}, {client},
    {batch}
FROM inventory_stock_stage
"""

# Day i of a report (0: its as_of date, going back); the last stockout_days days are out.
# For the positions' running sums, each key the batch touched is kept (inventory_stock_keys):
# its first touched day, whether every touched day is new (`fresh`: inserted, not updated; a
# row the upsert inserted has no xmax), and the count, sum and sum of squares of the touched
# days that are not stock-outs.
_UPSERT_DEMAND = """
TRUNCATE inventory_stock_keys;
WITH upserted AS (
    INSERT INTO demand_days (location_id, product_id, day, workspace_id, quantity, stockout)
    SELECT s.location_id, s.product_id, (s.as_of AT TIME ZONE 'UTC')::date - g.i, {workspace},
        sum(CASE
            WHEN s.stockout_days >= s.period_days THEN s.sold::float8 / s.period_days
            WHEN g.i < s.stockout_days THEN 0
            ELSE s.sold::float8 / (s.period_days - s.stockout_days)
        END),
        bool_or(g.i < s.stockout_days)
    FROM inventory_stock_stage s
    CROSS JOIN LATERAL generate_series(0, s.period_days - 1) AS g(i)
    GROUP BY 1, 2, 3
    ON CONFLICT (location_id, product_id, day) DO UPDATE
    SET quantity = demand_days.quantity + excluded.quantity,
        stockout = demand_days.stockout OR excluded.stockout
    RETURNING location_id, product_id, day, quantity, stockout, xmax = 0 AS fresh
)
INSERT INTO inventory_stock_keys
SELECT location_id, product_id, bool_and(fresh), min(day),
    count(*) FILTER (WHERE NOT stockout),
    coalesce(sum(quantity) FILTER (WHERE NOT stockout), 0),
    coalesce(sum(quantity * quantity) FILTER (WHERE NOT stockout), 0)
FROM upserted
GROUP BY 1, 2
"""

# The latest figures of each touched key (the newer of the batch's and the position's), and
# its statistics over the window of `win` days ending on the position's date `end_new`.
#
# Running sums (count n, sum s, sum of squares q of the non-stock-out days in the window) make
# this O(1) per report rather than O(window). Demand days are written by the ingest alone,
# with their position in the same batch, and a report's days end on its date: so a key
# without a position has no days, and no key has days after its position's date. Hence, when
# every day the batch touched is new and after the position's date (the usual case: each
# report brings the days since the last one) and the position kept its sums for a window of
# the same length that moved by less than its length, from (end_old - win, end_old] to
# (end_new - win, end_new]:
#     new = old - L + T
# L: the days that left the window, (end_old - win, end_new - win], an index range scan of
#    the days it moved by (none if it did not move);
# T: the batch's days (inventory_stock_keys), all of them inside the new window.
# A new position whose days all fall in its window is T alone, and reads nothing. Otherwise
# (a window of another length, a late or overlapping report that changed or filled in days
# before the position's date, a jump of a whole window, a position without sums) the key's
# window is read again, through the primary key's range: still only touched keys.
#
# Rounding: adding and taking out floats leaves an error of a few units in the last place of
# q per update, and the variance (q - s^2 / n) cancels catastrophically when the deviation is
# tiny beside the mean (constant demand would show a deviation of 1e-8). So the window is also
# read afresh each time its end crosses a multiple of its length (counted from 2000-01-01):
# once per window turned over, O(1) per day amortized, and the error never builds up; and a
# variance within 1e-12 of q, which the sums cannot tell from rounding, is 0. The mean is s / n
# (with no day left the sums restart from 0); a full read takes avg and stddev_samp.
_UPSERT_POSITIONS = """
INSERT INTO stock_positions (
    location_id, product_id, workspace_id, report_id, as_of, on_hand, in_transit, on_order,
    committed, demand_mean, demand_sd, demand_days, demand_sum, demand_sumsq, demand_window,
    updated_at)
SELECT n.location_id, n.product_id, {workspace}, n.id, n.as_of, n.on_hand, n.in_transit,
    n.on_order, n.committed,
    CASE WHEN NOT x.running THEN coalesce(w.mean, 0)
        WHEN r.n > 0 THEN r.s / r.n ELSE 0 END,
    CASE WHEN NOT x.running THEN coalesce(w.sd, 0)
        WHEN r.n > 1 AND r.q - r.s * r.s / r.n > r.q * 1e-12
            THEN sqrt((r.q - r.s * r.s / r.n) / (r.n - 1)) ELSE 0 END,
    r.n, r.s, r.q, x.win, {now}
FROM inventory_stock_stage n
JOIN inventory_stock_keys t ON t.location_id = n.location_id AND t.product_id = n.product_id
LEFT JOIN stock_positions old
    ON old.location_id = n.location_id AND old.product_id = n.product_id
LEFT JOIN stock_policies pol
    ON pol.location_id = n.location_id AND pol.product_id = n.product_id
CROSS JOIN LATERAL (
    SELECT coalesce(pol.demand_window_days, {window}) AS win,
        (old.as_of AT TIME ZONE 'UTC')::date AS end_old,
        (greatest(n.as_of, old.as_of) AT TIME ZONE 'UTC')::date AS end_new
) y
CROSS JOIN LATERAL (
    SELECT y.*, coalesce(t.fresh AND CASE
        WHEN old.location_id IS NULL THEN t.first_day > y.end_new - y.win
        ELSE old.demand_sum IS NOT NULL AND old.demand_window = y.win
            AND t.first_day > y.end_old AND y.end_new - y.end_old < y.win
            AND (y.end_new - DATE '2000-01-01') / y.win = (y.end_old - DATE '2000-01-01') / y.win
        END, false) AS running
) x
LEFT JOIN LATERAL (
    SELECT avg(d.quantity) AS mean, stddev_samp(d.quantity) AS sd, count(*) AS n,
        coalesce(sum(d.quantity), 0) AS s, coalesce(sum(d.quantity * d.quantity), 0) AS q
    FROM demand_days d
    WHERE NOT x.running
        AND d.location_id = n.location_id AND d.product_id = n.product_id
        AND d.day > x.end_new - x.win AND d.day <= x.end_new AND NOT d.stockout
) w ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n, coalesce(sum(d.quantity), 0) AS s,
        coalesce(sum(d.quantity * d.quantity), 0) AS q
    FROM demand_days d
    WHERE x.running AND x.end_new > x.end_old
        AND d.location_id = n.location_id AND d.product_id = n.product_id
        AND d.day > x.end_old - x.win AND d.day <= x.end_new - x.win AND NOT d.stockout
) l ON true
CROSS JOIN LATERAL (
    SELECT CASE WHEN x.running THEN coalesce(old.demand_days, 0) - l.n + t.n ELSE w.n END AS n
) c
CROSS JOIN LATERAL (
    SELECT c.n,
        CASE WHEN c.n = 0 THEN 0
            WHEN x.running THEN coalesce(old.demand_sum, 0) - l.s + t.s ELSE w.s END AS s,
        CASE WHEN c.n = 0 THEN 0
            WHEN x.running THEN coalesce(old.demand_sumsq, 0) - l.q + t.q ELSE w.q END AS q
) r
WHERE n.latest
ON CONFLICT (location_id, product_id) DO UPDATE
SET report_id = CASE WHEN stock_positions.as_of <= excluded.as_of
        THEN excluded.report_id ELSE stock_positions.report_id END,
    on_hand = CASE WHEN stock_positions.as_of <= excluded.as_of
        THEN excluded.on_hand ELSE stock_positions.on_hand END,
    in_transit = CASE WHEN stock_positions.as_of <= excluded.as_of
        THEN excluded.in_transit ELSE stock_positions.in_transit END,
    on_order = CASE WHEN stock_positions.as_of <= excluded.as_of
        THEN excluded.on_order ELSE stock_positions.on_order END,
    committed = CASE WHEN stock_positions.as_of <= excluded.as_of
        THEN excluded.committed ELSE stock_positions.committed END,
    as_of = greatest(stock_positions.as_of, excluded.as_of),
    demand_mean = excluded.demand_mean, demand_sd = excluded.demand_sd,
    demand_days = excluded.demand_days, demand_sum = excluded.demand_sum,
    demand_sumsq = excluded.demand_sumsq, demand_window = excluded.demand_window,
    updated_at = excluded.updated_at
"""


def _literal(value: uuid.UUID | datetime | StockSource | None) -> str:
    """A batch's common value as SQL: only UUIDs, aware instants and the source's name."""
    if value is None:
        return "NULL"
    if isinstance(value, uuid.UUID):
        return f"'{value}'::uuid"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("an instant needs its UTC offset")
        return f"'{value.isoformat()}'::timestamptz"
    return f"'{StockSource(value).value}'::varchar"


def batch_statements(meta: _Meta) -> tuple[str, str, str]:
    """The statements of one batch on PostgreSQL, once its rows are staged: reports, demand,
    positions."""
    values = {
        "now": _literal(meta.now),
        "workspace": _literal(meta.workspace_id),
        "source": _literal(meta.source),
        "reported_by": _literal(meta.reported_by_id),
        "client": _literal(meta.client_id),
        "batch": _literal(meta.batch_id),
        "window": str(int(DEFAULT_WINDOW_DAYS)),
    }
    return (
        _INSERT_REPORTS.format(**values),
        _UPSERT_DEMAND.format(**values),
        _UPSERT_POSITIONS.format(**values),
    )


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, in the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    pg: Any = raw.driver_connection
    if not pg.is_in_transaction():  # pragma: no cover - the lookups have begun it
        await connection.exec_driver_sql("SELECT 1")
    return pg


def _staged(rows: Sequence[Row]) -> list[tuple[Any, ...]]:
    """The rows with their `latest` flag: per key, the latest as_of, then the later row."""
    best: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    for at, row in enumerate(rows):
        key = (row[0], row[1])
        seen = best.get(key)
        if seen is None or (row[2], row[10]) >= (rows[seen][2], rows[seen][10]):
            best[key] = at
    chosen = set(best.values())
    return [(*row[:-1], at in chosen) for at, row in enumerate(rows)]


async def stage(session: AsyncSession, rows: Sequence[Row], *, first: bool = True) -> Any:
    """Copy a batch into the staging table (created and emptied first unless the batch
    follows another of the same writer, whose statements emptied it); the asyncpg
    connection."""
    pg = await _driver(session)
    if first:
        await pg.execute(_STAGE + ";\nTRUNCATE inventory_stock_stage")
    await pg.copy_records_to_table(
        "inventory_stock_stage", records=_staged(rows), columns=list(STAGE_FIELDS)
    )
    return pg


class ReportWriter:
    """Writes checked batches of one ingest. On PostgreSQL `write` stages the batch and
    starts its statements without waiting for them: the caller reads and checks the next batch
    meanwhile, and calls `wait` before the session's connection serves anything else (one
    batch in flight at most, so memory stays flat). Elsewhere `write` does it all."""

    def __init__(self, session: AsyncSession, meta: _Meta) -> None:
        self.session = session
        self.meta = meta
        self._sql: str | None = None
        self._pending: asyncio.Future[Any] | None = None
        self._held = False

    async def _hold(self) -> None:
        """Hold the workspace until the transaction ends, as the foreign key's check of each
        row would have (the stock tables have none, see models.py): its removal waits for the
        ingest, and then its trigger takes what was written. A workspace removed before is
        not found, and nothing stays."""
        found = await self.session.scalar(
            select(Workspace.id)
            .where(Workspace.id == self.meta.workspace_id)
            .with_for_update(read=True, key_share=True)
        )
        if found is None:
            raise NotFound("No such workspace.")
        self._held = True

    @classmethod
    def open(
        cls,
        session: AsyncSession,
        *,
        workspace_id: uuid.UUID,
        source: StockSource,
        reported_by_id: uuid.UUID | None,
        client_id: uuid.UUID | None,
        batch_id: uuid.UUID,
    ) -> ReportWriter:
        return cls(
            session, _Meta(workspace_id, source, reported_by_id, client_id, batch_id, clock.now())
        )

    async def write(self, rows: Sequence[Row]) -> None:
        await self.wait()
        await self.session.flush()
        if (await self.session.connection()).dialect.name != "postgresql":
            await _apply_portable(self.session, rows, self.meta)
            if not self._held:
                await self._hold()  # SQLite: the first write took the database's write lock
            return
        if not self._held:
            await self._hold()
        first = self._sql is None
        if self._sql is None:
            self._sql = ";\n".join((*batch_statements(self.meta), "TRUNCATE inventory_stock_stage"))
        pg = await stage(self.session, rows, first=first)
        self._pending = asyncio.ensure_future(pg.execute(self._sql))
        await asyncio.sleep(0)  # the query goes out before the caller turns to its next batch

    async def wait(self) -> None:
        """Until the batch in flight is written (its errors are raised here)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await pending

    async def close(self) -> None:
        """Wait for the batch in flight, if any, without raising: for a caller that is
        already failing (its transaction rolls back)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await asyncio.wait([pending])
            if not pending.cancelled():
                pending.exception()


# --- SQLite (and any other database): executemany batches --------------------------------------


def demand_shares(row: Row) -> list[tuple[date, float, bool]]:
    """The days a report covers, newest first: (day, quantity, stock-out)."""
    _loc, _prod, as_of, period, *_figures, sold, stockout, _seq = row
    last = as_of.date()
    in_stock = period - stockout
    shares = []
    for i in range(period):
        out = i < stockout
        quantity = sold / period if in_stock <= 0 else 0.0 if out else sold / in_stock
        shares.append((last - timedelta(days=i), quantity, out))
    return shares


async def _apply_portable(session: AsyncSession, rows: Sequence[Row], meta: _Meta) -> None:
    reports = []
    days: dict[tuple[uuid.UUID, uuid.UUID, date], list[Any]] = {}
    latest: dict[tuple[uuid.UUID, uuid.UUID], tuple[Row, uuid.UUID]] = {}
    for row in rows:
        report_id = uuid.uuid4()
        location_id, product_id, as_of, period, on_hand, transit, order, committed, sold = row[:9]
        reports.append(
            {
                "id": report_id,
                "created_at": meta.now,
                "workspace_id": meta.workspace_id,
                "location_id": location_id,
                "product_id": product_id,
                "as_of": as_of,
                "period_days": period,
                "on_hand": on_hand,
                "in_transit": transit,
                "on_order": order,
                "committed": committed,
                "sold": sold,
                "stockout_days": row[9],
                "source": meta.source,
                "reported_by_id": meta.reported_by_id,
                "client_id": meta.client_id,
                "batch_id": meta.batch_id,
            }
        )
        for day, quantity, out in demand_shares(row):
            share = days.setdefault((location_id, product_id, day), [0.0, False])
            share[0] += quantity
            share[1] = share[1] or out
        key = (location_id, product_id)
        seen = latest.get(key)
        if seen is None or (as_of, row[10]) >= (seen[0][2], seen[0][10]):
            latest[key] = (row, report_id)
    reports_table: Any = StockReport.__table__
    await session.execute(reports_table.insert(), reports)

    table: Any = DemandDay.__table__
    demand = sqlite_insert(table)
    await session.execute(
        demand.on_conflict_do_update(
            index_elements=["location_id", "product_id", "day"],
            set_={
                "quantity": table.c.quantity + demand.excluded.quantity,
                "stockout": table.c.stockout | demand.excluded.stockout,
            },
        ),
        [
            {
                "location_id": location_id,
                "product_id": product_id,
                "day": day,
                "workspace_id": meta.workspace_id,
                "quantity": quantity,
                "stockout": out,
            }
            for (location_id, product_id, day), (quantity, out) in days.items()
        ],
    )

    positions: Any = StockPosition.__table__
    upsert = sqlite_insert(positions)
    figures = ("report_id", "as_of", "on_hand", "in_transit", "on_order", "committed")
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["location_id", "product_id"],
            set_={
                **{name: upsert.excluded[name] for name in figures},
                "updated_at": upsert.excluded.updated_at,
            },
            where=positions.c.as_of <= upsert.excluded.as_of,
        ),
        [
            {
                "location_id": row[0],
                "product_id": row[1],
                "workspace_id": meta.workspace_id,
                "report_id": report_id,
                "as_of": row[2],
                "on_hand": row[4],
                "in_transit": row[5],
                "on_order": row[6],
                "committed": row[7],
                "demand_mean": 0.0,
                "demand_sd": 0.0,
                "demand_days": 0,
                "updated_at": meta.now,
            }
            for row, report_id in latest.values()
        ],
    )
    await _statistics_portable(session, list(latest), meta.now)


async def _statistics_portable(
    session: AsyncSession, keys: list[tuple[uuid.UUID, uuid.UUID]], now: datetime
) -> None:
    window = func.coalesce(StockPolicy.demand_window_days, DEFAULT_WINDOW_DAYS)
    end = func.date(StockPosition.as_of)
    start = func.date(StockPosition.as_of, literal("-").concat(window).concat(" days"))
    updates = []
    for at in range(0, len(keys), 400):
        chunk = keys[at : at + 400]
        found = await session.execute(
            select(StockPosition.location_id, StockPosition.product_id, window, DemandDay.quantity)
            .select_from(StockPosition)
            .outerjoin(
                StockPolicy,
                and_(
                    StockPolicy.location_id == StockPosition.location_id,
                    StockPolicy.product_id == StockPosition.product_id,
                ),
            )
            .outerjoin(
                DemandDay,
                and_(
                    DemandDay.location_id == StockPosition.location_id,
                    DemandDay.product_id == StockPosition.product_id,
                    DemandDay.day > start,
                    DemandDay.day <= end,
                    DemandDay.stockout.is_(False),
                ),
            )
            .where(tuple_(StockPosition.location_id, StockPosition.product_id).in_(chunk))
        )
        quantities: dict[tuple[uuid.UUID, uuid.UUID], list[float]] = {}
        windows: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
        for location_id, product_id, days, quantity in found.all():
            values = quantities.setdefault((location_id, product_id), [])
            windows[(location_id, product_id)] = days
            if quantity is not None:
                values.append(quantity)
        for (location_id, product_id), values in quantities.items():
            mean, sd = describe(values)
            updates.append(
                {
                    "key_location": location_id,
                    "key_product": product_id,
                    "demand_mean": mean,
                    "demand_sd": sd,
                    "demand_days": len(values),
                    "demand_sum": math.fsum(values),
                    "demand_sumsq": math.fsum(v * v for v in values),
                    "demand_window": windows[(location_id, product_id)],
                    "updated_at": now,
                }
            )
    if updates:
        table: Any = StockPosition.__table__
        await session.execute(
            table.update()
            .where(
                table.c.location_id == _bind("key_location", table.c.location_id),
                table.c.product_id == _bind("key_product", table.c.product_id),
            )
            .values(
                demand_mean=_bind("demand_mean", table.c.demand_mean),
                demand_sd=_bind("demand_sd", table.c.demand_sd),
                demand_days=_bind("demand_days", table.c.demand_days),
                demand_sum=_bind("demand_sum", table.c.demand_sum),
                demand_sumsq=_bind("demand_sumsq", table.c.demand_sumsq),
                demand_window=_bind("demand_window", table.c.demand_window),
                updated_at=_bind("updated_at", table.c.updated_at),
            ),
            updates,
        )


def _bind(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


def describe(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 below two values)."""
    if not values:
        return 0.0, 0.0
    mean = statistics.fmean(values)
    return mean, statistics.stdev(values) if len(values) > 1 else 0.0


# --- reading: positions and freshness ---------------------------------------------------------


class Freshness(StrEnum):
    FRESH = "FRESH"  # reported less than 2 days ago
    AGING = "AGING"  # less than 7 days
    STALE = "STALE"  # 7 days or more
    NO_DATA = "NO_DATA"  # never reported


FRESH_BELOW = timedelta(days=2)
AGING_BELOW = timedelta(days=7)


def badge(age: timedelta | None) -> Freshness:
    if age is None:
        return Freshness.NO_DATA
    if age < FRESH_BELOW:
        return Freshness.FRESH
    if age < AGING_BELOW:
        return Freshness.AGING
    return Freshness.STALE


@dataclass(frozen=True)
class LocationFreshness:
    location: Location
    as_of: datetime | None  # the latest figures' instant
    age: timedelta | None  # how old they are now (by kamp.clock)
    badge: Freshness


def _visible_positions(principal: Principal) -> Any:
    """Positions of products the principal sees in the assortment (an INTERNAL item's stock
    is as hidden as the item). An assortment item holds its product (RESTRICT): a deleted
    product's positions, which have no foreign key to it, are never among them."""
    return (
        select(AssortmentItem.id)
        .where(
            AssortmentItem.workspace_id == StockPosition.workspace_id,
            AssortmentItem.product_id == StockPosition.product_id,
            access.visible(AssortmentItem, principal, Permission.INVENTORY_READ),
        )
        .exists()
    )


async def location_freshness(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID
) -> list[LocationFreshness]:
    """Every location of the workspace with the age of its latest figures, oldest first
    (never reported before all)."""
    require(principal, workspace_id, Permission.INVENTORY_READ)
    latest = (
        select(StockPosition.location_id, func.max(StockPosition.as_of).label("as_of"))
        .where(StockPosition.workspace_id == workspace_id, _visible_positions(principal))
        .group_by(StockPosition.location_id)
        .subquery()
    )
    rows = await session.execute(
        select(Location, latest.c.as_of)
        .outerjoin(latest, latest.c.location_id == Location.id)
        .where(Location.workspace_id == workspace_id)
        .order_by(Location.created_at, Location.id)
    )
    now = clock.now()
    found = []
    for location, as_of in rows.all():
        age = max(now - as_of, timedelta(0)) if as_of is not None else None
        found.append(LocationFreshness(location, as_of, age, badge(age)))
    found.sort(key=lambda f: (f.as_of is not None, f.as_of or now))
    return found


async def list_positions(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    location_id: uuid.UUID | None = None,
    first: int = 20,
    after: tuple[uuid.UUID, uuid.UUID] | None = None,
) -> tuple[list[StockPosition], bool]:
    """A page of positions, in (location, product) order after the key `after`; and whether
    more follow."""
    require(principal, workspace_id, Permission.INVENTORY_READ)
    # Through the location: positions have no foreign key to it, and a deleted location's
    # positions are history nothing returns (the product is checked by the assortment).
    stmt = (
        select(StockPosition)
        .join(Location, Location.id == StockPosition.location_id)
        .where(
            StockPosition.workspace_id == workspace_id,
            Location.workspace_id == workspace_id,
            _visible_positions(principal),
        )
    )
    if location_id is not None:
        stmt = stmt.where(StockPosition.location_id == location_id)
    if after is not None:
        stmt = stmt.where(tuple_(StockPosition.location_id, StockPosition.product_id) > after)
    stmt = stmt.order_by(StockPosition.location_id, StockPosition.product_id).limit(first + 1)
    rows = list(await session.scalars(stmt))
    return rows[:first], len(rows) > first
