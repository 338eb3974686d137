"""Setting forecasts and goals through the API for tests."""

from __future__ import annotations

from typing import Any

from tests.support import gql

ENTRY_FIELDS = "id version visibility month productLine forecast actual deviationPct flagged"
SET_ENTRY = f"""mutation($input: SetForecastEntryInput!) {{ setForecastEntry(input: $input) {{
  entry {{ {ENTRY_FIELDS} }} errors {{ field code message }} }} }}"""
SET_GOAL = """mutation($input: SetSalesGoalInput!) { setSalesGoal(input: $input) {
  goal { id version visibility year annualGoal currency deviationThresholdPct }
  errors { field code message } } }"""
FORECAST = """query($ws: ID!, $year: Int!, $line: String! = "") {
  forecast(workspaceId: $ws, year: $year, productLine: $line) {
    year productLine annualForecast ytdThrough ytdForecast ytdActual ytdAttainmentPct
    goalAttainmentPct annualGoal deviationThresholdPct productLines goal { id version }
    months { month forecast actual deviationPct flagged entry { id version } } } }"""
HISTORY = "history { nodes { action field before after actor { email } } }"
NODE = f"""query($id: ID!) {{ node(id: $id) {{ id
  ... on ForecastEntry {{ visibility forecast actual {HISTORY} }}
  ... on SalesGoal {{ visibility annualGoal {HISTORY} }} }} }}"""
ENTRIES = """query($ws: ID!, $year: Int, $line: String, $first: Int, $after: String) {
  forecastEntries(workspaceId: $ws, year: $year, productLine: $line, first: $first,
    after: $after) { nodes { id month productLine flagged } pageInfo { hasNextPage endCursor } } }"""
GOALS = """query($ws: ID!) { salesGoals(workspaceId: $ws) { nodes { id year } } }"""


async def ok(http: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload object."""
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload["errors"] == [], payload
    return next(v for k, v in payload.items() if k != "errors")


async def set_entry(http: Any, workspace_gid: str, month: str, **fields: Any) -> dict[str, Any]:
    return await ok(
        http, SET_ENTRY, {"input": {"workspaceId": workspace_gid, "month": month, **fields}}
    )


async def set_goal(http: Any, workspace_gid: str, year: int, **fields: Any) -> dict[str, Any]:
    return await ok(
        http, SET_GOAL, {"input": {"workspaceId": workspace_gid, "year": year, **fields}}
    )
