"""Who may change meetings, agendas and decisions; refusals change nothing; stale versions
conflict; the weekly standing call's default agenda; reordering; publishing minutes."""

from __future__ import annotations

from typing import Any

import pytest

from kamp.accounts.models import Role
from tests.clock import days_from_today
from tests.meetings.support import (
    CANCEL_MEETING,
    CREATE_AGENDA_ITEM,
    CREATE_MEETING,
    DELETE_ELEMENT,
    MOVE_AGENDA_ITEM,
    PUBLISH_MINUTES,
    RECORD_DECISION,
    UPDATE_AGENDA_ITEM,
    UPDATE_DECISION,
    UPDATE_MEETING,
    new_meeting,
    utc_at,
)
from tests.plans.support import ok
from tests.support import error_codes, gid, gql, snapshot

KAM_ONLY = {Role.KAM}
EDITORS = {Role.KAM, Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE}
AGENDA = """query($id: ID!) { node(id: $id) { ... on Meeting { agendaItems { id title position }
  decisions { text agendaItem { id } } } } }"""
HISTORY = """query($id: ID!) { node(id: $id) { ... on WorkspaceElement { version
  history { nodes { action field before after actor { email } } } } } }"""


async def _fixtures(world, clients) -> dict[str, Any]:
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    item = await ok(
        kam, CREATE_AGENDA_ITEM, {"input": {"meetingId": meeting["id"], "title": "Pricing"}}
    )
    decision = await ok(
        kam, RECORD_DECISION, {"input": {"meetingId": meeting["id"], "text": "Hold prices"}}
    )
    return {"meeting": meeting, "item": item, "decision": decision}


def _cases(f: dict[str, Any], ws: str) -> dict[str, tuple[str, dict[str, Any], set[Role]]]:
    meeting, item, decision = f["meeting"], f["item"], f["decision"]
    return {
        "createMeeting": (
            CREATE_MEETING,
            {
                "workspaceId": ws,
                "title": "QBR",
                "startsAt": utc_at(days_from_today(35), 15),
                "timeZone": "UTC",
            },
            KAM_ONLY,
        ),
        "updateMeeting": (
            UPDATE_MEETING,
            {"id": meeting["id"], "version": 1, "title": "Renamed"},
            KAM_ONLY,
        ),
        "cancelMeeting": (CANCEL_MEETING, {"id": meeting["id"], "version": 1}, KAM_ONLY),
        "publishMinutes": (PUBLISH_MINUTES, {"id": meeting["id"], "version": 1}, KAM_ONLY),
        "createAgendaItem": (
            CREATE_AGENDA_ITEM,
            {"meetingId": meeting["id"], "title": "More"},
            EDITORS,
        ),
        "updateAgendaItem": (
            UPDATE_AGENDA_ITEM,
            {"id": item["id"], "version": 1, "notes": "Agreed"},
            EDITORS,
        ),
        "moveAgendaItem": (
            MOVE_AGENDA_ITEM,
            {"id": item["id"], "version": 1, "position": 0},
            EDITORS,
        ),
        "recordDecision": (
            RECORD_DECISION,
            {"meetingId": meeting["id"], "text": "Ship it"},
            EDITORS,
        ),
        "updateDecision": (
            UPDATE_DECISION,
            {"id": decision["id"], "version": 1, "text": "Ship"},
            EDITORS,
        ),
        "deleteMeetingElement": (DELETE_ELEMENT, {"id": decision["id"]}, EDITORS),
    }


@pytest.mark.parametrize("role", list(Role))
async def test_permission_matrix(world, clients, runtime, role):
    f = await _fixtures(world, clients)
    http = await clients.as_user(world.a.email(role))
    for name in _cases(f, world.a.workspace_gid):
        query, variables, allowed = _cases(f, world.a.workspace_gid)[name]
        before = await snapshot(runtime.session_factory)
        result = await gql(http, query, {"input": variables})
        if role in allowed:
            assert "errors" not in result, (name, result)
            assert result["data"][name]["errors"] == [], (name, result)
            # Each case is written against the fixtures' first versions: start afresh.
            f = await _fixtures(world, clients)
        else:
            assert error_codes(result) == ["FORBIDDEN"], (name, role, result)
            assert await snapshot(runtime.session_factory) == before, (name, role)


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER])
async def test_other_account_is_not_found(world, clients, runtime, role):
    f = await _fixtures(world, clients)
    http = await clients.as_user(world.b.email(role))
    for name, (query, variables, _allowed) in _cases(f, world.a.workspace_gid).items():
        if name == "createMeeting":
            continue  # a workspace of another account is refused like a missing one
        before = await snapshot(runtime.session_factory)
        result = await gql(http, query, {"input": variables})
        assert "errors" not in result, (name, result)
        assert [e["code"] for e in result["data"][name]["errors"]] == ["NOT_FOUND"], name
        assert await snapshot(runtime.session_factory) == before, name


async def test_stale_version_conflicts_with_the_current_state(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    f = await _fixtures(world, clients)
    item = f["item"]
    await ok(buyer, UPDATE_AGENDA_ITEM, {"input": {"id": item["id"], "version": 1, "notes": "A"}})
    stale = await gql(
        kam, UPDATE_AGENDA_ITEM, {"input": {"id": item["id"], "version": 1, "notes": "B"}}
    )
    payload = stale["data"]["updateAgendaItem"]
    assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
    assert payload["item"]["notes"] == "A" and payload["item"]["version"] == 2
    meeting_conflict = await gql(
        kam, PUBLISH_MINUTES, {"input": {"id": f["meeting"]["id"], "version": 7}}
    )
    assert [e["code"] for e in meeting_conflict["data"]["publishMinutes"]["errors"]] == ["CONFLICT"]
    history = (await gql(kam, HISTORY, {"id": item["id"]}))["data"]["node"]["history"]["nodes"]
    assert [(h["action"], h["field"], h["after"]) for h in history] == [
        ("created", None, None),
        ("updated", "notes", "A"),
    ]
    assert history[1]["actor"]["email"] == world.a.email(Role.CUSTOMER_BUYER)


async def test_weekly_standing_call_gets_the_default_agenda(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    meeting = await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="WEEKLY_STANDING",
        attendeeIds=[],
    )
    titles = [i["title"] for i in meeting["agendaItems"]]
    assert [t.split(":")[0] for t in titles] == [
        "Sales performance update",
        "Issues needing resolution or escalation",
        "Pipeline review",
        "Marketing and business development",
        "Corporate update",
        "Voice of the field",
    ]
    assert [i["position"] for i in meeting["agendaItems"]] == list(range(6))
    assert all(i["visibility"] == "SHARED" and i["timeBoxMinutes"] for i in meeting["agendaItems"])
    other = await new_meeting(kam, world.a.workspace_gid, kind="OTHER")
    assert other["agendaItems"] == []


async def test_reorder_agenda_and_publish_minutes(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    meeting = await new_meeting(kam, world.a.workspace_gid, kind="WEEKLY_STANDING")
    items = meeting["agendaItems"]
    # A supplier-only preparation item, between the template's items.
    prep = await ok(
        kam,
        CREATE_AGENDA_ITEM,
        {"input": {"meetingId": meeting["id"], "title": "Prep", "visibility": "INTERNAL"}},
    )
    last = items[-1]
    moved = await ok(
        buyer, MOVE_AGENDA_ITEM, {"input": {"id": last["id"], "version": 1, "position": 0}}
    )
    assert moved["position"] == 0 and moved["version"] == 2
    seen = (await gql(buyer, AGENDA, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    assert [i["id"] for i in seen] == [last["id"], *(i["id"] for i in items[:-1])]
    everything = (await gql(kam, AGENDA, {"id": meeting["id"]}))["data"]["node"]["agendaItems"]
    assert [i["position"] for i in everything] == list(range(7))
    assert everything[-1]["id"] == prep["id"]
    # Siblings were renumbered, not edited: their version is unchanged.
    sibling = (await gql(kam, HISTORY, {"id": items[0]["id"]}))["data"]["node"]
    assert sibling["version"] == 1
    # Minutes: notes per item, a decision, then the KAM publishes.
    await ok(
        buyer, UPDATE_AGENDA_ITEM, {"input": {"id": items[1]["id"], "version": 1, "notes": "Ok"}}
    )
    await ok(
        kam,
        RECORD_DECISION,
        {"input": {"meetingId": meeting["id"], "text": "Escalate", "agendaItemId": items[1]["id"]}},
    )
    published = await ok(kam, PUBLISH_MINUTES, {"input": {"id": meeting["id"], "version": 1}})
    assert published["status"] == "HELD" and published["minutesPublishedAt"]
    minutes = (await gql(buyer, AGENDA, {"id": meeting["id"]}))["data"]["node"]
    assert minutes["decisions"] == [{"text": "Escalate", "agendaItem": {"id": items[1]["id"]}}]
    again = await gql(kam, CANCEL_MEETING, {"input": {"id": meeting["id"], "version": 2}})
    assert again["data"]["cancelMeeting"]["meeting"]["status"] == "CANCELLED"


async def test_attendees_from_both_sides(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    users = world.a.users
    ids = [gid("User", users[r].id) for r in (Role.KAM, Role.CUSTOMER_BUYER)]
    meeting = await new_meeting(kam, world.a.workspace_gid, attendeeIds=ids)
    assert {a["email"] for a in meeting["attendees"]} == {
        world.a.email(Role.KAM),
        world.a.email(Role.CUSTOMER_BUYER),
    }
    outsider = gid("User", world.b.users[Role.KAM].id)
    refused = await gql(
        kam,
        UPDATE_MEETING,
        {"input": {"id": meeting["id"], "version": 1, "attendeeIds": [outsider]}},
    )
    assert [(e["field"], e["code"]) for e in refused["data"]["updateMeeting"]["errors"]] == [
        ("attendeeIds", "INVALID")
    ]
    await ok(
        kam, UPDATE_MEETING, {"input": {"id": meeting["id"], "version": 1, "attendeeIds": ids[:1]}}
    )
    history = (await gql(kam, HISTORY, {"id": meeting["id"]}))["data"]["node"]["history"]["nodes"]
    change = history[-1]
    assert change["field"] == "attendees"
    assert change["before"] == ",".join(
        sorted(str(users[r].id) for r in (Role.KAM, Role.CUSTOMER_BUYER))
    )
    assert change["after"] == str(users[Role.KAM].id)
