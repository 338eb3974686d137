"""Tenancy core: organizations, users, key accounts, workspaces, memberships, locations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Numeric, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import Versioned
from kamp.db import Base, Entity, UTCDateTime, enum_column


class Side(StrEnum):
    SUPPLIER = "SUPPLIER"
    CUSTOMER = "CUSTOMER"


class Role(StrEnum):
    KAM = "KAM"
    SUPPLIER_MEMBER = "SUPPLIER_MEMBER"
    SUPPLIER_EXECUTIVE = "SUPPLIER_EXECUTIVE"
    MENTOR = "MENTOR"
    CUSTOMER_BUYER = "CUSTOMER_BUYER"
    CUSTOMER_EXECUTIVE = "CUSTOMER_EXECUTIVE"

    @property
    def side(self) -> Side:
        return Side.CUSTOMER if self.name.startswith("CUSTOMER") else Side.SUPPLIER


class Tier(StrEnum):
    STRATEGIC = "STRATEGIC"
    KEY = "KEY"
    DEVELOPING = "DEVELOPING"


class KeyAccountStatus(StrEnum):
    PROSPECT = "PROSPECT"
    ACTIVE = "ACTIVE"
    AT_RISK = "AT_RISK"
    DORMANT = "DORMANT"


class LocationKind(StrEnum):
    HEADQUARTERS = "HEADQUARTERS"
    REGION = "REGION"
    DISTRICT = "DISTRICT"
    BRANCH = "BRANCH"


class Organization(Entity, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[Side] = mapped_column(enum_column(Side, "organization_kind"))
    # A supplier's total annual sales: the base of each account's share (concentration).
    annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))


class User(Entity, Base):
    __tablename__ = "users"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # An organization admin manages the organization itself (for a supplier: its key accounts).
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The IANA zone in which the user sees times (meetings, reminders, the digest).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")


class KeyAccount(Entity, Versioned, Base):
    __tablename__ = "key_accounts"
    __table_args__ = (UniqueConstraint("supplier_id", "customer_id"),)

    supplier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kam_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Tier, status, score and the profile below are the supplier's own view: never shown to
    # the customer. Tier names come from the supplier's tier definitions.
    tier: Mapped[str] = mapped_column(String(50))
    status: Mapped[KeyAccountStatus] = mapped_column(
        enum_column(KeyAccountStatus, "key_account_status")
    )
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    industry: Mapped[str] = mapped_column(String(100), default="")
    industry_rank: Mapped[int | None] = mapped_column()
    competitive_position: Mapped[str] = mapped_column(Text, default="")
    customer_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    annual_sales: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))


class Workspace(Entity, Versioned, Base):
    __tablename__ = "workspaces"

    key_account_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("key_accounts.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")


class Membership(Entity, Versioned, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "membership_role"))
    title: Mapped[str] = mapped_column(String(200), default="")


class Invitation(Entity, Base):
    __tablename__ = "invitations"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "invitation_role"))
    invited_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    # Only a hash is kept: the token itself exists in the emailed link alone.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Location(Entity, Versioned, Base):
    __tablename__ = "locations"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind, "location_kind"))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")


class SelectionCriterion(Entity, Versioned, Base):
    """One of the supplier's weighted criteria for selecting and tiering key accounts."""

    __tablename__ = "selection_criteria"
    __table_args__ = (UniqueConstraint("supplier_id", "name"),)

    supplier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))


class CriterionScore(Entity, Versioned, Base):
    __tablename__ = "criterion_scores"
    __table_args__ = (UniqueConstraint("key_account_id", "criterion_id"),)

    key_account_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("key_accounts.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("selection_criteria.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(4, 2))  # 0 .. 10


class TierDefinition(Entity, Versioned, Base):
    """A supplier's tier: accounts scoring at least `min_score` get it (highest first)."""

    __tablename__ = "tier_definitions"
    __table_args__ = (UniqueConstraint("supplier_id", "name"),)

    supplier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(50))
    min_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ScoreChange(Entity, Base):
    """The history of an account's computed score and tier."""

    __tablename__ = "score_changes"

    key_account_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("key_accounts.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tier: Mapped[str] = mapped_column(String(50))
    previous_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    previous_tier: Mapped[str | None] = mapped_column(String(50))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
