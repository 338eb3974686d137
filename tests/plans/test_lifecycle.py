"""The plan's life: the KAM drafts, both sides' executives approve, the approved plan is a
frozen snapshot, and further edits start a new draft."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.plans.support import (
    CREATE_OBJECTIVE,
    CREATE_SWOT,
    SET_CONTINGENCY,
    UPDATE_OBJECTIVE,
    new_plan,
    ok,
    one_of_each,
)
from tests.support import error_codes, gql, snapshot

DECIDE = """mutation($input: DecideAccountPlanInput!) { decideAccountPlan(input: $input) {
  plan { status approvedAt approvals { side decision comment approver { email } } }
  errors { field code } } }"""
SUBMIT = """mutation($input: PlanVersionInput!) { submitAccountPlan(input: $input) {
  plan { status version } errors { field code } } }"""
REVISE = """mutation($input: PlanIdInput!) { reviseAccountPlan(input: $input) {
  plan { id revision status objectives { nodes { title } } } errors { field code } } }"""
PLAN = """query($id: ID!) { node(id: $id) { ... on AccountPlan { status version snapshot
  objectives { nodes { title visibility measures { name } } }
  swot { nodes { text } } contingency { revenueAtRisk } } } }"""


async def test_draft_submit_approve_snapshot_and_revise(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    plan = await new_plan(kam, world.a.workspace_gid)
    shared = await one_of_each(kam, plan["id"], "SHARED")
    await one_of_each(kam, plan["id"], "INTERNAL")
    await ok(
        kam,
        SET_CONTINGENCY,
        {
            "input": {
                "planId": plan["id"],
                "revenueAtRisk": "2500000",
                "response": "Defend with service-level guarantees",
            }
        },
    )
    version = (await gql(kam, PLAN, {"id": plan["id"]}))["data"]["node"]["version"]
    submitted = await ok(kam, SUBMIT, {"input": {"id": plan["id"], "version": version}})
    assert submitted["status"] == "SUBMITTED"

    # Locked while submitted: nobody edits what the executives are reading.
    before = await snapshot(runtime.session_factory)
    locked = await gql(
        kam, UPDATE_OBJECTIVE, {"input": {"id": shared["Objective"], "version": 1, "title": "X"}}
    )
    assert locked["data"]["updateObjective"]["errors"][0]["code"] == "INVALID"
    assert await snapshot(runtime.session_factory) == before

    customer_exec = await clients.as_user(world.a.email(Role.CUSTOMER_EXECUTIVE))
    supplier_exec = await clients.as_user(world.a.email(Role.SUPPLIER_EXECUTIVE))
    first = await ok(
        customer_exec,
        DECIDE,
        {"input": {"id": plan["id"], "decision": "APPROVED", "comment": "Agreed"}},
    )
    assert first["status"] == "SUBMITTED"
    again = await gql(customer_exec, DECIDE, {"input": {"id": plan["id"], "decision": "APPROVED"}})
    assert again["data"]["decideAccountPlan"]["errors"] == [{"field": "id", "code": "DUPLICATE"}]
    final = await ok(supplier_exec, DECIDE, {"input": {"id": plan["id"], "decision": "APPROVED"}})
    assert final["status"] == "APPROVED" and final["approvedAt"]
    assert {(a["side"], a["decision"]) for a in final["approvals"]} == {
        ("CUSTOMER", "APPROVED"),
        ("SUPPLIER", "APPROVED"),
    }

    kam_view = (await gql(kam, PLAN, {"id": plan["id"]}))["data"]["node"]
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    buyer_view = (await gql(buyer, PLAN, {"id": plan["id"]}))["data"]["node"]
    assert (
        len(kam_view["snapshot"]["objectives"]) == 2
        and len(kam_view["snapshot"]["contingency"]) == 1
    )
    assert [o["visibility"] for o in buyer_view["snapshot"]["objectives"]] == ["SHARED"]
    assert buyer_view["snapshot"]["contingency"] == []
    assert [e["visibility"] for e in buyer_view["snapshot"]["swot"]] == ["SHARED"]
    assert buyer_view["contingency"] is None
    assert "INTERNAL" not in str(buyer_view)

    # The approved plan is frozen; a revision is a new draft with copies of everything.
    frozen = await gql(
        kam,
        CREATE_OBJECTIVE,
        {"input": {"planId": plan["id"], "side": "SUPPLIER", "title": "Late"}},
    )
    assert frozen["data"]["createObjective"]["errors"][0]["code"] == "INVALID"
    draft = await ok(kam, REVISE, {"input": {"id": plan["id"]}})
    assert (draft["revision"], draft["status"]) == (2, "DRAFT")
    assert len(draft["objectives"]["nodes"]) == 2
    await ok(
        kam,
        CREATE_SWOT,
        {"input": {"planId": draft["id"], "kind": "THREAT", "text": "New entrant"}},
    )
    old = (await gql(kam, PLAN, {"id": plan["id"]}))["data"]["node"]
    assert old["status"] == "APPROVED" and len(old["swot"]["nodes"]) == 2


async def test_rejection_needs_a_reason_and_returns_the_plan(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    plan = await new_plan(kam, world.a.workspace_gid)
    await ok(kam, SUBMIT, {"input": {"id": plan["id"], "version": plan["version"]}})
    customer_exec = await clients.as_user(world.a.email(Role.CUSTOMER_EXECUTIVE))
    silent = await gql(customer_exec, DECIDE, {"input": {"id": plan["id"], "decision": "REJECTED"}})
    assert silent["data"]["decideAccountPlan"]["errors"] == [
        {"field": "comment", "code": "REQUIRED"}
    ]
    rejected = await ok(
        customer_exec,
        DECIDE,
        {"input": {"id": plan["id"], "decision": "REJECTED", "comment": "Targets too low"}},
    )
    assert rejected["status"] == "REJECTED"
    objective = await ok(
        kam,
        CREATE_OBJECTIVE,
        {"input": {"planId": plan["id"], "side": "CUSTOMER", "title": "Higher target"}},
    )
    assert objective["visibility"] == "SHARED"


async def test_who_may_drive_the_plan(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    plan = await new_plan(kam, world.a.workspace_gid)
    for role in (Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER, Role.MENTOR):
        http = await clients.as_user(world.a.email(role))
        before = await snapshot(runtime.session_factory)
        result = await gql(http, SUBMIT, {"input": {"id": plan["id"], "version": plan["version"]}})
        assert error_codes(result) == ["FORBIDDEN"], role
        result = await gql(http, DECIDE, {"input": {"id": plan["id"], "decision": "APPROVED"}})
        assert error_codes(result) == ["FORBIDDEN"], role
        assert await snapshot(runtime.session_factory) == before
    other_kam = await clients.as_user(world.b.email(Role.KAM))
    result = await gql(other_kam, SUBMIT, {"input": {"id": plan["id"], "version": plan["version"]}})
    assert result["data"]["submitAccountPlan"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    duplicate = await gql(
        kam,
        """mutation($input: CreateAccountPlanInput!) { createAccountPlan(input: $input) {
      errors { field code } } }""",
        {"input": {"workspaceId": world.a.workspace_gid, "period": "2027", "title": "Again"}},
    )
    assert duplicate["data"]["createAccountPlan"]["errors"] == [
        {"field": "period", "code": "DUPLICATE"}
    ]
