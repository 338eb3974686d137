"""Text no database stores (a NUL, a lone UTF-16 surrogate), cursors of any other shape than
the one the server writes, and time zone names that are no IANA zone are the user's mistake:
a typed INVALID error in the payload or a BAD_USER_INPUT GraphQL error, with nothing written
and never an INTERNAL error or an HTTP 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from kamp.accounts.models import Role
from kamp.errors import UserError
from kamp.text import clean_text
from kamp.timezones import zone
from tests.meetings.support import CREATE_MEETING, CREATE_SERIES, new_meeting
from tests.support import error_codes, snapshot

# Written as JSON escapes: a lone surrogate cannot be encoded as UTF-8 by the client either.
NUL = "\\u0000"
SURROGATE = "\\ud800"

CREATE_ACTION = """mutation($input: CreateActionItemInput!) { createActionItem(input: $input) {
  actionItem { id } errors { field code } } }"""
DEFINE_CRITERION = """mutation($input: DefineSelectionCriterionInput!) {
  defineSelectionCriterion(input: $input) { criterion { id } errors { field code } } }"""
UPDATE_PROFILE = """mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) {
  timeZone errors { field code } } }"""
MEETINGS = """query($ws: ID!, $after: String) { meetings(workspaceId: $ws, first: 2, after: $after) {
  nodes { id } } }"""


async def _post(http, query: str, variables_json: str) -> dict[str, Any]:
    """POST with the variables as raw JSON text, so escapes reach the server as they are."""
    body = f'{{"query": {json.dumps(query)}, "variables": {variables_json}}}'
    response = await http.post(
        "/graphql", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _refused(result: dict[str, Any]) -> bool:
    """A payload error with code INVALID, or a GraphQL error with code BAD_USER_INPUT."""
    if result.get("errors"):
        return set(error_codes(result)) == {"BAD_USER_INPUT"}
    (payload,) = result["data"].values()
    return bool(payload["errors"]) and {e["code"] for e in payload["errors"]} == {"INVALID"}


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(
    "case",
    ["meeting title", "action description", "criterion description", "series rrule", "zone"],
)
async def test_unstorable_text_is_refused_and_nothing_is_written(
    world, clients, runtime, case, bad
):
    kam = await clients.as_user(world.a.email(Role.KAM))
    admin = await clients.as_user(world.admin.email)
    ws = world.a.workspace_gid
    query, http, fields = {
        "meeting title": (
            CREATE_MEETING,
            kam,
            {
                "workspaceId": ws,
                "title": "Call<BAD>",
                "meetingType": "OTHER",
                "startsAt": "2030-01-07T15:00:00+00:00",
                "timeZone": "UTC",
            },
        ),
        "action description": (
            CREATE_ACTION,
            kam,
            {"workspaceId": ws, "title": "Follow up", "description": "a<BAD>b"},
        ),
        "criterion description": (
            DEFINE_CRITERION,
            admin,
            {"name": "Fit", "weight": "10", "description": "x<BAD>"},
        ),
        "series rrule": (
            CREATE_SERIES,
            kam,
            {
                "workspaceId": ws,
                "title": "Weekly",
                "meetingType": "OTHER",
                "rrule": "FREQ=WEEKLY<BAD>",
                "timeZone": "UTC",
                "startsOn": "2030-01-07",
                "localStartTime": "09:00:00",
            },
        ),
        "zone": (UPDATE_PROFILE, kam, {"timeZone": "Europe/Paris<BAD>"}),
    }[case]
    variables = json.dumps({"input": fields}).replace("<BAD>", bad)
    before = await snapshot(runtime.session_factory)
    result = await _post(http, query, variables)
    assert _refused(result), result
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
async def test_unstorable_text_in_a_query_argument_is_refused(world, clients, bad):
    kam = await clients.as_user(world.a.email(Role.KAM))
    variables = json.dumps({"ws": world.a.workspace_gid, "after": "abc<BAD>"})
    variables = variables.replace("<BAD>", bad)
    result = await _post(kam, MEETINGS, variables)
    assert error_codes(result) == ["BAD_USER_INPUT"], result


def test_clean_text_refuses_nul_and_lone_surrogates():
    for value in ("a\x00b", "\ud800", "x\udfffy"):
        with pytest.raises(UserError) as caught:
            clean_text(value, "notes", 100)
        assert caught.value.field == "notes" and caught.value.error_code == "INVALID"
    assert clean_text(" caf\u00e9 \U0001f600 ", "notes", 100) == "caf\u00e9 \U0001f600"


def _cursor(value: Any) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        None,  # built in the test: JSON nested deeper than any decoder recurses
        _cursor(["2030-01-07T15:00:00", "00000000-0000-0000-0000-000000000001"]),
        _cursor(["2030-01-07T15:00:00+00:00", "00000000-0000-0000-0000-000000000001", 3]),
        _cursor({"2030-01-07T15:00:00+00:00": 1, "x": 2}),
        _cursor([20300107, "00000000-0000-0000-0000-000000000001"]),
        _cursor(["2030-01-07T15:00:00+00:00", "not a uuid"]),
        "x" * 5000,
    ],
    ids=["deeply nested", "naive", "three", "object", "number", "bad id", "long"],
)
async def test_malformed_cursors_are_bad_user_input(world, clients, cursor):
    if cursor is None:
        # Deeper than the JSON decoder recurses, small enough for the request body limit.
        cursor = base64.urlsafe_b64encode(b"[" * 5_000 + b"]" * 5_000).decode()
    kam = await clients.as_user(world.a.email(Role.KAM))
    await new_meeting(kam, world.a.workspace_gid)
    await new_meeting(kam, world.a.workspace_gid)
    await new_meeting(kam, world.a.workspace_gid)
    variables = json.dumps({"ws": world.a.workspace_gid, "after": cursor})
    result = await _post(kam, MEETINGS, variables)
    assert error_codes(result) == ["BAD_USER_INPUT"], result


@pytest.mark.parametrize(
    "name", ["Europe", "Etc", "America", "localtime", "posixrules", "Factory", "Europe/", "UTC\n"]
)
async def test_only_iana_zone_names_are_time_zones(world, clients, runtime, name):
    with pytest.raises(UserError):
        zone(name)
    kam = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    result = await _post(kam, UPDATE_PROFILE, json.dumps({"input": {"timeZone": name}}))
    assert _refused(result), result
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires"])
def test_iana_zone_names_are_accepted(name):
    assert str(zone(name)) == name
