"""In-app notifications: one row per recipient, read or unread. Jobs and services that notify
also send the email in the same transaction; `dedupe_key` makes each notice happen once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.db import Base, Entity, UTCDateTime


class Notification(Entity, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # A retried or duplicated job finds its notice already there and sends nothing.
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))  # e.g. "minutes.published"
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # What it is about (a GraphQL type name and row ID), for a link in the web app.
    node_type: Mapped[str | None] = mapped_column(String(64))
    node_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
