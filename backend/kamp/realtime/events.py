"""Change events of a workspace. Services record them inside the transaction; they are
published only after it commits, so nobody hears of a change that was rolled back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock

_PENDING = "kamp.pending_events"


@dataclass(frozen=True)
class Event:
    workspace_id: uuid.UUID
    kind: str  # e.g. "Location.updated"
    node_type: str
    node_id: uuid.UUID
    # Supplier-internal events reach only those who may read the supplier's internal view.
    internal: bool = False
    actor_id: uuid.UUID | None = None
    fields: tuple[str, ...] = ()
    at: datetime = field(default_factory=clock.now)
    # Set for an event meant for one user only (a notification): sent on that user's channel.
    recipient_id: uuid.UUID | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data.update(
            workspace_id=str(self.workspace_id),
            node_id=str(self.node_id),
            actor_id=str(self.actor_id) if self.actor_id else None,
            recipient_id=str(self.recipient_id) if self.recipient_id else None,
            at=self.at.isoformat(),
            fields=list(self.fields),
        )
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Event:
        data = json.loads(raw)
        return cls(
            workspace_id=uuid.UUID(data["workspace_id"]),
            kind=data["kind"],
            node_type=data["node_type"],
            node_id=uuid.UUID(data["node_id"]),
            internal=bool(data["internal"]),
            actor_id=uuid.UUID(data["actor_id"]) if data["actor_id"] else None,
            fields=tuple(data["fields"]),
            at=datetime.fromisoformat(data["at"]),
            recipient_id=uuid.UUID(data["recipient_id"]) if data.get("recipient_id") else None,
        )


def record(session: AsyncSession, event: Event) -> None:
    session.info.setdefault(_PENDING, []).append(event)


def take_recorded(session: AsyncSession) -> list[Event]:
    return session.info.pop(_PENDING, [])


def drop_recorded(session: AsyncSession) -> None:
    session.info.pop(_PENDING, None)


def record_change(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    node: Any,
    action: str,
    actor_id: uuid.UUID | None,
    fields: Iterable[str] = (),
    internal: bool = False,
) -> None:
    """Record that `node` (a model row; its class names the GraphQL type) was `action`ed."""
    node_type = type(node).__name__
    record(
        session,
        Event(
            workspace_id=workspace_id,
            kind=f"{node_type}.{action}",
            node_type=node_type,
            node_id=node.id,
            internal=internal,
            actor_id=actor_id,
            fields=tuple(fields),
        ),
    )


def changed_fields(row: Any, values: dict[str, Any]) -> list[str]:
    """Apply the given (non-None) values to a row; returns the names that really changed."""
    changed: list[str] = []
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed
