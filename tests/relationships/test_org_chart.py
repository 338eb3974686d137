"""The org chart as each viewer sees it, deleting people from it, the computed coverage gaps,
and nested connections batched so that statements do not grow with the chart."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.conftest import count_statements
from tests.relationships.support import (
    DELETE_CONTACT,
    NODE,
    UPDATE_CONTACT,
    new_contact,
    new_relationship,
    ok,
)
from tests.support import error_codes, gid, gql

CHART = """query($ws: ID!, $roots: Boolean!, $first: Int, $after: String) {
  contacts(workspaceId: $ws, rootsOnly: $roots, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { name reportsTo { name } directReports(first: 2) { pageInfo { hasNextPage }
      nodes { name } } } } }"""
NAMES = """query($ws: ID!) { contacts(workspaceId: $ws) { nodes { id name } } }"""
GAPS = """query($ws: ID!) { coverageGaps(workspaceId: $ws) { nodes { relationshipCount
  contact { name buyingRole } } } }"""
DEEP = """query($ws: ID!) { contacts(workspaceId: $ws, first: 100) { nodes {
  name stance location { name } reportsTo { name reportsTo { name } }
  directReports(first: 100) { nodes { name location { name } } }
  relationships(first: 100) { nodes { strength supplierUser { displayName }
    contact { name } } } } } }"""


def _chart(result) -> dict[str, tuple]:
    return {
        c["name"]: (
            c["reportsTo"] and c["reportsTo"]["name"],
            [r["name"] for r in c["directReports"]["nodes"]],
            c["directReports"]["pageInfo"]["hasNextPage"],
        )
        for c in result["data"]["contacts"]["nodes"]
    }


async def test_roots_and_direct_reports_as_each_side_sees_them(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    ceo = await new_contact(kam, ws, "CEO")
    # An adviser the supplier keeps to itself, with a shared assistant under it.
    adviser = await new_contact(kam, ws, "Adviser", reportsToId=ceo["id"], visibility="INTERNAL")
    await new_contact(kam, ws, "Assistant", reportsToId=adviser["id"])
    for name in ("CFO", "CTO", "COO"):
        await new_contact(kam, ws, name, reportsToId=ceo["id"])
    args = {"ws": ws, "roots": True}
    assert _chart(await gql(kam, CHART, args)) == {"CEO": (None, ["Adviser", "CFO"], True)}
    # The customer never learns of the adviser: its assistant is a root for them.
    assert _chart(await gql(buyer, CHART, args)) == {
        "CEO": (None, ["CFO", "CTO"], True),
        "Assistant": (None, [], False),
    }
    # What the customer was shown (no manager) changes nothing when sent back.
    ids = {
        c["name"]: c["id"] for c in (await gql(kam, NAMES, {"ws": ws}))["data"]["contacts"]["nodes"]
    }
    assistant_id = ids["Assistant"]
    unchanged = await ok(
        buyer, UPDATE_CONTACT, {"input": {"id": assistant_id, "version": 1, "reportsToId": None}}
    )
    assert unchanged["version"] == 1 and unchanged["reportsTo"] is None
    # Moving it under someone visible is the customer's right; the move away from the hidden
    # adviser stays in the supplier's history.
    cfo = {"id": ids["CFO"]}
    moved = await ok(
        buyer,
        UPDATE_CONTACT,
        {"input": {"id": assistant_id, "version": 1, "reportsToId": cfo["id"]}},
    )
    assert moved["reportsTo"] == {"id": cfo["id"]}
    for http, fields in ((kam, [None, "reports_to_id"]), (buyer, [None])):
        node = (await gql(http, NODE, {"id": assistant_id}))["data"]["node"]
        assert [h["field"] for h in node["history"]["nodes"]] == fields
    # Plain pages of the whole chart.
    page = await gql(kam, CHART, {"ws": ws, "roots": False, "first": 4})
    assert list(_chart(page)) == ["CEO", "Adviser", "Assistant", "CFO"]
    assert _chart(page)["CFO"] == ("CEO", ["Assistant"], False)
    info = page["data"]["contacts"]["pageInfo"]
    rest = await gql(kam, CHART, {"ws": ws, "roots": False, "after": info["endCursor"]})
    assert info["hasNextPage"] and list(_chart(rest)) == ["CTO", "COO"]


async def test_deleting_a_contact_takes_its_relationships(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    boss = await new_contact(kam, ws, "Boss")
    leaver = await new_contact(kam, ws, "Leaver", reportsToId=boss["id"])
    hidden = await new_contact(kam, ws, "Hidden", reportsToId=leaver["id"], visibility="INTERNAL")
    rel = await new_relationship(kam, leaver["id"], gid("User", world.a.users[Role.KAM].id))
    # The customer sees no reports, so may delete; the hidden one moves up, not away.
    await ok(buyer, DELETE_CONTACT, {"input": {"id": leaver["id"]}})
    assert (await gql(kam, NODE, {"id": rel["id"]}))["data"]["node"] is None
    moved = (await gql(kam, CHART, {"ws": ws, "roots": True}))["data"]["contacts"]["nodes"]
    assert [(c["name"], [r["name"] for r in c["directReports"]["nodes"]]) for c in moved] == [
        ("Boss", ["Hidden"])
    ]
    history = (await gql(kam, NODE, {"id": hidden["id"]}))["data"]["node"]["history"]["nodes"]
    assert [(h["field"], h["actor"]["email"]) for h in history] == [
        (None, world.a.email(Role.KAM)),
        ("reports_to_id", world.a.email(Role.CUSTOMER_BUYER)),
    ]


async def test_coverage_gaps(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    people = {u: gid("User", world.a.users[u].id) for u in (Role.KAM, Role.SUPPLIER_MEMBER)}
    uncovered = await new_contact(kam, ws, "Uncovered", buyingRole="DECISION_MAKER")
    single = await new_contact(kam, ws, "Single", buyingRole="INFLUENCER")
    covered = await new_contact(kam, ws, "Covered", buyingRole="DECISION_MAKER")
    user = await new_contact(kam, ws, "Just a user", buyingRole="USER")
    await new_relationship(kam, single["id"], people[Role.KAM])
    for person in people.values():
        await new_relationship(kam, covered["id"], person)
    assert uncovered and user
    gaps = (await gql(kam, GAPS, {"ws": ws}))["data"]["coverageGaps"]["nodes"]
    assert [(g["contact"]["name"], g["relationshipCount"]) for g in gaps] == [
        ("Uncovered", 0),
        ("Single", 1),
    ]


async def _deep(runtime, http, ws) -> tuple[int, int]:
    with count_statements(runtime.engine) as sql:
        result = await gql(http, DEEP, {"ws": ws})
    assert "errors" not in result, result
    nodes = result["data"]["contacts"]["nodes"]
    return sql.count, len(nodes) + sum(len(c["relationships"]["nodes"]) for c in nodes)


async def test_statements_do_not_grow_with_the_chart(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    region = gid("Location", world.a.region.id)
    members = [gid("User", world.a.users[r].id) for r in (Role.KAM, Role.SUPPLIER_MEMBER)]

    async def grow(count: int, top: str | None) -> str:
        for i in range(count):
            contact = await new_contact(
                kam, ws, f"P{i}", reportsToId=top, locationId=region, stance="SUPPORTER"
            )
            top = top or contact["id"]
            for member in members:
                await new_relationship(kam, contact["id"], member, visibility="SHARED")
        assert top is not None
        return top

    top = await grow(2, None)
    small, small_items = await _deep(runtime, kam, ws)
    await grow(12, top)
    large, large_items = await _deep(runtime, kam, ws)
    assert large_items == small_items + 36
    assert large == small, (small, large)
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    customer, _ = await _deep(runtime, buyer, ws)
    assert customer == small


async def test_oversized_pages_are_refused_without_sql(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    for query in (
        "query($ws: ID!) { contacts(workspaceId: $ws, first: 101) { nodes { id } } }",
        "query($ws: ID!) { relationships(workspaceId: $ws, first: 101) { nodes { id } } }",
        "query($ws: ID!) { coverageGaps(workspaceId: $ws, first: 101) { nodes { relationshipCount } } }",
    ):
        with count_statements(runtime.engine) as sql:
            result = await gql(kam, query, {"ws": world.a.workspace_gid})
        assert error_codes(result) == ["BAD_USER_INPUT"] and sql.count == 0, query
