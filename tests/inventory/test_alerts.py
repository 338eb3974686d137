"""Stock problems reach both sides once: a stock-out risk and overstock open an action item
for the supplier, stale reports one for the customer's buyer, the weekly call's agenda lists
what is open, and an alert clears when its figures recover. An internal policy's alert is the
supplier's alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kamp import clock
from kamp.accounts.models import Role
from kamp.actions.models import ActionItem
from kamp.coediting.models import Visibility
from kamp.inventory import alerts
from kamp.inventory.models import (
    AssortmentItem,
    PolicyMethod,
    Product,
    StockAlert,
    StockPolicy,
    StockPosition,
    UnitOfSale,
)
from kamp.notifications.models import Notification
from tests.meetings.support import new_meeting
from tests.support import error_codes, gql

ALERTS = """query($ws: ID!) { stockAlerts(workspaceId: $ws) {
  kind sku location { name } inventoryPosition leadTimeDemand maxQty lastReport
  actionItem { title owner { email } } } }"""
AGENDA = """query($id: ID!) { node(id: $id) { ... on Meeting { agendaItems { title topic
  supplyAndStock { kind sku } } } } }"""


async def _stock(runtime, world) -> dict[str, StockPolicy]:
    """Account a: at its HQ, a valve heading for a stock-out (position 30, lead-time demand
    50), overstocked pipe (150 over a maximum of 100) and an internal policy's seal at risk;
    its region's only report is ten days old."""
    now = clock.now()
    policies = {}
    async with runtime.session_factory() as session:
        a = world.a
        for sku, position, visibility, location, age in (
            ("VALVE", 30, Visibility.SHARED, a.hq, 0),
            ("PIPE", 150, Visibility.SHARED, a.hq, 0),
            ("SEAL", 10, Visibility.INTERNAL, a.hq, 0),
            ("GASKET", 500, Visibility.SHARED, a.region, 10),
        ):
            product = Product(
                supplier_id=world.supplier.id,
                sku=sku,
                name=sku.title(),
                unit_of_sale=UnitOfSale.CARTON,
                pack_multiple=12,
                lead_time_days=5,
                version=1,
            )
            session.add(product)
            await session.flush()
            session.add(
                AssortmentItem(workspace_id=a.workspace.id, product_id=product.id, version=1)
            )
            policy = StockPolicy(
                workspace_id=a.workspace.id,
                location_id=location.id,
                product_id=product.id,
                method=PolicyMethod.REORDER_POINT,
                max_qty=100 if sku == "PIPE" else None,
                visibility=visibility,
                version=1,
            )
            session.add(policy)
            session.add(
                StockPosition(
                    workspace_id=a.workspace.id,
                    location_id=location.id,
                    product_id=product.id,
                    report_id=product.id,
                    as_of=now - timedelta(days=age),
                    on_hand=position,
                    demand_mean=10.0,
                    demand_sd=2.0,
                    demand_days=28,
                    updated_at=now,
                )
            )
            policies[sku] = policy
        await session.commit()
    return policies


async def _on_hand(runtime, policy: StockPolicy, quantity: int) -> None:
    async with runtime.session_factory() as session:
        await session.execute(
            update(StockPosition)
            .where(StockPosition.product_id == policy.product_id)
            .values(on_hand=quantity)
        )
        await session.commit()


async def _check(runtime) -> int:
    async with runtime.session_factory() as session:
        raised = await alerts.check_stock(session)
        await session.commit()
    return raised


async def test_alerts_reach_both_sides_once_and_the_side_that_acts(world, clients, runtime):
    await _stock(runtime, world)
    assert await _check(runtime) == 4  # valve, pipe, seal, the region's stale data
    assert await _check(runtime) == 0  # nothing twice
    kam, buyer = (world.a.users[r] for r in (Role.KAM, Role.CUSTOMER_BUYER))
    async with runtime.session_factory() as session:
        items = sorted(
            (row.title, row.owner_id == kam.id, row.visibility)
            for row in await session.scalars(select(ActionItem))
        )
        notices = [
            (row.user_id, row.title)
            for row in await session.scalars(
                select(Notification).where(Notification.kind == "stock.alert")
            )
        ]
    assert items == [
        ("HQ a: 1 product heading for a stock-out", True, Visibility.INTERNAL),
        ("HQ a: 1 product heading for a stock-out", True, Visibility.SHARED),
        ("HQ a: 1 product overstocked", True, Visibility.SHARED),
        ("Region a: its stock not reported for a week", False, Visibility.SHARED),
    ]
    # The buyer hears of the supplier's shared stock problems, never of the internal one.
    heard = {title for user, title in notices if user == buyer.id}
    assert heard == {"HQ a: 1 product heading for a stock-out", "HQ a: 1 product overstocked"}
    # The KAM hears of everything; the buyer heard of the reports' item as its owner.
    assert sorted(t for u, t in notices if u == kam.id) == sorted(title for title, *_ in items)

    seen = await gql(await clients.as_user(buyer.email), ALERTS, {"ws": world.a.workspace_gid})
    kinds = sorted((a["kind"], a["sku"]) for a in seen["data"]["stockAlerts"])
    assert kinds == [("OVERSTOCK", "PIPE"), ("STALE_DATA", None), ("STOCKOUT_RISK", "VALVE")]
    by_kam = await gql(await clients.as_user(kam.email), ALERTS, {"ws": world.a.workspace_gid})
    assert len(by_kam["data"]["stockAlerts"]) == 4
    risk = next(a for a in seen["data"]["stockAlerts"] if a["sku"] == "VALVE")
    assert (risk["inventoryPosition"], risk["leadTimeDemand"]) == (30, 50.0)
    assert risk["actionItem"]["owner"]["email"] == kam.email


async def test_the_weekly_call_reviews_what_is_open(world, clients, runtime):
    await _stock(runtime, world)
    await _check(runtime)
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(kam, world.a.workspace_gid, kind="WEEKLY_STANDING")
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    agenda = (await gql(buyer, AGENDA, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    [supply] = [i for i in agenda if i["topic"] == "SUPPLY_AND_STOCK"]
    assert supply["title"].startswith("Supply and stock")
    assert sorted(a["sku"] or "" for a in supply["supplyAndStock"]) == ["", "PIPE", "VALVE"]
    assert all(i["supplyAndStock"] is None for i in agenda if i is not supply)
    # An account whose stock kamp does not keep has no such item.
    other = await clients.as_user(world.b.email(Role.KAM))
    meeting = await new_meeting(other, world.b.workspace_gid, kind="WEEKLY_STANDING")
    agenda = (await gql(other, AGENDA, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    assert "SUPPLY_AND_STOCK" not in {i["topic"] for i in agenda}


async def test_an_alert_clears_when_its_figures_recover(world, clients, runtime):
    policies = await _stock(runtime, world)
    await _check(runtime)
    await _on_hand(runtime, policies["VALVE"], 80)
    assert await _check(runtime) == 0
    async with runtime.session_factory() as session:
        open_ = await session.scalars(select(StockAlert).where(StockAlert.cleared_at.is_(None)))
        assert sorted(a.kind for a in open_) == ["OVERSTOCK", "STALE_DATA", "STOCKOUT_RISK"]
    # Falling again raises it again.
    await _on_hand(runtime, policies["VALVE"], 5)
    assert await _check(runtime) == 1


@pytest.mark.parametrize("role", list(Role))
async def test_another_account_reads_no_alert(world, clients, runtime, role):
    await _stock(runtime, world)
    await _check(runtime)
    http = await clients.as_user(world.b.email(role))
    result = await gql(http, ALERTS, {"ws": world.a.workspace_gid})
    assert error_codes(result) == ["NOT_FOUND"], result
