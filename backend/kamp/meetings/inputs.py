"""Inputs and payloads of the meetings' mutations."""

from __future__ import annotations

from datetime import date, datetime, time

import strawberry

from kamp.coediting.types import Visibility
from kamp.graphql.errors import UserErrorType
from kamp.meetings.types import (
    AgendaItemNode,
    MeetingDecisionNode,
    MeetingNode,
    MeetingSeriesNode,
    MeetingStatus,
    MeetingType,
)


@strawberry.input
class CreateMeetingSeriesInput:
    workspace_id: strawberry.ID
    title: str
    meeting_type: MeetingType
    rrule: str = strawberry.field(description="An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU.")
    time_zone: str = strawberry.field(description="An IANA time zone, e.g. America/Chicago.")
    starts_on: date
    local_start_time: time
    duration_minutes: int = 60
    visibility: Visibility | None = None


@strawberry.input
class UpdateMeetingSeriesInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    rrule: str | None = None
    time_zone: str | None = None
    local_start_time: time | None = None
    duration_minutes: int | None = None
    visibility: Visibility | None = None


@strawberry.type
class MeetingSeriesPayload:
    series: MeetingSeriesNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateMeetingInput:
    workspace_id: strawberry.ID
    title: str
    starts_at: datetime = strawberry.field(description="With its UTC offset.")
    time_zone: str = strawberry.field(description="The IANA zone it is planned in.")
    meeting_type: MeetingType | None = None
    series_id: strawberry.ID | None = None
    duration_minutes: int | None = None
    place: str = ""
    video_link: str = ""
    attendee_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    visibility: Visibility | None = None


@strawberry.input
class UpdateMeetingInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    starts_at: datetime | None = None
    time_zone: str | None = None
    duration_minutes: int | None = None
    place: str | None = None
    video_link: str | None = None
    status: MeetingStatus | None = None
    attendee_ids: list[strawberry.ID] | None = None
    visibility: Visibility | None = None


@strawberry.input
class MeetingVersionInput:
    id: strawberry.ID
    version: int


@strawberry.type
class MeetingPayload:
    meeting: MeetingNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateAgendaItemInput:
    meeting_id: strawberry.ID
    title: str
    notes: str = ""
    owner_id: strawberry.ID | None = None
    time_box_minutes: int | None = None
    visibility: Visibility | None = None


@strawberry.input
class UpdateAgendaItemInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    notes: str | None = None
    owner_id: strawberry.ID | None = None
    time_box_minutes: int | None = None
    visibility: Visibility | None = None


@strawberry.input
class MoveAgendaItemInput:
    id: strawberry.ID
    version: int
    position: int = strawberry.field(description="The new place among the items you see.")


@strawberry.type
class AgendaItemPayload:
    item: AgendaItemNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class RecordDecisionInput:
    meeting_id: strawberry.ID
    text: str
    agenda_item_id: strawberry.ID | None = None
    visibility: Visibility | None = None


@strawberry.input
class UpdateDecisionInput:
    id: strawberry.ID
    version: int
    text: str | None = None
    visibility: Visibility | None = None


@strawberry.type
class DecisionPayload:
    decision: MeetingDecisionNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class MeetingElementIdInput:
    id: strawberry.ID


@strawberry.type
class DeleteMeetingElementPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)
