"""Comments on action items, with @mentions of workspace members by email."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Membership, User
from kamp.actions.models import ActionComment, ActionItem
from kamp.actions.service import get_action_items
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import NotFound
from kamp.notifications.service import notify
from kamp.pagination import Page, PageArgs, keyset_pages
from kamp.text import clean_text

# "@jane.doe@example.com": an @ not preceded by a word character, then an address.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
MAX_MENTIONS = 20


def mentioned_emails(text: str) -> list[str]:
    return list(dict.fromkeys(m.lower() for m in MENTION.findall(text)))[:MAX_MENTIONS]


async def _mentions(
    session: AsyncSession, workspace_id: uuid.UUID, text: str, comment: ActionComment
) -> list[str]:
    """The IDs of the members mentioned who may read the comment (on an INTERNAL one, the
    supplier's members only)."""
    emails = mentioned_emails(text)
    if not emails:
        return []
    rows = await session.execute(
        select(User.id, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id, func.lower(User.email).in_(emails))
    )
    chain = await access.lineage(session, comment)
    return [
        str(user_id)
        for user_id, role in rows.all()
        if access.may_see(role, *chain, permission=Permission.ACTIONS_READ)
    ]


async def get_comments(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ActionComment]:
    rows = await session.scalars(
        select(ActionComment).where(
            ActionComment.id.in_(ids),
            access.visible(ActionComment, principal, Permission.ACTIONS_READ),
        )
    )
    return {row.id: row for row in rows}


async def comments_by_item(
    session: AsyncSession,
    *,
    principal: Principal,
    action_item_ids: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[ActionComment]]:
    """One page of comments per item, oldest first, in one query. Only the visible comments of
    visible items: an item hidden from the caller has no comments."""
    stmt = select(ActionComment).where(
        access.visible(ActionComment, principal, Permission.ACTIONS_READ),
        select(ActionItem.id)
        .where(
            ActionItem.id == ActionComment.action_item_id,
            access.visible(ActionItem, principal, Permission.ACTIONS_READ),
        )
        .exists(),
    )
    return await keyset_pages(
        session,
        stmt,
        ActionComment,
        page,
        parent=ActionComment.action_item_id,
        parent_ids=action_item_ids,
    )


async def add_comment(
    session: AsyncSession,
    *,
    principal: Principal,
    action_item_id: uuid.UUID,
    text: str,
    visibility: Visibility | None = None,
) -> ActionComment:
    """Anyone who may edit plans or comment on them comments on the items it sees; a comment
    on an INTERNAL item is INTERNAL."""
    item = (await get_action_items(session, principal=principal, ids=[action_item_id])).get(
        action_item_id
    )
    if item is None:
        raise NotFound()
    workspace_id = item.workspace_id
    require(principal, workspace_id, Permission.ACTIONS_COMMENT)
    default = item.visibility
    chosen = access.initial_visibility(principal, workspace_id, visibility, default)
    if item.visibility == Visibility.INTERNAL:
        chosen = Visibility.INTERNAL
    body = clean_text(text, "text", 10_000, required=True) or ""
    row = ActionComment(
        workspace_id=workspace_id,
        action_item_id=item.id,
        author_id=principal.user_id,
        text=body,
        visibility=chosen,
    )
    row.mentions = await _mentions(session, workspace_id, body, row)
    await writes.create(session, principal=principal, row=row)
    # Those mentioned hear of it (only readers of the comment were kept as mentions).
    await notify(
        session,
        user_ids=[uuid.UUID(m) for m in row.mentions if uuid.UUID(m) != principal.user_id],
        workspace_id=workspace_id,
        kind="action.mentioned",
        title=f"You were mentioned on: {item.title}"[:300],
        body=body,
        node=item,
        dedupe_key=f"action.mentioned:{row.id}",
    )
    return row


access.reader("ActionComment", get_comments)
