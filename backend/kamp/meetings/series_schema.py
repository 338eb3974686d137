"""Scheduling the meetings of a series ahead."""

from __future__ import annotations

from datetime import datetime

import strawberry

from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType, mutate
from kamp.graphql.relay import decode_id
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
    @strawberry.mutation(
        description="Create the meetings of a series' coming occurrences, each with its agenda."
    )
    async def schedule_series_meetings(
        self, info: Info, input: ScheduleSeriesMeetingsInput
    ) -> ScheduleSeriesMeetingsPayload:
        async def run() -> ScheduleSeriesMeetingsPayload:
            rows = await series.schedule_series(
                info.context.session,
                principal=await info.context.require_principal(),
                series_id=decode_id(input.series_id, "MeetingSeries", field="seriesId"),
                until=input.until,
                base_url=info.context.settings.base_url,
            )
            return ScheduleSeriesMeetingsPayload(meetings=[MeetingNode.of(row) for row in rows])

        return await mutate(
            info, run, payload=ScheduleSeriesMeetingsPayload, field="meetings", node=lambda _: None
        )
