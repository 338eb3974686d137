"""Demo data: one supplier, two key accounts with customer teams and sites, and a year of
joint work on the first of them. Loaded once. Each domain writes its own demo through its use
cases (`<domain>/demo.py`); this module only puts them in order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.demo import demo_loaded, load_demo_accounts
from kamp.accounts.models import Role, User
from kamp.actions.demo import load_demo_actions
from kamp.db import make_engine, make_session_factory, transaction
from kamp.forecasts.demo import load_demo_forecasts
from kamp.inventory.demo import load_demo_inventory
from kamp.mail.models import OutboxMessage
from kamp.meetings.demo import load_demo_meetings
from kamp.pipeline.demo import load_demo_pipeline
from kamp.plans.demo import load_demo_plan
from kamp.relationships.demo import load_demo_map
from kamp.settings import Settings


def ensure_sqlite_dir(database_url: str) -> None:
    path = database_url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def _load(session: AsyncSession) -> None:
    accounts = await load_demo_accounts(session)
    # The first account (Hollis) is the one the tour walks through.
    hollis = accounts[0]
    workspace, people = hollis.workspace, hollis.people
    kam, member = people[Role.KAM], people[Role.SUPPLIER_MEMBER]
    buyer, executive = people[Role.CUSTOMER_BUYER], people[Role.CUSTOMER_EXECUTIVE]
    await load_demo_plan(
        session, workspace=workspace, kam=kam, buyer=buyer, mentor=people[Role.MENTOR]
    )
    await load_demo_map(session, workspace=workspace, kam=kam, member=member)
    await load_demo_pipeline(session, workspace=workspace, kam=kam)
    await load_demo_forecasts(session, workspace=workspace, kam=kam)
    # Before the meetings: the weekly call of an account whose stock kamp keeps reviews it.
    admin = await session.scalar(
        select(User).where(User.organization_id == kam.organization_id, User.is_org_admin)
    )
    assert admin is not None
    await load_demo_inventory(session, workspace=workspace, admin=admin, kam=kam, buyer=buyer)
    held = await load_demo_meetings(
        session, workspace=workspace, kam=kam, member=member, buyer=buyer, executive=executive
    )
    await load_demo_actions(
        session, workspace=workspace, meeting=held, kam=kam, member=member, buyer=buyer
    )


async def seed_demo(settings: Settings) -> bool:
    """Load the demo data unless the demo supplier exists already. Returns True if loaded."""
    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_session_factory(engine)) as session:
            if await demo_loaded(session):
                return False
            await _load(session)
            return True
    finally:
        await engine.dispose()


async def print_outbox(settings: Settings, *, limit: int) -> None:
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            rows = await session.scalars(
                select(OutboxMessage).order_by(OutboxMessage.created_at.desc()).limit(limit)
            )
            for message in rows:
                state = f"sent {message.sent_at:%Y-%m-%d %H:%M}" if message.sent_at else "in outbox"
                print(f"--- {message.created_at:%Y-%m-%d %H:%M} to {message.recipient} ({state})")
                print(f"Subject: {message.subject}\n\n{message.body}")
    finally:
        await engine.dispose()
