"""GraphQL type of a notification: only its recipient ever loads it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.graphql.relay import Node, node_loader, register_node, to_global_id
from kamp.notifications import models, service


def notifications(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "notifications", service.get_notifications)


@strawberry.type(name="Notification")
class NotificationNode(Node):
    row: strawberry.Private[models.Notification]

    @classmethod
    def of(cls, row: models.Notification) -> NotificationNode:
        return cls(id=to_global_id("Notification", row.id), row=row)

    @strawberry.field(description="What happened, e.g. `minutes.published`, `action.overdue`.")
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def body(self) -> str:
        return self.row.body

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def read(self) -> bool:
        return self.row.read_at is not None

    @strawberry.field
    def read_at(self) -> datetime | None:
        return self.row.read_at

    @strawberry.field
    def workspace_id(self) -> strawberry.ID | None:
        workspace = self.row.workspace_id
        return to_global_id("Workspace", workspace) if workspace else None

    @strawberry.field(
        description="What it is about; fetch it with `node(id:)` (null if it is gone or hidden)."
    )
    def subject_id(self) -> strawberry.ID | None:
        if self.row.node_type is None or self.row.node_id is None:
            return None
        return to_global_id(self.row.node_type, self.row.node_id)


register_node("Notification", node_loader(notifications, NotificationNode.of))
