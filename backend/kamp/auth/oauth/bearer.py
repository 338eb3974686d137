"""Bearer access tokens on the API: strict verification, then the Principal they stand for.

Only RS256 with a `kid` from kamp's own key set is accepted; `typ` must be `at+jwt` (so an
ID token, typ JWT and audience the client, is never an access token); `iss`, `aud`, `exp`,
`iat` and `nbf` are checked, and no token may claim a longer life than kamp gives one;
headers that name outside keys (`jwk`, `jku`, `x5u`, `x5c`) are refused outright. A revoked
token (or token family) is refused on its next use: every request checks the revocation
table."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, Role, Side, User, Workspace
from kamp.auth.oauth.keys import ALGORITHM, KeyRing, KeyRingCache
from kamp.auth.oauth.models import OAuthClient, OAuthRevocation
from kamp.auth.principal import Principal
from kamp.auth.service import principal_for_user
from kamp.errors import Unauthenticated

log = logging.getLogger("kamp.auth")

LEEWAY_SECONDS = 30
# The lifetime of every access token kamp issues; a token that claims a longer one (however
# well signed) was not made by the token endpoint and is refused.
ACCESS_TOKEN_SECONDS = 300
FORBIDDEN_HEADERS = {"jwk", "jku", "x5u", "x5c", "crit"}


class UnknownKey(ValueError):
    def __init__(self, kid: str) -> None:
        super().__init__("unknown key")
        self.kid = kid


def resource_audience(issuer: str) -> str:
    """The `aud` of every access token: kamp's GraphQL API."""
    return f"{issuer}/graphql"


def verify_access_token(
    token: str, *, keys: KeyRing | KeySet, issuer: str, check_time: bool = True
) -> dict[str, Any]:
    """The token's claims, or ValueError saying why it is refused."""
    key_set = keys.public if isinstance(keys, KeyRing) else keys
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as exc:
        raise ValueError("malformed token") from exc
    if header.get("alg") != ALGORITHM:
        raise ValueError("algorithm not accepted")
    if FORBIDDEN_HEADERS & set(header):
        raise ValueError("header names an outside key")
    if str(header.get("typ", "")).lower() not in ("at+jwt", "application/at+jwt"):
        raise ValueError("not an access token")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ValueError("no key id")
    if kid not in {k.kid for k in key_set.keys}:
        raise UnknownKey(kid)
    try:
        decoded = jwt.decode(token, key_set.get_by_kid(kid), algorithms=[ALGORITHM])
    except (JoseError, ValueError) as exc:
        raise ValueError("bad signature") from exc
    claims = decoded.claims
    if claims.get("iss") != issuer:
        raise ValueError("wrong issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if resource_audience(issuer) not in audiences:
        raise ValueError("wrong audience")
    for name in ("sub", "client_id", "jti"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise ValueError(f"missing {name}")
    for name in ("exp", "iat"):
        if not isinstance(claims.get(name), int | float):
            raise ValueError(f"missing {name}")
    if claims["exp"] - claims["iat"] > ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS:
        raise ValueError("lifetime too long")
    now = clock.timestamp()
    if check_time:
        if claims["iat"] > now + LEEWAY_SECONDS:
            raise ValueError("issued in the future")
        if claims["exp"] <= now - LEEWAY_SECONDS:
            raise ValueError("expired")
        nbf = claims.get("nbf", claims["iat"])
        if not isinstance(nbf, int | float) or nbf > now + LEEWAY_SECONDS:
            raise ValueError("not valid yet")
    return claims


def revoked_clause(jti: str | None, family: str | None) -> ColumnElement[bool]:
    conditions = []
    if jti:
        conditions.append(OAuthRevocation.jti == jti)
    if family:
        try:
            conditions.append(OAuthRevocation.family_id == uuid.UUID(family))
        except ValueError:
            conditions.append(OAuthRevocation.jti == jti)
    return or_(*conditions) if conditions else false()


async def bearer_principal(
    session: AsyncSession, *, token: str, keys: KeyRingCache, issuer: str
) -> Principal:
    """The Principal of a bearer token; Unauthenticated when it is not (or no longer) good."""
    try:
        try:
            claims = verify_access_token(token, keys=await keys.get(), issuer=issuer)
        except UnknownKey as exc:
            ring = await keys.get(unknown_kid=exc.kid)
            claims = verify_access_token(token, keys=ring, issuer=issuer)
    except ValueError as exc:
        log.info("bearer token refused", extra={"reason": str(exc)})
        raise Unauthenticated("The access token is invalid or expired.") from exc
    principal = await principal_for_claims(session, claims=claims)
    if principal is None:
        raise Unauthenticated("The access token was revoked.")
    return principal


async def principal_for_claims(
    session: AsyncSession, *, claims: dict[str, Any]
) -> Principal | None:
    """The Principal a verified token acts as, or None if it was revoked or its client was."""
    revoked = await session.scalar(
        select(OAuthRevocation.id).where(revoked_clause(claims["jti"], claims.get("fam")))
    )
    if revoked is not None:
        return None
    client = await session.scalar(
        select(OAuthClient).where(OAuthClient.client_id == claims["client_id"])
    )
    if client is None or client.revoked_at is not None:
        return None
    scopes = frozenset(str(claims.get("scope", "")).split())
    limit = {uuid.UUID(k) for k in client.key_account_ids}
    if claims["sub"] == client.client_id and client.role is not None:
        return await _machine_principal(
            session, client=client, role=client.role, scopes=scopes, limit=limit
        )
    try:
        user = await session.get(User, uuid.UUID(str(claims["sub"])))
    except ValueError:
        return None
    if user is None or not user.is_active:
        return None
    principal = await principal_for_user(session, user=user)
    roles = dict(principal.workspace_roles)
    if limit:
        allowed = set(
            await session.scalars(select(Workspace.id).where(Workspace.key_account_id.in_(limit)))
        )
        roles = {w: r for w, r in roles.items() if w in allowed}
    return Principal(
        organization_id=principal.organization_id,
        side=principal.side,
        user_id=principal.user_id,
        client_id=client.id,
        is_org_admin=principal.is_org_admin,
        workspace_roles=roles,
        scopes=scopes,
        key_account_limit=frozenset(limit) if limit else None,
    )


async def _machine_principal(
    session: AsyncSession,
    *,
    client: OAuthClient,
    role: Role,
    scopes: frozenset[str],
    limit: set[uuid.UUID],
) -> Principal:
    """A machine client acts with its role in its organization's key accounts (or chosen
    ones): a supplier's as the supplier, a customer's as the customer."""
    side = role.side
    own = KeyAccount.supplier_id if side == Side.SUPPLIER else KeyAccount.customer_id
    stmt = (
        select(Workspace.id)
        .join(KeyAccount, KeyAccount.id == Workspace.key_account_id)
        .where(own == client.organization_id)
    )
    if limit:
        stmt = stmt.where(KeyAccount.id.in_(limit))
    workspaces = list(await session.scalars(stmt))
    return Principal(
        organization_id=client.organization_id,
        side=side,
        client_id=client.id,
        workspace_roles=dict.fromkeys(workspaces, role),
        scopes=scopes,
        key_account_limit=frozenset(limit) if limit else None,
    )
