"""GraphQL conventions: global IDs, node/nodes, connections, limits, error masking.

Requests refused for their shape (malformed IDs, oversized pages, over-deep or over-wide
queries) must be refused before any SQL runs."""

from __future__ import annotations

import base64
import uuid

import pytest

from kamp.accounts.models import Role
from tests.conftest import count_statements
from tests.support import error_codes, gid, gql

WORKSPACE_MEMBERS = """
query($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on Workspace { members(first: $first, after: $after) {
    edges { cursor node { id role } } pageInfo { hasNextPage endCursor } } } }
}"""


async def test_global_ids_are_opaque_and_typed(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    workspace_id = world.a.workspace_gid
    assert str(world.a.workspace.id) not in workspace_id
    result = await gql(
        http, "query($id: ID!) { node(id: $id) { id __typename } }", {"id": workspace_id}
    )
    assert result["data"]["node"] == {"id": workspace_id, "__typename": "Workspace"}
    # The same UUID under another type name is another object: it does not exist.
    forged = gid("Location", world.a.workspace.id)
    result = await gql(http, "query($id: ID!) { node(id: $id) { id } }", {"id": forged})
    assert result["data"]["node"] is None


async def test_nodes_keeps_order_and_nulls_hidden(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    ids = [
        gid("Location", world.a.hq.id),
        gid("Location", world.b.hq.id),
        gid("Membership", world.a.memberships[Role.CUSTOMER_BUYER].id),
    ]
    result = await gql(
        http, "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }", {"ids": ids}
    )
    assert [n and n["id"] for n in result["data"]["nodes"]] == [ids[0], None, ids[2]]


@pytest.mark.parametrize(
    "bad_id",
    [
        "not-base64!",
        base64.b64encode(b"Workspace:not-a-uuid").decode(),
        "",
        # A well-formed ID of a type that does not exist (a fixed UUID: workers collect alike).
        base64.b64encode(b"Nope:" + str(uuid.UUID(int=1)).encode()).decode(),
    ],
)
async def test_malformed_ids_are_refused_without_sql(world, clients, runtime, bad_id):
    http = await clients.as_user(world.a.email(Role.KAM))
    with count_statements(runtime.engine) as sql:
        result = await gql(http, "query($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert sql.count == 0, sql.statements


async def test_mutation_with_wrong_id_type_is_refused_without_sql(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    mutation = """mutation($input: CreateLocationInput!) {
      createLocation(input: $input) { location { id } errors { field code } } }"""
    variables = {
        "input": {
            "workspaceId": gid("Location", world.a.hq.id),
            "kind": "HEADQUARTERS",
            "name": "Elsewhere",
        }
    }
    with count_statements(runtime.engine) as sql:
        result = await gql(http, mutation, variables)
    assert result["data"]["createLocation"] == {
        "location": None,
        "errors": [{"field": "workspaceId", "code": "INVALID"}],
    }
    assert sql.count == 0


async def test_connections_paginate_by_keyset(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    seen: list[str] = []
    after = None
    while True:
        result = await gql(
            http, WORKSPACE_MEMBERS, {"id": world.a.workspace_gid, "first": 4, "after": after}
        )
        members = result["data"]["node"]["members"]
        seen += [edge["node"]["id"] for edge in members["edges"]]
        if not members["pageInfo"]["hasNextPage"]:
            break
        after = members["pageInfo"]["endCursor"]
        assert after == members["edges"][-1]["cursor"]
    assert len(seen) == len(Role) == len(set(seen))


@pytest.mark.parametrize("first", [101, -1, 1000000])
async def test_oversized_pages_are_refused_without_sql(world, clients, runtime, first):
    http = await clients.as_user(world.a.email(Role.KAM))
    query = "query($first: Int) { viewer { workspaces(first: $first) { edges { cursor } } } }"
    # The viewer itself is resolved with SQL; the page must be refused before the list runs.
    with count_statements(runtime.engine) as sql:
        result = await gql(http, query, {"first": first})
    assert error_codes(result) == ["BAD_USER_INPUT"]
    assert "100" in result["errors"][0]["message"]
    assert not any("workspaces" in s and "LIMIT" in s for s in sql.statements)


async def test_oversized_page_on_node_field_runs_no_sql(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    with count_statements(runtime.engine) as sql:
        result = await gql(
            http, WORKSPACE_MEMBERS, {"id": world.a.workspace_gid, "first": 101, "after": None}
        )
    assert "BAD_USER_INPUT" in error_codes(result)
    assert sql.count <= 4  # the session lookup and the workspace, never the member list
    assert not any("FROM memberships" in s and "LIMIT" in s for s in sql.statements)


async def test_forged_cursor_is_refused(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    result = await gql(
        http, WORKSPACE_MEMBERS, {"id": world.a.workspace_gid, "first": 2, "after": "garbage"}
    )
    assert error_codes(result) == ["BAD_USER_INPUT"]


def _deep_query(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"parent {{ {inner} }}"
    return f'{{ node(id: "x") {{ ... on Location {{ {inner} }} }} }}'


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        (_deep_query(20), "exceeds maximum operation depth"),
        ("{ " + " ".join(f"a{i}: viewer {{ side }}" for i in range(31)) + " }", "aliases"),
        (
            "query { viewer { ...F } } fragment F on Viewer { "
            + " ".join(f"b{i}: side" for i in range(31))
            + " }",
            "aliases",
        ),
        ("{ viewer { " + "side " * 2100 + "} }", "token"),
    ],
    ids=["depth", "aliases", "aliases-in-fragments", "tokens"],
)
async def test_query_limits_refuse_before_execution(world, clients, runtime, query, needle):
    http = await clients.as_user(world.a.email(Role.KAM))
    with count_statements(runtime.engine) as sql:
        result = await gql(http, query)
    assert result.get("data") is None
    assert needle in result["errors"][0]["message"].lower()
    assert sql.count == 0


async def test_one_operation_per_request(client):
    response = await client.post(
        "/graphql", json=[{"query": "{ viewer { side } }"}, {"query": "{ viewer { side } }"}]
    )
    assert response.status_code == 400
    assert "batch" in response.text.lower()


async def test_unexpected_errors_are_masked(world, clients, monkeypatch):
    from kamp.accounts import service

    async def broken(*_args, **_kwargs):
        raise RuntimeError('SELECT * FROM users WHERE password_hash = "secret"')

    monkeypatch.setattr(service, "list_workspaces", broken)
    http = await clients.as_user(world.a.email(Role.KAM))
    result = await gql(http, "{ viewer { workspaces { edges { cursor } } } }")
    assert result["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 12}],
            "path": ["viewer", "workspaces"],
            "extensions": {"code": "INTERNAL"},
        }
    ]


async def test_anonymous_gets_null_viewer_and_unauthenticated_elsewhere(world, client):
    result = await gql(client, "{ viewer { side } }")
    assert result == {"data": {"viewer": None}}
    result = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": world.a.workspace_gid}
    )
    assert error_codes(result) == ["UNAUTHENTICATED"]


async def test_several_root_fields_share_one_request_session(world, clients):
    """Root fields resolve concurrently; they must not race to open the request's connection."""
    http = await clients.as_user(world.a.email(Role.KAM))
    query = """query($id: ID!) { viewer { side } node(id: $id) { id }
      again: node(id: $id) { id } nodes(ids: [$id]) { id } }"""
    for _ in range(5):
        result = await gql(http, query, {"id": world.a.workspace_gid})
        assert "errors" not in result, result
        assert result["data"]["viewer"] == {"side": "SUPPLIER"}
        assert result["data"]["again"] == {"id": world.a.workspace_gid}
