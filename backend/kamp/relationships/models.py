"""The relationship map: the customer's people as an org chart, and who on the supplier side
knows them how well. Stance and strength are supplier-internal by default."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import Visibility, WorkspaceElement
from kamp.db import Base, enum_column


class BuyingRole(StrEnum):
    DECISION_MAKER = "DECISION_MAKER"
    INFLUENCER = "INFLUENCER"
    USER = "USER"
    GATEKEEPER = "GATEKEEPER"
    CHAMPION = "CHAMPION"


class Stance(StrEnum):
    SUPPORTER = "SUPPORTER"
    NEUTRAL = "NEUTRAL"
    SKEPTIC = "SKEPTIC"
    OPPONENT = "OPPONENT"
    UNKNOWN = "UNKNOWN"


class Contact(WorkspaceElement, Base):
    """A person of the customer. The contact itself is shared (the customer knows its own
    people); `stance` and `stance_visibility` keep the supplier's reading of them apart."""

    __tablename__ = "contacts"
    references = {"reports_to_id": "Contact", "location_id": "Location"}

    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    reports_to_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="SET NULL")
    )
    buying_role: Mapped[BuyingRole] = mapped_column(enum_column(BuyingRole, "buying_role"))
    influence: Mapped[int] = mapped_column(default=3)  # 1 (little) .. 5 (decisive)
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "stance"), default=Stance.UNKNOWN)
    stance_visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "stance_visibility"), default=Visibility.INTERNAL
    )


class Relationship(WorkspaceElement, Base):
    """A supplier person's relationship with a contact; internal by default."""

    __tablename__ = "relationships"
    parent = ("contact_id", "Contact")
    __table_args__ = (UniqueConstraint("supplier_user_id", "contact_id"),)

    supplier_user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    strength: Mapped[int] = mapped_column(default=3)  # 1 (acquaintance) .. 5 (trusted)
    last_interaction: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(String(2000), default="")
