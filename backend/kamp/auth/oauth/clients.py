"""Managing integrator clients: register, rotate the secret, revoke, see recent use.

A supplier admin manages every client of the supplier; a KAM may register clients limited
to key accounts they are the KAM of, and manages the clients they registered."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, Role, Side
from kamp.auth.oauth.adapters import hash_client_secret
from kamp.auth.oauth.models import OAuthClient, OAuthClientUse, OAuthRefreshToken
from kamp.auth.oauth.scopes import IDENTITY_SCOPES, parse_scope, unknown_scopes
from kamp.auth.policy import Permission, org_permissions
from kamp.auth.principal import Principal
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page


class ClientKind(StrEnum):
    MACHINE = "MACHINE"  # client credentials: an ERP or BI job acting with its own role
    APPLICATION = "APPLICATION"  # authorization code + PKCE: an app acting for a user


def _is_admin(principal: Principal) -> bool:
    return Permission.CLIENTS_MANAGE in org_permissions(principal)


def _visible(principal: Principal) -> Select[OAuthClient]:
    stmt = select(OAuthClient).where(OAuthClient.organization_id == principal.organization_id)
    if _is_admin(principal):
        return stmt
    return stmt.where(OAuthClient.created_by_id == principal.user_id)


def _check_redirect_uri(uri: str) -> None:
    parts = urlsplit(uri)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not (parts.scheme == "https" or loopback) or not parts.netloc or parts.fragment:
        raise UserError(
            "redirectUris",
            f"{uri[:100]!r} must be an https:// URL (http only on loopback), without a #fragment.",
            ErrorCode.INVALID,
        )


async def _key_accounts(
    session: AsyncSession, principal: Principal, key_account_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    accounts = list(
        await session.scalars(
            select(KeyAccount).where(
                KeyAccount.id.in_(key_account_ids),
                KeyAccount.supplier_id == principal.organization_id,
            )
        )
    )
    if len(accounts) != len(set(key_account_ids)):
        raise UserError("keyAccountIds", "No such key account.", ErrorCode.NOT_FOUND)
    if not _is_admin(principal) and any(a.kam_id != principal.user_id for a in accounts):
        raise Forbidden("A KAM registers clients only for their own key accounts.")
    return [a.id for a in accounts]


def _new_client_id() -> str:
    return "kamp_" + secrets.token_urlsafe(18)


async def register_client(
    session: AsyncSession,
    *,
    principal: Principal,
    name: str,
    kind: ClientKind,
    scopes: Sequence[str],
    redirect_uris: Sequence[str] = (),
    confidential: bool = True,
    role: Role | None = None,
    key_account_ids: Sequence[uuid.UUID] = (),
) -> tuple[OAuthClient, str | None]:
    """Returns the client and its secret, which is shown this once and stored only hashed."""
    if principal.side != Side.SUPPLIER or principal.user_id is None:
        raise Forbidden()
    if not _is_admin(principal) and not key_account_ids:
        raise Forbidden("Only a supplier admin registers clients for every key account.")
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError(
            "name", "Give the client a name of at most 200 characters.", ErrorCode.REQUIRED
        )
    wanted = parse_scope(" ".join(scopes))
    if bad := unknown_scopes(wanted):
        raise UserError("scopes", f"Unknown scopes: {', '.join(bad)}.", ErrorCode.INVALID)
    if kind == ClientKind.MACHINE:
        if role is None or role.side != Side.SUPPLIER or role == Role.KAM:
            raise UserError(
                "role",
                "A machine client acts with a supplier role other than KAM.",
                ErrorCode.INVALID,
            )
        if not confidential:
            raise UserError(
                "confidential", "A machine client must keep a secret.", ErrorCode.INVALID
            )
        if redirect_uris:
            raise UserError(
                "redirectUris", "A machine client has no redirect URIs.", ErrorCode.INVALID
            )
        if set(wanted) & set(IDENTITY_SCOPES):
            raise UserError("scopes", "Identity scopes need a user.", ErrorCode.INVALID)
        grant_types = ["client_credentials"]
    else:
        if role is not None:
            raise UserError("role", "An application acts with its user's role.", ErrorCode.INVALID)
        if not redirect_uris:
            raise UserError("redirectUris", "Give at least one redirect URI.", ErrorCode.REQUIRED)
        for uri in redirect_uris:
            _check_redirect_uri(uri)
        grant_types = ["authorization_code"]
        if "offline_access" in wanted:
            grant_types.append("refresh_token")
    accounts = await _key_accounts(session, principal, key_account_ids)
    secret = secrets.token_urlsafe(32) if confidential else None
    client = OAuthClient(
        client_id=_new_client_id(),
        name=name,
        organization_id=principal.organization_id,
        created_by_id=principal.user_id,
        secret_hash=hash_client_secret(secret) if secret else None,
        redirect_uris=list(dict.fromkeys(redirect_uris)),
        grant_types=grant_types,
        scopes=wanted,
        role=role,
        key_account_ids=[str(a) for a in accounts],
    )
    session.add(client)
    await session.flush()
    return client, secret


async def get_clients(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, OAuthClient]:
    rows = await session.scalars(_visible(principal).where(OAuthClient.id.in_(ids)))
    return {row.id: row for row in rows}


async def list_clients(
    session: AsyncSession, *, principal: Principal, page: PageArgs
) -> Page[OAuthClient]:
    return await keyset_page(session, _visible(principal), OAuthClient, page)


async def _managed(
    session: AsyncSession, principal: Principal, client_pk: uuid.UUID
) -> OAuthClient:
    client = (await get_clients(session, principal=principal, ids=[client_pk])).get(client_pk)
    if client is None:
        raise NotFound()
    return client


async def rotate_secret(
    session: AsyncSession, *, principal: Principal, client_pk: uuid.UUID
) -> tuple[OAuthClient, str]:
    client = await _managed(session, principal, client_pk)
    if client.secret_hash is None:
        raise UserError("id", "A public client has no secret.", ErrorCode.INVALID)
    if client.revoked_at is not None:
        raise UserError("id", "This client is revoked.", ErrorCode.INVALID)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = hash_client_secret(secret)
    await session.flush()
    return client, secret


async def revoke_client(
    session: AsyncSession, *, principal: Principal, client_pk: uuid.UUID
) -> OAuthClient:
    """The client stops working at once: its access tokens are refused on their next use
    (bearer checks the client), and its refresh tokens are revoked."""
    client = await _managed(session, principal, client_pk)
    now = clock.now()
    client.revoked_at = client.revoked_at or now
    await session.execute(
        update(OAuthRefreshToken)
        .where(OAuthRefreshToken.client_pk == client.id, OAuthRefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.flush()
    return client


async def list_uses(
    session: AsyncSession, *, principal: Principal, client_pk: uuid.UUID, page: PageArgs
) -> Page[OAuthClientUse]:
    await _managed(session, principal, client_pk)
    stmt = select(OAuthClientUse).where(OAuthClientUse.client_pk == client_pk)
    return await keyset_page(session, stmt, OAuthClientUse, page, newest_first=True)
