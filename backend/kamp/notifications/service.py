"""Notifying users: an in-app notice, its email (in the same transaction) and a live event on
the recipient's own channel. Reading and marking one's own notices: those of the workspaces
where the principal holds the permission, so a token needs `notifications:read` (or
`notifications:write` to mark) and an app limited to some key accounts reaches only theirs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User
from kamp.auth.policy import Permission, scopes_allow, workspace_permissions
from kamp.auth.principal import Principal
from kamp.coediting import events
from kamp.errors import ErrorCode, Forbidden, UserError
from kamp.mail.service import queue_mail
from kamp.notifications.models import Notification
from kamp.pagination import Page, PageArgs, keyset_page

MAX_MARK = 100


async def notify(
    session: AsyncSession,
    *,
    user_ids: Iterable[uuid.UUID],
    workspace_id: uuid.UUID | None,
    kind: str,
    title: str,
    body: str = "",
    node: Any = None,
    dedupe_key: str | None = None,
    email: bool = True,
    link: str = "",
    calendar: str | None = None,
) -> list[Notification]:
    """Notify each user once per `dedupe_key`: the notice, its email and the live event are
    written only for users who have not had it, so a job run twice sends nothing twice.
    Returns the notices created by this call."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    users = {
        user.id: user
        for user in await session.scalars(
            select(User).where(User.id.in_(wanted), User.is_active.is_(True))
        )
    }
    created: list[Notification] = []
    for user_id in wanted:
        user = users.get(user_id)
        if user is None:
            continue
        row_id = await _insert_once(
            session,
            user_id=user_id,
            workspace_id=workspace_id,
            kind=kind,
            title=title[:300],
            body=body,
            node_type=type(node).__name__ if node is not None else None,
            node_id=node.id if node is not None else None,
            dedupe_key=dedupe_key,
        )
        if row_id is None:  # already notified (a retried or concurrent run)
            continue
        notification = await session.get(Notification, row_id)
        assert notification is not None
        created.append(notification)
        if email:
            text = f"{body}\n\n{link}" if link else body
            await queue_mail(
                session, recipient=user.email, subject=title, body=text, calendar=calendar
            )
        events.notify(
            session,
            workspace_id=workspace_id,
            recipient_id=user_id,
            node_type="Notification",
            node_id=row_id,
        )
    return created


async def _insert_once(session: AsyncSession, **values: Any) -> uuid.UUID | None:
    """INSERT ... ON CONFLICT DO NOTHING on (user_id, dedupe_key): under concurrency the
    second writer waits for the first and then inserts nothing, instead of failing."""
    values = {"id": uuid.uuid4(), "created_at": clock.now(), **values}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        .returning(Notification.id)
    )
    return await session.scalar(stmt)


# --- the viewer's own notices ---------------------------------------------------------------


def inbox_of(principal: Principal) -> uuid.UUID:
    # Machine clients have no inbox.
    if principal.user_id is None:
        raise Forbidden()
    return principal.user_id


def _permitted(principal: Principal, permission: Permission) -> ColumnElement[bool]:
    """The principal's own notices of the workspaces where it holds the permission; a notice
    of no workspace only for a principal not limited to some key accounts."""
    workspaces = [
        w for w in principal.workspace_ids if permission in workspace_permissions(principal, w)
    ]
    where = [Notification.workspace_id.in_(workspaces)]
    if principal.key_account_limit is None and scopes_allow(principal, permission):
        where.append(Notification.workspace_id.is_(None))
    return and_(Notification.user_id == inbox_of(principal), or_(*where))


async def list_notifications(
    session: AsyncSession, *, principal: Principal, page: PageArgs, unread_only: bool = False
) -> Page[Notification]:
    stmt = select(Notification).where(_permitted(principal, Permission.NOTIFICATIONS_READ))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return await keyset_page(session, stmt, Notification, page, newest_first=True)


async def unread_count(session: AsyncSession, *, principal: Principal) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            _permitted(principal, Permission.NOTIFICATIONS_READ),
            Notification.read_at.is_(None),
        )
    )
    return int(count or 0)


async def get_notifications(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Notification]:
    """Only one's own: another user's notice is as missing as one that does not exist."""
    return await _find(session, principal, ids, Permission.NOTIFICATIONS_READ)


async def _find(
    session: AsyncSession,
    principal: Principal,
    ids: Sequence[uuid.UUID],
    permission: Permission,
) -> dict[uuid.UUID, Notification]:
    if principal.user_id is None:
        return {}
    rows = await session.scalars(
        select(Notification).where(Notification.id.in_(ids), _permitted(principal, permission))
    )
    return {row.id: row for row in rows}


async def mark_read(
    session: AsyncSession,
    *,
    principal: Principal,
    ids: Sequence[uuid.UUID] | None,
    read: bool = True,
) -> list[Notification]:
    """Mark the given notices (all unread ones when `ids` is None) read or unread."""
    inbox_of(principal)
    if not scopes_allow(principal, Permission.NOTIFICATIONS_WRITE):
        raise Forbidden("Marking notifications needs the notifications:write scope.")
    if ids is not None and len(ids) > MAX_MARK:
        raise UserError("ids", f"Mark at most {MAX_MARK} at once.", ErrorCode.INVALID)
    stmt = update(Notification).where(_permitted(principal, Permission.NOTIFICATIONS_WRITE))
    if ids is None:
        stmt = stmt.where(Notification.read_at.is_(None))
    else:
        found = await _find(session, principal, ids, Permission.NOTIFICATIONS_WRITE)
        if len(found) != len(set(ids)):
            raise UserError("ids", "No such notification.", ErrorCode.NOT_FOUND)
        stmt = stmt.where(Notification.id.in_(ids))
    changed = await session.scalars(
        stmt.values(read_at=clock.now() if read else None)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    changed_ids = list(changed)
    rows = await session.scalars(
        select(Notification)
        .where(Notification.id.in_(changed_ids))
        .execution_options(populate_existing=True)
    )
    return list(rows)
