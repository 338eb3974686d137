"""Co-editing the map: stale versions get CONFLICT with the current state, the history shows
exactly what happened, and the supplier's reading of a person (its stance) stays out of the
customer's history and events unless the KAM shares it."""

from __future__ import annotations

import asyncio

import pytest

from kamp.accounts.models import Role
from tests.clock import iso_day
from tests.realtime.support import next_message, serve, subscription
from tests.relationships.support import (
    NODE,
    UPDATE_CONTACT,
    UPDATE_RELATIONSHIP,
    new_contact,
    new_relationship,
    ok,
    payload_of,
)
from tests.support import gid, gql


def _history(node) -> list[tuple]:
    return [
        (h["action"], h["field"], h["before"], h["after"], h["actor"]["email"])
        for h in node["history"]["nodes"]
    ]


async def test_simultaneous_edits_one_wins_one_conflicts(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    contact = await new_contact(kam, world.a.workspace_gid, "Robin")
    results = await asyncio.gather(
        *(
            payload_of(http, UPDATE_CONTACT, {"input": {"id": contact["id"], "version": 1, **v}})
            for http, v in ((kam, {"title": "CFO"}), (buyer, {"title": "Finance director"}))
        )
    )
    assert sorted(bool(r["errors"]) for r in results) == [False, True]
    (loser,) = [r for r in results if r["errors"]]
    assert loser["errors"][0]["code"] == "CONFLICT"
    (winner,) = [r for r in results if not r["errors"]]
    node = (await gql(kam, NODE, {"id": contact["id"]}))["data"]["node"]
    assert node["version"] == 2
    assert [h["field"] for h in node["history"]["nodes"]] == [None, "title"]
    assert node["history"]["nodes"][1]["after"] == winner["contact"]["title"]


async def test_stale_version_gets_the_current_state(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    contact = await new_contact(kam, world.a.workspace_gid, "Robin", stance="SUPPORTER")
    await ok(kam, UPDATE_CONTACT, {"input": {"id": contact["id"], "version": 1, "title": "CEO"}})
    stale = await payload_of(
        buyer, UPDATE_CONTACT, {"input": {"id": contact["id"], "version": 1, "title": "CTO"}}
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    current = stale["contact"]
    assert (current["title"], current["version"]) == ("CEO", 2)
    # The current state is shown as the customer may see it.
    assert (current["stance"], current["stanceVisibility"]) == (None, None)
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    rel = await new_relationship(kam, contact["id"], member, strength=2)
    await ok(kam, UPDATE_RELATIONSHIP, {"input": {"id": rel["id"], "version": 1, "strength": 4}})
    stale = await payload_of(
        kam, UPDATE_RELATIONSHIP, {"input": {"id": rel["id"], "version": 1, "notes": "Golf"}}
    )
    assert [e["code"] for e in stale["errors"]] == ["CONFLICT"]
    assert (stale["relationship"]["strength"], stale["relationship"]["version"]) == (4, 2)


async def test_history_keeps_the_stance_internal_until_shared(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    kam_email, buyer_email = world.a.email(Role.KAM), world.a.email(Role.CUSTOMER_BUYER)
    contact = await new_contact(buyer, world.a.workspace_gid, "Robin")
    cid = contact["id"]
    await ok(buyer, UPDATE_CONTACT, {"input": {"id": cid, "version": 1, "influence": 5}})
    await ok(kam, UPDATE_CONTACT, {"input": {"id": cid, "version": 2, "stance": "SKEPTIC"}})
    await ok(
        kam, UPDATE_CONTACT, {"input": {"id": cid, "version": 3, "stanceVisibility": "SHARED"}}
    )
    shared = await ok(
        kam, UPDATE_CONTACT, {"input": {"id": cid, "version": 4, "stance": "NEUTRAL"}}
    )
    assert shared["version"] == 5
    supplier_view = (await gql(kam, NODE, {"id": cid}))["data"]["node"]
    assert _history(supplier_view) == [
        ("created", None, None, None, buyer_email),
        ("updated", "influence", 3, 5, buyer_email),
        ("updated", "stance", "UNKNOWN", "SKEPTIC", kam_email),
        ("updated", "stance_visibility", "INTERNAL", "SHARED", kam_email),
        ("updated", "stance", "SKEPTIC", "NEUTRAL", kam_email),
    ]
    customer_view = (await gql(buyer, NODE, {"id": cid}))["data"]["node"]
    assert customer_view["stance"] == "NEUTRAL" and customer_view["stanceVisibility"] is None
    assert _history(customer_view) == [
        ("created", None, None, None, buyer_email),
        ("updated", "influence", 3, 5, buyer_email),
        ("updated", "stance", "SKEPTIC", "NEUTRAL", kam_email),
    ]


async def test_events_of_an_internal_stance_reach_the_supplier_only(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    contact = await new_contact(kam, world.a.workspace_gid, "Robin")
    watchers = {
        role: await clients.as_user(world.a.email(role))
        for role in (Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER)
    }
    async with serve(runtime.app) as host:
        cookie = {
            role: {"cookie": f"kamp_session={http.cookies['kamp_session']}"}
            for role, http in watchers.items()
        }
        async with (
            subscription(host, world.a.workspace_gid, headers=cookie[Role.SUPPLIER_MEMBER]) as sup,
            subscription(host, world.a.workspace_gid, headers=cookie[Role.CUSTOMER_BUYER]) as cus,
        ):
            both = {"stance": "OPPONENT", "title": "COO"}
            await ok(kam, UPDATE_CONTACT, {"input": {"id": contact["id"], "version": 1, **both}})
            supplier = [await next_message(sup) for _ in range(2)]
            customer = await next_message(cus)
            with pytest.raises(TimeoutError):
                await next_message(cus, timeout=0.3)
    fields = sorted(m["payload"]["data"]["workspaceEvents"]["fields"] for m in supplier)
    assert fields == [["stance"], ["title"]]
    assert customer["payload"]["data"]["workspaceEvents"]["fields"] == ["title"]


async def test_clearing_optional_fields(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    boss = await new_contact(kam, ws, "Boss")
    region = gid("Location", world.a.region.id)
    report = await new_contact(kam, ws, "Report", reportsToId=boss["id"], locationId=region)
    left_out = await ok(kam, UPDATE_CONTACT, {"input": {"id": report["id"], "version": 1}})
    assert left_out["reportsTo"] == {"id": boss["id"]} and left_out["version"] == 1
    cleared = await ok(
        kam,
        UPDATE_CONTACT,
        {"input": {"id": report["id"], "version": 1, "reportsToId": None, "locationId": None}},
    )
    assert (cleared["reportsTo"], cleared["location"], cleared["version"]) == (None, None, 2)
    node = (await gql(kam, NODE, {"id": report["id"]}))["data"]["node"]
    assert {h["field"]: h["after"] for h in node["history"]["nodes"][1:]} == {
        "reports_to_id": None,
        "location_id": None,
    }
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    rel = await new_relationship(kam, boss["id"], member, lastInteraction=iso_day(-30))
    cleared = await ok(
        kam,
        UPDATE_RELATIONSHIP,
        {"input": {"id": rel["id"], "version": 1, "lastInteraction": None}},
    )
    assert (cleared["lastInteraction"], cleared["version"]) == (None, 2)


async def test_hiding_a_contact_hides_its_relationships(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    contact = await new_contact(kam, world.a.workspace_gid)
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    rel = await new_relationship(kam, contact["id"], member, visibility="SHARED")
    assert (await gql(buyer, NODE, {"id": rel["id"]}))["data"]["node"] is not None
    await ok(
        kam,
        UPDATE_CONTACT,
        {"input": {"id": contact["id"], "version": 1, "visibility": "INTERNAL"}},
    )
    node = (await gql(kam, NODE, {"id": rel["id"]}))["data"]["node"]
    assert (node["visibility"], node["version"]) == ("INTERNAL", 2)
    assert (await gql(buyer, NODE, {"id": rel["id"]}))["data"]["node"] is None
    assert (await gql(buyer, NODE, {"id": contact["id"]}))["data"]["node"] is None
