"""Queries, inputs and mutations of action items: thin, they decode input and call services."""

from __future__ import annotations

from datetime import date

import strawberry

from kamp.accounts.types import Side
from kamp.actions import comments, service
from kamp.actions.types import ActionCommentNode, ActionItemNode, ActionPriority, ActionStatus
from kamp.coediting.types import Visibility
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, query_id
from kamp.pagination import PageArgs


@strawberry.input
class CreateActionItemInput:
    workspace_id: strawberry.ID
    title: str
    description: str = ""
    owner_id: strawberry.ID | None = None
    due_date: date | None = None
    priority: ActionPriority = ActionPriority.MEDIUM
    meeting_id: strawberry.ID | None = None
    agenda_item_id: strawberry.ID | None = None
    objective_id: strawberry.ID | None = None
    visibility: Visibility | None = None


@strawberry.input
class UpdateActionItemInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    description: str | None = None
    owner_id: strawberry.ID | None = None
    due_date: date | None = None
    priority: ActionPriority | None = None
    status: ActionStatus | None = None
    objective_id: strawberry.ID | None = None
    visibility: Visibility | None = None


@strawberry.type
class ActionItemPayload:
    action_item: ActionItemNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class ActionItemIdInput:
    id: strawberry.ID


@strawberry.type
class DeleteActionItemPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class AddActionCommentInput:
    action_item_id: strawberry.ID
    text: str = strawberry.field(description="Mention members with @their.email@example.com.")
    visibility: Visibility | None = None


@strawberry.type
class ActionCommentPayload:
    comment: ActionCommentNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class ActionsQuery:
    @strawberry.field(description="The workspace's action items, oldest first, filtered.")
    async def action_items(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        mine: bool = False,
        overdue: bool = False,
        side: Side | None = None,
        status: ActionStatus | None = None,
        objective_id: strawberry.ID | None = None,
        meeting_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ActionItemNode]:
        page = PageArgs.parse(first, after)
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        objective = (
            query_id(objective_id, "Objective", field="objectiveId") if objective_id else None
        )
        meeting = query_id(meeting_id, "Meeting", field="meetingId") if meeting_id else None
        result = await service.list_action_items(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            mine=mine,
            overdue=overdue,
            side=side,
            status=status,
            objective_id=objective,
            meeting_id=meeting,
        )
        return connection(result, ActionItemNode.of)


@strawberry.type
class ActionsMutation:
    create_action_item = service_mutation(
        service.create_action_item,
        input=CreateActionItemInput,
        payload=ActionItemPayload,
        field="action_item",
        node=ActionItemNode.of,
        ids={
            "workspace_id": "Workspace",
            "owner_id": "User",
            "meeting_id": "Meeting",
            "agenda_item_id": "AgendaItem",
            "objective_id": "Objective",
        },
    )
    update_action_item = service_mutation(
        service.update_action_item,
        description="A customer may update only the action items it owns.",
        input=UpdateActionItemInput,
        payload=ActionItemPayload,
        field="action_item",
        node=ActionItemNode.of,
        ids={"id": "ActionItem", "owner_id": "User", "objective_id": "Objective"},
        rename={"id": "item_id"},
    )
    delete_action_item = service_mutation(
        service.delete_action_item,
        description="The supplier deletes; customers close their items.",
        input=ActionItemIdInput,
        payload=DeleteActionItemPayload,
        field="deleted_id",
        node=None,
        ids={"id": "ActionItem"},
        rename={"id": "item_id"},
    )
    add_action_comment = service_mutation(
        comments.add_comment,
        description="Comment on an action item; @email mentions a member.",
        input=AddActionCommentInput,
        payload=ActionCommentPayload,
        field="comment",
        node=ActionCommentNode.of,
        ids={"action_item_id": "ActionItem"},
    )
