"""Demo content for the account plan: believable objectives, SWOT, initiatives and a
contingency plan for this year, loaded by `kamp seed --demo`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Side, User, Workspace
from kamp.coediting.models import Visibility
from kamp.plans.models import (
    AccountPlan,
    ContingencyPlan,
    Initiative,
    Measure,
    Objective,
    ObjectiveStatus,
    PlanComment,
    PlanStage,
    PlanStatus,
    SwotEntry,
    SwotKind,
    TeamKind,
)

SHARED, INTERNAL = Visibility.SHARED, Visibility.INTERNAL


async def load_demo_plan(
    session: AsyncSession, *, workspace: Workspace, kam: User, buyer: User, mentor: User
) -> AccountPlan:
    year = clock.today().year
    plan = AccountPlan(
        workspace_id=workspace.id,
        period=str(year),
        title=f"{workspace.name} joint account plan {year}",
        stage=PlanStage.IMPLEMENTATION,
        status=PlanStatus.DRAFT,
        summary="Grow the fastener and MRO programme across the Great Lakes branches while cutting "
        "stock-outs at the branch level.",
        visibility=SHARED,
    )
    session.add(plan)
    await session.flush()
    objectives = [
        (
            Side.CUSTOMER,
            "Cut branch stock-outs of A-items to under 1%",
            buyer,
            ObjectiveStatus.ON_TRACK,
            SHARED,
            [("Stock-out rate", "1", "2.4", "%")],
        ),
        (
            Side.CUSTOMER,
            "Consolidate fastener suppliers from 5 to 2",
            buyer,
            ObjectiveStatus.AT_RISK,
            SHARED,
            [("Active fastener suppliers", "2", "4", "suppliers")],
        ),
        (
            Side.SUPPLIER,
            "Grow annual sales to the account to $4.2M",
            kam,
            ObjectiveStatus.ON_TRACK,
            SHARED,
            [("Annual sales", "4200000", "3100000", "USD")],
        ),
        (
            Side.SUPPLIER,
            "Lift gross margin on the account to 31%",
            kam,
            ObjectiveStatus.AT_RISK,
            INTERNAL,
            [("Gross margin", "31", "27.5", "%")],
        ),
    ]
    for position, (side, title, owner, status, visibility, measures) in enumerate(objectives):
        objective = Objective(
            workspace_id=workspace.id,
            plan_id=plan.id,
            side=side,
            title=title,
            owner_id=owner.id,
            status=status,
            position=position,
            visibility=visibility,
            due_date=date(year, 12, 31),
        )
        session.add(objective)
        await session.flush()
        for name, target, current, unit in measures:
            session.add(
                Measure(
                    workspace_id=workspace.id,
                    objective_id=objective.id,
                    name=name,
                    target=Decimal(target),
                    current=Decimal(current),
                    unit=unit,
                    visibility=visibility,
                )
            )
    swot = [
        (SwotKind.STRENGTH, "Next-day delivery to every branch in the region", SHARED),
        (SwotKind.WEAKNESS, "No EDI link yet; orders still arrive by email", SHARED),
        (SwotKind.OPPORTUNITY, f"Customer opening 6 new branches in {year + 1}", SHARED),
        (SwotKind.THREAT, "A national distributor is offering 8% below our price", INTERNAL),
        (SwotKind.WEAKNESS, "Our account coverage depends on one buyer relationship", INTERNAL),
    ]
    for kind, text, visibility in swot:
        session.add(
            SwotEntry(
                workspace_id=workspace.id,
                plan_id=plan.id,
                kind=kind,
                text=text,
                visibility=visibility,
            )
        )
    session.add(
        Initiative(
            workspace_id=workspace.id,
            plan_id=plan.id,
            title="Vendor-managed inventory pilot at 3 branches",
            team=TeamKind.QUALITY,
            owner_id=kam.id,
            value_estimate=Decimal(180000),
            visibility=SHARED,
        )
    )
    session.add(
        Initiative(
            workspace_id=workspace.id,
            plan_id=plan.id,
            title="Co-branded safety catalogue",
            team=TeamKind.BRANDING,
            owner_id=buyer.id,
            visibility=SHARED,
        )
    )
    session.add(
        ContingencyPlan(
            workspace_id=workspace.id,
            plan_id=plan.id,
            revenue_at_risk=Decimal(3100000),
            trigger="The buyer moves on, or a tender for fasteners is announced",
            response="Executive sponsor call within a week; price-match the A-items for 12 months",
            visibility=INTERNAL,
        )
    )
    await session.flush()
    session.add(
        PlanComment(
            workspace_id=workspace.id,
            plan_id=plan.id,
            author_id=mentor.id,
            target_type="AccountPlan",
            target_id=plan.id,
            visibility=INTERNAL,
            text="The margin objective needs a measure per product line before you submit.",
        )
    )
    await session.flush()
    return plan
