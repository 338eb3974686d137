"""A token reads its user's notifications only with `notifications:read` and marks them only
with `notifications:write`, and only those of the key accounts its app is limited to."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from kamp import clock
from kamp.accounts.models import KeyAccount, Membership, Role
from kamp.notifications import digest, service
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.support import error_codes, gid, gql, snapshot

LIST = """{ unreadNotificationCount notifications { nodes { id workspaceId } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Notification { id title } } }"""
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  notifications { id read } errors { code field } } }"""


async def _setup(runtime, world):
    """Account a's KAM is the KAM of account b too, with a notice in each workspace."""
    kam = world.a.users[Role.KAM]
    rows = {}
    async with runtime.session_factory() as session:
        await session.execute(
            update(KeyAccount).where(KeyAccount.id == world.b.key_account.id).values(kam_id=kam.id)
        )
        session.add(Membership(workspace_id=world.b.workspace.id, user_id=kam.id, role=Role.KAM))
        await session.flush()
        for account in (world.a, world.b):
            [rows[account.workspace.id]] = await service.notify(
                session,
                user_ids=[kam.id],
                workspace_id=account.workspace.id,
                kind="action.assigned",
                title=f"Work in {account.workspace.name}",
                email=False,
            )
        await session.commit()
    return kam, rows


async def _token(runtime, clients, http, user, scope: str, key_account_ids=(), owner=None):
    app = await make_client(
        runtime, owner or user, scopes=tuple(scope.split()), key_account_ids=key_account_ids
    )
    browser = await clients.as_user(user.email)
    code, verifier = await get_code(browser, app, scope=scope)
    return (await exchange(http, app, code, verifier)).json()["access_token"]


async def test_a_token_without_the_scope_sees_and_marks_no_notification(
    world, clients, client, runtime
):
    kam, rows = await _setup(runtime, world)
    for scope in ("openid", "openid accounts:read plans:read meetings:read actions:read"):
        token = await _token(runtime, clients, client, kam, scope, owner=world.admin)
        listed = (await bearer_gql(client, token, LIST))["data"]
        assert listed == {"unreadNotificationCount": 0, "notifications": {"nodes": []}}
        for row in rows.values():
            found = await bearer_gql(client, token, NODE, {"id": gid("Notification", row.id)})
            assert found["data"] == {"node": None}
        before = await snapshot(runtime.session_factory)
        ids = [gid("Notification", row.id) for row in rows.values()]
        for marking in ({}, {"ids": ids}):
            result = await bearer_gql(client, token, MARK, {"input": marking})
            assert error_codes(result) == ["FORBIDDEN"], result
        assert await snapshot(runtime.session_factory) == before


async def test_a_one_account_app_sees_that_accounts_notifications_alone(
    world, clients, client, runtime
):
    kam, rows = await _setup(runtime, world)
    a, b = world.a.workspace.id, world.b.workspace.id
    scope = "openid notifications:read notifications:write"
    token = await _token(runtime, clients, client, kam, scope, (world.b.key_account.id,))
    listed = (await bearer_gql(client, token, LIST))["data"]
    assert listed["unreadNotificationCount"] == 1
    assert listed["notifications"]["nodes"] == [
        {"id": gid("Notification", rows[b].id), "workspaceId": gid("Workspace", b)}
    ]
    other = gid("Notification", rows[a].id)
    assert (await bearer_gql(client, token, NODE, {"id": other}))["data"] == {"node": None}
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(client, token, MARK, {"input": {"ids": [other]}})
    assert [e["code"] for e in result["data"]["markNotificationsRead"]["errors"]] == ["NOT_FOUND"]
    assert await snapshot(runtime.session_factory) == before
    # Marking every unread notice reaches only account b's.
    marked = (await bearer_gql(client, token, MARK, {"input": {}}))["data"]
    assert marked["markNotificationsRead"]["notifications"] == [
        {"id": gid("Notification", rows[b].id), "read": True}
    ]
    session = await clients.as_user(kam.email)
    assert (await gql(session, LIST))["data"]["unreadNotificationCount"] == 1


async def test_reading_is_not_marking(world, clients, client, runtime):
    kam, _ = await _setup(runtime, world)
    token = await _token(runtime, clients, client, kam, "notifications:read", owner=world.admin)
    assert (await bearer_gql(client, token, LIST))["data"]["unreadNotificationCount"] == 2
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(client, token, MARK, {"input": {}})
    assert error_codes(result) == ["FORBIDDEN"], result
    assert await snapshot(runtime.session_factory) == before
    # The browser session reads and marks them all.
    session = await clients.as_user(kam.email)
    assert (await gql(session, LIST))["data"]["unreadNotificationCount"] == 2


async def test_a_one_account_app_never_reads_the_digest_of_all_accounts(
    world, clients, client, runtime
):
    kam, rows = await _setup(runtime, world)
    settings = runtime.settings
    tomorrow = clock.now().date() + timedelta(days=1)
    at = datetime.combine(tomorrow, time(settings.digest_hour), ZoneInfo(kam.time_zone))
    async with runtime.session_factory() as session:
        assert await digest.send_digests(session, settings=settings, now=at) == 1
        await session.commit()
    session = await clients.as_user(kam.email)
    assert (await gql(session, LIST))["data"]["unreadNotificationCount"] == 3
    scope = "openid notifications:read"
    for account in (world.a, world.b):
        token = await _token(runtime, clients, client, kam, scope, (account.key_account.id,))
        listed = (await bearer_gql(client, token, LIST))["data"]["notifications"]["nodes"]
        assert [n["id"] for n in listed] == [gid("Notification", rows[account.workspace.id].id)]
