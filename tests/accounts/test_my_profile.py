"""A person's own profile: name and time zone, from a browser session only."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.support import error_codes, gql, snapshot

UPDATE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  user { displayName } timeZone errors { field code } } }"""
VIEWER = "{ viewer { timeZone user { displayName } } }"


async def test_change_own_name_and_zone(world, clients):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    assert (await gql(buyer, VIEWER))["data"]["viewer"]["timeZone"] == "UTC"
    result = await gql(
        buyer, UPDATE, {"input": {"displayName": " Dana W. ", "timeZone": "Europe/Berlin"}}
    )
    assert result["data"]["updateMyProfile"] == {
        "user": {"displayName": "Dana W."},
        "timeZone": "Europe/Berlin",
        "errors": [],
    }
    assert (await gql(buyer, VIEWER))["data"]["viewer"] == {
        "timeZone": "Europe/Berlin",
        "user": {"displayName": "Dana W."},
    }


async def test_bad_input_changes_nothing(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    for bad, field in (
        ({"timeZone": "Mars/Olympus"}, "timeZone"),
        ({"timeZone": "../etc/passwd"}, "timeZone"),
        ({"timeZone": ""}, "timeZone"),
        ({"displayName": "  "}, "displayName"),
        ({"displayName": "Kara", "timeZone": "Nowhere"}, "timeZone"),
    ):
        result = await gql(kam, UPDATE, {"input": bad})
        errors = result["data"]["updateMyProfile"]["errors"]
        assert [e["field"] for e in errors] == [field], bad
    assert await snapshot(runtime.session_factory) == before


async def test_a_token_cannot_change_the_profile(world, clients, runtime, client):
    app = await make_client(runtime, world.admin)
    browser = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    code, verifier = await get_code(browser, app)
    token = (await exchange(client, app, code, verifier)).json()["access_token"]
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(client, token, UPDATE, {"input": {"timeZone": "Asia/Tokyo"}})
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before
