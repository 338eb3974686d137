"""GraphQL pieces shared by every co-edited element: visibility and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import UserNode
from kamp.auth.policy import Permission
from kamp.coediting import access
from kamp.coediting.history import list_history
from kamp.coediting.models import ChangeRecord, WorkspaceElement
from kamp.coediting.models import Visibility as VisibilityModel
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.graphql.relay import Connection, Node, connection
from kamp.pagination import PageArgs

# The model's enum is the GraphQL enum: strawberry.enum marks the class in place.
Visibility = VisibilityModel
strawberry.enum(
    Visibility,
    name="Visibility",
    description="SHARED: both sides see it. INTERNAL: the supplier alone.",
)


@strawberry.type(description="One change to an element: who, when, which field, before, after.")
class HistoryEntry:
    row: strawberry.Private[ChangeRecord]

    @strawberry.field(description="created, updated or deleted")
    def action(self) -> str:
        return self.row.action

    @strawberry.field
    def field(self) -> str | None:
        return self.row.field

    @strawberry.field
    def before(self) -> JSON | None:
        return JSON(self.row.before)

    @strawberry.field
    def after(self) -> JSON | None:
        return JSON(self.row.after)

    @strawberry.field
    def at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def actor(self, info: Info) -> UserNode | None:
        if self.row.actor_id is None:
            return None
        user = await account_loaders.users(info).load(self.row.actor_id)
        return UserNode.of(user) if user else None


async def history_of(
    info: Info, row: WorkspaceElement, first: int | None, after: str | None
) -> Connection[HistoryEntry]:
    """The `history` field of an element the viewer could already load."""
    page = PageArgs.parse(first, after)
    result = await list_history(
        info.context.session,
        principal=await info.context.require_principal(),
        workspace_id=row.workspace_id,
        node_id=row.id,
        page=page,
    )
    return connection(result, lambda record: HistoryEntry(row=record))


@strawberry.type(
    name="ViewerCan",
    description="What the viewer may do with an element. The API refuses exactly what this "
    "denies: show an action only where it says true.",
)
class ViewerCan:
    edit: bool
    delete: bool
    share: bool = strawberry.field(description="Change who sees it (SHARED or INTERNAL).")
    comment: bool

    @classmethod
    def of(cls, abilities: access.Abilities) -> ViewerCan:
        return cls(
            edit=abilities.edit,
            delete=abilities.delete,
            share=abilities.share,
            comment=abilities.comment,
        )


@strawberry.interface(
    name="WorkspaceElement",
    description="A versioned, co-edited element of a workspace, with a visibility and history.",
)
class WorkspaceElementNode(Node):
    row: strawberry.Private[WorkspaceElement]

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def visibility(self) -> Visibility:
        return self.row.visibility

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.row.updated_at

    @strawberry.field(description="What the viewer may do with this element.")
    async def viewer_can(self, info: Info) -> ViewerCan:
        principal = await info.context.require_principal()
        return ViewerCan.of(access.viewer_can(principal, self.row))

    @strawberry.field(description="Every change, oldest first.")
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[HistoryEntry]:
        return await history_of(info, self.row, first, after)


async def rank_of(info: Info, row: Any, permission: Permission) -> int:
    """An element's place among the siblings the viewer sees (batched per request)."""
    model = type(row)
    parent_id = getattr(row, model.parent[0])

    async def fetch(session: Any, *, principal: Any, ids: list[Any]) -> dict[Any, Any]:
        return await access.ranks(
            session, principal=principal, model=model, permission=permission, parent_ids=ids
        )

    ranked = await keyed_loader(info, f"ranks:{model.__name__}", fetch).load(parent_id)
    return (ranked or {}).get(row.id, 0)
