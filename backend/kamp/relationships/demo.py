"""Demo relationship map for the first demo account, loaded by `kamp seed --demo` through the
relationship map's use cases: an org chart with stances and the supplier's relationships,
relative to today."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.auth.service import principal_for_user
from kamp.relationships.contacts import create_contact
from kamp.relationships.models import BuyingRole, Contact, Stance
from kamp.relationships.relationship import create_relationship

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


async def load_demo_map(
    session: AsyncSession, *, workspace: Workspace, kam: User, member: User
) -> None:
    as_kam = await principal_for_user(session, user=kam)
    by_name: dict[str, Contact] = {}
    for name, title, role, influence, stance, boss in CONTACTS:
        # Contacts are shared and their stances internal: the use case's defaults.
        by_name[name] = await create_contact(
            session,
            principal=as_kam,
            workspace_id=workspace.id,
            name=name,
            title=title,
            buying_role=role,
            influence=influence,
            stance=stance,
            reports_to_id=by_name[boss].id if boss else None,
        )
    # Each supplier person records their own relationships (internal by default).
    as_member = await principal_for_user(session, user=member)
    today = clock.today()
    for principal, user, name, strength in (
        (as_kam, kam, "Marcus Hale", 3),
        (as_kam, kam, "Dana Whitfield", 5),
        (as_kam, kam, "Ingrid Paulsen", 2),
        (as_member, member, "Tom Becker", 4),
    ):
        await create_relationship(
            session,
            principal=principal,
            contact_id=by_name[name].id,
            supplier_user_id=user.id,
            strength=strength,
            last_interaction=today - timedelta(days=strength * 4),
        )
