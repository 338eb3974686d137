"""The history of every co-edited element: who changed which field, when, from what to what."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, Boolean, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.db import Base, Entity


class ChangeRecord(Entity, Base):
    __tablename__ = "change_records"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    node_type: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(32))  # created | updated | deleted
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[object | None] = mapped_column(JSON)
    after: Mapped[object | None] = mapped_column(JSON)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    # Whether the element was supplier-internal when this happened: customers never see it.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
