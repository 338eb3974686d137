"""Benchmark: evaluating every stock policy into replenishment proposals.

Generates locations x products policies with their stock positions in set-based SQL, then
times one evaluation of them all (proposals, explained lines, auto-approved orders, committed)
and a second run with the same figures, which must write nothing.

    uv run python bench/inventory_evaluate.py [--database postgresql|sqlite|both]
        [--policies N] [--share 0.1]

Targets: 1,000,000 policies on PostgreSQL and 100,000 on SQLite, each in 10 s or less.
`--share` is the part of the positions at or below their reorder point (or min): the lines a
run writes. PostgreSQL at KAMP_BENCH_DATABASE_URL's server (default 127.0.0.1:5432), in a
database created afresh (KAMP_BENCH_DATABASE, default `kamp_bench_replenishment`); SQLite in a
temporary file."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from kamp import migrations  # noqa: E402
from kamp.db import make_engine, make_session_factory  # noqa: E402
from kamp.inventory.evaluation import evaluate  # noqa: E402
from kamp.inventory.models import Order, ProposalLine, ReplenishmentProposal  # noqa: E402
from kamp.models import load_all_models  # noqa: E402

SERVER = os.environ.get("KAMP_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")
# The database the benchmark creates afresh (and drops first) on that server.
DATABASE = os.environ.get("KAMP_BENCH_DATABASE", "kamp_bench_replenishment")
PRODUCTS = 1000
WORKSPACES = 10
# Demand 20/day, sd 5, lead 4 +- 1 days, 95 %: reorder point ~117; min/max 100/400.
ROP = 117


def _ids(pg: bool) -> str:
    if pg:
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"


def _rand(pg: bool, below: int) -> str:
    """A random integer in [0, below)."""
    return f"floor(random() * {below})::bigint" if pg else f"(abs(random()) % {below})"


def _series(pg: bool, n: int, name: str) -> str:
    if pg:
        return f"generate_series(1, {n}) AS {name}(i)"
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
        f"SELECT i FROM s) AS {name}"
    )


async def _generate(url: str, policies: int, share: float) -> None:
    pg = url.startswith("postgresql")
    locations = max(policies // PRODUCTS, 1)
    now = "now()" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    spread = int(ROP / share)
    engine = make_engine(url)
    new = _ids(pg)
    async with engine.begin() as c:
        run = c.execute
        await run(
            text(
                f"INSERT INTO organizations (id, name, kind, created_at) "
                f"VALUES ({new}, 'Supplier', 'SUPPLIER', {now})"
            )
        )
        await run(
            text(
                f"INSERT INTO organizations (id, name, kind, created_at) SELECT {new}, "
                f"'Customer ' || c.i, 'CUSTOMER', {now} FROM {_series(pg, WORKSPACES, 'c')}"
            )
        )
        await run(
            text(
                f"INSERT INTO users (id, organization_id, email, display_name, password_hash, "
                f"is_org_admin, is_active, created_at) SELECT {new}, id, 'kam@example.com', "
                f"'KAM', 'x', false, true, {now} FROM organizations WHERE kind = 'SUPPLIER'"
            )
        )
        await run(
            text(
                f"INSERT INTO key_accounts (id, supplier_id, customer_id, kam_id, name, tier, "
                f"status, industry, competitive_position, version, created_at, updated_at) "
                f"SELECT {new}, s.id, c.id, u.id, c.name, 'STRATEGIC', 'ACTIVE', '', '', 1, "
                f"{now}, {now} FROM organizations s, "
                f"organizations c, users u WHERE s.kind = 'SUPPLIER' AND c.kind = 'CUSTOMER'"
            )
        )
        await run(
            text(
                f"INSERT INTO workspaces (id, key_account_id, name, description, version, "
                f"created_at, updated_at) SELECT {new}, id, name, '', 1, {now}, {now} "
                f"FROM key_accounts"
            )
        )
        # Locations spread over the workspaces.
        await run(
            text(
                f"INSERT INTO locations (id, workspace_id, kind, name, code, city, country, "
                f"version, created_at, updated_at) SELECT {new}, w.id, 'BRANCH', "
                f"'Branch ' || l.i, '', '', '', 1, {now}, {now} "
                f"FROM {_series(pg, locations, 'l')} JOIN "
                f"(SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM workspaces) w "
                f"ON w.k = l.i % {WORKSPACES}"
            )
        )
        await run(
            text(
                f"INSERT INTO products (id, supplier_id, sku, name, product_line, unit_of_sale, "
                f"pack_multiple, min_order_qty, lead_time_days, lead_time_sd_days, active, "
                f"version, created_at, updated_at) SELECT {new}, o.id, 'SKU-' || p.i, "
                f"'Product ' || p.i, '', 'PIECE', CASE WHEN p.i % 3 = 0 THEN 12 ELSE 1 END, "
                f"CASE WHEN p.i % 7 = 0 THEN 48 ELSE 1 END, 4, 1, true, 1, {now}, {now} "
                f"FROM {_series(pg, PRODUCTS, 'p')}, organizations o WHERE o.kind = 'SUPPLIER'"
            )
        )
        # Every location x product: every fifth min/max, a quarter auto-approved up to 200.
        await run(
            text(
                f"INSERT INTO stock_policies (id, workspace_id, location_id, product_id, method, "
                f"min_qty, max_qty, service_level, review_period_days, demand_window_days, "
                f"auto_approve_max_qty, owners, active, visibility, version, created_at, "
                f"updated_at) SELECT {new}, l.workspace_id, l.id, p.id, CASE WHEN "
                f"substr(p.sku, 5) % 5 = 0 THEN 'MIN_MAX' ELSE 'REORDER_POINT' END, 100, 400, "
                f"CASE substr(p.sku, 5) % 3 WHEN 0 THEN 0.9 WHEN 1 THEN 0.95 ELSE 0.98 END, 7, "
                f"28, CASE WHEN substr(p.sku, 5) % 4 = 0 THEN 200 END, '{{}}', true, 'SHARED', "
                f"1, {now}, {now} FROM locations l CROSS JOIN products p"
            ).execution_options(no_parameters=True)
            if not pg
            else text(
                f"INSERT INTO stock_policies (id, workspace_id, location_id, product_id, method, "
                f"min_qty, max_qty, service_level, review_period_days, demand_window_days, "
                f"auto_approve_max_qty, owners, active, visibility, version, created_at, "
                f"updated_at) SELECT {new}, l.workspace_id, l.id, p.id, CASE WHEN "
                f"substr(p.sku, 5)::int % 5 = 0 THEN 'MIN_MAX' ELSE 'REORDER_POINT' END, 100, "
                f"400, CASE substr(p.sku, 5)::int % 3 WHEN 0 THEN 0.9 WHEN 1 THEN 0.95 ELSE 0.98 "
                f"END, 7, 28, CASE WHEN substr(p.sku, 5)::int % 4 = 0 THEN 200 END, '{{}}', "
                f"true, 'SHARED', 1, {now}, {now} FROM locations l CROSS JOIN products p"
            )
        )
        await run(
            text(
                f"INSERT INTO stock_positions (location_id, product_id, workspace_id, report_id, "
                f"as_of, on_hand, in_transit, on_order, committed, demand_mean, demand_sd, "
                f"demand_days, updated_at) SELECT location_id, product_id, workspace_id, {new}, "
                f"{now}, {_rand(pg, spread)}, 0, 0, 0, 20.0, 5.0, 28, {now} FROM stock_policies"
            )
        )
        if pg:
            await run(text("ANALYZE"))
    await engine.dispose()


async def _run(url: str, run_key: str) -> tuple[float, object]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    spent: list[tuple[float, str]] = []

    def before(conn, _cursor, _statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        conn.info["started"] = time.monotonic()

    def after(conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        spent.append((time.monotonic() - conn.info["started"], " ".join(statement.split())[:70]))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    started = time.monotonic()
    async with factory() as session:
        result = await evaluate(session, run_key=run_key)
        await session.commit()
    seconds = time.monotonic() - started
    await engine.dispose()
    if os.environ.get("KAMP_BENCH_STATEMENTS"):
        for took, statement in sorted(spent, reverse=True)[:6]:
            print(f"    {took:6.2f} s  {statement}")
    return seconds, result


async def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    async with engine.connect() as c:
        counts = [
            (await c.execute(select(func.count()).select_from(m))).scalar_one()
            for m in (ReplenishmentProposal, ProposalLine, Order)
        ]
    await engine.dispose()
    return counts[0], counts[1], counts[2]


async def bench(database: str, policies: int, share: float) -> None:
    if database == "postgresql":
        admin = make_engine(f"{SERVER}/postgres")
        async with admin.connect() as c:
            c = await c.execution_options(isolation_level="AUTOCOMMIT")
            await c.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            await c.execute(text(f"CREATE DATABASE {DATABASE}"))
        await admin.dispose()
        url = f"{SERVER}/{DATABASE}"
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    await asyncio.to_thread(migrations.upgrade, url)
    started = time.monotonic()
    await _generate(url, policies, share)
    print(f"{database}: generated {policies:,} policies in {time.monotonic() - started:.1f} s")
    for key, label in (("bench-1", "first run"), ("bench-2", "second run (same figures)")):
        seconds, result = await _run(url, key)
        print(
            f"{database}: {label}: {seconds:.2f} s, {policies / seconds:,.0f} policies/s; {result}"
        )
    proposals, lines, orders = await _counts(url)
    print(f"{database}: stored {proposals:,} proposals, {lines:,} lines, {orders:,} orders")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--policies", type=int, default=None)
    parser.add_argument("--share", type=float, default=0.1)
    args = parser.parse_args()
    load_all_models()
    for database in ("postgresql", "sqlite") if args.database == "both" else (args.database,):
        default = 1_000_000 if database == "postgresql" else 100_000
        asyncio.run(bench(database, args.policies or default, args.share))


if __name__ == "__main__":
    main()
