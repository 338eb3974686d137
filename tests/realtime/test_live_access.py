"""An open subscription hears what its subscriber may hear now, not what they could when it
opened: a sign-out, a revoked or expired token, a removed membership ends it within seconds."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from websockets.exceptions import ConnectionClosed

from kamp import clock as kamp_clock
from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind
from kamp.graphql.context import REVALIDATE_SECONDS
from tests.auth.oauth_support import make_client, token_request
from tests.meetings.support import UPDATE_MEETING, new_meeting
from tests.realtime.support import EVENTS, next_message, serve, subscription
from tests.support import gid, gql

RENAME_SITE = """mutation($input: UpdateLocationInput!) { updateLocation(input: $input) {
  location { name } errors { code } } }"""
REMOVE_MEMBERSHIP = """mutation($input: RemoveMembershipInput!) { removeMembership(input: $input) {
  removedId errors { code } } }"""
WITHIN = REVALIDATE_SECONDS + 5  # seconds


class Renames:
    """Changes the world's headquarters, one name after another, as its KAM."""

    def __init__(self, kam, world) -> None:
        self.kam, self.world, self.version = kam, world, 1

    async def __call__(self) -> None:
        result = await gql(
            self.kam,
            RENAME_SITE,
            {
                "input": {
                    "id": gid("Location", self.world.a.hq.id),
                    "version": self.version,
                    "name": f"HQ {self.version}",
                }
            },
        )
        assert result["data"]["updateLocation"]["errors"] == [], result
        self.version += 1


async def _hears(ws, rename: Renames) -> None:
    await rename()
    message = await next_message(ws)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["workspaceEvents"]["kind"] == "Location.updated"


async def _closed_without_a_word(ws, rename: Renames) -> int:
    """Past the few seconds a principal is trusted, changes keep coming; the subscriber hears
    none of them and the socket closes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WITHIN
    await asyncio.sleep(REVALIDATE_SECONDS)
    await rename()
    while True:
        try:
            message = await next_message(ws, timeout=max(0.1, deadline - loop.time()))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code
        assert message["type"] != "next" or not message["payload"].get("data"), message


async def _machine_token(runtime, world, client) -> dict:
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=("accounts:read",),
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
    )
    response = await token_request(client, machine, grant_type="client_credentials")
    return {"client": machine, **response.json()}


async def test_a_revoked_token_stops_hearing_and_its_socket_closes(world, clients, runtime, client):
    token = await _machine_token(runtime, world, client)
    rename = Renames(await clients.as_user(world.a.email(Role.KAM)), world)
    init = {"Authorization": f"Bearer {token['access_token']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, init=init) as ws,
    ):
        await _hears(ws, rename)
        machine = token["client"]
        revoked = await client.post(
            "/oauth/revoke",
            data={"token": token["access_token"]},
            auth=(machine.client_id, machine.secret),
        )
        assert revoked.status_code == 200
        assert await _closed_without_a_word(ws, rename) == 4403


async def test_signing_out_stops_hearing_and_the_socket_closes(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    rename = Renames(await clients.as_user(world.a.email(Role.KAM)), world)
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, headers=headers) as ws,
    ):
        await _hears(ws, rename)
        assert (await buyer.post("/auth/logout", json={})).status_code == 200
        assert await _closed_without_a_word(ws, rename) == 4403


async def test_an_expired_token_stops_hearing_and_its_socket_closes(
    world, clients, runtime, client, clock
):
    token = await _machine_token(runtime, world, client)
    rename = Renames(await clients.as_user(world.a.email(Role.KAM)), world)
    init = {"Authorization": f"Bearer {token['access_token']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, init=init) as ws,
    ):
        await _hears(ws, rename)
        clock.travel(kamp_clock.now() + timedelta(seconds=token["expires_in"] + 120))
        assert await _closed_without_a_word(ws, rename) == 4403


async def test_a_removed_member_stops_hearing_and_cannot_subscribe_again(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    kam = await clients.as_user(world.a.email(Role.KAM))
    rename = Renames(kam, world)
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, headers=headers) as ws,
    ):
        await _hears(ws, rename)
        membership = gid("Membership", world.a.memberships[Role.CUSTOMER_BUYER].id)
        result = await gql(kam, REMOVE_MEMBERSHIP, {"input": {"id": membership}})
        assert result["data"]["removeMembership"]["errors"] == [], result
        # Still signed in, so the socket may stay; but the subscription ends with an error,
        # at once: the removal's own event makes the subscription check again.
        await rename()
        message = await next_message(ws, timeout=WITHIN)
        assert message["type"] in ("next", "error"), message
        payload = message["payload"]
        errors = payload if message["type"] == "error" else payload.get("errors", [])
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"], message
        assert message["type"] == "error" or payload["data"] is None
        # A new subscription on the same socket is refused alike.
        await ws.send(
            json.dumps(
                {
                    "id": "2",
                    "type": "subscribe",
                    "payload": {"query": EVENTS, "variables": {"id": world.a.workspace_gid}},
                }
            )
        )
        while (message := await next_message(ws))["id"] != "2":
            assert message["type"] == "complete", message
        payload = message["payload"]
        errors = payload if message["type"] == "error" else payload.get("errors", [])
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"], message


VIEWERS = """subscription($id: ID!) { viewers(nodeId: $id) { email } }"""


async def test_watching_a_page_ends_with_the_session(world, clients, runtime):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, world.a.workspace_gid, headers=headers, query=VIEWERS) as ws,
    ):
        first = await next_message(ws)
        assert first["payload"]["data"]["viewers"] == [
            {"email": world.a.email(Role.CUSTOMER_BUYER)}
        ]
        assert (await buyer.post("/auth/logout", json={})).status_code == 200
        try:
            message = await next_message(ws, timeout=WITHIN)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4403
        else:
            raise AssertionError(f"still watching after signing out: {message}")


async def test_watching_a_page_ends_when_it_is_hidden(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    headers = {"cookie": f"kamp_session={buyer.cookies['kamp_session']}"}
    async with (
        serve(runtime.app) as host,
        subscription(host, meeting["id"], headers=headers, query=VIEWERS) as ws,
    ):
        first = await next_message(ws)
        assert first["type"] == "next" and first["payload"]["data"]["viewers"], first
        hide = {"id": meeting["id"], "version": meeting["version"], "visibility": "INTERNAL"}
        result = await gql(kam, UPDATE_MEETING, {"input": hide})
        assert result["data"]["updateMeeting"]["errors"] == [], result
        # Hidden and missing look alike: the watch ends as one on a page that never was.
        message = await next_message(ws, timeout=WITHIN)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"], message
        assert [e["message"] for e in errors] == ["No such page to watch."], message
