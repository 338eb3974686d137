"""The viewer's notifications: the list, marking read, and a live subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection
from kamp.notifications import service
from kamp.notifications.types import NotificationNode, notifications
from kamp.pagination import PageArgs
from kamp.realtime.broker import user_channel
from kamp.realtime.live import revalidate_every, still_allowed, with_ticks


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Leave out to mark every unread notification."
    )
    read: bool = True


@strawberry.type
class MarkNotificationsReadPayload:
    notifications: list[NotificationNode] = strawberry.field(default_factory=list)
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="The viewer's notifications, newest first.")
    async def notifications(
        self,
        info: Info,
        unread_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[NotificationNode]:
        page = PageArgs.parse(first, after)
        result = await service.list_notifications(
            info.context.session,
            principal=await info.context.require_principal(),
            page=page,
            unread_only=unread_only,
        )
        return connection(result, NotificationNode.of)

    @strawberry.field
    async def unread_notification_count(self, info: Info) -> int:
        return await service.unread_count(
            info.context.session, principal=await info.context.require_principal()
        )


@strawberry.type
class NotificationsMutation:
    mark_notifications_read = service_mutation(
        service.mark_read,
        description="Mark the viewer's notifications read (or unread).",
        input=MarkNotificationsReadInput,
        payload=MarkNotificationsReadPayload,
        field="notifications",
        node=lambda rows: [NotificationNode.of(row) for row in rows],
        ids={"ids": "Notification"},
    )


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(description="The viewer's new notifications, as they arrive.")
    async def notifications(self, info: Info) -> AsyncGenerator[NotificationNode, None]:
        principal = await info.context.require_principal()
        user_id = service.inbox_of(principal)
        # Waiting must not hold a database connection.
        await info.context.close()
        events = info.context.broker.subscribe(user_channel(user_id))
        async for event in with_ticks(events, revalidate_every(info)):
            # Signed out, revoked or expired: the socket closes and nothing more is heard.
            await still_allowed(info, lambda principal: None)
            await info.context.close()
            if event is None or event.node_type != "Notification":
                continue
            row = await notifications(info).load(event.node_id)
            await info.context.close()
            if row is not None:
                yield NotificationNode.of(row)
