"""Demo supplier and key accounts, loaded by `kamp seed --demo`: the supplier's people and its
selection model, two key accounts opened by the supplier admin, each with its team, the
customer's sites and the KAM's profile of the account, written through the use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import selection, service
from kamp.accounts.locations import create_location
from kamp.accounts.models import (
    CriterionScore,
    KeyAccountStatus,
    Location,
    LocationKind,
    Membership,
    Organization,
    Role,
    Side,
    User,
    Workspace,
)
from kamp.auth.passwords import hash_password
from kamp.auth.service import principal_for_user
from kamp.coediting import writes

DEMO_PASSWORD = "kamp-demo-2026"  # noqa: S105 - documented demo sign-in
SUPPLIER = "Nordwerk Industrial Supply"

# (customer, tier, status, team [(name, email, role, title)],
#  sites [(kind, name, city, parent, code)])
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
            (LocationKind.HEADQUARTERS, "Hollis HQ", "Columbus", None, "HQ"),
            (LocationKind.REGION, "Midwest Region", "Chicago", "Hollis HQ", "MW"),
            (LocationKind.DISTRICT, "Great Lakes District", "Detroit", "Midwest Region", "GL"),
            (LocationKind.BRANCH, "Detroit Branch 14", "Detroit", "Great Lakes District", "B14"),
            (LocationKind.BRANCH, "Toledo Branch 22", "Toledo", "Great Lakes District", "B22"),
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
            (LocationKind.HEADQUARTERS, "Meridian Head Office", "Atlanta", None, "HO"),
            (LocationKind.REGION, "Southeast Region", "Atlanta", "Meridian Head Office", "SE"),
            (LocationKind.DISTRICT, "Georgia District", "Savannah", "Southeast Region", "GA"),
            (
                LocationKind.BRANCH,
                "Savannah Distribution Center",
                "Savannah",
                "Georgia District",
                "SAV",
            ),
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


@dataclass(frozen=True)
class DemoAccount:
    """A demo key account's workspace and its people, one per role."""

    workspace: Workspace
    people: dict[Role, User]


async def demo_loaded(session: AsyncSession) -> bool:
    return (
        await session.scalar(select(Organization.id).where(Organization.name == SUPPLIER))
        is not None
    )


async def load_demo_accounts(session: AsyncSession) -> list[DemoAccount]:
    password = hash_password(DEMO_PASSWORD)
    # The supplier and its people exist before anything else: no use case creates them (people
    # join by accepting an invitation, which mails them a link).
    supplier = Organization(name=SUPPLIER, kind=Side.SUPPLIER, annual_revenue=Decimal(48_000_000))
    session.add(supplier)
    await session.flush()

    def person(organization_id: uuid.UUID, name: str, email: str, admin: bool = False) -> User:
        user = User(
            organization_id=organization_id,
            email=email,
            display_name=name,
            password_hash=password,
            is_org_admin=admin,
        )
        session.add(user)
        return user

    admin = person(supplier.id, *ADMIN, admin=True)
    team = [
        (person(supplier.id, name, email), role, title)
        for name, email, role, title in SUPPLIER_TEAM
    ]
    await session.flush()
    kam = team[0][0]
    as_admin = await principal_for_user(session, user=admin)
    criteria = [
        await selection.define_criterion(
            session, principal=as_admin, name=name, weight=Decimal(weight)
        )
        for name, weight in CRITERIA
    ]
    await selection.set_tiers(
        session, principal=as_admin, tiers=[(name, Decimal(low)) for name, low in TIERS]
    )
    accounts = []
    for customer_name, tier, status, customer_team, sites in ACCOUNTS:
        key_account = await service.create_key_account(
            session,
            principal=as_admin,
            customer_name=customer_name,
            tier=tier,
            status=status,
            kam_id=kam.id,
        )
        workspace = await session.scalar(
            select(Workspace).where(Workspace.key_account_id == key_account.id)
        )
        assert workspace is not None
        customers = [
            (person(key_account.customer_id, name, email), role, title)
            for name, email, role, title in customer_team
        ]
        await session.flush()
        members = team + customers
        for user, role, title in members[1:]:
            # The team is in from the start: joining is accepting an emailed invitation, which
            # records the membership the same way, as the member's own act.
            await writes.create(
                session,
                principal=None,
                actor_id=user.id,
                row=Membership(workspace_id=workspace.id, user_id=user.id, role=role, title=title),
            )
        as_kam = await principal_for_user(session, user=kam)
        own = await session.scalar(
            select(Membership).where(
                Membership.workspace_id == workspace.id, Membership.user_id == kam.id
            )
        )
        assert own is not None
        await service.update_membership(
            session, principal=as_kam, membership_id=own.id, version=own.version, title=team[0][2]
        )
        await service.update_workspace(
            session,
            principal=as_kam,
            workspace_id=workspace.id,
            version=workspace.version,
            description=f"The joint workspace of {SUPPLIER} and {customer_name}.",
        )
        industry, rank, position, revenue, sales, scores = PROFILES[customer_name]
        await service.update_key_account(
            session,
            principal=as_kam,
            key_account_id=key_account.id,
            version=key_account.version,
            profile={
                "industry": industry,
                "industry_rank": rank,
                "competitive_position": position,
                "customer_revenue": Decimal(revenue),
                "annual_sales": Decimal(sales),
            },
        )
        # Scored in one go: `score_account` recomputes after each criterion, which would leave
        # half-scored tiers (Hollis briefly Bronze) in the account's score history.
        for criterion, score in zip(criteria, scores, strict=True):
            session.add(
                CriterionScore(
                    key_account_id=key_account.id, criterion_id=criterion.id, score=Decimal(score)
                )
            )
        await session.flush()
        await selection.recompute(
            session, supplier_id=supplier.id, actor_id=admin.id, key_account_ids=[key_account.id]
        )
        # The customer keeps its own sites up to date.
        people = {role: user for user, role, _ in members}
        as_buyer = await principal_for_user(session, user=people[Role.CUSTOMER_BUYER])
        by_name: dict[str, Location] = {}
        for kind, name, city, parent, code in sites:
            by_name[name] = await create_location(
                session,
                principal=as_buyer,
                workspace_id=workspace.id,
                kind=kind,
                name=name,
                parent_id=by_name[parent].id if parent else None,
                code=code,
                city=city,
                country="US",
            )
        accounts.append(DemoAccount(workspace=workspace, people=people))
    return accounts
