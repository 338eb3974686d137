"""Action items: owned by a member of either side and followed up until done. Both sides
co-edit them with ACTIONS_EDIT, except that a customer may change only the items it owns."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts import members
from kamp.accounts.models import Membership, Role, Side
from kamp.actions.models import ActionItem, ActionPriority, ActionStatus
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.meetings.agenda import get_children
from kamp.meetings.models import AgendaItem, Meeting
from kamp.meetings.service import get_meetings
from kamp.notifications.service import notify
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.plans.elements import get_elements
from kamp.plans.models import Objective
from kamp.text import clean_text

CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


async def get_action_items(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ActionItem]:
    rows = await session.scalars(
        select(ActionItem).where(
            ActionItem.id.in_(ids), access.visible(ActionItem, principal, Permission.ACTIONS_READ)
        )
    )
    return {row.id: row for row in rows}


async def list_action_items(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    mine: bool = False,
    overdue: bool = False,
    side: Side | None = None,
    status: ActionStatus | None = None,
    objective_id: uuid.UUID | None = None,
    meeting_id: uuid.UUID | None = None,
) -> Page[ActionItem]:
    """The workspace's action items, filtered. Overdue: still open and due before today (UTC)."""
    require(principal, workspace_id, Permission.ACTIONS_READ)
    stmt = select(ActionItem).where(
        ActionItem.workspace_id == workspace_id,
        access.visible(ActionItem, principal, Permission.ACTIONS_READ),
    )
    if mine:
        stmt = stmt.where(ActionItem.owner_id == principal.user_id)
    if overdue:
        stmt = stmt.where(ActionItem.due_date < clock.today(), ActionItem.status.not_in(CLOSED))
    if side is not None:
        roles = [role for role in Role if role.side == side]
        stmt = stmt.where(
            ActionItem.owner_id.in_(
                select(Membership.user_id).where(
                    Membership.workspace_id == workspace_id, Membership.role.in_(roles)
                )
            )
        )
    if status is not None:
        stmt = stmt.where(ActionItem.status == status)
    if objective_id is not None:
        stmt = stmt.where(
            ActionItem.objective_id == objective_id,
            access.exists_visible(Objective, objective_id, principal, Permission.PLAN_READ),
        )
    if meeting_id is not None:
        stmt = stmt.where(
            ActionItem.meeting_id == meeting_id,
            access.exists_visible(Meeting, meeting_id, principal, Permission.MEETINGS_READ),
        )
    return await keyset_page(session, stmt, ActionItem, page)


async def _check_internal_owner(session: AsyncSession, row: ActionItem) -> None:
    """An INTERNAL item owned by a customer would be an item its owner cannot see."""
    if row.visibility != Visibility.INTERNAL or row.owner_id is None:
        return
    role = await members.role_of(session, row.workspace_id, row.owner_id)
    if role is not None and not access.may_see(role, row, permission=Permission.ACTIONS_READ):
        raise UserError(
            "ownerId", "An internal action item needs an owner at the supplier.", ErrorCode.INVALID
        )


async def _tell_owner(session: AsyncSession, principal: Principal, row: ActionItem) -> None:
    """The new owner hears of the item (unless they assigned it to themselves)."""
    if row.owner_id is None or row.owner_id == principal.user_id:
        return
    due = f" (due {row.due_date.isoformat()})" if row.due_date else ""
    await notify(
        session,
        user_ids=[row.owner_id],
        workspace_id=row.workspace_id,
        kind="action.assigned",
        title=f"Action item for you: {row.title}"[:300],
        body=f"{row.title}{due}\n\n{row.description}".strip(),
        node=row,
        dedupe_key=f"action.assigned:{row.id}:{row.owner_id}:{row.version}",
    )


async def _links(
    session: AsyncSession,
    principal: Principal,
    workspace_id: uuid.UUID,
    *,
    meeting_id: uuid.UUID | None,
    agenda_item_id: uuid.UUID | None,
    objective_id: uuid.UUID | None,
) -> dict[str, Any]:
    """Where the item came from: each link must be visible and of the same workspace."""
    found: dict[str, Any] = {}
    if meeting_id is not None:
        meeting = (await get_meetings(session, principal=principal, ids=[meeting_id])).get(
            meeting_id
        )
        if meeting is None or meeting.workspace_id != workspace_id:
            raise UserError("meetingId", "No such meeting here.", ErrorCode.NOT_FOUND)
        found["meeting_id"] = meeting_id
    if agenda_item_id is not None:
        item = (
            await get_children(session, principal=principal, model=AgendaItem, ids=[agenda_item_id])
        ).get(agenda_item_id)
        if item is None or item.workspace_id != workspace_id:
            raise UserError("agendaItemId", "No such agenda item here.", ErrorCode.NOT_FOUND)
        found["agenda_item_id"] = agenda_item_id
        found.setdefault("meeting_id", item.meeting_id)
        if found["meeting_id"] != item.meeting_id:
            raise UserError(
                "agendaItemId", "The agenda item is of another meeting.", ErrorCode.INVALID
            )
    if objective_id is not None:
        objective = (
            await get_elements(session, principal=principal, model=Objective, ids=[objective_id])
        ).get(objective_id)
        if objective is None or objective.workspace_id != workspace_id:
            raise UserError("objectiveId", "No such objective here.", ErrorCode.NOT_FOUND)
        found["objective_id"] = objective_id
    return found


async def create_action_item(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    title: str,
    description: str = "",
    owner_id: uuid.UUID | None = None,
    due_date: date | None = None,
    priority: ActionPriority = ActionPriority.MEDIUM,
    meeting_id: uuid.UUID | None = None,
    agenda_item_id: uuid.UUID | None = None,
    objective_id: uuid.UUID | None = None,
    visibility: Visibility | None = None,
) -> ActionItem:
    require(principal, workspace_id, Permission.ACTIONS_EDIT)
    row = ActionItem(
        workspace_id=workspace_id,
        title=clean_text(title, "title", 300, required=True),
        description=clean_text(description, "description", 10_000) or "",
        owner_id=await members.owner(session, workspace_id, owner_id),
        due_date=due_date,
        priority=priority,
        status=ActionStatus.OPEN,
        **await _links(
            session,
            principal,
            workspace_id,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            objective_id=objective_id,
        ),
        visibility=access.initial_visibility(
            principal, workspace_id, visibility, Visibility.SHARED
        ),
    )
    await _check_internal_owner(session, row)
    await writes.create(session, principal=principal, row=row)
    await _tell_owner(session, principal, row)
    return row


def viewer_can(principal: Principal, row: ActionItem) -> access.Abilities:
    """ACTIONS_EDIT changes an item, on the customer side only one's own; only the supplier
    deletes (customers close their items instead)."""
    own = principal.side != Side.CUSTOMER or row.owner_id == principal.user_id
    return access.abilities(
        principal,
        row,
        edit=Permission.ACTIONS_EDIT,
        delete=Permission.ACCOUNT_INTERNAL_READ,
        comment=Permission.ACTIONS_COMMENT,
        editable=own,
    )


async def editable_action_item(
    session: AsyncSession, principal: Principal, item_id: uuid.UUID
) -> ActionItem:
    """An item the principal may change (see `viewer_can`)."""
    row = (await get_action_items(session, principal=principal, ids=[item_id])).get(item_id)
    if row is None:
        raise NotFound()
    if not viewer_can(principal, row).edit:
        require(principal, row.workspace_id, Permission.ACTIONS_EDIT)
        raise Forbidden("Only the owner of this action item can change it.")
    return row


async def update_action_item(
    session: AsyncSession,
    *,
    principal: Principal,
    item_id: uuid.UUID,
    version: int,
    title: str | None = None,
    description: str | None = None,
    owner_id: uuid.UUID | None = None,
    due_date: date | None = None,
    priority: ActionPriority | None = None,
    status: ActionStatus | None = None,
    objective_id: uuid.UUID | None = None,
    visibility: Visibility | None = None,
) -> ActionItem:
    row = await editable_action_item(session, principal, item_id)
    owner_before = row.owner_id
    links = await _links(
        session,
        principal,
        row.workspace_id,
        meeting_id=None,
        agenda_item_id=None,
        objective_id=objective_id,
    )
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 300, required=True),
            "description": clean_text(description, "description", 10_000),
            "owner_id": await members.owner(session, row.workspace_id, owner_id),
            "due_date": due_date,
            "priority": priority,
            "status": status,
            **links,
        },
        visibility=visibility,
    )
    await _check_internal_owner(session, row)
    if row.owner_id != owner_before:
        await _tell_owner(session, principal, row)
    return row


async def delete_action_item(
    session: AsyncSession, *, principal: Principal, item_id: uuid.UUID
) -> uuid.UUID:
    """Only the supplier deletes (customers close their items instead)."""
    row = await editable_action_item(session, principal, item_id)
    if not viewer_can(principal, row).delete:
        raise Forbidden("Close the action item instead.")
    await writes.delete(session, principal=principal, row=row)
    return item_id


access.reader("ActionItem", get_action_items)
access.rule(ActionItem, viewer_can)
