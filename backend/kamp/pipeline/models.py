"""The pipeline of opportunities with the account; the KAM chooses what the customer sees."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import WorkspaceElement
from kamp.db import Base, enum_column


class OpportunityStage(StrEnum):
    NEW = "NEW"
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


class Opportunity(WorkspaceElement, Base):
    __tablename__ = "opportunities"

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[OpportunityStage] = mapped_column(
        enum_column(OpportunityStage, "opportunity_stage")
    )
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    expected_close: Mapped[date | None] = mapped_column(Date)
    product_line: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    # Why a lost opportunity was lost, and what to do differently.
    post_mortem: Mapped[str] = mapped_column(Text, default="")
