"""Subscriptions over graphql-transport-ws on a real server: authentication by cookie or by a
bearer token in connection_init, and what each subscriber may hear."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind
from tests.auth.oauth_support import make_client, token_request
from tests.realtime.support import next_message, serve, subscription
from tests.support import gid, gql

RENAME_SITE = """mutation($input: UpdateLocationInput!) { updateLocation(input: $input) {
  location { name } errors { code } } }"""
RETIER = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { tier } errors { code } } }"""


async def _rename_site(http, world, name: str, version: int = 1) -> None:
    result = await gql(
        http,
        RENAME_SITE,
        {"input": {"id": gid("Location", world.a.hq.id), "version": version, "name": name}},
    )
    assert result["data"]["updateLocation"]["errors"] == [], result


async def test_bearer_token_in_connection_init(world, clients, runtime, client):
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
    )
    token = (await token_request(client, machine, grant_type="client_credentials")).json()
    kam = await clients.as_user(world.a.email(Role.KAM))
    async with serve(runtime.app) as host:
        init = {"Authorization": f"Bearer {token['access_token']}"}
        async with subscription(host, world.a.workspace_gid, init=init) as ws:
            await _rename_site(kam, world, "Columbus HQ")
            message = await next_message(ws)
    assert message["type"] == "next" and "errors" not in message["payload"], message
    event = message["payload"]["data"]["workspaceEvents"]
    assert event == {
        "kind": "Location.updated",
        "nodeId": gid("Location", world.a.hq.id),
        "fields": ["name"],
        "actor": {"email": world.a.email(Role.KAM)},
    }


async def test_bad_bearer_token_closes_the_connection(runtime):
    async with serve(runtime.app) as host:
        with pytest.raises((ConnectionClosed, AssertionError)) as caught:
            async with subscription(host, "x", init={"Authorization": "Bearer forged"}):
                pass
    if isinstance(caught.value, ConnectionClosed):
        assert caught.value.rcvd.code == 4403


async def test_customer_hears_shared_changes_only(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    member = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))

    def cookie(http) -> dict[str, str]:
        return {
            "cookie": f"kamp_session={http.cookies['kamp_session']}",
            "origin": "http://testserver",
        }

    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, headers=cookie(buyer)) as buyer_ws,
        subscription(host, world.a.workspace_gid, headers=cookie(member)) as member_ws,
    ):
        result = await gql(
            kam,
            RETIER,
            {
                "input": {
                    "id": gid("KeyAccount", world.a.key_account.id),
                    "version": 1,
                    "tier": "KEY",
                }
            },
        )
        assert result["data"]["updateKeyAccount"]["errors"] == []
        await _rename_site(kam, world, "Renamed HQ")
        buyer_first = await next_message(buyer_ws)
        member_first = await next_message(member_ws)
        member_second = await next_message(member_ws)
        with pytest.raises(TimeoutError):
            await next_message(buyer_ws, timeout=0.5)
    kinds = lambda m: m["payload"]["data"]["workspaceEvents"]["kind"]  # noqa: E731
    assert kinds(buyer_first) == "Location.updated"
    assert [kinds(member_first), kinds(member_second)] == ["KeyAccount.updated", "Location.updated"]
    assert member_first["payload"]["data"]["workspaceEvents"]["fields"] == ["tier"]


async def test_other_accounts_workspace_cannot_be_subscribed(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.b.workspace_gid, headers=headers) as ws,
    ):
        message = await next_message(ws)
    payload = message["payload"]
    errors = payload if message["type"] == "error" else payload["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    assert message["type"] == "error" or payload["data"] is None


async def test_cross_site_websocket_with_cookie_is_refused(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    headers = {
        "cookie": f"kamp_session={buyer.cookies['kamp_session']}",
        "origin": "https://evil.example",
    }
    async with serve(runtime.app) as host:
        with pytest.raises((InvalidStatus, ConnectionClosed)):
            async with subscription(host, world.a.workspace_gid, headers=headers) as ws:
                await next_message(ws, timeout=1)


async def test_rolled_back_changes_are_never_announced(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    headers = {"cookie": f"kamp_session={kam.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, headers=headers) as ws,
    ):
        stale = await gql(
            kam,
            RENAME_SITE,
            {"input": {"id": gid("Location", world.a.hq.id), "version": 9, "name": "Never"}},
        )
        assert stale["data"]["updateLocation"]["errors"] == [{"code": "CONFLICT"}]
        with pytest.raises(TimeoutError):
            await next_message(ws, timeout=0.5)


async def test_waiting_subscribers_hold_no_database_connection(world, clients, runtime):
    """Each event resolves its actor through the database; between events no subscriber may
    keep a connection, or a few dozen open pages would exhaust the pool."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    members = [
        await clients.as_user(world.a.email(role))
        for role in (Role.CUSTOMER_BUYER, Role.SUPPLIER_MEMBER, Role.MENTOR)
    ]
    async with serve(runtime.app) as host, AsyncExitStack() as stack:
        sockets = [
            await stack.enter_async_context(
                subscription(
                    host,
                    world.a.workspace_gid,
                    headers={"cookie": f"kamp_session={m.cookies['kamp_session']}"},
                )
            )
            for m in members
        ]
        await _rename_site(kam, world, "Pool check")
        for ws in sockets:
            message = await next_message(ws)
            assert message["payload"]["data"]["workspaceEvents"]["actor"]["email"] == world.a.email(
                Role.KAM
            )
        await asyncio.sleep(0.2)
        assert runtime.engine.pool.checkedout() == 0
