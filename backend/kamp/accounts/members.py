"""Who belongs to a workspace: the checks other domains make on the people they name (an
owner, an attendee, the supplier side of a relationship). One query each, and one message."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Membership, Role, Side
from kamp.errors import ErrorCode, UserError


async def roles(
    session: AsyncSession, workspace_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Role]:
    """The role of each of these users who is a member of the workspace."""
    rows = await session.execute(
        select(Membership.user_id, Membership.role).where(
            Membership.workspace_id == workspace_id, Membership.user_id.in_(user_ids)
        )
    )
    return {user_id: role for user_id, role in rows.all()}


async def role_of(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> Role | None:
    return (await roles(session, workspace_id, [user_id])).get(user_id)


async def members(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    user_ids: Sequence[uuid.UUID],
    *,
    field: str,
    side: Side | None = None,
) -> list[uuid.UUID]:
    """These users (without repeats), each a member of the workspace (of `side` if given), or
    a user error on `field`."""
    wanted = list(dict.fromkeys(user_ids))
    found = await roles(session, workspace_id, wanted)
    if any(u not in found or (side and found[u].side != side) for u in wanted):
        who = f"{side.lower()}-side members" if side else "members"
        raise UserError(field, f"Choose {who} of this workspace.", ErrorCode.INVALID)
    return wanted


async def owner(
    session: AsyncSession, workspace_id: uuid.UUID, owner_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The owner of an element: nobody, or a member of its workspace (either side)."""
    if owner_id is None:
        return None
    if await role_of(session, workspace_id, owner_id) is None:
        raise UserError(
            "ownerId", "The owner must be a member of this workspace.", ErrorCode.INVALID
        )
    return owner_id
