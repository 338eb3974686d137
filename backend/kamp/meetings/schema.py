"""Queries and mutations of meetings: thin, they decode input and call services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import strawberry

from kamp.errors import BadRequest, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import mutate, service_mutation
from kamp.graphql.relay import (
    Connection,
    connection,
    decode_id,
    optional_id,
    parse_global_id,
    query_id,
)
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
        status: MeetingStatus | None = None,  # type: ignore[valid-type]
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


def _users(values: Sequence[strawberry.ID] | None) -> list[uuid.UUID] | None:
    if values is None:
        return None
    return [decode_id(v, "User", field="attendeeIds") for v in values]


def _owner(value: strawberry.ID | None) -> uuid.UUID | None:
    return optional_id(value, "User", field="ownerId")


@strawberry.type
class MeetingsMutation:
    @strawberry.mutation(description="The KAM sets up a recurring meeting.")
    async def create_meeting_series(
        self, info: Info, input: CreateMeetingSeriesInput
    ) -> MeetingSeriesPayload:
        return await service_mutation(
            info,
            payload=MeetingSeriesPayload,
            field="series",
            node=MeetingSeriesNode.of,
            decode=lambda: {
                "workspace_id": decode_id(input.workspace_id, "Workspace", field="workspaceId")
            },
            call=lambda s, p, **ids: service.create_series(
                s,
                principal=p,
                title=input.title,
                meeting_type=input.meeting_type,
                rrule=input.rrule,
                time_zone=input.time_zone,
                starts_on=input.starts_on,
                local_start_time=input.local_start_time,
                duration_minutes=input.duration_minutes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_meeting_series(
        self, info: Info, input: UpdateMeetingSeriesInput
    ) -> MeetingSeriesPayload:
        return await service_mutation(
            info,
            payload=MeetingSeriesPayload,
            field="series",
            node=MeetingSeriesNode.of,
            decode=lambda: {"series_id": decode_id(input.id, "MeetingSeries")},
            call=lambda s, p, **ids: service.update_series(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                rrule=input.rrule,
                time_zone=input.time_zone,
                local_start_time=input.local_start_time,
                duration_minutes=input.duration_minutes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(
        description="The KAM schedules a meeting; its agenda starts from a template."
    )
    async def create_meeting(self, info: Info, input: CreateMeetingInput) -> MeetingPayload:
        return await service_mutation(
            info,
            payload=MeetingPayload,
            field="meeting",
            node=MeetingNode.of,
            decode=lambda: {
                "workspace_id": decode_id(input.workspace_id, "Workspace", field="workspaceId"),
                "series_id": optional_id(input.series_id, "MeetingSeries", field="seriesId"),
                "attendee_ids": _users(input.attendee_ids) or [],
            },
            call=lambda s, p, **ids: service.create_meeting(
                s,
                principal=p,
                base_url=info.context.settings.base_url,
                title=input.title,
                meeting_type=input.meeting_type,
                starts_at=input.starts_at,
                time_zone=input.time_zone,
                duration_minutes=input.duration_minutes,
                place=input.place,
                video_link=input.video_link,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_meeting(self, info: Info, input: UpdateMeetingInput) -> MeetingPayload:
        return await service_mutation(
            info,
            payload=MeetingPayload,
            field="meeting",
            node=MeetingNode.of,
            decode=lambda: {
                "meeting_id": decode_id(input.id, "Meeting"),
                "attendee_ids": _users(input.attendee_ids),
            },
            call=lambda s, p, **ids: service.update_meeting(
                s,
                principal=p,
                base_url=info.context.settings.base_url,
                version=input.version,
                title=input.title,
                starts_at=input.starts_at,
                time_zone=input.time_zone,
                duration_minutes=input.duration_minutes,
                place=input.place,
                video_link=input.video_link,
                status=input.status,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="The KAM cancels a meeting.")
    async def cancel_meeting(self, info: Info, input: MeetingVersionInput) -> MeetingPayload:
        return await service_mutation(
            info,
            payload=MeetingPayload,
            field="meeting",
            node=MeetingNode.of,
            decode=lambda: {"meeting_id": decode_id(input.id, "Meeting")},
            call=lambda s, p, **ids: service.cancel_meeting(
                s,
                principal=p,
                version=input.version,
                base_url=info.context.settings.base_url,
                **ids,
            ),
        )

    @strawberry.mutation(description="The KAM publishes the minutes: notes and decisions.")
    async def publish_minutes(self, info: Info, input: MeetingVersionInput) -> MeetingPayload:
        return await service_mutation(
            info,
            payload=MeetingPayload,
            field="meeting",
            node=MeetingNode.of,
            decode=lambda: {"meeting_id": decode_id(input.id, "Meeting")},
            call=lambda s, p, **ids: service.publish_minutes(
                s,
                principal=p,
                version=input.version,
                base_url=info.context.settings.base_url,
                **ids,
            ),
        )

    @strawberry.mutation
    async def create_agenda_item(
        self, info: Info, input: CreateAgendaItemInput
    ) -> AgendaItemPayload:
        return await service_mutation(
            info,
            payload=AgendaItemPayload,
            field="item",
            node=AgendaItemNode.of,
            decode=lambda: {
                "meeting_id": decode_id(input.meeting_id, "Meeting", field="meetingId"),
                "owner_id": _owner(input.owner_id),
            },
            call=lambda s, p, **ids: agenda.create_agenda_item(
                s,
                principal=p,
                title=input.title,
                notes=input.notes,
                time_box_minutes=input.time_box_minutes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="Also how minutes are taken: the notes of each item.")
    async def update_agenda_item(
        self, info: Info, input: UpdateAgendaItemInput
    ) -> AgendaItemPayload:
        return await service_mutation(
            info,
            payload=AgendaItemPayload,
            field="item",
            node=AgendaItemNode.of,
            decode=lambda: {
                "item_id": decode_id(input.id, "AgendaItem"),
                "owner_id": _owner(input.owner_id),
            },
            call=lambda s, p, **ids: agenda.update_agenda_item(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                notes=input.notes,
                time_box_minutes=input.time_box_minutes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def move_agenda_item(self, info: Info, input: MoveAgendaItemInput) -> AgendaItemPayload:
        return await service_mutation(
            info,
            payload=AgendaItemPayload,
            field="item",
            node=AgendaItemNode.of,
            decode=lambda: {"item_id": decode_id(input.id, "AgendaItem")},
            call=lambda s, p, **ids: agenda.move_agenda_item(
                s, principal=p, version=input.version, position=input.position, **ids
            ),
        )

    @strawberry.mutation
    async def record_decision(self, info: Info, input: RecordDecisionInput) -> DecisionPayload:
        return await service_mutation(
            info,
            payload=DecisionPayload,
            field="decision",
            node=MeetingDecisionNode.of,
            decode=lambda: {
                "meeting_id": decode_id(input.meeting_id, "Meeting", field="meetingId"),
                "agenda_item_id": optional_id(
                    input.agenda_item_id, "AgendaItem", field="agendaItemId"
                ),
            },
            call=lambda s, p, **ids: agenda.record_decision(
                s, principal=p, text=input.text, visibility=input.visibility, **ids
            ),
        )

    @strawberry.mutation
    async def update_decision(self, info: Info, input: UpdateDecisionInput) -> DecisionPayload:
        return await service_mutation(
            info,
            payload=DecisionPayload,
            field="decision",
            node=MeetingDecisionNode.of,
            decode=lambda: {"decision_id": decode_id(input.id, "MeetingDecision")},
            call=lambda s, p, **ids: agenda.update_decision(
                s,
                principal=p,
                version=input.version,
                text=input.text,
                visibility=input.visibility,
                **ids,
            ),
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
