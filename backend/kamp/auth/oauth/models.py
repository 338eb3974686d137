"""The OAuth 2 authorization server's tables: clients, codes, refresh tokens, revocations,
signing keys. Secrets and tokens are stored only as hashes; private keys only encrypted."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.accounts.models import Role
from kamp.coediting.models import Versioned
from kamp.db import Base, Entity, UTCDateTime, enum_column


class OAuthClient(Entity, Versioned, Base):
    __tablename__ = "oauth_clients"

    # The public identifier integrators configure; the UUID stays internal.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    # None for a public client (a browser or native app using PKCE without a secret).
    secret_hash: Mapped[str | None] = mapped_column(String(255))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    grant_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The role a machine client (client credentials) acts with in its key accounts.
    role: Mapped[Role | None] = mapped_column(enum_column(Role, "oauth_client_role"))
    # Empty: every key account of the organization; else only these.
    key_account_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OAuthClientUse(Entity, Base):
    """One line per token issued: what the admin sees as the client's recent use."""

    __tablename__ = "oauth_client_uses"

    client_pk: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    grant_type: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    scope: Mapped[str] = mapped_column(String(1000), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class OAuthAuthorizationCode(Entity, Base):
    __tablename__ = "oauth_authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(1000), default="")
    nonce: Mapped[str | None] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the code is redeemed, so that a replayed code can revoke what it produced.
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class OAuthRefreshToken(Entity, Base):
    """Refresh tokens rotate on every use; all tokens of one grant share a family, and
    presenting an already rotated token revokes the whole family (reuse detection)."""

    __tablename__ = "oauth_refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    client_pk: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(1000), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OAuthRevocation(Entity, Base):
    """Revoked access tokens (by jti) and token families; kept until the tokens expire."""

    __tablename__ = "oauth_revocations"

    jti: Mapped[str | None] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SigningKey(Entity, Base):
    """Asymmetric keys for access and ID tokens. The newest active key signs; retired keys
    stay in the JWKS until every token they signed has expired."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_key_encrypted: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
