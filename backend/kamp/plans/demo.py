"""Demo content for the account plan: believable objectives, SWOT, initiatives and a
contingency plan for this year, loaded by `kamp seed --demo` through the plan's use cases,
each element written by the person who would write it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Side, User, Workspace
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.plans.comments import add_comment
from kamp.plans.contingency import set_contingency
from kamp.plans.initiatives import create_initiative
from kamp.plans.models import AccountPlan, ObjectiveStatus, PlanStage, SwotKind, TeamKind
from kamp.plans.objectives import create_measure, create_objective
from kamp.plans.service import create_plan
from kamp.plans.swot import create_swot_entry

SHARED, INTERNAL = Visibility.SHARED, Visibility.INTERNAL


async def load_demo_plan(
    session: AsyncSession, *, workspace: Workspace, kam: User, buyer: User, mentor: User
) -> AccountPlan:
    year = clock.today().year
    as_kam = await principal_for_user(session, user=kam)
    as_buyer = await principal_for_user(session, user=buyer)
    plan = await create_plan(
        session,
        principal=as_kam,
        workspace_id=workspace.id,
        period=str(year),
        title=f"{workspace.name} joint account plan {year}",
        stage=PlanStage.IMPLEMENTATION,
        summary="Grow the fastener and MRO programme across the Great Lakes branches while cutting "
        "stock-outs at the branch level.",
    )
    # The customer's objectives are the buyer's; the supplier's are the KAM's.
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
    for side, title, owner, status, visibility, measures in objectives:
        author = as_buyer if owner is buyer else as_kam
        objective = await create_objective(
            session,
            principal=author,
            plan_id=plan.id,
            side=side,
            title=title,
            owner_id=owner.id,
            status=status,
            due_date=date(year, 12, 31),
            visibility=visibility,
        )
        for name, target, current, unit in measures:
            await create_measure(
                session,
                principal=author,
                objective_id=objective.id,
                name=name,
                target=Decimal(target),
                current=Decimal(current),
                unit=unit,
                visibility=visibility,
            )
    swot = [
        (SwotKind.STRENGTH, "Next-day delivery to every branch in the region", SHARED),
        (SwotKind.WEAKNESS, "No EDI link yet; orders still arrive by email", SHARED),
        (SwotKind.OPPORTUNITY, f"Customer opening 6 new branches in {year + 1}", SHARED),
        (SwotKind.THREAT, "A national distributor is offering 8% below our price", INTERNAL),
        (SwotKind.WEAKNESS, "Our account coverage depends on one buyer relationship", INTERNAL),
    ]
    for kind, text, visibility in swot:
        await create_swot_entry(
            session, principal=as_kam, plan_id=plan.id, kind=kind, text=text, visibility=visibility
        )
    await create_initiative(
        session,
        principal=as_kam,
        plan_id=plan.id,
        title="Vendor-managed inventory pilot at 3 branches",
        team=TeamKind.QUALITY,
        owner_id=kam.id,
        value_estimate=Decimal(180000),
        visibility=SHARED,
    )
    await create_initiative(
        session,
        principal=as_buyer,
        plan_id=plan.id,
        title="Co-branded safety catalogue",
        team=TeamKind.BRANDING,
        owner_id=buyer.id,
        visibility=SHARED,
    )
    await set_contingency(
        session,
        principal=as_kam,
        plan_id=plan.id,
        version=None,
        revenue_at_risk=Decimal(3100000),
        trigger="The buyer moves on, or a tender for fasteners is announced",
        response="Executive sponsor call within a week; price-match the A-items for 12 months",
        visibility=INTERNAL,
    )
    await add_comment(
        session,
        principal=await principal_for_user(session, user=mentor),
        plan_id=plan.id,
        target_type="AccountPlan",
        target_id=plan.id,
        text="The margin objective needs a measure per product line before you submit.",
        visibility=INTERNAL,
    )
    return plan
