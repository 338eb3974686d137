"""The plan page is batched: approvals, comments and the element lists of every plan come from
one query each, so the statement count does not grow with the number of plans."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from kamp import clock
from kamp.accounts.models import Role, Side, User
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.pagination import PageArgs, encode_cursor
from kamp.plans import elements, service
from kamp.plans.models import (
    AccountPlan,
    ContingencyPlan,
    Decision,
    Initiative,
    Measure,
    Objective,
    ObjectiveStatus,
    PlanApproval,
    PlanComment,
    PlanSnapshot,
    PlanStage,
    PlanStatus,
    SwotEntry,
    SwotKind,
    TeamKind,
)
from tests.conftest import count_statements
from tests.support import gql

# The selection of the web app's plan page (frontend/src/pages/Plan.tsx), as sent.
PLAN_PAGE = """
  query Plan($ws: ID!) {
    accountPlans(workspaceId: $ws, first: 1) {
      nodes {
        id
        version
        title
        period
        status
        stage
        summary
        approvals {
          side
          decision
          comment
          approver {
            displayName
          }
        }
        objectives(first: 100) {
          nodes {
            id
            version
            side
            title
            status
            visibility
            owner {
              displayName
            }
            measures {
              id
              version
              name
              target
              current
              unit
              progressPct
              visibility
            }
          }
        }
        swot(first: 100) {
          nodes {
            id
            kind
            text
            visibility
          }
        }
        initiatives(first: 100) {
          nodes {
            id
            title
            team
            description
            visibility
            owner {
              displayName
            }
          }
        }
        contingency {
          id
          version
          revenueAtRisk
          trigger
          response
          visibility
        }
      }
    }
  }
"""
# The same for every plan of the workspace, with each plan's comments and snapshot too.
ALL_PLANS = PLAN_PAGE.replace("first: 1)", "first: 100)").replace(
    "        contingency {",
    """        comments(first: 50) {
          nodes { id text createdAt visibility targetId author { displayName } }
          pageInfo { hasNextPage endCursor }
        }
        snapshot
        contingency {""",
)
COMMENTS = ("Ambitious.", "Agreed.", "Watch the margin (internal).")
_periods = itertools.count(2100)


async def _add_plans(runtime, account, count: int) -> None:
    """`count` approved plans, each with both sides' approvals, two SHARED comments and an
    INTERNAL one, an objective with a measure, a SWOT entry, an initiative, a contingency plan
    and a snapshot."""
    ws = account.workspace.id
    kam = account.users[Role.KAM]
    executives = {
        Side.SUPPLIER: account.users[Role.SUPPLIER_EXECUTIVE],
        Side.CUSTOMER: account.users[Role.CUSTOMER_EXECUTIVE],
    }
    async with runtime.session_factory() as session:
        start = clock.now()
        for i in range(count):
            at = start + timedelta(seconds=i)
            plan = AccountPlan(
                workspace_id=ws,
                period=str(next(_periods)),
                title=f"Plan {i}",
                stage=PlanStage.EXPLOITATION,
                status=PlanStatus.APPROVED,
                created_at=at,
            )
            session.add(plan)
            await session.flush()
            objective = Objective(
                workspace_id=ws,
                plan_id=plan.id,
                side=Side.CUSTOMER,
                title="Grow share",
                status=ObjectiveStatus.ON_TRACK,
                owner_id=kam.id,
            )
            session.add(objective)
            await session.flush()
            session.add_all(
                [
                    Measure(workspace_id=ws, objective_id=objective.id, name="Revenue", target=100),
                    SwotEntry(
                        workspace_id=ws,
                        plan_id=plan.id,
                        kind=SwotKind.STRENGTH,
                        text="Fast delivery",
                        visibility=Visibility.INTERNAL,
                    ),
                    Initiative(
                        workspace_id=ws,
                        plan_id=plan.id,
                        title="Co-branding",
                        team=TeamKind.BRANDING,
                        owner_id=kam.id,
                    ),
                    ContingencyPlan(
                        workspace_id=ws,
                        plan_id=plan.id,
                        revenue_at_risk=Decimal(100),
                        visibility=Visibility.INTERNAL,
                    ),
                    PlanSnapshot(plan_id=plan.id, content={"plan": {"title": plan.title}}),
                    *(
                        PlanApproval(
                            plan_id=plan.id,
                            approver_id=user.id,
                            side=side,
                            decision=Decision.APPROVED,
                            created_at=at + timedelta(milliseconds=n),
                        )
                        for n, (side, user) in enumerate(executives.items())
                    ),
                    *(
                        PlanComment(
                            workspace_id=ws,
                            plan_id=plan.id,
                            author_id=kam.id,
                            target_type="Objective",
                            target_id=objective.id,
                            text=text,
                            visibility=Visibility.INTERNAL if j == 2 else Visibility.SHARED,
                            created_at=at + timedelta(milliseconds=j),
                        )
                        for j, text in enumerate(COMMENTS)
                    ),
                ]
            )
        await session.commit()


async def _run(runtime, http, query: str, ws: str) -> tuple[int, list[dict]]:
    with count_statements(runtime.engine) as sql:
        result = await gql(http, query, {"ws": ws})
    assert "errors" not in result, result
    return sql.count, result["data"]["accountPlans"]["nodes"]


async def test_plan_page_statements_do_not_grow_with_plans(world, clients, runtime):
    ws = world.a.workspace_gid
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    await _add_plans(runtime, world.b, 2)  # another account's plans never show
    await _add_plans(runtime, world.a, 2)
    await _run(runtime, kam, ALL_PLANS, ws)  # warm up
    viewers = {"kam": kam, "buyer": buyer}
    queries = {"page": PLAN_PAGE, "all": ALL_PLANS}
    runs = [(who, name) for who in viewers for name in queries]
    small = {(w, q): await _run(runtime, viewers[w], queries[q], ws) for w, q in runs}
    await _add_plans(runtime, world.a, 48)
    large = {(w, q): await _run(runtime, viewers[w], queries[q], ws) for w, q in runs}
    for who, comments in (("kam", 3), ("buyer", 2)):
        plans = large[(who, "all")][1]
        assert len(small[(who, "all")][1]) == 2 and len(plans) == 50
        for plan in plans:
            assert [a["side"] for a in plan["approvals"]] == ["SUPPLIER", "CUSTOMER"]
            assert [c["text"] for c in plan["comments"]["nodes"]] == list(COMMENTS[:comments])
            assert plan["comments"]["pageInfo"]["hasNextPage"] is False
            assert len(plan["objectives"]["nodes"]) == 1
            assert len(plan["objectives"]["nodes"][0]["measures"]) == 1
            assert len(plan["swot"]["nodes"]) == (1 if who == "kam" else 0)
            assert (plan["contingency"] is not None) == (who == "kam")
            assert plan["snapshot"]["plan"] == {"title": plan["title"]}
    counts = {key: (small[key][0], large[key][0]) for key in small}
    assert all(few == many for few, many in counts.values()), counts


async def test_a_customer_never_gets_internal_or_other_accounts_rows(world, runtime):
    """The use cases behind the loaders filter in SQL: given any plan IDs, a customer gets the
    approvals, snapshot and SHARED elements of the SHARED plans of its own account only."""
    start = clock.now()
    async with runtime.session_factory() as session:
        plans = {}
        for name, account, visibility in (
            ("shared", world.a, Visibility.SHARED),
            ("internal", world.a, Visibility.INTERNAL),
            ("other", world.b, Visibility.SHARED),
        ):
            ws, kam = account.workspace.id, account.users[Role.KAM]
            plan = AccountPlan(
                workspace_id=ws,
                period=str(next(_periods)),
                title=name,
                stage=PlanStage.REVIEW,
                status=PlanStatus.APPROVED,
                visibility=visibility,
            )
            session.add(plan)
            await session.flush()
            plans[name] = plan.id
            session.add_all(
                [
                    PlanSnapshot(plan_id=plan.id, content={"plan": {"title": name}}),
                    PlanApproval(
                        plan_id=plan.id,
                        approver_id=account.users[Role.CUSTOMER_EXECUTIVE].id,
                        side=Side.CUSTOMER,
                        decision=Decision.APPROVED,
                    ),
                ]
            )
            # SHARED and INTERNAL in turn (a SHARED one in an INTERNAL plan: shared before the
            # plan was made internal).
            for j, element in enumerate((Visibility.SHARED, Visibility.INTERNAL) * 2):
                session.add_all(
                    [
                        PlanComment(
                            workspace_id=ws,
                            plan_id=plan.id,
                            author_id=kam.id,
                            target_type="AccountPlan",
                            target_id=plan.id,
                            text=f"{name} {element} {j}",
                            visibility=element,
                            created_at=start + timedelta(seconds=j),
                        ),
                        Objective(
                            workspace_id=ws,
                            plan_id=plan.id,
                            side=Side.CUSTOMER,
                            title=f"{name} {element} {j}",
                            status=ObjectiveStatus.ON_TRACK,
                            visibility=element,
                            created_at=start + timedelta(seconds=j),
                        ),
                    ]
                )
        await session.commit()
        ids = list(plans.values())
        before_all = encode_cursor(start - timedelta(days=1), uuid.uuid4())
        shared_only = [0, 2]
        for email, names, seen in (
            (world.a.email(Role.CUSTOMER_BUYER), {"shared"}, shared_only),
            (world.a.email(Role.CUSTOMER_EXECUTIVE), {"shared"}, shared_only),
            (world.b.email(Role.CUSTOMER_BUYER), {"other"}, shared_only),
            (world.a.email(Role.KAM), {"shared", "internal"}, [0, 1, 2, 3]),
        ):
            user = await session.scalar(select(User).where(User.email == email))
            principal = await principal_for_user(session, user=user)
            approvals = await service.approvals_by_plan(session, principal=principal, plan_ids=ids)
            assert {n for n, plan_id in plans.items() if plan_id in approvals} == names, email
            snapshots = await service.snapshots_by_plan(session, principal=principal, plan_ids=ids)
            assert {content["plan"]["title"] for content in snapshots.values()} == names, email
            for model in (PlanComment, Objective):
                for first, after in ((1, None), (2, before_all), (100, None), (100, before_all)):
                    pages = await elements.elements_by_plan(
                        session,
                        principal=principal,
                        model=model,
                        plan_ids=ids,
                        page=PageArgs.parse(first, after),
                    )
                    expected = {
                        name: [f"{name} {('SHARED', 'INTERNAL')[j % 2]} {j}" for j in seen]
                        for name in names
                    }
                    label = "text" if model is PlanComment else "title"
                    got = {
                        n: [getattr(row, label) for row in pages[plan_id].items]
                        for n, plan_id in plans.items()
                        if pages[plan_id].items
                    }
                    assert got == {n: rows[:first] for n, rows in expected.items()}, email
                    # Hidden rows do not count towards hasNextPage either.
                    assert {n: pages[plan_id].has_next for n, plan_id in plans.items()} == {
                        n: first < len(expected.get(n, [])) for n in plans
                    }, email
