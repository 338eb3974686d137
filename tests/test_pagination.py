"""The batched pager (`keyset_pages`, one statement for many parents) gives every parent exactly
the page that `keyset_page` gives it alone: the same rows, cursors and hasNextPage, for every
page size and cursor, in both orders."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from kamp import clock
from kamp.accounts.models import Role
from kamp.actions.models import ActionComment, ActionItem, ActionPriority, ActionStatus
from kamp.coediting.models import Visibility
from kamp.pagination import PageArgs, decode_cursor, encode_cursor, keyset_page, keyset_pages
from tests.conftest import count_statements

# Comments per item; several share a timestamp, so the order falls back on the id.
SIZES = (0, 1, 4, 7)
FIRSTS = (0, 1, 3, 4, 7, 100)


async def _items(session, world) -> tuple[list[uuid.UUID], list[ActionComment]]:
    """Items of both accounts with 0, 1, 4 and 7 comments, a third of them INTERNAL."""
    start = clock.now()
    ids, comments = [], []
    for account in (world.a, world.b):
        author = account.users[Role.KAM].id
        for n, size in enumerate(SIZES):
            item = ActionItem(
                workspace_id=account.workspace.id,
                title=f"Item {n}",
                priority=ActionPriority.LOW,
                status=ActionStatus.OPEN,
            )
            session.add(item)
            await session.flush()
            ids.append(item.id)
            for j in range(size):
                comment = ActionComment(
                    workspace_id=account.workspace.id,
                    action_item_id=item.id,
                    author_id=author,
                    text=f"{n}.{j}",
                    mentions=[],
                    visibility=Visibility.INTERNAL if j % 3 == 2 else Visibility.SHARED,
                    created_at=start + timedelta(seconds=j // 2),
                )
                session.add(comment)
                comments.append(comment)
    await session.flush()
    return ids, comments


def _cursors(comments: list[ActionComment]) -> list[str | None]:
    """No cursor, the cursor of every comment of the longest list (the timestamps of all the
    others are among theirs), and cursors before and after them all."""
    by_item: dict[uuid.UUID, list[ActionComment]] = {}
    for comment in comments:
        by_item.setdefault(comment.action_item_id, []).append(comment)
    comments = max(by_item.values(), key=len)
    stamps = [c.created_at for c in comments]
    edges = [
        encode_cursor(min(stamps) - timedelta(days=1), uuid.uuid4()),
        encode_cursor(max(stamps) + timedelta(days=1), uuid.uuid4()),
    ]
    return [None, *(encode_cursor(c.created_at, c.id) for c in comments), *edges]


@pytest.mark.parametrize("newest_first", [False, True])
async def test_same_pages_as_one_parent_at_a_time(world, runtime, newest_first):
    async with runtime.session_factory() as session:
        ids, comments = await _items(session, world)
        parents = [*ids, uuid.uuid4()]  # and one without any row
        for shared_only in (False, True):
            stmt = select(ActionComment)
            if shared_only:  # the statement's own conditions hold
                stmt = stmt.where(ActionComment.visibility == Visibility.SHARED)
            for first in FIRSTS:
                for after in _cursors(comments):
                    page = PageArgs.parse(first, after)
                    with count_statements(runtime.engine) as sql:
                        pages = await keyset_pages(
                            session,
                            stmt,
                            ActionComment,
                            page,
                            parent=ActionComment.action_item_id,
                            parent_ids=parents,
                            newest_first=newest_first,
                        )
                    assert sql.count == (0 if first == 0 else 1)
                    assert list(pages) == parents
                    for parent in parents:
                        alone = await keyset_page(
                            session,
                            stmt.where(ActionComment.action_item_id == parent),
                            ActionComment,
                            page,
                            newest_first=newest_first,
                        )
                        assert pages[parent] == alone, (first, after, parent)


async def test_walking_every_parent_through_its_pages(world, runtime):
    """Following each parent's endCursor with `first: 2` visits each of its rows once, in
    (created_at, id) order, and hasNextPage is false exactly on the last page."""
    async with runtime.session_factory() as session:
        ids, comments = await _items(session, world)
        expected = {
            parent: sorted(
                (c for c in comments if c.action_item_id == parent),
                key=lambda c: (c.created_at, str(c.id)),
            )
            for parent in ids
        }
        for parent in ids:
            seen, after, more = [], None, True
            while more:
                page = PageArgs.parse(2, after)
                result = (
                    await keyset_pages(
                        session,
                        select(ActionComment),
                        ActionComment,
                        page,
                        parent=ActionComment.action_item_id,
                        parent_ids=ids,
                    )
                )[parent]
                seen += result.items
                more = result.has_next
                after = result.cursors[-1] if result.cursors else None
                if after is not None:
                    assert decode_cursor(after) == (
                        result.items[-1].created_at,
                        result.items[-1].id,
                    )
            assert [c.id for c in seen] == [c.id for c in expected[parent]]
