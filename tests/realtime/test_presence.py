"""Who else is viewing a page: both sides see each other on a shared page, a page one cannot
see cannot be watched, and someone who leaves (or whose process dies) drops out."""

from __future__ import annotations

import asyncio
import uuid

from redis.asyncio import Redis

from kamp.accounts.models import Role
from kamp.coediting.events import Event
from kamp.realtime.broker import MemoryBroker, RedisBroker
from tests.conftest import REDIS_URL
from tests.meetings.support import new_meeting
from tests.realtime.support import next_message, serve, subscription

VIEWERS = """subscription($id: ID!) { viewers(nodeId: $id) { email } }"""


def _cookie(http) -> dict[str, str]:
    return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}


async def _viewers(ws, timeout: float = 3.0) -> list[str]:
    message = await next_message(ws, timeout)
    assert message["type"] == "next", message
    return [u["email"] for u in message["payload"]["data"]["viewers"]]


async def _until(ws, expected: list[str]) -> None:
    """Read updates until the list is the expected one (intermediate states may show)."""
    for _ in range(5):
        if sorted(await _viewers(ws)) == sorted(expected):
            return
    raise AssertionError(f"never saw {expected}")


async def test_both_sides_see_each_other_and_leaving_is_seen(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    page = world.a.workspace_gid
    both = sorted([world.a.email(Role.KAM), world.a.email(Role.CUSTOMER_BUYER)])
    async with (
        serve(runtime.app) as host,
        subscription(host, page, headers=_cookie(kam), query=VIEWERS) as kam_ws,
    ):
        assert await _viewers(kam_ws) == [world.a.email(Role.KAM)]
        async with subscription(host, page, headers=_cookie(buyer), query=VIEWERS) as buyer_ws:
            await _until(kam_ws, both)
            await _until(buyer_ws, both)
        # The buyer closed the page.
        await _until(kam_ws, [world.a.email(Role.KAM)])


async def test_pages_one_cannot_see_cannot_be_watched(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    other = await clients.as_user(world.b.email(Role.KAM))
    internal = await new_meeting(kam, world.a.workspace_gid, visibility="INTERNAL")
    cases = [(other, world.a.workspace_gid), (buyer, internal["id"]), (buyer, "bm90LWFuLWlk")]
    async with serve(runtime.app) as host:
        for http, page in cases:
            async with subscription(host, page, headers=_cookie(http), query=VIEWERS) as ws:
                message = await next_message(ws)
                assert message["payload"]["data"] is None, message
                [error] = message["payload"]["errors"]
                assert error["extensions"]["code"] in ("BAD_USER_INPUT", "NOT_FOUND"), error
        # Nobody was recorded as present by those attempts.
        assert await runtime.broker.members(f"kamp:presence:Meeting:{internal['id']}", 30) == []


async def test_presence_ages_out_in_memory():
    broker = MemoryBroker()
    await broker.touch("page", "tab-1:user")
    assert await broker.members("page", ttl=30) == ["tab-1:user"]
    await asyncio.sleep(0.05)
    assert await broker.members("page", ttl=0.01) == []
    await broker.forget("page", "tab-1:user")
    assert await broker.members("page", ttl=30) == []


async def test_presence_is_shared_through_redis():
    first, second = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    try:
        one, two = RedisBroker(first), RedisBroker(second)
        await first.delete("kamp:presence:test")
        await one.touch("kamp:presence:test", "tab-1:a")
        await two.touch("kamp:presence:test", "tab-2:b")
        # Each process sees the other's viewers.
        assert await one.members("kamp:presence:test", ttl=30) == ["tab-1:a", "tab-2:b"]
        await two.forget("kamp:presence:test", "tab-2:b")
        assert await one.members("kamp:presence:test", ttl=30) == ["tab-1:a"]
        # A process that died without forgetting ages out.
        await asyncio.sleep(1.1)
        assert await two.members("kamp:presence:test", ttl=1) == []
        # Changes are announced on the page's channel across processes.
        received: list[str] = []

        async def listen() -> None:
            async for event in two.subscribe("kamp:presence:test"):
                received.append(event.kind)
                return

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.2)
        await one.publish(
            Event(
                workspace_id=uuid.uuid4(),
                kind="Presence.changed",
                node_type="Workspace",
                node_id=uuid.uuid4(),
            ),
            channel="kamp:presence:test",
        )
        await asyncio.wait_for(listener, 3)
        assert received == ["Presence.changed"]
    finally:
        await first.delete("kamp:presence:test")
        await first.aclose()
        await second.aclose()
