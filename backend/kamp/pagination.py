"""Keyset pagination shared by every list: stable order (created_at, id), at most 100 a page.

Arguments are checked by `PageArgs.parse` before any SQL runs, so an oversized page or a
forged cursor costs nothing."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

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


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadRequest("`after` is not a valid cursor.") from exc


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
    created, key = model.created_at, model.id
    if page.after is not None:
        stamp, row_id = page.after
        if newest_first:
            stmt = stmt.where(or_(created < stamp, and_(created == stamp, key < row_id)))
        else:
            stmt = stmt.where(or_(created > stamp, and_(created == stamp, key > row_id)))
    order = (created.desc(), key.desc()) if newest_first else (created, key)
    stmt = stmt.order_by(*order).limit(page.first + 1)
    rows = list((await session.scalars(stmt)).all())
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor(item.created_at, item.id) for item in items],
        has_next=len(rows) > page.first,
    )
