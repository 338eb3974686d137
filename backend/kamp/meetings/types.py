"""GraphQL types of meetings: series, meetings, agenda items and decisions."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import strawberry

from kamp import timezones
from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import UserNode, user_node
from kamp.auth.policy import Permission
from kamp.coediting.types import WorkspaceElementNode, rank_of
from kamp.errors import BadRequest, UserError
from kamp.forecasts.types import Forecast
from kamp.graphql.context import Info
from kamp.graphql.relay import node_loader, register_node, to_global_id
from kamp.inventory.alerts_schema import StockAlertType, alert_types
from kamp.meetings import agenda, loaders, models, recurrence, reviews, service
from kamp.pipeline.types import OpportunityNode

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
MeetingType = models.MeetingType
strawberry.enum(MeetingType)
MeetingStatus = models.MeetingStatus
strawberry.enum(MeetingStatus)
AgendaTopic = models.AgendaTopic
strawberry.enum(AgendaTopic)


async def viewer_time_zone(info: Info) -> str | None:
    """The signed-in person's zone (None for a machine client)."""
    principal = await info.context.require_principal()
    if principal.user_id is None:
        return None
    row = await account_loaders.users(info).load(principal.user_id)
    return row.time_zone if row else None


def _as_query_error(error: UserError) -> BadRequest:
    return BadRequest(error.message)


@strawberry.type(name="MeetingSeries")
class MeetingSeriesNode(WorkspaceElementNode):
    row: strawberry.Private[models.MeetingSeries]

    @classmethod
    def of(cls, row: models.MeetingSeries) -> MeetingSeriesNode:
        return cls(id=to_global_id("MeetingSeries", row.id), row=row)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def meeting_type(self) -> MeetingType:
        return self.row.meeting_type

    @strawberry.field(description="The cadence: an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=TU.")
    def rrule(self) -> str:
        return self.row.rrule

    @strawberry.field(description="The IANA time zone the rule runs in.")
    def time_zone(self) -> str:
        return self.row.time_zone

    @strawberry.field
    def starts_on(self) -> date:
        return self.row.starts_on

    @strawberry.field(description="The local start time, the same across DST changes.")
    def local_start_time(self) -> time:
        return self.row.local_start_time

    @strawberry.field
    def duration_minutes(self) -> int:
        return self.row.duration_minutes

    @strawberry.field(description="The series as one recurring iCalendar event.")
    def ics_url(self, info: Info) -> str:
        return f"{info.context.settings.base_url}/calendar/series/{self.id}.ics"

    @strawberry.field(
        description=f"Start times (UTC) in [from, to), at most {recurrence.MAX_OCCURRENCES}."
    )
    def occurrences(
        self,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[datetime]:
        try:
            return service.series_occurrences(self.row, from_, to)
        except UserError as error:
            raise _as_query_error(error) from error


@strawberry.type(name="AgendaItem")
class AgendaItemNode(WorkspaceElementNode):
    row: strawberry.Private[models.AgendaItem]

    @classmethod
    def of(cls, row: models.AgendaItem) -> AgendaItemNode:
        return cls(id=to_global_id("AgendaItem", row.id), row=row)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field(description="The minutes of this item.")
    def notes(self) -> str:
        return self.row.notes

    @strawberry.field
    def time_box_minutes(self) -> int | None:
        return self.row.time_box_minutes

    @strawberry.field(description="The order in the agenda as the viewer sees it (0 first).")
    async def position(self, info: Info) -> int:
        return await rank_of(info, self.row, Permission.MEETINGS_READ)

    @strawberry.field
    async def owner(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.owner_id)

    @strawberry.field(description="What the item is about; some topics bring live figures.")
    def topic(self) -> AgendaTopic:
        return self.row.topic

    @strawberry.field(
        description="For a sales performance item: the forecast of the meeting's year, live "
        "(% of year to date and of the annual goal). Null for other topics or without "
        "access to forecasts."
    )
    async def sales_performance(self, info: Info) -> Forecast | None:
        meeting = await loaders.meetings(info).load(self.row.meeting_id)
        if meeting is None:
            return None
        view = await reviews.sales_performance(
            info.context.session,
            principal=await info.context.require_principal(),
            item=self.row,
            meeting=meeting,
        )
        return Forecast(view=view) if view is not None else None

    @strawberry.field(
        description="For a pipeline review item: opportunities new in the 30 days before the "
        "meeting, still open, and lost in the last 90 days with their post-mortems."
    )
    async def pipeline_review(self, info: Info) -> PipelineReview | None:
        meeting = await loaders.meetings(info).load(self.row.meeting_id)
        if meeting is None:
            return None
        review = await reviews.pipeline_review(
            info.context.session,
            principal=await info.context.require_principal(),
            item=self.row,
            meeting=meeting,
        )
        if review is None:
            return None
        return PipelineReview(
            new=[OpportunityNode.of(row) for row in review.new],
            open=[OpportunityNode.of(row) for row in review.open],
            lost=[OpportunityNode.of(row) for row in review.lost],
        )

    @strawberry.field(
        description="For a supply and stock item: the open stock alerts, live. Null for other "
        "topics or without access to the inventory."
    )
    async def supply_and_stock(self, info: Info) -> list[StockAlertType] | None:
        rows = await reviews.supply_and_stock(
            info.context.session,
            principal=await info.context.require_principal(),
            item=self.row,
        )
        return alert_types(rows) if rows is not None else None


@strawberry.type(description="The opportunities a meeting reviews.")
class PipelineReview:
    new: list[OpportunityNode]
    open: list[OpportunityNode]
    lost: list[OpportunityNode]


@strawberry.type(name="MeetingDecision")
class MeetingDecisionNode(WorkspaceElementNode):
    row: strawberry.Private[models.MeetingDecision]

    @classmethod
    def of(cls, row: models.MeetingDecision) -> MeetingDecisionNode:
        return cls(id=to_global_id("MeetingDecision", row.id), row=row)

    @strawberry.field
    def text(self) -> str:
        return self.row.text

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def agenda_item(self, info: Info) -> AgendaItemNode | None:
        if self.row.agenda_item_id is None:
            return None
        row = await loaders.agenda_items(info).load(self.row.agenda_item_id)
        return AgendaItemNode.of(row) if row else None


@strawberry.type(name="Meeting")
class MeetingNode(WorkspaceElementNode):
    row: strawberry.Private[models.Meeting]

    @classmethod
    def of(cls, row: models.Meeting) -> MeetingNode:
        return cls(id=to_global_id("Meeting", row.id), row=row)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def meeting_type(self) -> MeetingType:
        return self.row.meeting_type

    @strawberry.field(description="The start, in UTC.")
    def starts_at(self) -> datetime:
        return self.row.starts_at

    @strawberry.field(description="The IANA time zone the meeting was planned in.")
    def time_zone(self) -> str:
        return self.row.time_zone

    @strawberry.field(
        description="The start in `timeZone` (an IANA name); by default in the viewer's own "
        "zone, or the meeting's for a machine client."
    )
    async def local_starts_at(self, info: Info, time_zone: str | None = None) -> datetime:
        try:
            zone = time_zone or await viewer_time_zone(info) or self.row.time_zone
            return timezones.to_local(self.row.starts_at, zone)
        except UserError as error:
            raise _as_query_error(error) from error

    @strawberry.field
    def duration_minutes(self) -> int:
        return self.row.duration_minutes

    @strawberry.field(description="This meeting as an iCalendar file (signed in or a token).")
    def ics_url(self, info: Info) -> str:
        return f"{info.context.settings.base_url}/calendar/meetings/{self.id}.ics"

    @strawberry.field
    def place(self) -> str:
        return self.row.place

    @strawberry.field
    def video_link(self) -> str:
        return self.row.video_link

    @strawberry.field
    def status(self) -> MeetingStatus:
        return self.row.status

    @strawberry.field
    def minutes_published_at(self) -> datetime | None:
        return self.row.minutes_published_at

    @strawberry.field
    async def series(self, info: Info) -> MeetingSeriesNode | None:
        if self.row.series_id is None:
            return None
        row = await loaders.series(info).load(self.row.series_id)
        return MeetingSeriesNode.of(row) if row else None

    @strawberry.field(description="Members of either side invited to the meeting.")
    async def attendees(self, info: Info) -> list[UserNode]:
        rows = await loaders.attendees_of(info).load(self.row.id) or []
        return [UserNode.of(row) for row in rows]

    @strawberry.field(description=f"In order; at most {agenda.MAX_AGENDA_ITEMS}.")
    async def agenda_items(self, info: Info) -> list[AgendaItemNode]:
        rows = await loaders.agenda_of(info).load(self.row.id) or []
        return [AgendaItemNode.of(row) for row in rows]

    @strawberry.field(description=f"Oldest first; at most {agenda.MAX_DECISIONS}.")
    async def decisions(self, info: Info) -> list[MeetingDecisionNode]:
        rows = await loaders.decisions_of(info).load(self.row.id) or []
        return [MeetingDecisionNode.of(row) for row in rows]


register_node("MeetingSeries", node_loader(loaders.series, MeetingSeriesNode.of))
register_node("Meeting", node_loader(loaders.meetings, MeetingNode.of))
register_node("AgendaItem", node_loader(loaders.agenda_items, AgendaItemNode.of))
register_node("MeetingDecision", node_loader(loaders.decisions, MeetingDecisionNode.of))
