"""Queries, inputs and mutations of action items: thin, they decode input and call services."""

from __future__ import annotations

from datetime import date

import strawberry

from kamp.accounts.types import Side
from kamp.actions import comments, service
from kamp.actions.types import ActionCommentNode, ActionItemNode, ActionPriority, ActionStatus
from kamp.coediting.types import Visibility
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType, mutate, service_mutation
from kamp.graphql.relay import Connection, connection, decode_id, optional_id, query_id
from kamp.pagination import PageArgs


@strawberry.input
class CreateActionItemInput:
    workspace_id: strawberry.ID
    title: str
    description: str = ""
    owner_id: strawberry.ID | None = None
    due_date: date | None = None
    priority: ActionPriority = ActionPriority.MEDIUM  # type: ignore[valid-type]
    meeting_id: strawberry.ID | None = None
    agenda_item_id: strawberry.ID | None = None
    objective_id: strawberry.ID | None = None
    visibility: Visibility | None = None  # type: ignore[valid-type]


@strawberry.input
class UpdateActionItemInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    description: str | None = None
    owner_id: strawberry.ID | None = None
    due_date: date | None = None
    priority: ActionPriority | None = None  # type: ignore[valid-type]
    status: ActionStatus | None = None  # type: ignore[valid-type]
    objective_id: strawberry.ID | None = None
    visibility: Visibility | None = None  # type: ignore[valid-type]


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
    visibility: Visibility | None = None  # type: ignore[valid-type]


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
        side: Side | None = None,  # type: ignore[valid-type]
        status: ActionStatus | None = None,  # type: ignore[valid-type]
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
    @strawberry.mutation
    async def create_action_item(
        self, info: Info, input: CreateActionItemInput
    ) -> ActionItemPayload:
        return await service_mutation(
            info,
            payload=ActionItemPayload,
            field="action_item",
            node=ActionItemNode.of,
            decode=lambda: {
                "workspace_id": decode_id(input.workspace_id, "Workspace", field="workspaceId"),
                "owner_id": optional_id(input.owner_id, "User", field="ownerId"),
                "meeting_id": optional_id(input.meeting_id, "Meeting", field="meetingId"),
                "agenda_item_id": optional_id(
                    input.agenda_item_id, "AgendaItem", field="agendaItemId"
                ),
                "objective_id": optional_id(input.objective_id, "Objective", field="objectiveId"),
            },
            call=lambda s, p, **ids: service.create_action_item(
                s,
                principal=p,
                title=input.title,
                description=input.description,
                due_date=input.due_date,
                priority=input.priority,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="A customer may update only the action items it owns.")
    async def update_action_item(
        self, info: Info, input: UpdateActionItemInput
    ) -> ActionItemPayload:
        return await service_mutation(
            info,
            payload=ActionItemPayload,
            field="action_item",
            node=ActionItemNode.of,
            decode=lambda: {
                "item_id": decode_id(input.id, "ActionItem"),
                "owner_id": optional_id(input.owner_id, "User", field="ownerId"),
                "objective_id": optional_id(input.objective_id, "Objective", field="objectiveId"),
            },
            call=lambda s, p, **ids: service.update_action_item(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                description=input.description,
                due_date=input.due_date,
                priority=input.priority,
                status=input.status,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="The supplier deletes; customers close their items.")
    async def delete_action_item(
        self, info: Info, input: ActionItemIdInput
    ) -> DeleteActionItemPayload:
        async def run() -> DeleteActionItemPayload:
            await service.delete_action_item(
                info.context.session,
                principal=await info.context.require_principal(),
                item_id=decode_id(input.id, "ActionItem"),
            )
            return DeleteActionItemPayload(deleted_id=input.id)

        return await mutate(
            info, run, payload=DeleteActionItemPayload, field="deleted_id", node=lambda _: None
        )

    @strawberry.mutation(description="Comment on an action item; @email mentions a member.")
    async def add_action_comment(
        self, info: Info, input: AddActionCommentInput
    ) -> ActionCommentPayload:
        return await service_mutation(
            info,
            payload=ActionCommentPayload,
            field="comment",
            node=ActionCommentNode.of,
            decode=lambda: {
                "action_item_id": decode_id(
                    input.action_item_id, "ActionItem", field="actionItemId"
                )
            },
            call=lambda s, p, **ids: comments.add_comment(
                s, principal=p, text=input.text, visibility=input.visibility, **ids
            ),
        )
