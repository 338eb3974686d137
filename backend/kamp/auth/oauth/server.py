"""kamp's OAuth 2 authorization server: authlib's framework-agnostic core, adapted to
Starlette. authlib's hooks are synchronous, so each call runs inside `AsyncSession.run_sync`
on a sync session over the request's own connection: the loop is never blocked on I/O, and
the whole exchange is one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.oauth2 import rfc7009, rfc7662
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    grants,
)
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kamp import clock
from kamp.accounts.models import User
from kamp.auth.oauth.adapters import (
    AuthorizationCode,
    Client,
    KampRequest,
    KampUser,
    RefreshToken,
)
from kamp.auth.oauth.bearer import (
    ACCESS_TOKEN_SECONDS,
    resource_audience,
    revoked_clause,
    verify_access_token,
)
from kamp.auth.oauth.keys import ALGORITHM, KeyRing
from kamp.auth.oauth.models import (
    OAuthAuthorizationCode,
    OAuthClient,
    OAuthClientUse,
    OAuthRefreshToken,
    OAuthRevocation,
)
from kamp.auth.oauth.scopes import CATALOGUE, parse_scope
from kamp.auth.tokens import new_token, token_hash

ID_TOKEN_SECONDS = 300
REFRESH_TOKEN_DAYS = 30
CODE_SECONDS = 120


# --- grants ---------------------------------------------------------------------------------


class S256Only(CodeChallenge):
    """PKCE is required of every client, and only with S256."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError(
                "PKCE is required: send a code_challenge with code_challenge_method=S256."
            )
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.row.code_challenge_method


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    server: KampAuthorizationServer

    def save_authorization_code(self, code: str, request: KampRequest) -> None:  # type: ignore[override]  # authlib passes our KampRequest
        data = request.payload.data
        client, user = request.client, request.user
        assert client is not None and user is not None  # both known before a code is issued
        self.server.db.add(
            OAuthAuthorizationCode(
                code_hash=token_hash(code),
                client_pk=client.row.id,
                user_id=user.row.id,
                redirect_uri=data["redirect_uri"],
                scope=request.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                expires_at=clock.now() + timedelta(seconds=CODE_SECONDS),
            )
        )
        self.server.db.flush()

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:  # type: ignore[override]  # authlib passes our Client
        row = self.server.db.scalar(
            select(OAuthAuthorizationCode)
            .where(OAuthAuthorizationCode.code_hash == token_hash(code))
            .with_for_update()
        )
        if row is None or row.client_pk != client.row.id:
            return None
        if row.used_at is not None:
            # A replayed code: whatever its first use produced is no longer trustworthy.
            if row.family_id is not None:
                self.server.revoke_family(row.family_id)
            return None
        if row.expires_at <= clock.now():
            return None
        return AuthorizationCode(row)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept (marked used) rather than deleted, so that a replay can be recognised.
        authorization_code.row.used_at = clock.now()
        authorization_code.row.family_id = self.server.family_id

    def authenticate_user(self, authorization_code: AuthorizationCode) -> KampUser | None:
        user = self.server.db.get(User, authorization_code.row.user_id)
        return KampUser(user) if user and user.is_active else None


class RefreshGrant(grants.RefreshTokenGrant):
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotate on every use
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    server: KampAuthorizationServer

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken | None:  # type: ignore[override]  # authlib takes None as invalid
        row = self.server.db.scalar(
            select(OAuthRefreshToken)
            .where(OAuthRefreshToken.token_hash == token_hash(refresh_token))
            .with_for_update()
        )
        if row is None or row.revoked_at is not None or row.expires_at <= clock.now():
            return None
        if row.rotated_at is not None:
            # Reuse of a rotated token: someone holds a copy. Revoke the whole family.
            self.server.revoke_family(row.family_id)
            return None
        self.server.family_id = row.family_id
        return RefreshToken(row)

    def authenticate_user(self, refresh_token: RefreshToken) -> KampUser | None:
        user = self.server.db.get(User, refresh_token.row.user_id)
        return KampUser(user) if user and user.is_active else None

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:  # type: ignore[override]  # authlib passes our RefreshToken
        refresh_token.row.rotated_at = clock.now()


class MachineGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    request: KampRequest

    def validate_token_request(self) -> None:
        super().validate_token_request()
        client = self.request.client
        assert client is not None  # authenticated by the call above
        # authlib passes the asked-for scope through as it is: hold it to the registration.
        asked = set(parse_scope(self.request.payload.scope))
        if not asked <= set(client.row.scopes):
            raise InvalidScopeError("The client is not registered for these scopes.")


class IdTokens(OpenIDCode):
    """OpenID Connect: an ID token (for the client, never for the API) when `openid` is asked."""

    def __init__(self, server: KampAuthorizationServer) -> None:
        super().__init__(require_nonce=False)
        self.server = server

    def exists_nonce(self, nonce: str, request: KampRequest) -> bool:  # type: ignore[override]  # authlib passes our KampRequest
        return False  # codes are single-use, so a nonce cannot be replayed through them

    def resolve_client_private_key(self, client: Client) -> Any:
        return self.server.keys.signing

    def get_client_algorithm(self, client: Client) -> str:
        return ALGORITHM

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": ALGORITHM, "kid": self.server.keys.kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {
            "iss": self.server.issuer,
            "aud": [client.get_client_id()],
            "exp": int(clock.timestamp()) + ID_TOKEN_SECONDS,
        }

    def generate_user_info(self, user: KampUser, scope: str) -> UserInfo:
        info = UserInfo(sub=user.get_user_id())
        scopes = parse_scope(scope)
        if "profile" in scopes:
            info["name"] = user.row.display_name
        if "email" in scopes:
            info["email"] = user.row.email
            info["email_verified"] = True
        return info


# --- revocation and introspection -----------------------------------------------------------


@dataclass
class FoundToken:
    kind: str  # "access_token" | "refresh_token"
    client_pk: uuid.UUID
    claims: dict[str, Any]
    refresh: OAuthRefreshToken | None = None
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return self.client_pk == client.row.id

    def is_expired(self) -> bool:
        return self.claims.get("exp", 0) <= clock.timestamp()

    def is_revoked(self) -> bool:
        return self.revoked


class _TokenLookup:
    server: KampAuthorizationServer

    def query_token(self, token: str, token_type_hint: str | None) -> FoundToken | None:
        refresh_hint = token_type_hint == "refresh_token"  # noqa: S105 - a token type name
        if not refresh_hint and (found := self.server.parse_access_token(token)):
            found.revoked = self.server.is_revoked(found.claims.get("jti"), found.claims.get("fam"))
            return found
        row = self.server.db.scalar(
            select(OAuthRefreshToken).where(OAuthRefreshToken.token_hash == token_hash(token))
        )
        if row is None:
            return None
        claims = {
            "scope": row.scope,
            "sub": str(row.user_id),
            "exp": int(row.expires_at.timestamp()),
            "fam": str(row.family_id),
        }
        revoked = row.revoked_at is not None or row.rotated_at is not None
        return FoundToken("refresh_token", row.client_pk, claims, row, revoked)


class Revocation(_TokenLookup, rfc7009.RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def authenticate_token(self, request: KampRequest, client: Client) -> FoundToken | None:
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        return token if token and token.check_client(client) else None

    def revoke_token(self, token: FoundToken, request: KampRequest) -> None:
        if token.refresh is not None:
            self.server.revoke_family(token.refresh.family_id)
        else:
            self.server.revoke_jti(token.claims["jti"], token.claims["exp"])


class Introspection(_TokenLookup, rfc7662.IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def check_permission(self, token: FoundToken, client: Client, request: KampRequest) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: FoundToken) -> dict[str, Any]:
        claims = token.claims
        return {
            "active": True,
            "token_type": token.kind,
            "scope": claims.get("scope", ""),
            "client_id": claims.get("client_id"),
            "sub": claims.get("sub"),
            "exp": claims.get("exp"),
            "iat": claims.get("iat"),
            "iss": self.server.issuer,
            "aud": claims.get("aud"),
        }


# --- the server -----------------------------------------------------------------------------


class KampAuthorizationServer(AuthorizationServer):
    """One instance per request: it holds the request's sync session and key ring."""

    def __init__(self, *, db: Session, keys: KeyRing, issuer: str) -> None:
        super().__init__(scopes_supported=list(CATALOGUE))
        self.db = db
        self.keys = keys
        self.issuer = issuer
        self.family_id: uuid.UUID | None = None
        self.register_token_generator("default", self._generate_token)  # type: ignore[arg-type]  # authlib takes any generator function
        self.register_grant(CodeGrant, [S256Only(required=True), IdTokens(self)])
        self.register_grant(RefreshGrant)
        self.register_grant(MachineGrant)
        self.register_endpoint(Revocation(server=self))
        self.register_endpoint(Introspection(server=self))

    # authlib hooks
    def query_client(self, client_id: str) -> Client | None:  # type: ignore[override]  # authlib takes None as unknown
        row = self.db.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
        return Client(row) if row is not None and row.revoked_at is None else None

    def save_token(self, token: dict[str, Any], request: KampRequest) -> None:  # type: ignore[override]  # authlib passes our KampRequest
        client, user = request.client, request.user
        assert client is not None  # authlib issues tokens to authenticated clients alone
        if refresh := token.get("refresh_token"):
            assert user is not None  # _generate_token gives refresh tokens to users alone
            self.db.add(
                OAuthRefreshToken(
                    token_hash=token_hash(refresh),
                    family_id=self.family_id,
                    client_pk=client.row.id,
                    user_id=user.row.id,
                    scope=token.get("scope", ""),
                    expires_at=clock.now() + timedelta(days=REFRESH_TOKEN_DAYS),
                )
            )
        self.db.add(
            OAuthClientUse(
                client_pk=client.row.id,
                grant_type=request.payload.grant_type or "",
                user_id=user.row.id if user else None,
                scope=token.get("scope", ""),
                ip=request.ip[:64],
            )
        )
        client.row.last_used_at = clock.now()
        self.db.flush()

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Any:  # type: ignore[override]  # authlib passes header pairs
        return status, body, headers

    def create_oauth2_request(self, request: KampRequest) -> KampRequest:
        return request

    # tokens
    def _generate_token(
        self,
        grant_type: str,
        client: Client,
        user: KampUser | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        # Never more than the client is registered for, whatever a grant passed along.
        scopes = parse_scope(client.get_allowed_scope(scope))
        now = int(clock.timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": resource_audience(self.issuer),
            "sub": user.get_user_id() if user else client.get_client_id(),
            "client_id": client.get_client_id(),
            "iat": now,
            "nbf": now,
            "exp": now + ACCESS_TOKEN_SECONDS,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(scopes),
        }
        refreshable = (
            user is not None
            and include_refresh_token
            and "offline_access" in scopes
            and client.check_grant_type("refresh_token")
        )
        if user is not None:
            # Every token a user grant produces belongs to a family that can be revoked as one.
            self.family_id = self.family_id or uuid.uuid4()
            claims["fam"] = str(self.family_id)
        header = {"alg": ALGORITHM, "kid": self.keys.kid, "typ": "at+jwt"}
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": jwt.encode(header, claims, self.keys.signing, algorithms=[ALGORITHM]),
            "expires_in": ACCESS_TOKEN_SECONDS,
            "scope": " ".join(scopes),
        }
        if refreshable:
            token["refresh_token"] = new_token()
        return token

    def parse_access_token(self, token: str) -> FoundToken | None:
        try:
            claims = verify_access_token(
                token, keys=self.keys, issuer=self.issuer, check_time=False
            )
        except ValueError:
            return None
        client = self.db.scalar(
            select(OAuthClient.id).where(OAuthClient.client_id == claims["client_id"])
        )
        return FoundToken("access_token", client, claims) if client else None

    # revocation
    def revoke_family(self, family_id: uuid.UUID) -> None:
        self.db.execute(
            update(OAuthRefreshToken)
            .where(OAuthRefreshToken.family_id == family_id, OAuthRefreshToken.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )
        if self.db.scalar(select(OAuthRevocation.id).where(OAuthRevocation.family_id == family_id)):
            return
        self.db.add(
            OAuthRevocation(
                family_id=family_id, expires_at=clock.now() + timedelta(days=REFRESH_TOKEN_DAYS)
            )
        )
        self.db.flush()

    def revoke_jti(self, jti: str, exp: int) -> None:
        if self.db.scalar(select(OAuthRevocation.id).where(OAuthRevocation.jti == jti)):
            return
        self.db.add(
            OAuthRevocation(
                jti=jti, expires_at=clock.now() + timedelta(seconds=ACCESS_TOKEN_SECONDS)
            )
        )
        self.db.flush()

    def is_revoked(self, jti: str | None, family: str | None) -> bool:
        return (
            self.db.scalar(select(OAuthRevocation.id).where(revoked_clause(jti, family)))
            is not None
        )
