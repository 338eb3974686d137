"""Building opportunities through the API for tests."""

from __future__ import annotations

from typing import Any

from tests.support import gql

FIELDS = "id version visibility name stage value currency expectedClose postMortem"
CREATE = f"""mutation($input: CreateOpportunityInput!) {{ createOpportunity(input: $input) {{
  opportunity {{ {FIELDS} owner {{ email }} }} errors {{ field code message }} }} }}"""
UPDATE = f"""mutation($input: UpdateOpportunityInput!) {{ updateOpportunity(input: $input) {{
  opportunity {{ {FIELDS} }} errors {{ field code message }} }} }}"""
DELETE = """mutation($input: DeleteOpportunityInput!) { deleteOpportunity(input: $input) {
  deletedId errors { field code message } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on Opportunity { visibility stage name
  history { nodes { action field before after actor { email } } } } } }"""
LIST = """query($ws: ID!, $stage: OpportunityStage, $first: Int, $after: String) {
  opportunities(workspaceId: $ws, stage: $stage, first: $first, after: $after) {
    nodes { id name stage } pageInfo { hasNextPage endCursor } } }"""


async def ok(http: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload object."""
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload["errors"] == [], payload
    return next(v for k, v in payload.items() if k != "errors")


async def new_opportunity(http: Any, workspace_gid: str, **fields: Any) -> dict[str, Any]:
    values = {"workspaceId": workspace_gid, "name": "Spare parts framework", **fields}
    return await ok(http, CREATE, {"input": values})
