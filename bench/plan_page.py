"""Benchmark: the plan page (objectives with their measures and owners) against a real
`kamp serve` on PostgreSQL, with plans of 20, 200 and 2,000 objectives.

For each size it reports the SQL statements per request (from the server's own count, the
`x-sql-statements` header), p50/p99 latency and requests per second at a fixed concurrency.

    uv run python bench/plan_page.py [--requests 300] [--concurrency 8]

Needs PostgreSQL at KAMP_BENCH_DATABASE_URL (default: a `kamp_bench` database on
127.0.0.1:5432, created afresh)."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from kamp import migrations  # noqa: E402
from kamp.accounts.models import (  # noqa: E402
    KeyAccount,
    KeyAccountStatus,
    Membership,
    Organization,
    Role,
    Side,
    User,
    Workspace,
)
from kamp.auth.passwords import hash_password  # noqa: E402
from kamp.coediting.models import Visibility  # noqa: E402
from kamp.db import make_engine, make_session_factory  # noqa: E402
from kamp.graphql.relay import to_global_id  # noqa: E402
from kamp.plans.models import (  # noqa: E402
    AccountPlan,
    Measure,
    Objective,
    ObjectiveStatus,
    PlanStage,
    PlanStatus,
)

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
PASSWORD = "bench-password-1"
PAGE = """query($id: ID!) { node(id: $id) { ... on AccountPlan { title
  objectives(first: 100) { pageInfo { hasNextPage endCursor }
    nodes { id title status side owner { displayName } measures { name target current unit } } }
} } }"""
SIZES = (20, 200, 2000)
MEASURES_PER_OBJECTIVE = 3


async def fresh_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    admin = make_engine(f"{server}/postgres")
    async with admin.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await connection.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()


async def seed(url: str) -> tuple[str, dict[int, str]]:
    """One account whose KAM owns plans of each size; returns the KAM's email and plan IDs."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    plans: dict[int, str] = {}
    async with factory() as session:
        supplier = Organization(name="Bench Supplier", kind=Side.SUPPLIER)
        customer = Organization(name="Bench Customer", kind=Side.CUSTOMER)
        session.add_all([supplier, customer])
        await session.flush()
        kam = User(
            organization_id=supplier.id,
            email="kam@bench.example",
            display_name="Bench KAM",
            password_hash=hash_password(PASSWORD),
        )
        owners = [
            User(
                organization_id=customer.id,
                email=f"owner{i}@bench.example",
                display_name=f"Owner {i}",
            )
            for i in range(10)
        ]
        session.add_all([kam, *owners])
        await session.flush()
        account = KeyAccount(
            supplier_id=supplier.id,
            customer_id=customer.id,
            kam_id=kam.id,
            name="Bench",
            tier="Gold",
            status=KeyAccountStatus.ACTIVE,
        )
        session.add(account)
        await session.flush()
        workspace = Workspace(key_account_id=account.id, name="Bench")
        session.add(workspace)
        await session.flush()
        session.add(Membership(workspace_id=workspace.id, user_id=kam.id, role=Role.KAM))
        for owner in owners:
            session.add(
                Membership(workspace_id=workspace.id, user_id=owner.id, role=Role.CUSTOMER_BUYER)
            )
        for size in SIZES:
            plan = AccountPlan(
                workspace_id=workspace.id,
                period=f"P{size}",
                title=f"{size} objectives",
                stage=PlanStage.EXPLOITATION,
                status=PlanStatus.DRAFT,
                visibility=Visibility.SHARED,
            )
            session.add(plan)
            await session.flush()
            objectives = [
                Objective(
                    workspace_id=workspace.id,
                    plan_id=plan.id,
                    side=Side.CUSTOMER,
                    title=f"Objective {i}",
                    owner_id=owners[i % len(owners)].id,
                    status=ObjectiveStatus.ON_TRACK,
                    position=i,
                )
                for i in range(size)
            ]
            session.add_all(objectives)
            await session.flush()  # objectives before the measures that point at them
            session.add_all(
                Measure(
                    workspace_id=workspace.id,
                    objective_id=objective.id,
                    name=f"Measure {m}",
                    target=Decimal(100 + m),
                    current=Decimal(m),
                    unit="%",
                )
                for objective in objectives
                for m in range(MEASURES_PER_OBJECTIVE)
            )
            await session.flush()
            plans[size] = to_global_id("AccountPlan", plan.id)
        await session.commit()
    await engine.dispose()
    return kam.email, plans


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def measure(
    base: str, email: str, plan_id: str, requests: int, concurrency: int
) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        login = await http.post("/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        body = {"query": PAGE, "variables": {"id": plan_id}}
        for _ in range(10):  # warm up connections and caches
            (await http.post("/graphql", json=body)).raise_for_status()
        latencies: list[float] = []
        statements: set[int] = set()
        queue = asyncio.Queue[int]()
        for i in range(requests):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await http.post("/graphql", json=body)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()
                data = response.json()
                assert "errors" not in data, data
                plan = data["data"]["node"]
                assert len(plan["objectives"]["nodes"]) == min(100, int(plan["title"].split()[0]))
                statements.add(int(response.headers["x-sql-statements"]))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "statements": max(statements),
        "statements_min": min(statements),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rps": requests / elapsed,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    url = os.environ.get("KAMP_BENCH_DATABASE_URL", f"{SERVER}/kamp_bench")
    await fresh_database(url)
    await asyncio.to_thread(migrations.upgrade, url)  # alembic runs its own event loop
    email, plans = await seed(url)
    port = free_port()
    env = {
        **os.environ,
        "KAMP_DATABASE_URL": url,
        "KAMP_LOG_LEVEL": "WARNING",
        "KAMP_BASE_URL": f"http://127.0.0.1:{port}",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kamp.cli", "serve", "--port", str(port), cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as probe:
            for _ in range(100):
                try:
                    if (await probe.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        print(
            f"plan page (first 100 objectives, {MEASURES_PER_OBJECTIVE} measures each, owners); "
            f"{args.requests} requests, concurrency {args.concurrency}, one `kamp serve` process"
        )
        print(f"{'objectives':>10} {'SQL/request':>12} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
        for size, plan_id in plans.items():
            result = await measure(base, email, plan_id, args.requests, args.concurrency)
            low, high = result["statements_min"], result["statements"]
            sql = f"{low:.0f}" if low == high else f"{low:.0f}-{high:.0f}"
            p50, p99, rps = result["p50_ms"], result["p99_ms"], result["rps"]
            print(f"{size:>10} {sql:>12} {p50:>8.1f} {p99:>8.1f} {rps:>8.1f}")
    finally:
        server.terminate()
        await server.wait()


if __name__ == "__main__":
    asyncio.run(main())
