"""The tables of the co-editing kernel: the model mixins (a row's version for optimistic
locking; a workspace element's workspace and visibility) and the history every write leaves.
The core (`kamp.db`) knows no workspace."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kamp import clock
from kamp.db import Base, Entity, UTCDateTime, enum_column


class Visibility(StrEnum):
    """Who sees an element: both sides, or the supplier alone."""

    SHARED = "SHARED"
    INTERNAL = "INTERNAL"


class Versioned:
    """An editable row: updates carry the version they were based on (optimistic locking).

    SQLAlchemy bumps `version` on every UPDATE and adds `WHERE version = :old`, so two
    writers that read the same version cannot both win even between check and flush.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]  # declared_attr: the table exists at class creation


class WorkspaceElement(Entity, Versioned):
    """A co-edited element of a workspace: versioned, with a visibility, history and events."""

    # The element this one belongs to, as (foreign key attribute, model class name): it is
    # visible only while its parent is, and so on up (kamp.coediting.access).
    parent: ClassVar[tuple[str, str] | None] = None
    # Fields that point at other elements, by model class name: their history shows the
    # reference only to those who may see what it points at.
    references: ClassVar[dict[str, str]] = {}

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "visibility"), default=Visibility.SHARED
    )


class ChangeRecord(Entity, Base):
    """One change to a co-edited row: who changed which field, when, from what to what."""

    __tablename__ = "change_records"

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    node_type: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(32))  # created | updated | deleted | ...
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[object | None] = mapped_column(JSON)
    after: Mapped[object | None] = mapped_column(JSON)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    # Whether the change was supplier-internal (an internal element, or an internal field of a
    # shared one): customers never see it.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
