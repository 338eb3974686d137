"""The viewer's notifications: only one's own, read/unread, once per dedupe key (with one
email), and live over the subscription to the recipient alone."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from websockets.exceptions import ConnectionClosed

from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind
from kamp.coediting.events import take_recorded
from kamp.graphql.context import REVALIDATE_SECONDS
from kamp.mail.models import OutboxMessage
from kamp.notifications import service
from kamp.notifications.models import Notification
from tests.auth.oauth_support import bearer_gql, make_client, token_request
from tests.realtime.support import next_message, serve, subscription
from tests.support import error_codes, gid, gql, snapshot

LIST = """query($unread: Boolean!) { unreadNotificationCount
  notifications(unreadOnly: $unread) { nodes { id kind title body read subjectId workspaceId } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Notification { id title } } }"""
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  notifications { id read } errors { code field } } }"""
LIVE = """subscription { notifications { kind title workspaceId } }"""


async def _notify(runtime, world, role: Role = Role.CUSTOMER_BUYER, **extra: Any) -> list[Any]:
    async with runtime.session_factory() as session:
        rows = await service.notify(
            session,
            user_ids=[world.a.users[role].id],
            workspace_id=world.a.workspace.id,
            kind="minutes.published",
            title="Minutes of the weekly call",
            body="Decisions and notes.",
            node=world.a.hq,
            **extra,
        )
        await session.commit()
        events = take_recorded(session)
    for event in events:
        await runtime.broker.publish(event)
    return rows


async def _count(runtime, model: Any) -> int:
    async with runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_notice_is_seen_by_its_recipient_alone(world, clients, runtime):
    [row] = await _notify(runtime, world)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    result = (await gql(buyer, LIST, {"unread": False}))["data"]
    assert result["unreadNotificationCount"] == 1
    [seen] = result["notifications"]["nodes"]
    assert seen == {
        "id": gid("Notification", row.id),
        "kind": "minutes.published",
        "title": "Minutes of the weekly call",
        "body": "Decisions and notes.",
        "read": False,
        "subjectId": gid("Location", world.a.hq.id),
        "workspaceId": world.a.workspace_gid,
    }
    # Anyone else: the KAM of the same account, the other account's buyer.
    for other in (world.a.email(Role.KAM), world.b.email(Role.CUSTOMER_BUYER)):
        http = await clients.as_user(other)
        result = (await gql(http, LIST, {"unread": False}))["data"]
        assert result["notifications"]["nodes"] == [] and result["unreadNotificationCount"] == 0
        assert (await gql(http, NODE, {"id": seen["id"]}))["data"]["node"] is None


async def test_mark_read_and_unread(world, clients, runtime):
    [first] = await _notify(runtime, world, dedupe_key="one")
    [second] = await _notify(runtime, world, dedupe_key="two")
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    marked = (await gql(buyer, MARK, {"input": {"ids": [gid("Notification", first.id)]}}))["data"][
        "markNotificationsRead"
    ]
    assert marked == {
        "notifications": [{"id": gid("Notification", first.id), "read": True}],
        "errors": [],
    }
    unread = (await gql(buyer, LIST, {"unread": True}))["data"]
    assert [n["id"] for n in unread["notifications"]["nodes"]] == [gid("Notification", second.id)]
    assert unread["unreadNotificationCount"] == 1
    everything = (await gql(buyer, MARK, {"input": {}}))["data"]["markNotificationsRead"]
    assert [n["id"] for n in everything["notifications"]] == [gid("Notification", second.id)]
    again = (
        await gql(buyer, MARK, {"input": {"ids": [gid("Notification", first.id)], "read": False}})
    )["data"]["markNotificationsRead"]
    assert again["notifications"] == [{"id": gid("Notification", first.id), "read": False}]
    assert (await gql(buyer, LIST, {"unread": True}))["data"]["unreadNotificationCount"] == 1


async def test_marking_another_users_notice_is_refused_and_changes_nothing(world, clients, runtime):
    [row] = await _notify(runtime, world)
    others = [
        await clients.as_user(email)
        for email in (world.a.email(Role.KAM), world.b.email(Role.CUSTOMER_BUYER))
    ]
    before = await snapshot(runtime.session_factory)
    for http in others:
        result = await gql(http, MARK, {"input": {"ids": [gid("Notification", row.id)]}})
        payload = result["data"]["markNotificationsRead"]
        assert payload["errors"] == [{"code": "NOT_FOUND", "field": "ids"}]
        # "Mark all" marks only one's own (none here).
        result = await gql(http, MARK, {"input": {}})
        assert result["data"]["markNotificationsRead"]["notifications"] == []
    assert await snapshot(runtime.session_factory) == before


async def test_one_notice_and_one_email_per_dedupe_key(world, runtime):
    first = await _notify(runtime, world, dedupe_key="minutes:1")
    again = await _notify(runtime, world, dedupe_key="minutes:1")
    assert len(first) == 1 and again == []
    assert await _count(runtime, Notification) == 1
    assert await _count(runtime, OutboxMessage) == 1
    # A new key (a later publication) notifies again.
    assert len(await _notify(runtime, world, dedupe_key="minutes:2")) == 1
    assert await _count(runtime, OutboxMessage) == 2


async def test_concurrent_notices_with_one_key_send_once(world, runtime):
    results = await asyncio.gather(
        *(_notify(runtime, world, dedupe_key="race") for _ in range(4)),
        return_exceptions=True,
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(len(r) for r in results) == 1  # type: ignore[arg-type]
    assert await _count(runtime, OutboxMessage) == 1


async def test_live_notices_reach_the_recipient_alone(world, clients, runtime):
    def cookie(http) -> dict[str, str]:
        return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}

    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    kam = await clients.as_user(world.a.email(Role.KAM))
    async with (
        serve(runtime.app) as host,
        subscription(host, "", headers=cookie(buyer), query=LIVE) as buyer_ws,
        subscription(host, "", headers=cookie(kam), query=LIVE) as kam_ws,
    ):
        await _notify(runtime, world)
        message = await next_message(buyer_ws)
        assert message["payload"]["data"]["notifications"] == {
            "kind": "minutes.published",
            "title": "Minutes of the weekly call",
            "workspaceId": world.a.workspace_gid,
        }
        try:
            leaked = await next_message(kam_ws, timeout=0.5)
        except TimeoutError:
            leaked = None
        assert leaked is None


async def test_machine_clients_have_no_inbox(world, runtime, client):
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
    )
    token = (await token_request(client, machine, grant_type="client_credentials")).json()
    result = await bearer_gql(client, token["access_token"], LIST, {"unread": False})
    assert result["data"] is None and error_codes(result) == ["FORBIDDEN"]


async def test_signing_out_ends_the_live_notices_and_closes_the_socket(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, "", headers=headers, query=LIVE) as ws,
    ):
        assert (await buyer.post("/auth/logout", json={})).status_code == 200
        await asyncio.sleep(REVALIDATE_SECONDS)
        await _notify(runtime, world)
        deadline = asyncio.get_running_loop().time() + REVALIDATE_SECONDS + 4
        while True:
            left = max(0.1, deadline - asyncio.get_running_loop().time())
            try:
                message = await next_message(ws, timeout=left)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == 4403
                break
            assert message["type"] != "next" or not message["payload"].get("data"), message
