"""Scheduling the meetings of a series ahead."""

from __future__ import annotations

from datetime import datetime

import strawberry

from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.meetings import series
from kamp.meetings.types import MeetingNode


@strawberry.input
class ScheduleSeriesMeetingsInput:
    series_id: strawberry.ID
    until: datetime = strawberry.field(description="Schedule occurrences starting before this.")


@strawberry.type
class ScheduleSeriesMeetingsPayload:
    meetings: list[MeetingNode] = strawberry.field(
        default_factory=list, description="The meetings created; existing ones are kept."
    )
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class SeriesMutation:
    schedule_series_meetings = service_mutation(
        series.schedule_series,
        description="Create the meetings of a series' coming occurrences, each with its agenda.",
        input=ScheduleSeriesMeetingsInput,
        payload=ScheduleSeriesMeetingsPayload,
        field="meetings",
        node=lambda rows: [MeetingNode.of(row) for row in rows],
        ids={"series_id": "MeetingSeries"},
        extra=lambda info, _: {"base_url": info.context.settings.base_url},
    )
