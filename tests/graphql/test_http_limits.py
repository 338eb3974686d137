"""The HTTP endpoint refuses malformed or oversized requests early, with a clear 4xx and
nothing written: bodies over the size cap (read no further than the cap), bodies that are not
a JSON object, invalid UTF-8, JSON nested too deep, overlong names, subscriptions over POST,
page sizes out of range; and anonymous introspection outside development."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from kamp.accounts.models import Role
from kamp.app import create_app
from kamp.pagination import MAX_PAGE_SIZE
from tests.conftest import count_statements
from tests.support import error_codes, gql, snapshot

JSON = {"content-type": "application/json"}
CHUNK = 64 * 1024


def _refusal(response: httpx.Response, status: int) -> str:
    """The refusal's message; the body is a GraphQL error with code BAD_REQUEST."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    return str(body["errors"][0]["message"])


async def test_oversized_body_is_refused_before_it_is_read(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    cap = runtime.settings.max_body_bytes
    sent = 0

    async def ten_megabytes() -> AsyncIterator[bytes]:
        nonlocal sent
        prefix = b'{"query": "{ viewer { side } }", "variables": {"a": "'
        sent += 1
        yield prefix
        for _ in range(10 * 1024 * 1024 // CHUNK):
            sent += 1
            yield b"a" * CHUNK
        yield b'"}}'

    before = await snapshot(runtime.session_factory)
    response = await http.post("/graphql", content=ten_megabytes(), headers=JSON)
    _refusal(response, 413)
    assert sent * CHUNK <= cap + 2 * CHUNK  # stopped reading at the cap
    assert await snapshot(runtime.session_factory) == before


async def test_declared_oversized_body_is_refused_unread(client, runtime):
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(160):
            sent += 1
            yield b" " * CHUNK

    length = str(160 * CHUNK)
    response = await client.post(
        "/graphql", content=body(), headers={**JSON, "content-length": length}
    )
    _refusal(response, 413)
    assert sent <= 1


async def test_ten_megabyte_string_literal_is_refused_quickly(client):
    query = '{ node(id: "' + "a" * 10 * 1024 * 1024 + '") { id } }'
    response = await client.post("/graphql", json={"query": query})
    _refusal(response, 413)


async def test_overlong_string_literal_is_refused(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    literal = "a" * (runtime.settings.max_string_literal + 1)
    with count_statements(runtime.engine) as sql:
        result = await gql(http, '{ node(id: "' + literal + '") { id } }')
    assert error_codes(result) == ["BAD_REQUEST"]
    assert literal not in json.dumps(result)
    assert sql.count == 0


async def test_overlong_operation_name_is_refused_and_not_echoed(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    name = "Q" + "x" * 2000
    before = await snapshot(runtime.session_factory)
    response = await http.post(
        "/graphql", json={"query": "query Q { viewer { side } }", "operationName": name}
    )
    message = _refusal(response, 400)
    assert "operationName" in message
    assert "xxxxxxxxxx" not in response.text
    assert await snapshot(runtime.session_factory) == before


async def test_overlong_names_in_the_document_are_refused_and_not_echoed(client, runtime):
    field = "f" * 5000
    with count_statements(runtime.engine) as sql:
        result = await gql(client, "{ " + field + " }")
    assert error_codes(result) == ["BAD_REQUEST"]
    assert "fffffffffff" not in json.dumps(result)
    assert sql.count == 0


@pytest.mark.parametrize(
    "body",
    [b'"x"', b"null", b"[]", b"1", b"true", b'{"query": 1}', b'{"variables": [1]}'],
    ids=["string", "null", "empty-array", "number", "true", "query-not-string", "variables-list"],
)
async def test_body_that_is_not_a_request_object_is_refused(world, clients, runtime, body):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    response = await http.post("/graphql", content=body, headers=JSON)
    _refusal(response, 400)
    assert await snapshot(runtime.session_factory) == before


async def test_invalid_utf8_is_refused(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    response = await http.post(
        "/graphql", content=b'{"query": "{ viewer { side } }\xff\xfe"}', headers=JSON
    )
    assert "UTF-8" in _refusal(response, 400)
    assert await snapshot(runtime.session_factory) == before


async def test_deeply_nested_variables_are_refused(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    deep = "[" * 100_000 + "]" * 100_000
    body = '{"query": "query($v: JSON) { viewer { side } }", "variables": {"v": ' + deep + "}}"
    before = await snapshot(runtime.session_factory)
    response = await http.post("/graphql", content=body.encode(), headers=JSON)
    assert "nested" in _refusal(response, 400)
    assert await snapshot(runtime.session_factory) == before


async def test_moderately_nested_variables_are_fine(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    variables = {"id": world.a.workspace_gid, "unused": {"a": [[[{"b": [1, "]{["]}]]]}}
    result = await gql(http, "query($id: ID!) { node(id: $id) { id } }", variables)
    assert result["data"]["node"] == {"id": world.a.workspace_gid}


async def test_subscription_over_post_is_refused(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    response = await http.post(
        "/graphql",
        json={
            "query": "subscription($id: ID!) { workspaceEvents(workspaceId: $id) { __typename } }",
            "variables": {"id": world.a.workspace_gid},
        },
    )
    assert "WebSocket" in _refusal(response, 400)
    assert await snapshot(runtime.session_factory) == before


async def test_operations_over_get_are_refused(client):
    response = await client.get(
        "/graphql", params={"query": "subscription { notifications { id } }"}
    )
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    response = await client.get("/graphql", params={"query": "{ viewer { side } }"})
    assert response.status_code == 405


@pytest.mark.parametrize("first", [2147483647, MAX_PAGE_SIZE + 1, -1])
async def test_page_size_is_checked_before_any_sql(world, clients, runtime, first):
    http = await clients.as_user(world.a.email(Role.KAM))
    with count_statements(runtime.engine) as sql:
        literal = await gql(
            http, f"{{ viewer {{ workspaces(first: {first}) {{ edges {{ cursor }} }} }} }}"
        )
        variable = await gql(
            http,
            "query($n: Int) { viewer { workspaces(first: $n) { edges { cursor } } } }",
            {"n": first},
        )
    assert error_codes(literal) == ["BAD_USER_INPUT"]
    assert error_codes(variable) == ["BAD_USER_INPUT"]
    assert str(MAX_PAGE_SIZE) in literal["errors"][0]["message"]
    assert sql.count == 0


async def test_page_size_in_range_still_works(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    result = await gql(
        http,
        "query($n: Int) { viewer { workspaces(first: $n) { edges { cursor } } } }",
        {"n": MAX_PAGE_SIZE},
    )
    assert "errors" not in result, result
    assert len(result["data"]["viewer"]["workspaces"]["edges"]) == 1


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_anonymous_introspection_is_off_outside_development(client, runtime):
    assert runtime.settings.env != "development"
    with count_statements(runtime.engine) as sql:
        result = await gql(client, INTROSPECTION)
        typed = await gql(client, '{ __type(name: "Viewer") { name } }')
    assert result.get("data") is None
    assert error_codes(result) == ["UNAUTHENTICATED"]
    assert error_codes(typed) == ["UNAUTHENTICATED"]
    assert sql.count == 0
    # __typename is not introspection of the schema.
    assert await gql(client, "{ __typename }") == {"data": {"__typename": "Query"}}


async def test_signed_in_introspection_is_allowed(world, clients):
    http = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    result = await gql(http, INTROSPECTION)
    assert result == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_anonymous_introspection_is_allowed_in_development(settings):
    app = create_app(replace(settings, env="development"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            result = await gql(http, INTROSPECTION)
    assert result == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
