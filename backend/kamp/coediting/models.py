"""The model mixins of the co-editing kernel: a row's version (optimistic locking) and, for
a workspace element, its workspace and visibility. The core (`kamp.db`) knows no workspace."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kamp import clock
from kamp.db import Entity, UTCDateTime, enum_column


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
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class WorkspaceElement(Entity, Versioned):
    """A co-edited element of a workspace: versioned, with a visibility, history and events."""

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_column(Visibility, "visibility"), default=Visibility.SHARED
    )
