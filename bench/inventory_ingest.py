"""Benchmark: recording a stock report file on PostgreSQL, through the path the upload route
takes (uploads.ingest_file: the CSV read as a stream, batches of rows checked, COPY into a
staging table, reports appended, daily demand, positions and their statistics upserted, each
batch's statements overlapping the reading of the next).

It seeds one key account with 100 locations and 5,000 products in its assortment, writes CSV
files on disk of 100,000 rows (5,000 products x 20 locations) and 500,000 rows (x 100), one
report each, and records each file in a fresh process; it prints the rows per second and the
process's peak resident memory above its baseline, which stays flat as the file grows.

    uv run python bench/inventory_ingest.py [--sizes 100000 500000] [--mode ALL_OR_NOTHING]

Needs PostgreSQL at KAMP_BENCH_DATABASE_URL (default: a `kamp_bench_inventory` database on
127.0.0.1:5432, created afresh; KAMP_BENCH_DATABASE_NAME names another, so that two runs on
one server do not collide). Target: at least 50,000 rows per second."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from kamp import clock, migrations  # noqa: E402
from kamp.accounts.models import (  # noqa: E402
    KeyAccount,
    KeyAccountStatus,
    Location,
    LocationKind,
    Membership,
    Organization,
    Role,
    Side,
    Tier,
    User,
    Workspace,
)
from kamp.auth.service import principal_for_user  # noqa: E402
from kamp.db import make_engine, make_session_factory  # noqa: E402
from kamp.inventory import uploads  # noqa: E402
from kamp.inventory.models import AssortmentItem, Product, UnitOfSale  # noqa: E402
from kamp.inventory.reports import IngestMode, StockRowsRefused  # noqa: E402
from kamp.models import load_all_models  # noqa: E402

SERVER = os.environ.get("KAMP_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432")
NAME = os.environ.get("KAMP_BENCH_DATABASE_NAME", "kamp_bench_inventory")
PRODUCTS = 5_000
LOCATIONS = 100
HEADER = (
    "location_code,sku,as_of,period_days,on_hand,in_transit,on_order,committed,sold,stockout_days\n"
)
BUYER = "buyer@bench.example.com"


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _database(create: bool) -> str:
    admin = make_engine(f"{SERVER}/postgres")
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
        if create:
            await connection.execute(text(f"CREATE DATABASE {NAME}"))
    await admin.dispose()
    return f"{SERVER}/{NAME}"


async def seed(url: str) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    async with factory() as session:
        supplier = Organization(id=uuid.uuid4(), name="Supplier", kind=Side.SUPPLIER)
        customer = Organization(id=uuid.uuid4(), name="Customer", kind=Side.CUSTOMER)
        session.add_all([supplier, customer])
        buyer = User(id=uuid.uuid4(), organization_id=customer.id, email=BUYER, display_name="B")
        kam = User(
            id=uuid.uuid4(),
            organization_id=supplier.id,
            email="kam@b.example.com",
            display_name="K",
        )
        session.add_all([buyer, kam])
        await session.flush()
        account = KeyAccount(
            supplier_id=supplier.id,
            customer_id=customer.id,
            kam_id=kam.id,
            name="Bench",
            tier=Tier.STRATEGIC,
            status=KeyAccountStatus.ACTIVE,
        )
        session.add(account)
        await session.flush()
        workspace = Workspace(key_account_id=account.id, name="Bench")
        session.add(workspace)
        await session.flush()
        session.add(
            Membership(workspace_id=workspace.id, user_id=buyer.id, role=Role.CUSTOMER_BUYER)
        )
        parent = None
        for kind in (LocationKind.HEADQUARTERS, LocationKind.REGION, LocationKind.DISTRICT):
            location = Location(
                workspace_id=workspace.id, kind=kind, name=kind.value, parent_id=parent
            )
            session.add(location)
            await session.flush()
            parent = location.id
        now = clock.now()
        await session.execute(
            insert(Location),
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "workspace_id": workspace.id,
                    "parent_id": parent,
                    "kind": LocationKind.BRANCH,
                    "name": f"Branch {n}",
                    "code": f"L-{n:03d}",
                    "city": "",
                    "country": "",
                }
                for n in range(LOCATIONS)
            ],
        )
        products = [uuid.uuid4() for _ in range(PRODUCTS)]
        await session.execute(
            insert(Product),
            [
                {
                    "id": pid,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "supplier_id": supplier.id,
                    "sku": f"SKU-{n:05d}",
                    "name": f"Product {n}",
                    "product_line": "",
                    "unit_of_sale": UnitOfSale.PIECE,
                    "pack_multiple": 1,
                    "min_order_qty": 1,
                    "lead_time_days": 7,
                    "lead_time_sd_days": 0,
                    "active": True,
                }
                for n, pid in enumerate(products)
            ],
        )
        await session.execute(
            insert(AssortmentItem),
            [
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "workspace_id": workspace.id,
                    "visibility": "SHARED",
                    "product_id": pid,
                    "customer_item_number": f"C-{n:05d}",
                    "priority": 3,
                }
                for n, pid in enumerate(products)
            ],
        )
        await session.commit()
    await engine.dispose()


def write_csv(path: Path, rows: int) -> None:
    locations = rows // PRODUCTS
    as_of = (clock.now() - timedelta(hours=1)).replace(microsecond=0).isoformat()
    with open(path, "w") as file:
        file.write(HEADER)
        for loc in range(locations):
            file.writelines(
                f"L-{loc:03d},SKU-{p:05d},{as_of},1,{(p * 7 + loc) % 500},{p % 13},{p % 5},"
                f"{p % 3},{(p + loc) % 60},{1 if p % 17 == 0 else 0}\n"
                for p in range(PRODUCTS)
            )


async def ingest(url: str, path: Path, mode: IngestMode) -> dict[str, float]:
    load_all_models()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE stock_reports, demand_days, stock_positions"))
    async with factory() as session:
        user = await session.scalar(select(User).where(User.email == BUYER))
        assert user is not None
        principal = await principal_for_user(session, user=user)
        workspace_id = next(iter(principal.workspace_ids))
    baseline = _rss_kib()
    started = time.perf_counter()
    async with factory() as session:
        with open(path, "rb") as file:  # noqa: ASYNC230 - read in batches by the ingest
            try:
                result = await uploads.ingest_file(
                    session,
                    principal=principal,
                    workspace_id=workspace_id,
                    file=file,
                    file_format=uploads.FileFormat.CSV,
                    mode=mode,
                )
            except StockRowsRefused as refused:
                raise SystemExit(f"refused: {refused.result.errors[:3]}") from refused
        await session.commit()
    elapsed = time.perf_counter() - started
    async with factory() as session:
        positions = await session.scalar(text("SELECT count(*) FROM stock_positions"))
        days = await session.scalar(text("SELECT count(*) FROM demand_days"))
    await engine.dispose()
    assert result.accepted == result.rows_read and result.error_count == 0
    return {
        "rows": result.accepted,
        "seconds": elapsed,
        "rows_per_second": result.accepted / elapsed,
        "baseline_rss_mib": baseline / 1024,
        "peak_rss_mib": _rss_kib() / 1024,
        "positions": positions or 0,
        "demand_days": days or 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--mode", default=IngestMode.ALL_OR_NOTHING.value)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        url, path = args.child
        print(json.dumps(asyncio.run(ingest(url, Path(path), IngestMode(args.mode)))))
        return
    url = asyncio.run(_database(create=True))
    migrations.upgrade(url)
    asyncio.run(seed(url))
    print(f"mode {args.mode}; {LOCATIONS} locations x {PRODUCTS} products on PostgreSQL")
    heads = ("rows", "file MB", "seconds", "rows/s", "base MiB", "peak MiB")
    print(" ".join(f"{h:>9}" for h in heads))
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"stock-{size}.csv"
            write_csv(path, size)
            # A fresh process per size: its peak RSS is this file's alone.
            out = subprocess.run(
                [sys.executable, __file__, "--mode", args.mode, "--child", url, str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            m = json.loads(out.strip().splitlines()[-1])
            print(
                f"{m['rows']:>9,} {path.stat().st_size / 1e6:>9.1f} {m['seconds']:>9.2f} "
                f"{m['rows_per_second']:>9,.0f} {m['baseline_rss_mib']:>9.1f} "
                f"{m['peak_rss_mib']:>9.1f}"
            )
            path.unlink()
    asyncio.run(_database(create=False))


if __name__ == "__main__":
    main()
