"""GraphQL types of action items and their comments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from kamp import clock
from kamp.accounts.types import UserNode, user_node
from kamp.actions import loaders, models
from kamp.coediting.types import WorkspaceElementNode
from kamp.graphql.context import Info
from kamp.graphql.relay import (
    Connection,
    connection,
    node_loader,
    register_node,
    to_global_id,
)
from kamp.meetings import loaders as meeting_loaders
from kamp.meetings.types import AgendaItemNode, MeetingNode
from kamp.pagination import PageArgs
from kamp.plans import loaders as plan_loaders
from kamp.plans.types import ObjectiveNode

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
ActionPriority = models.ActionPriority
strawberry.enum(ActionPriority)
ActionStatus = models.ActionStatus
strawberry.enum(ActionStatus)


@strawberry.type(name="ActionComment")
class ActionCommentNode(WorkspaceElementNode):
    row: strawberry.Private[models.ActionComment]

    @classmethod
    def of(cls, row: models.ActionComment) -> ActionCommentNode:
        return cls(id=to_global_id("ActionComment", row.id), row=row)

    @strawberry.field
    def text(self) -> str:
        return self.row.text

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def author(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.author_id)

    @strawberry.field(description="The members mentioned with @email.")
    async def mentions(self, info: Info) -> list[UserNode]:
        found = [await user_node(info, uuid.UUID(m)) for m in self.row.mentions]
        return [user for user in found if user is not None]


@strawberry.type(name="ActionItem")
class ActionItemNode(WorkspaceElementNode):
    row: strawberry.Private[models.ActionItem]

    @classmethod
    def of(cls, row: models.ActionItem) -> ActionItemNode:
        return cls(id=to_global_id("ActionItem", row.id), row=row)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def due_date(self) -> date | None:
        return self.row.due_date

    @strawberry.field(description="Still open and due before today (UTC).")
    def overdue(self) -> bool:
        return (
            self.row.due_date is not None
            and self.row.due_date < clock.today()
            and self.row.status not in (models.ActionStatus.DONE, models.ActionStatus.CANCELLED)
        )

    @strawberry.field
    def priority(self) -> ActionPriority:
        return self.row.priority

    @strawberry.field
    def status(self) -> ActionStatus:
        return self.row.status

    @strawberry.field(description="A member of either side.")
    async def owner(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.owner_id)

    @strawberry.field(description="The meeting it came from (null if hidden from you).")
    async def meeting(self, info: Info) -> MeetingNode | None:
        if self.row.meeting_id is None:
            return None
        row = await meeting_loaders.meetings(info).load(self.row.meeting_id)
        return MeetingNode.of(row) if row else None

    @strawberry.field
    async def agenda_item(self, info: Info) -> AgendaItemNode | None:
        if self.row.agenda_item_id is None:
            return None
        row = await meeting_loaders.agenda_items(info).load(self.row.agenda_item_id)
        return AgendaItemNode.of(row) if row else None

    @strawberry.field(description="The plan objective it serves (null if hidden from you).")
    async def objective(self, info: Info) -> ObjectiveNode | None:
        if self.row.objective_id is None:
            return None
        row = await plan_loaders.element(info, "Objective").load(self.row.objective_id)
        return ObjectiveNode.of(row) if row else None

    @strawberry.field(description="Oldest first.")
    async def comments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ActionCommentNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.comments_of(info, page).load(self.row.id)
        return connection(result, ActionCommentNode.of)


register_node("ActionItem", node_loader(loaders.action_items, ActionItemNode.of))
register_node("ActionComment", node_loader(loaders.action_comments, ActionCommentNode.of))
