"""Action items owned by a member of either side, followed up until done, with comments."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import WorkspaceElement
from kamp.db import Base, enum_column


class ActionPriority(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    URGENT = "URGENT"


class ActionStatus(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    BLOCKED = "BLOCKED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class ActionItem(WorkspaceElement, Base):
    __tablename__ = "action_items"
    references = {
        "meeting_id": "Meeting",
        "agenda_item_id": "AgendaItem",
        "objective_id": "Objective",
    }

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    priority: Mapped[ActionPriority] = mapped_column(enum_column(ActionPriority, "action_priority"))
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"))
    # Where it came from.
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    objective_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )


class ActionComment(WorkspaceElement, Base):
    __tablename__ = "action_comments"
    parent = ("action_item_id", "ActionItem")

    action_item_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("action_items.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    # The user IDs (as strings) of the members mentioned with @email.
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
