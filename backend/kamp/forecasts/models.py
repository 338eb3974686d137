"""Monthly forecast and actual sales per account (optionally per product line), and the
deviations the KAM has been told about (so each is notified once)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import WorkspaceElement
from kamp.db import Base, Entity


class ForecastEntry(WorkspaceElement, Base):
    """A month's joint (SHARED) figures, and beside them the supplier's INTERNAL ones if kept."""

    __tablename__ = "forecast_entries"
    __table_args__ = (UniqueConstraint("workspace_id", "month", "product_line", "visibility"),)

    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    product_line: Mapped[str] = mapped_column(String(100), default="")  # "" = the whole account
    forecast: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    actual: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))


class SalesGoal(WorkspaceElement, Base):
    """The annual goal and the deviation threshold the KAM watches."""

    __tablename__ = "sales_goals"
    __table_args__ = (UniqueConstraint("workspace_id", "year"),)

    year: Mapped[int] = mapped_column()
    annual_goal: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # |actual - forecast| / forecast above this percentage is a deviation.
    deviation_threshold_pct: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(10))


class DeviationNotice(Entity, Base):
    """One row per deviation already notified: the job never tells the KAM twice."""

    __tablename__ = "deviation_notices"
    __table_args__ = (UniqueConstraint("forecast_entry_id", "direction"),)

    forecast_entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("forecast_entries.id", ondelete="CASCADE")
    )
    direction: Mapped[str] = mapped_column(String(8))  # "above" | "below"
    notified_user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
