"""Demo pipeline for the first demo account, loaded by `kamp seed --demo` through the
pipeline's use cases: open opportunities spread over the coming quarters, a won and a lost
one in the past, all relative to today."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.pipeline.models import OpportunityStage
from kamp.pipeline.service import create_opportunity, update_opportunity

SHARED, INTERNAL = Visibility.SHARED, Visibility.INTERNAL

# name, stage, value, visibility, post-mortem, expected close in days from today: open ones
# spread over the coming quarters, won and lost ones in the past.
OPPORTUNITIES = [
    ("Line 4 retrofit: fastener kitting", OpportunityStage.OPEN, 380_000, SHARED, "", 45),
    ("Vending machines at 3 branches", OpportunityStage.NEW, 120_000, SHARED, "", 150),
    ("Private-label upsell", OpportunityStage.OPEN, 90_000, INTERNAL, "", 240),
    ("Spares framework", OpportunityStage.LOST, 210_000, SHARED, "Lost on price: 6% above", -75),
    ("Safety catalogue refresh", OpportunityStage.WON, 75_000, SHARED, "", -30),
]
CLOSED = (OpportunityStage.WON, OpportunityStage.LOST)


async def load_demo_pipeline(session: AsyncSession, *, workspace: Workspace, kam: User) -> None:
    as_kam = await principal_for_user(session, user=kam)
    today = clock.today()
    for name, stage, value, visibility, post_mortem, days in OPPORTUNITIES:
        # A closed one was open first: closing it is a move of its own, with its post-mortem.
        opportunity = await create_opportunity(
            session,
            principal=as_kam,
            workspace_id=workspace.id,
            name=name,
            stage=OpportunityStage.OPEN if stage in CLOSED else stage,
            value=Decimal(value),
            currency="USD",
            expected_close=today + timedelta(days=days),
            owner_id=kam.id,
            visibility=visibility,
        )
        if stage in CLOSED:
            await update_opportunity(
                session,
                principal=as_kam,
                opportunity_id=opportunity.id,
                version=opportunity.version,
                stage=stage,
                post_mortem=post_mortem or None,
            )
