"""Keyset pagination shared by every list: stable order (created_at, id), at most 100 a page;
`keyset_pages` gives the same pages for many parents at once (nested lists).

A GraphQL request's `first` (a literal or a variable) is checked against MAX_PAGE_SIZE by the
query limits (kamp/graphql/limits.py) before execution starts, so an oversized page runs no SQL
at all, not even the principal's lookup; `PageArgs.parse` checks it again, and checks the
cursor, before the service's queries, so a forged cursor costs nothing either."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from kamp.errors import BadRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


@dataclass(frozen=True)
class PageArgs:
    first: int
    after: tuple[datetime, uuid.UUID] | None = None

    @classmethod
    def parse(cls, first: int | None, after: str | None) -> PageArgs:
        size = DEFAULT_PAGE_SIZE if first is None else first
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise BadRequest(f"`first` must be between 0 and {MAX_PAGE_SIZE}.")
        return cls(first=size, after=decode_cursor(after) if after else None)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# A cursor is base64 of ["<aware ISO time>", "<UUID>"]: well under this many characters.
MAX_CURSOR_LENGTH = 200


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor of `encode_cursor` names. Anything else, a forged cursor of
    another shape included, is refused before it reaches a decoder's recursion or the SQL."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(part, str) for part in value)
        ):
            raise ValueError("not a pair of strings")
        stamp, row_id = datetime.fromisoformat(value[0]), uuid.UUID(value[1])
        if stamp.tzinfo is None or stamp.utcoffset() is None:
            raise ValueError("a time without its offset")
        return stamp, row_id
    except (ValueError, TypeError, RecursionError, binascii.Error) as exc:
        raise BadRequest("`after` is not a valid cursor.") from exc


def _after(stmt: Select[Any], model: Any, page: PageArgs, newest_first: bool) -> Select[Any]:
    """Only the rows past the cursor, in page order."""
    if page.after is None:
        return stmt
    created, key = model.created_at, model.id
    stamp, row_id = page.after
    if newest_first:
        return stmt.where(or_(created < stamp, and_(created == stamp, key < row_id)))
    return stmt.where(or_(created > stamp, and_(created == stamp, key > row_id)))


def _order(model: Any, newest_first: bool) -> tuple[Any, Any]:
    created, key = model.created_at, model.id
    return (created.desc(), key.desc()) if newest_first else (created, key)


def _page(rows: list[Any], first: int) -> Page[Any]:
    """A page from up to `first + 1` rows in page order: the extra row means there is more."""
    items = rows[:first]
    return Page(
        items=items,
        cursors=[encode_cursor(item.created_at, item.id) for item in items],
        has_next=len(rows) > first,
    )


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    model: Any,
    page: PageArgs,
    *,
    newest_first: bool = False,
) -> Page[Any]:
    """Run `stmt` (a select of `model`) for one page after the cursor."""
    if page.first == 0:
        return Page(items=[], cursors=[], has_next=False)
    stmt = _after(stmt, model, page, newest_first)
    stmt = stmt.order_by(*_order(model, newest_first)).limit(page.first + 1)
    return _page(list((await session.scalars(stmt)).all()), page.first)


async def keyset_pages(
    session: AsyncSession,
    stmt: Select[Any],
    model: Any,
    page: PageArgs,
    *,
    parent: InstrumentedAttribute[Any],
    parent_ids: Sequence[uuid.UUID],
    newest_first: bool = False,
) -> dict[uuid.UUID, Page[Any]]:
    """`keyset_page` for many parents in one statement: the page of `stmt` (a select of
    `model`) for each of `parent_ids`, where `parent` is the column of `model` naming its
    parent. Every parent gets the same `page`, so an `after` cursor applies to each of them.

    The rows are numbered per parent in page order (ROW_NUMBER() OVER (PARTITION BY parent
    ORDER BY created_at, id)) and each parent keeps its first `first + 1`, the extra one telling
    whether a next page exists. Items, cursors and has_next are those that `keyset_page` gives
    for `stmt` restricted to one parent; a parent without rows gets an empty page."""
    keys = list(dict.fromkeys(parent_ids))
    pages: dict[uuid.UUID, Page[Any]] = {
        key: Page(items=[], cursors=[], has_next=False) for key in keys
    }
    if page.first == 0 or not keys:
        return pages
    stmt = _after(stmt, model, page, newest_first).where(parent.in_(keys))
    position = func.row_number().over(partition_by=parent, order_by=_order(model, newest_first))
    ranked = stmt.add_columns(position.label("page_position")).subquery("ranked")
    row = aliased(model, ranked)
    rows = await session.scalars(
        select(row)
        .where(ranked.c.page_position <= page.first + 1)
        .order_by(getattr(row, parent.key), ranked.c.page_position)
    )
    found: dict[uuid.UUID, list[Any]] = {}
    for item in rows:
        found.setdefault(getattr(item, parent.key), []).append(item)
    for key, items in found.items():
        pages[key] = _page(items, page.first)
    return pages
