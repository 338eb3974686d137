"""Who else has a page open: a page is a node (a plan, a meeting, a workspace) its viewers may
see. Each open subscription is a member of the page's presence set, touched every few seconds
and forgotten when it closes; everyone on the page hears when the set changes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import UserNode
from kamp.auth.principal import Principal
from kamp.coediting import access, events
from kamp.errors import BadRequest
from kamp.graphql.context import Info
from kamp.graphql.relay import parse_global_id
from kamp.realtime.broker import Broker
from kamp.realtime.live import revalidate_every, still_allowed

HEARTBEAT_SECONDS = 10.0
TTL_SECONDS = 3 * HEARTBEAT_SECONDS  # missed three heartbeats: gone


def presence_key(type_name: str, node_id: uuid.UUID) -> str:
    return f"kamp:presence:{type_name}:{node_id}"


def _workspace_of(type_name: str, row: Any) -> uuid.UUID | None:
    if type_name == "Workspace":
        return row.id
    return getattr(row, "workspace_id", None)


async def _changes(broker: Broker, channel: str, queue: asyncio.Queue[None]) -> None:
    async for _ in broker.subscribe(channel):
        queue.put_nowait(None)


async def watch_viewers(info: Info, node_id: strawberry.ID) -> AsyncGenerator[list[UserNode], None]:
    """The people viewing the page, now and whenever that changes."""
    type_name, row_id = parse_global_id(node_id)

    async def page_seen() -> tuple[Principal, uuid.UUID]:
        """The viewer as it is now, and the page's workspace while the viewer may see it."""
        principal = await still_allowed(info, lambda _: None)
        found = await access.load(info.context.session, principal, type_name, [row_id])
        row = found.get(row_id)
        workspace_id = _workspace_of(type_name, row) if row is not None else None
        if workspace_id is None or principal.user_id is None:
            # Missing, hidden and machine callers look alike: nobody watches what they
            # cannot see, and a page that is hidden or deleted ends the watch.
            raise BadRequest("No such page to watch.")
        return principal, workspace_id

    principal, workspace_id = await page_seen()
    broker = info.context.broker
    key = presence_key(type_name, row_id)
    member = f"{uuid.uuid4()}:{principal.user_id}"
    changed = events.presence_changed(workspace_id, type_name, row_id)
    await info.context.close()
    queue: asyncio.Queue[None] = asyncio.Queue()
    listener = asyncio.create_task(_changes(broker, key, queue))
    try:
        await asyncio.sleep(0)  # subscribed before announcing, so our own change is heard
        loop = asyncio.get_running_loop()
        await broker.touch(key, member)
        touched = loop.time()
        await broker.publish(changed, channel=key)
        shown: list[str] | None = None
        while True:
            members = await broker.members(key, TTL_SECONDS)
            if members != shown:
                shown = members
                yield await _users(info, members)
                await info.context.close()
            wait = max(0.0, touched + HEARTBEAT_SECONDS - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queue.get(), min(wait, revalidate_every(info)))
            # Who is listening, and whether the page is still theirs, is asked again each time.
            await page_seen()
            await info.context.close()
            if loop.time() - touched >= HEARTBEAT_SECONDS:
                await broker.touch(key, member)
                touched = loop.time()
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        with contextlib.suppress(Exception):
            await broker.forget(key, member)
            await broker.publish(changed, channel=key)


async def _users(info: Info, members: list[str]) -> list[UserNode]:
    """One entry per person, however many tabs they have open."""
    ids = list(dict.fromkeys(uuid.UUID(m.partition(":")[2]) for m in members))
    rows = await account_loaders.users(info).load_many(ids)
    users = [UserNode.of(row) for row in rows if row is not None]
    return sorted(users, key=lambda u: (u.row.display_name, str(u.row.id)))
