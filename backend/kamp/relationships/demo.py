"""Demo relationship map, pipeline and forecasts for the first demo account, loaded by
`kamp seed --demo`: an org chart with stances, the supplier's relationships, a few
opportunities and three years of forecasts against actuals, all relative to today."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.coediting.models import Visibility
from kamp.forecasts.models import ForecastEntry, SalesGoal
from kamp.pipeline.models import Opportunity, OpportunityStage
from kamp.relationships.models import BuyingRole, Contact, Relationship, Stance

SHARED, INTERNAL = Visibility.SHARED, Visibility.INTERNAL

# name, title, buying role, influence, stance, reports to (by name). Hollis's own people:
# the buyer who signs in (Dana Whitfield) is also in the org chart, with the same title.
CONTACTS = [
    ("Marcus Hale", "VP Operations", BuyingRole.DECISION_MAKER, 5, Stance.NEUTRAL, None),
    (
        "Dana Whitfield",
        "Category Buyer, Fasteners",
        BuyingRole.CHAMPION,
        4,
        Stance.SUPPORTER,
        "Marcus Hale",
    ),
    (
        "Ingrid Paulsen",
        "Supply Chain Director",
        BuyingRole.INFLUENCER,
        4,
        Stance.SKEPTIC,
        "Marcus Hale",
    ),
    (
        "Tom Becker",
        "Branch Manager, Toledo",
        BuyingRole.USER,
        2,
        Stance.SUPPORTER,
        "Ingrid Paulsen",
    ),
    ("Eva Lund", "Procurement Analyst", BuyingRole.GATEKEEPER, 2, Stance.UNKNOWN, "Dana Whitfield"),
]

# name, stage, value, visibility, post-mortem, expected close in days from today: open ones
# spread over the coming quarters, won and lost ones in the past.
OPPORTUNITIES = [
    ("Line 4 retrofit: fastener kitting", OpportunityStage.OPEN, 380_000, SHARED, "", 45),
    ("Vending machines at 3 branches", OpportunityStage.NEW, 120_000, SHARED, "", 150),
    ("Private-label upsell", OpportunityStage.OPEN, 90_000, INTERNAL, "", 240),
    ("Spares framework", OpportunityStage.LOST, 210_000, SHARED, "Lost on price: 6% above", -75),
    ("Safety catalogue refresh", OpportunityStage.WON, 75_000, SHARED, "", -30),
]


async def load_demo_map(
    session: AsyncSession, *, workspace: Workspace, kam: User, member: User
) -> None:
    by_name: dict[str, Contact] = {}
    for name, title, role, influence, stance, boss in CONTACTS:
        contact = Contact(
            workspace_id=workspace.id,
            name=name,
            title=title,
            buying_role=role,
            influence=influence,
            stance=stance,
            stance_visibility=INTERNAL,
            reports_to_id=by_name[boss].id if boss else None,
            visibility=SHARED,
        )
        session.add(contact)
        await session.flush()
        by_name[name] = contact
    today = clock.today()
    for user, name, strength in (
        (kam, "Marcus Hale", 3),
        (kam, "Dana Whitfield", 5),
        (kam, "Ingrid Paulsen", 2),
        (member, "Tom Becker", 4),
    ):
        session.add(
            Relationship(
                workspace_id=workspace.id,
                supplier_user_id=user.id,
                contact_id=by_name[name].id,
                strength=strength,
                last_interaction=today - timedelta(days=strength * 4),
                visibility=INTERNAL,
            )
        )
    for name, stage, value, visibility, post_mortem, days in OPPORTUNITIES:
        session.add(
            Opportunity(
                workspace_id=workspace.id,
                name=name,
                stage=stage,
                value=Decimal(value),
                currency="USD",
                owner_id=kam.id,
                post_mortem=post_mortem,
                expected_close=today + timedelta(days=days),
                visibility=visibility,
            )
        )
    await _load_forecasts(session, workspace)
    await session.flush()


async def _load_forecasts(session: AsyncSession, workspace: Workspace) -> None:
    """Last year, this year and next: monthly forecasts, and actuals for every month up to
    last month, so that the figures are real on any day. Last month missed its forecast by
    more than the threshold: the deviation to investigate."""
    this_month = clock.today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for year in (this_month.year - 1, this_month.year, this_month.year + 1):
        session.add(
            SalesGoal(
                workspace_id=workspace.id,
                year=year,
                annual_goal=Decimal(4_200_000),
                deviation_threshold_pct=Decimal(10),
                visibility=SHARED,
            )
        )
        for number in range(1, 13):
            month = date(year, number, 1)
            forecast = Decimal(330_000 + number * 5_000)
            actual = None
            if month < this_month:
                actual = forecast * (Decimal("0.82") if month == last_month else Decimal("0.97"))
            session.add(
                ForecastEntry(
                    workspace_id=workspace.id,
                    month=month,
                    forecast=forecast,
                    actual=actual,
                    visibility=SHARED,
                )
            )
