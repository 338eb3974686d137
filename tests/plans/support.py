"""Building plans through the API for tests."""

from __future__ import annotations

from typing import Any

from tests.support import gql

CREATE_PLAN = """mutation($input: CreateAccountPlanInput!) { createAccountPlan(input: $input) {
  plan { id version status } errors { field code message } } }"""
CREATE_OBJECTIVE = """mutation($input: CreateObjectiveInput!) { createObjective(input: $input) {
  objective { id version visibility } errors { field code message } } }"""
UPDATE_OBJECTIVE = """mutation($input: UpdateObjectiveInput!) { updateObjective(input: $input) {
  objective { id title status version visibility } errors { field code message } } }"""
CREATE_MEASURE = """mutation($input: CreateMeasureInput!) { createMeasure(input: $input) {
  measure { id version visibility } errors { field code message } } }"""
CREATE_SWOT = """mutation($input: CreateSwotEntryInput!) { createSwotEntry(input: $input) {
  entry { id version visibility } errors { field code message } } }"""
CREATE_INITIATIVE = """mutation($input: CreateInitiativeInput!) { createInitiative(input: $input) {
  initiative { id version visibility } errors { field code message } } }"""
SET_CONTINGENCY = """mutation($input: SetContingencyPlanInput!) { setContingencyPlan(input: $input) {
  contingency { id version visibility } errors { field code message } } }"""
ADD_COMMENT = """mutation($input: AddPlanCommentInput!) { addPlanComment(input: $input) {
  comment { id version visibility } errors { field code message } } }"""


async def ok(http, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload object."""
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload["errors"] == [], payload
    return next(v for k, v in payload.items() if k != "errors")


async def new_plan(http, workspace_gid: str, period: str = "2027") -> dict[str, Any]:
    return await ok(
        http,
        CREATE_PLAN,
        {
            "input": {
                "workspaceId": workspace_gid,
                "period": period,
                "title": f"Joint plan {period}",
            }
        },
    )


async def one_of_each(kam, plan_id: str, visibility: str) -> dict[str, str]:
    """One element of every kind with the given visibility; returns type -> global ID."""
    v = {"visibility": visibility}
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {
            "input": {
                "planId": plan_id,
                "side": "CUSTOMER",
                "title": f"Grow share ({visibility})",
                **v,
            }
        },
    )
    measure = await ok(
        kam,
        CREATE_MEASURE,
        {
            "input": {
                "objectiveId": objective["id"],
                "name": "Revenue",
                "target": "1000000",
                "unit": "USD",
                **v,
            }
        },
    )
    swot = await ok(
        kam,
        CREATE_SWOT,
        {
            "input": {
                "planId": plan_id,
                "kind": "STRENGTH",
                "text": f"Fast delivery ({visibility})",
                **v,
            }
        },
    )
    initiative = await ok(
        kam,
        CREATE_INITIATIVE,
        {
            "input": {
                "planId": plan_id,
                "title": f"Co-branding ({visibility})",
                "team": "BRANDING",
                **v,
            }
        },
    )
    comment = await ok(
        kam,
        ADD_COMMENT,
        {"input": {"planId": plan_id, "targetId": objective["id"], "text": "Ambitious.", **v}},
    )
    return {
        "Objective": objective["id"],
        "Measure": measure["id"],
        "SwotEntry": swot["id"],
        "Initiative": initiative["id"],
        "PlanComment": comment["id"],
    }
