"""Managing integrator clients: register, rotate the secret, revoke, see recent use.

A supplier admin manages every client of the supplier; a KAM may register clients limited
to key accounts they are the KAM of, and manages the clients they registered.

A credential is never created wider than the principal that asks: a token manages clients
only with the `clients:manage` scope (a browser session needs none); the new client's scopes
are among the token's, a machine client's role reaches no more than the asker may in each of
its key accounts, and its key accounts lie within the token's key-account limit. A token
limited to some key accounts sees and manages only clients limited to those."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import Select, false, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, Role, Side, Workspace
from kamp.auth.oauth.adapters import hash_client_secret
from kamp.auth.oauth.models import OAuthClient, OAuthClientUse, OAuthRefreshToken
from kamp.auth.oauth.scopes import IDENTITY_SCOPES, parse_scope, unknown_scopes
from kamp.auth.policy import (
    ROLE_PERMISSIONS,
    Permission,
    org_permissions,
    scope_permissions,
    scopes_allow,
    workspace_permissions,
)
from kamp.auth.principal import Principal
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page


class ClientKind(StrEnum):
    MACHINE = "MACHINE"  # client credentials: an ERP or BI job acting with its own role
    APPLICATION = "APPLICATION"  # authorization code + PKCE: an app acting for a user


def _is_admin(principal: Principal) -> bool:
    return Permission.CLIENTS_MANAGE in org_permissions(principal)


def _may_manage(principal: Principal) -> bool:
    """A browser session may; a token only with the `clients:manage` scope."""
    return principal.user_id is not None and scopes_allow(principal, Permission.CLIENTS_MANAGE)


def _within_limit(principal: Principal, client: OAuthClient) -> bool:
    limit = principal.key_account_limit
    if limit is None:
        return True
    accounts = {uuid.UUID(k) for k in client.key_account_ids}
    # An unlimited client (no key accounts) is wider than any limited principal.
    return bool(accounts) and accounts <= limit


async def _visible(session: AsyncSession, principal: Principal) -> Select[OAuthClient]:
    stmt = select(OAuthClient).where(OAuthClient.organization_id == principal.organization_id)
    if not _may_manage(principal):
        return stmt.where(false())
    if not _is_admin(principal):
        stmt = stmt.where(OAuthClient.created_by_id == principal.user_id)
    if principal.key_account_limit is not None:
        # Key accounts are a JSON list: an organization has few clients, so filter here.
        ids = [row.id for row in await session.scalars(stmt) if _within_limit(principal, row)]
        stmt = select(OAuthClient).where(OAuthClient.id.in_(ids))
    return stmt


def _not_wider(principal: Principal, scopes: Sequence[str]) -> None:
    """A token hands on none of the scopes it does not hold itself."""
    if principal.scopes is None:
        return
    if wider := sorted(set(scopes) - principal.scopes):
        raise Forbidden(f"This token cannot grant scopes it does not have: {', '.join(wider)}.")


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
    # Each side's clients reach the key accounts its organization is a party to.
    own = KeyAccount.supplier_id if principal.side == Side.SUPPLIER else KeyAccount.customer_id
    accounts = list(
        await session.scalars(
            select(KeyAccount).where(
                KeyAccount.id.in_(key_account_ids), own == principal.organization_id
            )
        )
    )
    if len(accounts) != len(set(key_account_ids)):
        raise UserError("keyAccountIds", "No such key account.", ErrorCode.NOT_FOUND)
    if not _is_admin(principal) and any(a.kam_id != principal.user_id for a in accounts):
        raise Forbidden("A KAM registers clients only for their own key accounts.")
    return [a.id for a in accounts]


async def _check_machine_reach(
    session: AsyncSession,
    principal: Principal,
    role: Role,
    scopes: Sequence[str],
    key_account_ids: Sequence[uuid.UUID],
) -> None:
    """A machine client acts with its role in its key accounts: what that role may do under
    its scopes must be what the asker may do there itself (an admin's authority is the
    organization's, still narrowed by the token's scopes)."""
    if _is_admin(principal):
        return
    reach = ROLE_PERMISSIONS[role] & scope_permissions(scopes)
    workspaces = await session.scalars(
        select(Workspace.id).where(Workspace.key_account_id.in_(key_account_ids))
    )
    for workspace_id in workspaces:
        if not reach <= workspace_permissions(principal, workspace_id):
            raise Forbidden("The client would be allowed more than you are.")


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
    if not _may_manage(principal):
        raise Forbidden()
    # A customer's clients are its admin's to register (its ERP reporting stock, say).
    if principal.side == Side.CUSTOMER and not _is_admin(principal):
        raise Forbidden()
    if not _is_admin(principal) and not key_account_ids:
        raise Forbidden("Only an admin registers clients for every key account.")
    limit = principal.key_account_limit
    if limit is not None and not (key_account_ids and set(key_account_ids) <= limit):
        raise Forbidden("A client stays within the key accounts this token is limited to.")
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError(
            "name", "Give the client a name of at most 200 characters.", ErrorCode.REQUIRED
        )
    wanted = parse_scope(" ".join(scopes))
    if bad := unknown_scopes(wanted):
        raise UserError("scopes", f"Unknown scopes: {', '.join(bad)}.", ErrorCode.INVALID)
    _not_wider(principal, wanted)
    if kind == ClientKind.MACHINE:
        if role is None or role.side != principal.side or role == Role.KAM:
            side = (
                "a supplier role other than KAM"
                if principal.side == Side.SUPPLIER
                else ("a customer role")
            )
            raise UserError("role", f"A machine client acts with {side}.", ErrorCode.INVALID)
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
    if role is not None:
        await _check_machine_reach(session, principal, role, wanted, accounts)
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
    stmt = await _visible(session, principal)
    rows = await session.scalars(stmt.where(OAuthClient.id.in_(ids)))
    return {row.id: row for row in rows}


async def list_clients(
    session: AsyncSession, *, principal: Principal, page: PageArgs
) -> Page[OAuthClient]:
    return await keyset_page(session, await _visible(session, principal), OAuthClient, page)


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
    # The new secret is the client's whole credential: only for a principal at least as wide.
    _not_wider(principal, client.scopes)
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
