"""Change events of a workspace. The kernel's writes record them inside the transaction; they
are published only after it commits, so nobody hears of a change that was rolled back. The
broker carries them and knows nothing else of the kernel."""

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
    workspace_id: uuid.UUID | None  # None only for a notice of no one workspace (a digest)
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
            workspace_id=str(self.workspace_id) if self.workspace_id else None,
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
            workspace_id=uuid.UUID(data["workspace_id"]) if data["workspace_id"] else None,
            kind=data["kind"],
            node_type=data["node_type"],
            node_id=uuid.UUID(data["node_id"]),
            internal=bool(data["internal"]),
            actor_id=uuid.UUID(data["actor_id"]) if data["actor_id"] else None,
            fields=tuple(data["fields"]),
            at=datetime.fromisoformat(data["at"]),
            recipient_id=uuid.UUID(data["recipient_id"]) if data.get("recipient_id") else None,
        )


def _record(session: AsyncSession, event: Event) -> None:
    session.info.setdefault(_PENDING, []).append(event)


def take_recorded(session: AsyncSession) -> list[Event]:
    """The events of a transaction that committed, to publish."""
    return session.info.pop(_PENDING, [])


def drop_recorded(session: AsyncSession) -> None:
    """Forget the events of a transaction that rolled back."""
    session.info.pop(_PENDING, None)


def changed(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    node: Any,
    action: str,
    actor_id: uuid.UUID | None,
    fields: Iterable[str] = (),
    internal: bool = False,
) -> None:
    """`node` (a model row; its class names the GraphQL type) was `action`ed. Called by the
    kernel's writes only: they keep history and events together."""
    node_type = type(node).__name__
    _record(
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


def notify(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID | None,
    recipient_id: uuid.UUID,
    node_type: str,
    node_id: uuid.UUID,
) -> None:
    """Tell one user of a new notification (sent on that user's channel only)."""
    _record(
        session,
        Event(
            workspace_id=workspace_id,
            kind=f"{node_type}.created",
            node_type=node_type,
            node_id=node_id,
            recipient_id=recipient_id,
        ),
    )


def presence_changed(workspace_id: uuid.UUID, node_type: str, node_id: uuid.UUID) -> Event:
    """Someone came to or left a page: published at once on the page's own channel."""
    return Event(
        workspace_id=workspace_id, kind="Presence.changed", node_type=node_type, node_id=node_id
    )
