"""Subscriptions: a workspace's change events over graphql-transport-ws, filtered by what
each subscriber may see. An event names what changed; clients refetch it with `node`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import UserNode
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.coediting.events import Event
from kamp.errors import BadRequest, UserError
from kamp.graphql.context import Info
from kamp.graphql.relay import decode_id, to_global_id
from kamp.realtime.broker import workspace_channel
from kamp.realtime.live import revalidate_every, still_allowed, with_ticks
from kamp.realtime.presence import watch_viewers


@strawberry.type(description="Something changed in a workspace.")
class WorkspaceEvent:
    event: strawberry.Private[Event]

    @strawberry.field(description="`<Type>.<action>`, e.g. `Location.updated`.")
    def kind(self) -> str:
        return self.event.kind

    @strawberry.field(description="The changed object; fetch it with `node(id:)`.")
    def node_id(self) -> strawberry.ID:
        return to_global_id(self.event.node_type, self.event.node_id)

    @strawberry.field
    def workspace_id(self) -> strawberry.ID:
        assert self.event.workspace_id is not None  # a workspace's channel carries its own
        return to_global_id("Workspace", self.event.workspace_id)

    @strawberry.field(description="The fields that changed, when the change was an update.")
    def fields(self) -> list[str]:
        return list(self.event.fields)

    @strawberry.field
    def at(self) -> datetime:
        return self.event.at

    @strawberry.field
    async def actor(self, info: Info) -> UserNode | None:
        if self.event.actor_id is None:
            return None
        row = await account_loaders.users(info).load(self.event.actor_id)
        return UserNode.of(row) if row else None


@strawberry.type
class RealtimeSubscription:
    @strawberry.subscription(description="Changes in a workspace, as they are committed.")
    async def workspace_events(
        self, info: Info, workspace_id: strawberry.ID
    ) -> AsyncGenerator[WorkspaceEvent, None]:
        try:
            workspace = decode_id(workspace_id, "Workspace", field="workspaceId")
        except UserError as exc:
            raise BadRequest(exc.message) from exc

        def readable(principal: Principal) -> None:
            require(principal, workspace, Permission.WORKSPACE_READ)

        await still_allowed(info, readable)
        # Waiting for events must not hold a database connection.
        await info.context.close()
        events = info.context.broker.subscribe(workspace_channel(workspace))
        # Every event, and every few seconds between events, asks again who is listening.
        async for event in with_ticks(events, revalidate_every(info)):
            if event is not None and event.node_type == "Membership":
                info.context.principal_may_have_changed()  # someone's role changed: ours?
            principal = await still_allowed(info, readable)
            if event is None or not access.may_receive(principal, event):
                continue
            yield WorkspaceEvent(event=event)
            # Resolving the event's fields (its actor) may have opened a session: give the
            # connection back to the pool while waiting, or subscribers would exhaust it.
            await info.context.close()

    @strawberry.subscription(
        description="Who has a page open (a plan, a meeting, a workspace: any node the viewer "
        "may see), now and whenever that changes. Subscribing is being on the page."
    )
    async def viewers(
        self, info: Info, node_id: strawberry.ID
    ) -> AsyncGenerator[list[UserNode], None]:
        async for users in watch_viewers(info, node_id):
            yield users
