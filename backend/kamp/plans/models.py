"""The joint account plan: objectives with measures, SWOT, initiatives, contingency,
approvals and comments. Every element carries its own visibility and version."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from kamp.accounts.models import Side
from kamp.coediting.models import WorkspaceElement
from kamp.db import Base, Entity, UTCDateTime, enum_column


class PlanStage(StrEnum):
    PRE_SALES = "PRE_SALES"
    CONTRACT_NEGOTIATION = "CONTRACT_NEGOTIATION"
    IMPLEMENTATION = "IMPLEMENTATION"
    REVIEW = "REVIEW"
    EXPLOITATION = "EXPLOITATION"


class PlanStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ObjectiveStatus(StrEnum):
    NOT_STARTED = "NOT_STARTED"
    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"
    ACHIEVED = "ACHIEVED"


class SwotKind(StrEnum):
    STRENGTH = "STRENGTH"
    WEAKNESS = "WEAKNESS"
    OPPORTUNITY = "OPPORTUNITY"
    THREAT = "THREAT"


class TeamKind(StrEnum):
    PRODUCT_DEVELOPMENT = "PRODUCT_DEVELOPMENT"
    QUALITY = "QUALITY"
    BRANDING = "BRANDING"
    SUPPLY_CHAIN = "SUPPLY_CHAIN"
    OTHER = "OTHER"


class Decision(StrEnum):
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class AccountPlan(WorkspaceElement, Base):
    """One living plan per workspace per period; an approved plan is frozen as a snapshot and
    further edits start a new draft (the next revision of the same period)."""

    __tablename__ = "account_plans"
    __table_args__ = (UniqueConstraint("workspace_id", "period", "revision"),)

    period: Mapped[str] = mapped_column(String(20))  # e.g. "2027" or "2027-H1"
    revision: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[PlanStage] = mapped_column(enum_column(PlanStage, "plan_stage"))
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus, "plan_status"))
    summary: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The previous revision this draft continues (None for the first).
    previous_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="SET NULL")
    )


class Objective(WorkspaceElement, Base):
    __tablename__ = "objectives"
    parent = ("plan_id", "AccountPlan")

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[Side] = mapped_column(enum_column(Side, "objective_side"))  # whose objective
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ObjectiveStatus] = mapped_column(
        enum_column(ObjectiveStatus, "objective_status")
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)


class Measure(WorkspaceElement, Base):
    __tablename__ = "measures"
    parent = ("objective_id", "Objective")

    objective_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("objectives.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    target: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    current: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))
    unit: Mapped[str] = mapped_column(String(30), default="")


class SwotEntry(WorkspaceElement, Base):
    __tablename__ = "swot_entries"
    parent = ("plan_id", "AccountPlan")

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SwotKind] = mapped_column(enum_column(SwotKind, "swot_kind"))
    text: Mapped[str] = mapped_column(Text)


class Initiative(WorkspaceElement, Base):
    """A value-added initiative, run by a cross-business team."""

    __tablename__ = "initiatives"
    parent = ("plan_id", "AccountPlan")

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[TeamKind] = mapped_column(enum_column(TeamKind, "team_kind"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    value_estimate: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))


class ContingencyPlan(WorkspaceElement, Base):
    """What the supplier does if it loses the account; internal unless the KAM shares it."""

    __tablename__ = "contingency_plans"
    parent = ("plan_id", "AccountPlan")

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), unique=True
    )
    revenue_at_risk: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    trigger: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")


class PlanApproval(Entity, Base):
    __tablename__ = "plan_approvals"

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), index=True
    )
    approver_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    side: Mapped[Side] = mapped_column(enum_column(Side, "approval_side"))
    decision: Mapped[Decision] = mapped_column(enum_column(Decision, "approval_decision"))
    comment: Mapped[str] = mapped_column(Text, default="")


class PlanSnapshot(Entity, Base):
    """The approved plan, frozen: every element as it was, with its visibility."""

    __tablename__ = "plan_snapshots"

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), unique=True
    )
    content: Mapped[dict[str, object]] = mapped_column(JSON)


class PlanComment(WorkspaceElement, Base):
    """A comment (typically the mentor's) on the plan or on one of its elements."""

    __tablename__ = "plan_comments"
    parent = ("plan_id", "AccountPlan")

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("account_plans.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"))
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    text: Mapped[str] = mapped_column(Text)
