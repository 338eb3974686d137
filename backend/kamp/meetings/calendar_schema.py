"""The viewer's calendar feed: its status, a new secret URL (shown once), and revoking it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.meetings import feeds
from kamp.meetings.models import CalendarFeed


@strawberry.type(description="The viewer's calendar feed; its URL is shown only when made.")
class CalendarFeedStatus:
    row: strawberry.Private[CalendarFeed]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="When a calendar app last fetched it.")
    def last_used_at(self) -> datetime | None:
        return self.row.last_used_at


@strawberry.type
class CreateCalendarFeedPayload:
    url: str | None = strawberry.field(
        default=None, description="The feed's secret URL: shown this once, keep it private."
    )
    feed: CalendarFeedStatus | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeCalendarFeedPayload:
    revoked: bool = False
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="The viewer's calendar feed, if one exists.")
    async def calendar_feed(self, info: Info) -> CalendarFeedStatus | None:
        row = await feeds.get_feed(
            info.context.session, principal=await info.context.require_principal()
        )
        return CalendarFeedStatus(row=row) if row else None


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description="A new secret calendar feed URL for the viewer; an older one stops working."
    )
    async def create_calendar_feed(self, info: Info) -> CreateCalendarFeedPayload:
        row, secret = await feeds.create_feed(
            info.context.session, principal=await info.context.require_principal()
        )
        return CreateCalendarFeedPayload(
            url=info.context.settings.base_url + feeds.feed_path(secret),
            feed=CalendarFeedStatus(row=row),
        )

    @strawberry.mutation(description="Stop the viewer's calendar feed URL from working.")
    async def revoke_calendar_feed(self, info: Info) -> RevokeCalendarFeedPayload:
        revoked = await feeds.revoke_feed(
            info.context.session, principal=await info.context.require_principal()
        )
        return RevokeCalendarFeedPayload(revoked=revoked)
