"""The outbox: every email is written here in the same transaction as the change that caused
it, then delivered by a job. Without SMTP configured the outbox is where mail stays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamp.db import Base, Entity, UTCDateTime


class OutboxMessage(Entity, Base):
    __tablename__ = "outbox_messages"

    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # An iCalendar (RFC 5545) object sent as a text/calendar attachment, e.g. an invitation.
    calendar: Mapped[str | None] = mapped_column(Text)
