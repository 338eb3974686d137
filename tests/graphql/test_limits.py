"""Query limits are linear in the document's size: each fragment is measured once, however
often it is spread, and the cost budget (a connection multiplies its fields by its page size)
refuses fragment fan-out and oversized nested pages before any SQL runs."""

from __future__ import annotations

import gc
import re
import time

import pytest

from graphql import parse
from kamp.accounts.models import Role
from kamp.api import build_schema
from kamp.pagination import DEFAULT_PAGE_SIZE
from tests.conftest import count_statements
from tests.support import FRONTEND, error_codes, gql


def fan_out(fragments: int) -> str:
    """Each fragment spreads the next one twice: 2**fragments fields once expanded."""
    parts = [f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)]
    parts.append(f"fragment F{fragments} on Viewer {{ side }}")
    return "query { viewer { ...F0 } } " + " ".join(parts)


@pytest.mark.parametrize("fragments", [20, 30])
async def test_fragment_fan_out_is_refused_quickly(client, runtime, fragments):
    await gql(client, "{ viewer { side } }")  # warm up
    query = fan_out(fragments)
    assert len(query) < 1400
    with count_statements(runtime.engine) as sql:
        started = time.perf_counter()
        result = await gql(client, query)
        elapsed = time.perf_counter() - started
    assert result.get("data") is None
    assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "cost" in result["errors"][0]["message"].lower()
    assert sql.count == 0
    assert elapsed < 0.05, f"{elapsed * 1000:.0f} ms"


def test_limiter_work_is_linear_in_the_document():
    from kamp.graphql.limits import CEILING, measure_document

    schema = build_schema()._schema
    visits = {}
    for fragments in (25, 50, 100, 200):
        report = measure_document(schema, parse(fan_out(fragments)), {})
        assert report.cost > min(2**fragments, CEILING - 1)  # the expanded size is known...
        visits[fragments] = report.visits  # ...from work proportional to the text
    assert visits[200] - visits[100] == 2 * (visits[100] - visits[50])
    assert visits[100] - visits[50] == 2 * (visits[50] - visits[25])
    assert visits[200] <= 10 * 200


def test_limiter_time_is_linear_in_the_document():
    from kamp.graphql.limits import measure_document

    schema = build_schema()._schema

    def seconds(fragments: int) -> float:
        document = parse(fan_out(fragments))
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            measure_document(schema, document, {})
            best = min(best, time.perf_counter() - started)
        return best

    gc.disable()  # the collector's passes grow with the heap, not with the limiter's work
    try:
        small, large = seconds(100), seconds(800)
    finally:
        gc.enable()
    assert large < 8 * small * 3  # eight times the text: about eight times the work


def _nested_members(outer: int | str, inner: int | str, copies: int = 1) -> str:
    members = " ".join(
        f"m{i}: members(first: {inner}) {{ edges {{ node {{ id role }} }} }}" for i in range(copies)
    )
    return f"{{ viewer {{ workspaces(first: {outer}) {{ edges {{ node {{ {members} }} }} }} }} }}"


async def test_cost_budget_refuses_large_nested_pages_before_sql(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    budget = runtime.settings.max_query_cost
    # 100 workspaces with 25 times 100 members each.
    assert budget < 2 + 100 * (2 + 25 * (1 + 100 * 4))
    with count_statements(runtime.engine) as sql:
        result = await gql(http, _nested_members(100, 100, copies=25))
        # Page sizes given as variables count the same.
        variables = await gql(
            http,
            "query($a: Int, $b: Int) " + _nested_members("$a", "$b", copies=25),
            {"a": 100, "b": 100},
        )
    assert result.get("data") is None
    assert error_codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "cost" in result["errors"][0]["message"].lower()
    assert error_codes(variables) == ["GRAPHQL_VALIDATION_FAILED"]
    assert sql.count == 0


async def test_cost_within_budget_runs(world, clients):
    http = await clients.as_user(world.a.email(Role.KAM))
    result = await gql(http, _nested_members(10, 10))
    assert "errors" not in result, result


def test_cost_counts_connections_by_page_size():
    from kamp.graphql.limits import measure_document

    schema = build_schema()._schema

    def cost(query: str, variables: dict | None = None) -> int:
        return measure_document(schema, parse(query), variables or {}).cost

    assert cost("{ viewer { side } }") == 2
    assert cost(_nested_members(3, 5)) == 2 + 3 * (3 + 5 * 4)
    default = DEFAULT_PAGE_SIZE
    assert cost("{ viewer { workspaces { edges { cursor } } } }") == 2 + default * 2
    query = "query($n: Int) { viewer { workspaces(first: $n) { edges { cursor } } } }"
    assert cost(query, {"n": 7}) == 2 + 7 * 2
    assert cost(query, {}) == 2 + default * 2
    # `nodes` repeats its selection for every ID asked for.
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert cost(nodes, {"ids": ["a", "b", "c"]}) == 1 + 3 * 1
    assert cost('{ nodes(ids: ["a", "b"]) { id } }') == 1 + 2 * 1
    # A fragment spread twice costs twice, though it is measured once.
    twice = "{ viewer { ...W ...W } } fragment W on Viewer { workspaces(first: 3) { edges { cursor } } }"
    assert cost(twice) == 1 + 2 * (1 + 3 * 2)


def test_aliases_count_every_spread():
    from kamp.graphql.limits import measure_document

    schema = build_schema()._schema
    query = (
        "{ viewer { ...A ...A } } fragment A on Viewer { "
        + " ".join(f"s{i}: side" for i in range(16))
        + " }"
    )
    assert measure_document(schema, parse(query), {}).aliases == 32


def test_every_web_app_document_is_within_the_limits():
    from kamp.graphql.limits import measure_document
    from kamp.settings import Settings

    settings = Settings()
    schema = build_schema()._schema
    documents = []
    for path in FRONTEND.rglob("*.ts*"):
        if "gql" in path.parts:
            continue
        documents += re.findall(r"graphql\(`(.*?)`\)", path.read_text(), re.S)
    assert documents
    fragments = {m.group(1): d for d in documents if (m := re.match(r"\s*fragment (\w+)", d))}
    for document in documents:
        defined = set(re.findall(r"fragment (\w+)", document))
        needed = set(re.findall(r"\.\.\.(\w+)", document)) - defined - {"on"}
        full = document + "".join(fragments[name] for name in needed)
        report = measure_document(schema, parse(full), {})
        assert report.depth <= settings.max_query_depth, document
        assert report.cost <= settings.max_query_cost, (report.cost, document[:200])
