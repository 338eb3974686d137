"""Demo data: one supplier, two key accounts with customer teams and sites. Loaded once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import (
    CriterionScore,
    KeyAccount,
    KeyAccountStatus,
    Location,
    LocationKind,
    Membership,
    Organization,
    Role,
    SelectionCriterion,
    Side,
    TierDefinition,
    User,
    Workspace,
)
from kamp.accounts.selection import recompute
from kamp.auth.passwords import hash_password
from kamp.db import make_engine, make_session_factory, transaction
from kamp.mail.models import OutboxMessage
from kamp.meetings.demo import load_demo_meetings
from kamp.plans.demo import load_demo_plan
from kamp.relationships.demo import load_demo_map
from kamp.settings import Settings

DEMO_PASSWORD = "kamp-demo-2026"  # noqa: S105 - documented demo sign-in
SUPPLIER = "Nordwerk Industrial Supply"

# (customer, tier, status, team [(name, email, role, title)], sites [(kind, name, city, parent)])
ACCOUNTS = [
    (
        "Hollis Building Products",
        "Gold",
        KeyAccountStatus.ACTIVE,
        [
            (
                "Dana Whitfield",
                "dana.whitfield@hollis.example",
                Role.CUSTOMER_BUYER,
                "Category Buyer, Fasteners",
            ),
            (
                "Marcus Oyelaran",
                "marcus.oyelaran@hollis.example",
                Role.CUSTOMER_EXECUTIVE,
                "VP Procurement",
            ),
        ],
        [
            (LocationKind.HEADQUARTERS, "Hollis HQ", "Columbus", None),
            (LocationKind.REGION, "Midwest Region", "Chicago", "Hollis HQ"),
            (LocationKind.DISTRICT, "Great Lakes District", "Detroit", "Midwest Region"),
            (LocationKind.BRANCH, "Detroit Branch 14", "Detroit", "Great Lakes District"),
            (LocationKind.BRANCH, "Toledo Branch 22", "Toledo", "Great Lakes District"),
        ],
    ),
    (
        "Meridian Foodservice",
        "Silver",
        KeyAccountStatus.AT_RISK,
        [
            (
                "Priya Raman",
                "priya.raman@meridian.example",
                Role.CUSTOMER_BUYER,
                "Senior Buyer, MRO",
            ),
            ("Tom Castellano", "tom.castellano@meridian.example", Role.CUSTOMER_EXECUTIVE, "COO"),
        ],
        [
            (LocationKind.HEADQUARTERS, "Meridian Head Office", "Atlanta", None),
            (LocationKind.REGION, "Southeast Region", "Atlanta", "Meridian Head Office"),
            (LocationKind.DISTRICT, "Georgia District", "Savannah", "Southeast Region"),
            (LocationKind.BRANCH, "Savannah Distribution Center", "Savannah", "Georgia District"),
        ],
    ),
]

SUPPLIER_TEAM = [
    ("Kara Lindqvist", "kara.lindqvist@nordwerk.example", Role.KAM, "Key Account Manager"),
    (
        "Jonas Brandt",
        "jonas.brandt@nordwerk.example",
        Role.SUPPLIER_MEMBER,
        "Customer Service Lead",
    ),
    (
        "Elena Sorvino",
        "elena.sorvino@nordwerk.example",
        Role.SUPPLIER_EXECUTIVE,
        "VP Sales, Executive Sponsor",
    ),
    ("Ruth Adeyemi", "ruth.adeyemi@nordwerk.example", Role.MENTOR, "KAM Coach"),
]
ADMIN = ("Oskar Nyberg", "oskar.nyberg@nordwerk.example")


def ensure_sqlite_dir(database_url: str) -> None:
    path = database_url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


async def _load(session: AsyncSession) -> None:
    password = hash_password(DEMO_PASSWORD)
    supplier = Organization(name=SUPPLIER, kind=Side.SUPPLIER, annual_revenue=Decimal(48_000_000))
    session.add(supplier)
    await session.flush()
    await _load_selection(session, supplier)

    def person(org: Organization, name: str, email: str, admin: bool = False) -> User:
        user = User(
            organization_id=org.id,
            email=email,
            display_name=name,
            password_hash=password,
            is_org_admin=admin,
        )
        session.add(user)
        return user

    admin = person(supplier, *ADMIN, admin=True)
    team = [
        (person(supplier, name, email), role, title) for name, email, role, title in SUPPLIER_TEAM
    ]
    await session.flush()
    kam = team[0][0]
    for customer_name, tier, status, customer_team, sites in ACCOUNTS:
        customer = Organization(name=customer_name, kind=Side.CUSTOMER)
        session.add(customer)
        await session.flush()
        account = KeyAccount(
            supplier_id=supplier.id,
            customer_id=customer.id,
            kam_id=kam.id,
            name=customer_name,
            tier=tier,
            status=status,
        )
        session.add(account)
        await session.flush()
        workspace = Workspace(
            key_account_id=account.id,
            name=customer_name,
            description=f"The joint workspace of {SUPPLIER} and {customer_name}.",
        )
        session.add(workspace)
        await session.flush()
        members = team + [
            (person(customer, name, email), role, title)
            for name, email, role, title in customer_team
        ]
        await session.flush()
        for user, role, title in members:
            session.add(
                Membership(workspace_id=workspace.id, user_id=user.id, role=role, title=title)
            )
        await _load_profile(session, supplier, account, admin)
        if customer_name == ACCOUNTS[0][0]:
            by_role = {role: user for user, role, _ in members}
            await load_demo_plan(
                session,
                workspace=workspace,
                kam=kam,
                buyer=by_role[Role.CUSTOMER_BUYER],
                mentor=by_role[Role.MENTOR],
            )
            await load_demo_map(
                session, workspace=workspace, kam=kam, member=by_role[Role.SUPPLIER_MEMBER]
            )
            await load_demo_meetings(
                session,
                workspace=workspace,
                kam=kam,
                member=by_role[Role.SUPPLIER_MEMBER],
                buyer=by_role[Role.CUSTOMER_BUYER],
                executive=by_role[Role.CUSTOMER_EXECUTIVE],
            )
        by_name: dict[str, Location] = {}
        for kind, name, city, parent in sites:
            location = Location(
                workspace_id=workspace.id,
                kind=kind,
                name=name,
                city=city,
                country="US",
                parent_id=by_name[parent].id if parent else None,
            )
            session.add(location)
            await session.flush()
            by_name[name] = location


# Selection criteria and tiers of the demo supplier, and each account's profile and scores.
CRITERIA = [("Revenue potential", 40), ("Strategic fit", 30), ("Relationship strength", 30)]
TIERS = [("Gold", "7.5"), ("Silver", "5"), ("Bronze", "0")]
PROFILES = {
    "Hollis Building Products": (
        "Building materials",
        4,
        "Preferred supplier for fasteners; challenged on price by a national distributor",
        640_000_000,
        3_100_000,
        (9, 8, 7),
    ),
    "Meridian Foodservice": (
        "Foodservice distribution",
        12,
        "One of three MRO suppliers; service issues last quarter",
        1_200_000_000,
        1_450_000,
        (7, 5, 4),
    ),
}


async def _load_selection(session: AsyncSession, supplier: Organization) -> None:
    for name, weight in CRITERIA:
        session.add(SelectionCriterion(supplier_id=supplier.id, name=name, weight=Decimal(weight)))
    for name, minimum in TIERS:
        session.add(TierDefinition(supplier_id=supplier.id, name=name, min_score=Decimal(minimum)))
    await session.flush()


async def _load_profile(
    session: AsyncSession, supplier: Organization, account: KeyAccount, admin: User
) -> None:
    industry, rank, position, revenue, sales, scores = PROFILES[account.name]
    account.industry, account.industry_rank, account.competitive_position = industry, rank, position
    account.customer_revenue, account.annual_sales = Decimal(revenue), Decimal(sales)
    criteria = list(
        await session.scalars(
            select(SelectionCriterion)
            .where(SelectionCriterion.supplier_id == supplier.id)
            .order_by(SelectionCriterion.name)
        )
    )
    by_name = {c.name: c for c in criteria}
    for (name, _weight), score in zip(CRITERIA, scores, strict=True):
        session.add(
            CriterionScore(key_account_id=account.id, criterion_id=by_name[name].id, score=score)
        )
    await session.flush()
    await recompute(
        session, supplier_id=supplier.id, actor_id=admin.id, key_account_ids=[account.id]
    )


async def seed_demo(settings: Settings) -> bool:
    """Load the demo data unless the demo supplier exists already. Returns True if loaded."""
    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_session_factory(engine)) as session:
            exists = await session.scalar(
                select(Organization.id).where(Organization.name == SUPPLIER)
            )
            if exists is not None:
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
