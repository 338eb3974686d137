"""Federated sign-in use cases: an organization configures its own OpenID provider, and a
person that provider vouches for is matched to a kamp user.

An organization's provider is trusted for that organization's people only: it can never sign
anybody in to a user of another organization, nor create one who was not invited."""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Invitation, KeyAccount, Membership, Role, Side, User, Workspace
from kamp.auth.crypto import encrypt
from kamp.auth.federation.models import FederatedIdentity, IdentityProvider
from kamp.auth.policy import Permission, org_permissions, require_org
from kamp.auth.principal import Principal
from kamp.auth.service import normalize_email
from kamp.coediting import writes
from kamp.errors import Conflict, ErrorCode, UserError
from kamp.text import clean_text

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_DOMAINS = 50
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class Refusal(StrEnum):
    """Why a person the provider vouched for may not sign in (values are short, UI-safe)."""

    DISABLED = "provider_disabled"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    # Also for users of another organization and inactive users: the provider's admin could
    # otherwise probe which addresses have accounts elsewhere.
    NOT_INVITED = "not_invited"


# --- configuration --------------------------------------------------------------------------


def _issuer(value: str, *, allow_http_loopback: bool) -> str:
    """Kept exactly as entered (issuers compare as exact strings, trailing slash included)."""
    value = clean_text(value, "issuer", 500, required=True)
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.query or parts.fragment or not host or parts.username or parts.password:
        raise UserError(
            "issuer", "Enter the issuer URL of your OpenID provider.", ErrorCode.INVALID
        )
    loopback = host in _LOOPBACK_HOSTS
    if parts.scheme == "http" and loopback and allow_http_loopback:
        return value
    if parts.scheme != "https":
        raise UserError("issuer", "The issuer must be an https:// URL.", ErrorCode.INVALID)
    if not allow_http_loopback and (loopback or _private_ip(host)):
        # kamp fetches this URL: in production it must not reach into its own network.
        raise UserError("issuer", "The issuer must be a public address.", ErrorCode.INVALID)
    return value


def _private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _domains(values: list[str]) -> list[str]:
    domains: list[str] = []
    for raw in values:
        domain = raw.strip().lower().lstrip("@")
        labels = domain.split(".")
        if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
            raise UserError(
                "allowedDomains", f"{raw[:80]!r} is not an email domain.", ErrorCode.INVALID
            )
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise UserError("allowedDomains", "Name at least one email domain.", ErrorCode.REQUIRED)
    if len(domains) > MAX_DOMAINS:
        raise UserError("allowedDomains", f"Name at most {MAX_DOMAINS} domains.", ErrorCode.INVALID)
    return domains


async def _check_domains_free(
    session: AsyncSession, organization_id: uuid.UUID, domains: list[str]
) -> None:
    """A domain routes sign-ins to one provider, and is never one whose people belong to
    another organization (which would let one organization capture another's sign-ins)."""
    others = await session.execute(
        select(IdentityProvider.allowed_domains).where(
            IdentityProvider.organization_id != organization_id
        )
    )
    claimed = {d for (row,) in others.all() for d in row}
    for domain in domains:
        taken = domain in claimed or await session.scalar(
            select(User.id)
            .where(User.email.like(f"%@{domain}"), User.organization_id != organization_id)
            .limit(1)
        )
        if taken:
            raise UserError(
                "allowedDomains",
                f"{domain} belongs to another organization.",
                ErrorCode.DUPLICATE,
            )


async def identity_provider_of(
    session: AsyncSession, *, principal: Principal
) -> IdentityProvider | None:
    """The principal's organization's provider, for its admins."""
    require_org(principal, Permission.IDENTITY_MANAGE)
    return await session.scalar(
        select(IdentityProvider).where(
            IdentityProvider.organization_id == principal.organization_id
        )
    )


async def get_identity_providers(
    session: AsyncSession, *, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, IdentityProvider]:
    """By ID, visible only to the admins of the organization it belongs to."""
    if Permission.IDENTITY_MANAGE not in org_permissions(principal):
        return {}
    rows = await session.scalars(
        select(IdentityProvider).where(
            IdentityProvider.id.in_(ids),
            IdentityProvider.organization_id == principal.organization_id,
        )
    )
    return {row.id: row for row in rows}


async def configure_identity_provider(
    session: AsyncSession,
    *,
    principal: Principal,
    secret_key: str,
    version: int | None,
    slug: str,
    display_name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    allowed_domains: list[str],
    enabled: bool = True,
    allow_http_loopback: bool = False,
) -> IdentityProvider:
    """Create (version None) or update (the version edited) the organization's provider.

    The client secret is stored encrypted and never read back; None keeps the current one.
    `allow_http_loopback` admits http://localhost issuers, for development and tests."""
    require_org(principal, Permission.IDENTITY_MANAGE)
    row = await session.scalar(
        select(IdentityProvider).where(
            IdentityProvider.organization_id == principal.organization_id
        )
    )
    if row is not None:
        writes.check_version(row, -1 if version is None else version)
    elif version is not None:
        raise Conflict(None, "This identity provider was removed; reload and start again.")
    slug = clean_text(slug, "slug", 64, required=True).lower()
    if not SLUG.match(slug):
        raise UserError(
            "slug", "Use lowercase letters, digits and inner hyphens.", ErrorCode.INVALID
        )
    owner = await session.scalar(
        select(IdentityProvider.organization_id).where(IdentityProvider.slug == slug)
    )
    if owner is not None and owner != principal.organization_id:
        raise UserError("slug", "This name is taken.", ErrorCode.DUPLICATE)
    display_name = clean_text(display_name, "displayName", 200, required=True)
    issuer = _issuer(issuer, allow_http_loopback=allow_http_loopback)
    client_id = clean_text(client_id, "clientId", 255, required=True)
    if client_secret is not None:
        client_secret = clean_text(client_secret, "clientSecret", 2000, required=True)
    elif row is None:
        raise UserError("clientSecret", "This field is required.", ErrorCode.REQUIRED)
    domains = _domains(allowed_domains)
    await _check_domains_free(session, principal.organization_id, domains)
    if row is None:
        row = IdentityProvider(organization_id=principal.organization_id)
        session.add(row)
    row.slug, row.display_name, row.issuer = slug, display_name, issuer
    row.client_id, row.allowed_domains, row.enabled = client_id, domains, enabled
    if client_secret is not None:
        row.client_secret_encrypted = encrypt(secret_key, client_secret)
    await writes.flush(session)
    return row


# --- sign-in --------------------------------------------------------------------------------


def _domain_of(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


async def provider_for_email(session: AsyncSession, *, email: str) -> IdentityProvider | None:
    """The enabled provider whose allowed domains include the email's domain."""
    domain = _domain_of(email)
    if not domain:
        return None
    # Few rows (one per organization with its own provider): filter the JSON lists here
    # rather than with per-dialect JSON operators.
    for row in await session.scalars(
        select(IdentityProvider).where(IdentityProvider.enabled.is_(True))
    ):
        if domain in row.allowed_domains:
            return row
    return None


async def provider_by_slug(session: AsyncSession, *, slug: str) -> IdentityProvider | None:
    return await session.scalar(
        select(IdentityProvider).where(
            IdentityProvider.slug == slug.strip().lower(), IdentityProvider.enabled.is_(True)
        )
    )


async def complete_sign_in(
    session: AsyncSession, *, provider: IdentityProvider, claims: Mapping[str, Any]
) -> User | Refusal:
    """Match the person in verified ID token claims to a user, linking on first sign-in.

    The caller has already checked the token (signature, issuer, audience, nonce)."""
    if not provider.enabled:
        return Refusal.DISABLED
    subject = str(claims.get("sub") or "")
    email = normalize_email(str(claims.get("email") or ""))
    if claims.get("email_verified") is not True or not subject or "@" not in email:
        return Refusal.EMAIL_NOT_VERIFIED
    if _domain_of(email) not in provider.allowed_domains:
        return Refusal.DOMAIN_NOT_ALLOWED
    linked = await session.scalar(
        select(User)
        .join(FederatedIdentity, FederatedIdentity.user_id == User.id)
        .where(FederatedIdentity.provider_id == provider.id, FederatedIdentity.subject == subject)
    )
    if linked is not None:
        ok = linked.is_active and linked.organization_id == provider.organization_id
        return linked if ok else Refusal.NOT_INVITED
    user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        user = await _join_by_invitation(session, provider=provider, email=email, claims=claims)
    if user is None or not user.is_active or user.organization_id != provider.organization_id:
        return Refusal.NOT_INVITED
    session.add(FederatedIdentity(provider_id=provider.id, user_id=user.id, subject=subject))
    await session.flush()
    return user


async def _join_by_invitation(
    session: AsyncSession, *, provider: IdentityProvider, email: str, claims: Mapping[str, Any]
) -> User | None:
    """A first sign-in with open invitations into workspaces where the provider's organization
    is on the invited role's side: the user is created and joins them all."""
    org = provider.organization_id
    rows = await session.execute(
        select(Invitation, KeyAccount)
        .join(Workspace, Workspace.id == Invitation.workspace_id)
        .join(KeyAccount, KeyAccount.id == Workspace.key_account_id)
        .where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > clock.now(),
            or_(KeyAccount.customer_id == org, KeyAccount.supplier_id == org),
        )
        .order_by(Invitation.created_at)
        # Locked, so the same invitation cannot be accepted twice at once.
        .with_for_update(of=Invitation)
    )
    invitations = [
        invitation
        for invitation, key_account in rows.all()
        if _side_org(key_account, invitation.role) == org
    ]
    if not invitations:
        return None
    name = str(claims.get("name") or "").strip() or email.partition("@")[0]
    user = User(organization_id=org, email=email, display_name=name[:200], password_hash=None)
    session.add(user)
    await session.flush()
    joined: set[uuid.UUID] = set()
    for invitation in invitations:
        if invitation.workspace_id not in joined:
            joined.add(invitation.workspace_id)
            session.add(
                Membership(
                    workspace_id=invitation.workspace_id, user_id=user.id, role=invitation.role
                )
            )
        invitation.accepted_at = clock.now()
    await session.flush()
    return user


def _side_org(key_account: KeyAccount, role: Role) -> uuid.UUID:
    return key_account.customer_id if role.side == Side.CUSTOMER else key_account.supplier_id
