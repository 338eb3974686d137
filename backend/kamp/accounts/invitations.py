"""Inviting people into a workspace by email and accepting with a one-time link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Invitation, KeyAccount, Membership, Role, Side, User, Workspace
from kamp.auth.passwords import hash_password, password_problem, verify_password
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.auth.service import normalize_email
from kamp.auth.tokens import new_token, token_hash
from kamp.coediting import access, writes
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.mail.service import queue_mail
from kamp.pagination import Page, PageArgs, keyset_page


def _valid_email(email: str) -> str:
    email = normalize_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or " " in email:
        raise UserError("email", "Enter a valid email address.", ErrorCode.INVALID)
    return email


def _organization_for(key_account: KeyAccount, role: Role) -> uuid.UUID:
    """Whose people may hold `role`: the customer's for a customer role, else the supplier's."""
    return key_account.customer_id if role.side == Side.CUSTOMER else key_account.supplier_id


async def invite_member(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    email: str,
    role: Role,
    base_url: str,
    lifetime: timedelta,
) -> tuple[Invitation, str]:
    """Returns the invitation and its one-time token (only ever sent by email)."""
    require(principal, workspace_id, Permission.MEMBERS_INVITE)
    email = _valid_email(email)
    if role == Role.KAM:
        raise UserError(
            "role", "The KAM is set on the key account, not invited.", ErrorCode.INVALID
        )
    workspace = await session.get(Workspace, workspace_id)
    key_account = await session.get(KeyAccount, workspace.key_account_id) if workspace else None
    if workspace is None or key_account is None:
        raise NotFound()
    # Whether the address has an account elsewhere (another organization, another side) is
    # not the inviter's to learn: such an invitation is sent like any other, and accepting it
    # is refused (accept_invitation checks the side). Only members of this very workspace,
    # whom the inviter sees anyway, are turned away here.
    existing = await session.scalar(select(User).where(User.email == email))
    if existing is not None:
        member = await session.scalar(
            select(Membership.id).where(
                Membership.workspace_id == workspace_id, Membership.user_id == existing.id
            )
        )
        if member is not None:
            raise UserError("email", "This person is already a member.", ErrorCode.DUPLICATE)
    # A new invitation replaces any open one for the same person and workspace.
    for stale in await session.scalars(
        select(Invitation).where(
            Invitation.workspace_id == workspace_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        stale.revoked_at = clock.now()
    token = new_token()
    invitation = Invitation(
        workspace_id=workspace_id,
        email=email,
        role=role,
        invited_by_id=principal.user_id,
        token_hash=token_hash(token),
        expires_at=clock.now() + lifetime,
    )
    session.add(invitation)
    await session.flush()
    _record_internal(session, invitation, "created", principal.user_id)
    await queue_mail(
        session,
        recipient=email,
        subject=f"You are invited to the {workspace.name} workspace on kamp",
        body=(
            f"You have been invited to join the {workspace.name} workspace on kamp "
            f"as {role.replace('_', ' ').lower()}.\n\n"
            f"Accept the invitation here (the link works once, until "
            f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n"
            f"{base_url}/invitation/{token}\n"
        ),
    )
    return invitation, token


async def list_invitations(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[Invitation]:
    require(principal, workspace_id, Permission.MEMBERS_INVITE)
    stmt = select(Invitation).where(
        Invitation.workspace_id == workspace_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
    )
    return await keyset_page(session, stmt, Invitation, page)


async def get_invitations(
    session: AsyncSession, *, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, Invitation]:
    allowed = [w for w in principal.workspace_ids if can(principal, w, Permission.MEMBERS_INVITE)]
    rows = await session.scalars(
        select(Invitation).where(Invitation.id.in_(ids), Invitation.workspace_id.in_(allowed))
    )
    return {row.id: row for row in rows}


async def revoke_invitation(
    session: AsyncSession, *, principal: Principal, invitation_id: uuid.UUID
) -> Invitation:
    invitation = (await get_invitations(session, principal=principal, ids=[invitation_id])).get(
        invitation_id
    )
    if invitation is None:
        raise NotFound()
    if invitation.accepted_at is not None:
        raise UserError("id", "This invitation was already accepted.", ErrorCode.INVALID)
    invitation.revoked_at = invitation.revoked_at or clock.now()
    await session.flush()
    _record_internal(session, invitation, "revoked", principal.user_id)
    return invitation


def _record_internal(
    session: AsyncSession, invitation: Invitation, action: str, actor_id: uuid.UUID | None
) -> None:
    """Pending invitations are the supplier's business until they are accepted."""
    writes.trace(session, actor_id=actor_id, row=invitation, action=action, internal=True)


@dataclass(frozen=True)
class InvitationPreview:
    email: str
    role: Role
    workspace_name: str
    has_account: bool


async def _open_invitation(session: AsyncSession, token: str) -> Invitation:
    invitation = await session.scalar(
        # Locked, so two clicks on the same link cannot both be accepted.
        select(Invitation).where(Invitation.token_hash == token_hash(token)).with_for_update()
    )
    if invitation is None or invitation.revoked_at is not None or invitation.accepted_at:
        raise UserError("token", "This invitation link is not valid.", ErrorCode.NOT_FOUND)
    if invitation.expires_at <= clock.now():
        raise UserError("token", "This invitation link has expired.", ErrorCode.EXPIRED)
    return invitation


async def preview_invitation(session: AsyncSession, *, token: str) -> InvitationPreview:
    """What the acceptance page shows to the holder of the link (no sign-in needed)."""
    invitation = await _open_invitation(session, token)
    workspace = await session.get(Workspace, invitation.workspace_id)
    user = await session.scalar(select(User.id).where(User.email == invitation.email))
    return InvitationPreview(
        email=invitation.email,
        role=invitation.role,
        workspace_name=workspace.name if workspace else "",
        has_account=user is not None,
    )


async def accept_invitation(
    session: AsyncSession, *, token: str, password: str, display_name: str = ""
) -> User:
    """The link holder joins. A new person sets a password; someone with an account proves it
    with theirs, so the link alone never signs anybody in to an existing account."""
    invitation = await _open_invitation(session, token)
    workspace = await session.get(Workspace, invitation.workspace_id)
    key_account = await session.get(KeyAccount, workspace.key_account_id) if workspace else None
    if workspace is None or key_account is None:
        raise UserError("token", "This invitation link is not valid.", ErrorCode.NOT_FOUND)
    organization_id = _organization_for(key_account, invitation.role)
    user = await session.scalar(select(User).where(User.email == invitation.email))
    if user is None:
        if problem := password_problem(password):
            raise UserError("password", problem, ErrorCode.INVALID)
        display_name = display_name.strip()
        if not display_name:
            raise UserError("displayName", "Tell your colleagues your name.", ErrorCode.REQUIRED)
        user = User(
            organization_id=organization_id,
            email=invitation.email,
            display_name=display_name[:200],
            password_hash=hash_password(password),
        )
        session.add(user)
        await session.flush()
    elif not user.is_active:
        # A deactivated account gains nothing, and hears what any dead link would answer.
        raise UserError("token", "This invitation link is not valid.", ErrorCode.NOT_FOUND)
    elif not verify_password(user.password_hash, password):
        raise UserError("password", "Enter the password of your kamp account.", ErrorCode.INVALID)
    elif user.organization_id != organization_id:
        # Checked again here: the account may have been created (by another invitation for
        # the same address, on the other side) after this invitation was sent.
        raise UserError(
            "token",
            f"Your account cannot join with a {invitation.role.side.lower()} role.",
            ErrorCode.INVALID,
        )
    already = await session.scalar(
        select(Membership.id).where(
            Membership.workspace_id == workspace.id, Membership.user_id == user.id
        )
    )
    if already is None:
        await writes.create(
            session,
            principal=None,
            actor_id=user.id,
            row=Membership(workspace_id=workspace.id, user_id=user.id, role=invitation.role),
        )
    invitation.accepted_at = clock.now()
    await session.flush()
    return user


access.reader("Invitation", get_invitations)
