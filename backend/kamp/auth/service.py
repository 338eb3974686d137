"""Local sign-in, sessions and resolving a request's Principal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Membership, Organization, User
from kamp.auth.models import AuthSession
from kamp.auth.passwords import verify_password
from kamp.auth.principal import Principal
from kamp.auth.tokens import new_token, token_hash


async def principal_for_user(session: AsyncSession, *, user: User) -> Principal:
    kind = (
        await session.execute(
            select(Organization.kind).where(Organization.id == user.organization_id)
        )
    ).scalar_one()
    rows = await session.execute(
        select(Membership.workspace_id, Membership.role).where(Membership.user_id == user.id)
    )
    return Principal(
        organization_id=user.organization_id,
        side=kind,
        user_id=user.id,
        is_org_admin=user.is_org_admin,
        workspace_roles={workspace_id: role for workspace_id, role in rows.all()},
    )


async def start_session(
    session: AsyncSession, *, user: User, lifetime: timedelta, user_agent: str = ""
) -> str:
    """Create a session for a user who has just proven who they are; returns the cookie value."""
    token = new_token()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=token_hash(token),
            expires_at=clock.now() + lifetime,
            user_agent=user_agent[:300],
        )
    )
    await session.flush()
    return token


async def sign_in(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    lifetime: timedelta,
    user_agent: str = "",
) -> str | None:
    """Check a local password; returns a new session token, or None (same for any failure)."""
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        return None
    return await start_session(session, user=user, lifetime=lifetime, user_agent=user_agent)


async def sign_out(session: AsyncSession, *, token: str) -> None:
    await session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash(token)))


async def user_for_session(session: AsyncSession, *, token: str) -> User | None:
    return await session.scalar(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            AuthSession.token_hash == token_hash(token),
            AuthSession.expires_at > clock.now(),
            User.is_active.is_(True),
        )
    )


async def principal_for_session(session: AsyncSession, *, token: str) -> Principal | None:
    user = await user_for_session(session, token=token)
    if user is None:
        return None
    return await principal_for_user(session, user=user)


def normalize_email(email: str) -> str:
    return email.strip().lower()
