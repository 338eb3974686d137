"""Input checks: each refusal is a typed user error on the right field and changes nothing."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.clock import days_from_today, iso_day, local
from tests.relationships.support import (
    CREATE_CONTACT,
    CREATE_RELATIONSHIP,
    DELETE_CONTACT,
    UPDATE_CONTACT,
    UPDATE_RELATIONSHIP,
    new_contact,
    new_relationship,
    payload_of,
)
from tests.support import gid, snapshot


async def _error(runtime, http, query, variables) -> tuple[str, str]:
    before = await snapshot(runtime.session_factory)
    payload = await payload_of(http, query, variables)
    assert await snapshot(runtime.session_factory) == before
    (error,) = payload["errors"]
    return error["field"], error["code"]


@pytest.fixture
async def kam(world, clients):
    return await clients.as_user(world.a.email(Role.KAM))


async def test_contact_fields(world, runtime, kam):
    ws = world.a.workspace_gid
    base = {"workspaceId": ws, "name": "Pat", "buyingRole": "INFLUENCER"}
    cases = [
        ({"influence": 0}, ("influence", "INVALID")),
        ({"influence": 6}, ("influence", "INVALID")),
        ({"name": "  "}, ("name", "REQUIRED")),
        ({"name": "x" * 201}, ("name", "INVALID")),
        ({"email": "not an email"}, ("email", "INVALID")),
        ({"locationId": gid("Location", world.b.hq.id)}, ("locationId", "NOT_FOUND")),
        ({"reportsToId": gid("Location", world.a.hq.id)}, ("reportsToId", "INVALID")),
    ]
    for extra, expected in cases:
        variables = {"input": {**base, **extra}}
        assert await _error(runtime, kam, CREATE_CONTACT, variables) == expected, extra
    located = await new_contact(kam, ws, locationId=gid("Location", world.a.region.id))
    assert located["location"] == {"id": gid("Location", world.a.region.id)}


async def test_reports_to_stays_in_the_workspace_without_loops(world, clients, runtime, kam):
    ws = world.a.workspace_gid
    ceo = await new_contact(kam, ws, "CEO")
    cfo = await new_contact(kam, ws, "CFO", reportsToId=ceo["id"])
    controller = await new_contact(kam, ws, "Controller", reportsToId=cfo["id"])
    other_kam = await clients.as_user(world.b.email(Role.KAM))
    foreign = await new_contact(other_kam, world.b.workspace_gid, "Elsewhere")
    move = {"input": {"id": ceo["id"], "version": 1}}
    for manager, code in (
        (ceo["id"], "INVALID"),  # itself
        (controller["id"], "INVALID"),  # two levels below
        (cfo["id"], "INVALID"),
        (foreign["id"], "NOT_FOUND"),  # another account's
    ):
        variables = {"input": {**move["input"], "reportsToId": manager}}
        assert await _error(runtime, kam, UPDATE_CONTACT, variables) == ("reportsToId", code)
    created = {"input": {"workspaceId": ws, "name": "X", "buyingRole": "USER"}}
    created["input"]["reportsToId"] = foreign["id"]
    assert await _error(runtime, kam, CREATE_CONTACT, created) == ("reportsToId", "NOT_FOUND")
    # Moving sideways is fine.
    moved = await payload_of(
        kam,
        UPDATE_CONTACT,
        {"input": {"id": controller["id"], "version": 1, "reportsToId": ceo["id"]}},
    )
    assert moved["errors"] == [] and moved["contact"]["reportsTo"] == {"id": ceo["id"]}


async def test_a_manager_cannot_be_deleted(world, runtime, kam):
    boss = await new_contact(kam, world.a.workspace_gid, "Boss")
    await new_contact(kam, world.a.workspace_gid, "Report", reportsToId=boss["id"])
    variables = {"input": {"id": boss["id"]}}
    assert await _error(runtime, kam, DELETE_CONTACT, variables) == ("id", "INVALID")


async def test_relationship_fields(world, runtime, kam, clock):
    # Noon: the server's "today" and the test's cannot fall on either side of a midnight.
    clock.travel(local(days_from_today(0), 12, "UTC"))
    contact = await new_contact(kam, world.a.workspace_gid)
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    base = {"contactId": contact["id"], "supplierUserId": member}
    tomorrow_but_one = iso_day(2)  # the server allows a day ahead for time zones
    cases = [
        ({"strength": 0}, ("strength", "INVALID")),
        ({"strength": 6}, ("strength", "INVALID")),
        ({"lastInteraction": tomorrow_but_one}, ("lastInteraction", "INVALID")),
        ({"notes": "x" * 2001}, ("notes", "INVALID")),
        # A customer is not the supplier's person; nor is someone of another workspace.
        (
            {"supplierUserId": gid("User", world.a.users[Role.CUSTOMER_BUYER].id)},
            ("supplierUserId", "INVALID"),
        ),
        (
            {"supplierUserId": gid("User", world.b.users[Role.SUPPLIER_MEMBER].id)},
            ("supplierUserId", "INVALID"),
        ),
        ({"supplierUserId": contact["id"]}, ("supplierUserId", "INVALID")),
    ]
    for extra, expected in cases:
        variables = {"input": {**base, **extra}}
        assert await _error(runtime, kam, CREATE_RELATIONSHIP, variables) == expected, extra
    last_week = iso_day(-7)
    first = await new_relationship(kam, contact["id"], member, lastInteraction=last_week)
    assert first["lastInteraction"] == last_week
    duplicate = {"input": {**base, "strength": 5}}
    assert await _error(runtime, kam, CREATE_RELATIONSHIP, duplicate) == (
        "supplierUserId",
        "DUPLICATE",
    )
    update = {"input": {"id": first["id"], "version": 1, "strength": 9}}
    assert await _error(runtime, kam, UPDATE_RELATIONSHIP, update) == ("strength", "INVALID")


async def test_relationships_of_a_hidden_contact_stay_hidden(world, runtime, kam):
    contact = await new_contact(kam, world.a.workspace_gid, visibility="INTERNAL")
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    shared = {"input": {"contactId": contact["id"], "supplierUserId": member}}
    shared["input"]["visibility"] = "SHARED"
    assert await _error(runtime, kam, CREATE_RELATIONSHIP, shared) == ("visibility", "INVALID")
    rel = await new_relationship(kam, contact["id"], member)
    share = {"input": {"id": rel["id"], "version": 1, "visibility": "SHARED"}}
    assert await _error(runtime, kam, UPDATE_RELATIONSHIP, share) == ("visibility", "INVALID")
