"""The action board is batched: each item's comments come from one paged query for all items,
so the statement count of the page does not grow with the number of items."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from kamp import clock
from kamp.accounts.models import Role, Side, User
from kamp.actions import comments
from kamp.actions.models import ActionComment, ActionItem, ActionPriority, ActionStatus
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.pagination import PageArgs, encode_cursor
from kamp.plans.models import AccountPlan, Objective, ObjectiveStatus, PlanStage, PlanStatus
from tests.conftest import count_statements
from tests.support import gql, web_app_document

# The query of the web app's action board, as the page sends it.
BOARD = web_app_document("pages/Actions.tsx", "ActionBoard")
COMMENTS = ("Any news?", "Quote sent.", "Margin too thin (internal).")


async def _add_items(runtime, account, count: int) -> None:
    """`count` items owned by either side, each with two SHARED comments and an INTERNAL one,
    and an objective of the plan."""
    owners = [account.users[Role.KAM], account.users[Role.CUSTOMER_BUYER]]
    async with runtime.session_factory() as session:
        plan = AccountPlan(
            workspace_id=account.workspace.id,
            period=uuid.uuid4().hex[:8],
            title="Joint plan",
            stage=PlanStage.IMPLEMENTATION,
            status=PlanStatus.DRAFT,
        )
        session.add(plan)
        await session.flush()
        objective = Objective(
            workspace_id=account.workspace.id,
            plan_id=plan.id,
            side=Side.CUSTOMER,
            title="Grow share",
            status=ObjectiveStatus.ON_TRACK,
        )
        session.add(objective)
        await session.flush()
        start = clock.now()
        for i in range(count):
            item = ActionItem(
                workspace_id=account.workspace.id,
                title=f"Item {i}",
                priority=ActionPriority.MEDIUM,
                status=ActionStatus.OPEN,
                owner_id=owners[i % 2].id,
                objective_id=objective.id,
                created_at=start + timedelta(seconds=i),
            )
            session.add(item)
            await session.flush()
            for j, text in enumerate(COMMENTS):
                session.add(
                    ActionComment(
                        workspace_id=account.workspace.id,
                        action_item_id=item.id,
                        author_id=owners[j % 2].id,
                        text=text,
                        mentions=[],
                        visibility=Visibility.INTERNAL if j == 2 else Visibility.SHARED,
                        created_at=start + timedelta(seconds=i, milliseconds=j),
                    )
                )
        await session.commit()


async def _board(runtime, http, ws: str) -> tuple[int, list[dict]]:
    variables = {"ws": ws, "mine": False, "overdue": False}
    with count_statements(runtime.engine) as sql:
        result = await gql(http, BOARD, variables)
    assert "errors" not in result, result
    return sql.count, result["data"]["actionItems"]["nodes"]


async def test_action_board_statements_do_not_grow_with_items(world, clients, runtime):
    ws = world.a.workspace_gid
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    await _add_items(runtime, world.b, 3)  # another account's items never show
    await _add_items(runtime, world.a, 2)
    await _board(runtime, kam, ws)  # warm up
    small = {who: await _board(runtime, http, ws) for who, http in (("kam", kam), ("buyer", buyer))}
    await _add_items(runtime, world.a, 48)
    large = {who: await _board(runtime, http, ws) for who, http in (("kam", kam), ("buyer", buyer))}
    for who, per_item in (("kam", 3), ("buyer", 2)):
        small_items, large_items = small[who][1], large[who][1]
        assert len(small_items) == 2 and len(large_items) == 50
        assert all(len(item["comments"]["nodes"]) == per_item for item in large_items), who
    counts = {who: (small[who][0], large[who][0]) for who in small}
    assert all(few == many for few, many in counts.values()), counts
    # The customer never sees an INTERNAL comment.
    texts = {c["text"] for item in large["buyer"][1] for c in item["comments"]["nodes"]}
    assert texts == set(COMMENTS[:2])


PAGES = """query($ws: ID!, $after: String) { actionItems(workspaceId: $ws) { nodes { id
  few: comments(first: 1) { nodes { id createdAt } pageInfo { hasNextPage endCursor } }
  all: comments(first: 50) { nodes { id createdAt } pageInfo { hasNextPage endCursor } }
  rest: comments(first: 50, after: $after) { nodes { id createdAt } pageInfo { hasNextPage } }
} } }"""


def _at(comment: dict) -> datetime:
    return datetime.fromisoformat(comment["createdAt"])


async def test_each_page_size_and_cursor_gets_its_own_batch(world, clients, runtime):
    """Aliases asking different pages of the same list get each their own page; a cursor
    applies to every item of the batch."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    await _add_items(runtime, world.a, 3)
    first = await gql(kam, PAGES, {"ws": ws})
    assert "errors" not in first, first
    items = first["data"]["actionItems"]["nodes"]
    cursor = items[0]["few"]["pageInfo"]["endCursor"]
    with count_statements(runtime.engine) as sql:
        result = await gql(kam, PAGES, {"ws": ws, "after": cursor})
    assert "errors" not in result, result
    # One statement per distinct page of comments, whatever the number of items.
    assert len([s for s in sql.statements if "FROM action_comments" in s]) == 3
    (mark,) = items[0]["few"]["nodes"]
    for item in result["data"]["actionItems"]["nodes"]:
        every = item["all"]["nodes"]
        assert len(every) == 3 and item["all"]["pageInfo"]["hasNextPage"] is False
        assert item["few"]["nodes"] == every[:1] and item["few"]["pageInfo"]["hasNextPage"]
        # The comments' timestamps are distinct, so the cursor's own time decides.
        later = [c for c in every if _at(c) > _at(mark)]
        assert item["rest"]["nodes"] == later and not item["rest"]["pageInfo"]["hasNextPage"]
    assert len(result["data"]["actionItems"]["nodes"][0]["rest"]["nodes"]) == 2


async def test_a_customer_never_gets_internal_or_other_accounts_comments(world, runtime):
    """The use case behind the loader filters in SQL: given any item IDs, a customer gets the
    SHARED comments of the SHARED items of its own account, and nothing else."""
    start = clock.now()
    async with runtime.session_factory() as session:
        items = {}
        for name, account, visibility in (
            ("shared", world.a, Visibility.SHARED),
            ("internal", world.a, Visibility.INTERNAL),
            ("other", world.b, Visibility.SHARED),
        ):
            item = ActionItem(
                workspace_id=account.workspace.id,
                title=name,
                priority=ActionPriority.LOW,
                status=ActionStatus.OPEN,
                visibility=visibility,
            )
            session.add(item)
            await session.flush()
            items[name] = item.id
            for j, comment_visibility in enumerate((Visibility.SHARED, Visibility.INTERNAL) * 2):
                session.add(
                    ActionComment(
                        workspace_id=account.workspace.id,
                        action_item_id=item.id,
                        author_id=account.users[Role.KAM].id,
                        text=f"{name} {comment_visibility} {j}",
                        mentions=[],
                        # A SHARED comment on an INTERNAL item: shared before the item was
                        # made internal.
                        visibility=comment_visibility,
                        created_at=start + timedelta(seconds=j),
                    )
                )
        await session.commit()
        before_all = encode_cursor(start - timedelta(days=1), uuid.uuid4())
        for email, visible in (
            (
                world.a.email(Role.CUSTOMER_BUYER),
                {"shared": ["shared SHARED 0", "shared SHARED 2"]},
            ),
            (
                world.a.email(Role.CUSTOMER_EXECUTIVE),
                {"shared": ["shared SHARED 0", "shared SHARED 2"]},
            ),
            (world.b.email(Role.CUSTOMER_BUYER), {"other": ["other SHARED 0", "other SHARED 2"]}),
        ):
            user = await session.scalar(select(User).where(User.email == email))
            principal = await principal_for_user(session, user=user)
            for after in (None, before_all):
                for first in (1, 2, 100):
                    pages = await comments.comments_by_item(
                        session,
                        principal=principal,
                        action_item_ids=list(items.values()),
                        page=PageArgs.parse(first, after),
                    )
                    got = {
                        name: [c.text for c in pages[item_id].items]
                        for name, item_id in items.items()
                        if pages[item_id].items
                    }
                    assert got == {n: texts[:first] for n, texts in visible.items()}, email
                    # Hidden comments do not count towards hasNextPage either.
                    assert {name: pages[item_id].has_next for name, item_id in items.items()} == {
                        name: first < len(visible.get(name, [])) for name in items
                    }
        # The KAM of account a sees all of a's, INTERNAL included, and none of b's.
        kam = await session.scalar(select(User).where(User.email == world.a.email(Role.KAM)))
        pages = await comments.comments_by_item(
            session,
            principal=await principal_for_user(session, user=kam),
            action_item_ids=list(items.values()),
            page=PageArgs.parse(100, None),
        )
        assert [len(pages[items[n]].items) for n in ("shared", "internal", "other")] == [4, 4, 0]
