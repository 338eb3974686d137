"""Federated sign-in: an organization's own OpenID provider, and the identities it vouched
for, linked to kamp users."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import Versioned
from kamp.db import Base, Entity


class IdentityProvider(Entity, Versioned, Base):
    __tablename__ = "identity_providers"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    # A short name for the sign-in URL: /auth/federated/<slug>/start
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_encrypted: Mapped[str] = mapped_column(Text, default="")
    # Only people with a verified email in one of these domains may sign in through it.
    allowed_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class FederatedIdentity(Entity, Base):
    __tablename__ = "federated_identities"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    provider_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("identity_providers.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(255))
