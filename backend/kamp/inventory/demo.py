"""Demo inventory for the first demo account, through the inventory's use cases: a small
catalogue of the supplier's fittings and valves, Hollis's assortment with its own item
numbers, a reorder-point policy per product at its two branches, eight weeks of weekly stock
reports relative to today — one branch running down its best seller — then an evaluation
(proposals to approve) and the stock check (the alert, both sides told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Location, LocationKind, User, Workspace
from kamp.auth.service import principal_for_user
from kamp.inventory import alerts, catalogue, evaluation, policies
from kamp.inventory.models import StockSource, UnitOfSale
from kamp.inventory.reports import StockRowInput, record_reports


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    line: str
    unit: UnitOfSale
    pack: int
    moq: int
    lead_days: int
    weekly: int  # units a branch sells in a week
    cost: str


CARTON, CASE, PIECE = UnitOfSale.CARTON, UnitOfSale.CASE, UnitOfSale.PIECE
CATALOGUE = [
    DemoProduct("NW-PV-015", "Press valve DN15", "Valves", CARTON, 12, 24, 5, 84, "8.40"),
    DemoProduct("NW-PV-022", "Press valve DN22", "Valves", CARTON, 12, 24, 5, 60, "9.90"),
    DemoProduct("NW-BV-028", "Ball valve DN28", "Valves", CARTON, 6, 12, 7, 30, "21.50"),
    DemoProduct("NW-EL-015", "Press elbow 90° 15 mm", "Fittings", CARTON, 25, 50, 4, 150, "1.20"),
    DemoProduct("NW-TE-022", "Press tee 22 mm", "Fittings", CARTON, 20, 40, 4, 110, "2.10"),
    DemoProduct("NW-CP-015", "Copper tube 15 mm, 5 m", "Tube", PIECE, 1, 10, 10, 45, "14.00"),
    DemoProduct("NW-PT-200", "Pressing tool jaws 15-28", "Tools", PIECE, 1, 1, 14, 2, "310.00"),
    DemoProduct("NW-SL-310", "Thread sealant 310 ml", "Consumables", CASE, 12, 12, 3, 36, "4.75"),
]
WEEKS = 8
# The best seller at the second branch runs down: the stock-out the weekly call takes up.
RUNNING_OUT = ("Toledo Branch 22", "NW-PV-015")


async def load_demo_inventory(
    session: AsyncSession, *, workspace: Workspace, admin: User, kam: User, buyer: User
) -> None:
    as_admin = await principal_for_user(session, user=admin)
    as_kam = await principal_for_user(session, user=kam)
    as_buyer = await principal_for_user(session, user=buyer)
    branches = list(
        await session.scalars(
            select(Location)
            .where(Location.workspace_id == workspace.id, Location.kind == LocationKind.BRANCH)
            .order_by(Location.name)
        )
    )
    products = {}
    for number, item in enumerate(CATALOGUE, start=1):
        product = await catalogue.create_product(
            session,
            principal=as_admin,
            sku=item.sku,
            name=item.name,
            unit_of_sale=item.unit,
            product_line=item.line,
            pack_multiple=item.pack,
            min_order_qty=item.moq,
            lead_time_days=item.lead_days,
            lead_time_sd_days=Decimal(1),
        )
        products[item.sku] = product
        await catalogue.add_assortment_item(
            session,
            principal=as_kam,
            workspace_id=workspace.id,
            product_id=product.id,
            customer_item_number=f"HBP-{40100 + number * 7}",
            priority=1 if item.line == "Valves" else 2,
            cost=Decimal(item.cost),
            margin_pct=Decimal(22),
        )
        for branch in branches:
            policy = await policies.create_policy(
                session,
                principal=as_kam,
                workspace_id=workspace.id,
                location_id=branch.id,
                product_id=product.id,
            )
            # The customer's part: its service level, shelf space and auto-approval.
            await policies.update_policy(
                session,
                principal=as_buyer,
                policy_id=policy.id,
                version=policy.version,
                service_level=Decimal("0.95"),
                max_qty=item.weekly * 5,
                auto_approve_max_qty=item.pack * 2,
            )
    await record_reports(
        session,
        principal=as_buyer,
        workspace_id=workspace.id,
        rows=_history(branches),
        source=StockSource.WEB,
    )
    await evaluation.evaluate(session, workspace_id=workspace.id, run_key="demo")
    await alerts.check_stock(session)


def _history(branches: list[Location]) -> list[StockRowInput]:
    """Weekly reports ending yesterday: sales around each product's rate, and three weeks'
    worth added whenever stock fell below a lead time and a week of sales — except where the
    demo runs out."""
    rows: list[StockRowInput] = []
    end = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    for b, branch in enumerate(branches):
        for n, item in enumerate(CATALOGUE):
            on_hand = item.weekly * 3
            running_out = (branch.name, item.sku) == RUNNING_OUT
            for week in range(WEEKS, 0, -1):
                # Weeks vary by up to a fifth either way, differently per branch and product.
                swing = ((week * 7 + n * 3 + b * 5) % 5 - 2) / 10
                sold = max(0, round(item.weekly * (1 + swing)))
                if running_out:
                    sold = round(item.weekly * 1.3)  # a local project took off
                on_hand = max(0, on_hand - sold)
                if on_hand < item.weekly * (item.lead_days / 7 + 1) and not running_out:
                    on_hand += item.weekly * 3
                if running_out and week > 2:
                    on_hand += sold  # restocked until two weeks ago
                rows.append(
                    StockRowInput(
                        row=len(rows) + 1,
                        location_id=branch.id,
                        product_id=None,
                        sku=item.sku,
                        as_of=end - timedelta(weeks=week - 1),
                        period_days=7,
                        on_hand=on_hand,
                        sold=sold,
                    )
                )
    return rows
