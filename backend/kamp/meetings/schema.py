"""Queries and mutations of meetings: thin, they decode input and call services."""

from __future__ import annotations

import strawberry

from kamp.errors import BadRequest, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.graphql.mutations import mutate, service_mutation
from kamp.graphql.relay import Connection, connection, parse_global_id, query_id
from kamp.meetings import agenda, service
from kamp.meetings.inputs import (
    AgendaItemPayload,
    CreateAgendaItemInput,
    CreateMeetingInput,
    CreateMeetingSeriesInput,
    DecisionPayload,
    DeleteMeetingElementPayload,
    MeetingElementIdInput,
    MeetingPayload,
    MeetingSeriesPayload,
    MeetingVersionInput,
    MoveAgendaItemInput,
    RecordDecisionInput,
    UpdateAgendaItemInput,
    UpdateDecisionInput,
    UpdateMeetingInput,
    UpdateMeetingSeriesInput,
)
from kamp.meetings.models import AgendaItem, MeetingDecision
from kamp.meetings.types import (
    AgendaItemNode,
    MeetingDecisionNode,
    MeetingNode,
    MeetingSeriesNode,
    MeetingStatus,
)
from kamp.pagination import PageArgs


@strawberry.type
class MeetingsQuery:
    @strawberry.field(description="The workspace's meeting series, oldest first.")
    async def meeting_series(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MeetingSeriesNode]:
        page = PageArgs.parse(first, after)
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        result = await service.list_series(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
        )
        return connection(result, MeetingSeriesNode.of)

    @strawberry.field(description="The workspace's meetings, newest first.")
    async def meetings(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        series_id: strawberry.ID | None = None,
        status: MeetingStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MeetingNode]:
        page = PageArgs.parse(first, after)
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        series = query_id(series_id, "MeetingSeries", field="seriesId") if series_id else None
        result = await service.list_meetings(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            series_id=series,
            status=status,
        )
        return connection(result, MeetingNode.of)


def _base_url(info: Info, _: object) -> dict[str, str]:
    """Notices and calendar invitations link back to the portal."""
    return {"base_url": info.context.settings.base_url}


@strawberry.type
class MeetingsMutation:
    create_meeting_series = service_mutation(
        service.create_series,
        description="The KAM sets up a recurring meeting.",
        input=CreateMeetingSeriesInput,
        payload=MeetingSeriesPayload,
        field="series",
        node=MeetingSeriesNode.of,
        ids={"workspace_id": "Workspace"},
    )
    update_meeting_series = service_mutation(
        service.update_series,
        input=UpdateMeetingSeriesInput,
        payload=MeetingSeriesPayload,
        field="series",
        node=MeetingSeriesNode.of,
        ids={"id": "MeetingSeries"},
        rename={"id": "series_id"},
    )
    create_meeting = service_mutation(
        service.create_meeting,
        description="The KAM schedules a meeting; its agenda starts from a template.",
        input=CreateMeetingInput,
        payload=MeetingPayload,
        field="meeting",
        node=MeetingNode.of,
        ids={"workspace_id": "Workspace", "series_id": "MeetingSeries", "attendee_ids": "User"},
        extra=_base_url,
    )
    update_meeting = service_mutation(
        service.update_meeting,
        input=UpdateMeetingInput,
        payload=MeetingPayload,
        field="meeting",
        node=MeetingNode.of,
        ids={"id": "Meeting", "attendee_ids": "User"},
        rename={"id": "meeting_id"},
        extra=_base_url,
    )
    cancel_meeting = service_mutation(
        service.cancel_meeting,
        description="The KAM cancels a meeting.",
        input=MeetingVersionInput,
        payload=MeetingPayload,
        field="meeting",
        node=MeetingNode.of,
        ids={"id": "Meeting"},
        rename={"id": "meeting_id"},
        extra=_base_url,
    )
    publish_minutes = service_mutation(
        service.publish_minutes,
        description="The KAM publishes the minutes: notes and decisions.",
        input=MeetingVersionInput,
        payload=MeetingPayload,
        field="meeting",
        node=MeetingNode.of,
        ids={"id": "Meeting"},
        rename={"id": "meeting_id"},
        extra=_base_url,
    )
    create_agenda_item = service_mutation(
        agenda.create_agenda_item,
        input=CreateAgendaItemInput,
        payload=AgendaItemPayload,
        field="item",
        node=AgendaItemNode.of,
        ids={"meeting_id": "Meeting", "owner_id": "User"},
    )
    update_agenda_item = service_mutation(
        agenda.update_agenda_item,
        description="Also how minutes are taken: the notes of each item.",
        input=UpdateAgendaItemInput,
        payload=AgendaItemPayload,
        field="item",
        node=AgendaItemNode.of,
        ids={"id": "AgendaItem", "owner_id": "User"},
        rename={"id": "item_id"},
    )
    move_agenda_item = service_mutation(
        agenda.move_agenda_item,
        input=MoveAgendaItemInput,
        payload=AgendaItemPayload,
        field="item",
        node=AgendaItemNode.of,
        ids={"id": "AgendaItem"},
        rename={"id": "item_id"},
    )
    record_decision = service_mutation(
        agenda.record_decision,
        input=RecordDecisionInput,
        payload=DecisionPayload,
        field="decision",
        node=MeetingDecisionNode.of,
        ids={"meeting_id": "Meeting", "agenda_item_id": "AgendaItem"},
    )
    update_decision = service_mutation(
        agenda.update_decision,
        input=UpdateDecisionInput,
        payload=DecisionPayload,
        field="decision",
        node=MeetingDecisionNode.of,
        ids={"id": "MeetingDecision"},
        rename={"id": "decision_id"},
    )

    @strawberry.mutation(description="Delete an agenda item or a decision.")
    async def delete_meeting_element(
        self, info: Info, input: MeetingElementIdInput
    ) -> DeleteMeetingElementPayload:
        async def run() -> DeleteMeetingElementPayload:
            try:
                type_name, element_id = parse_global_id(input.id)
            except BadRequest as exc:
                raise UserError("id", "This is not a valid ID.", ErrorCode.INVALID) from exc
            models = {"AgendaItem": AgendaItem, "MeetingDecision": MeetingDecision}
            if type_name not in models:
                raise UserError("id", "Give an agenda item or a decision.", ErrorCode.INVALID)
            await agenda.delete_child(
                info.context.session,
                principal=await info.context.require_principal(),
                model=models[type_name],
                element_id=element_id,
            )
            return DeleteMeetingElementPayload(deleted_id=input.id)

        return await mutate(
            info, run, payload=DeleteMeetingElementPayload, field="deleted_id", node=lambda _: None
        )
