"""A person's own profile: their name and the time zone they see times in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import User
from kamp.auth.principal import Principal
from kamp.errors import Forbidden, NotFound
from kamp.text import clean_text
from kamp.timezones import zone


async def update_my_profile(
    session: AsyncSession,
    *,
    principal: Principal,
    display_name: str | None = None,
    time_zone: str | None = None,
) -> User:
    """A person changes their own name and time zone, from a browser session only: an
    integrator's token acts within scopes, none of which covers the person's profile."""
    if principal.user_id is None or principal.scopes is not None:
        raise Forbidden()
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound()
    if display_name is not None:
        user.display_name = clean_text(display_name, "displayName", 200, required=True)
    if time_zone is not None:
        user.time_zone = zone(time_zone).key
    await session.flush()
    return user
