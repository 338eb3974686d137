"""Agendas and minutes: agenda items (owner, time box, order, notes) and recorded decisions,
co-edited by both sides with MEETINGS_EDIT. Supplier-only preparation items are INTERNAL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import members
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility, WorkspaceElement
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.meetings.models import (
    AgendaItem,
    MeetingDecision,
)
from kamp.meetings.service import clean_minutes, visible_meeting
from kamp.meetings.templates import default_visibility
from kamp.text import clean_text

E = TypeVar("E", bound=WorkspaceElement)
MAX_AGENDA_ITEMS = 50  # the meeting page shows them all, in order
MAX_DECISIONS = 100


# --- reads ----------------------------------------------------------------------------------


async def get_children(
    session: AsyncSession, *, principal: Principal, model: type[E], ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, E]:
    rows = await session.scalars(
        select(model).where(
            model.id.in_(ids),
            access.visible(model, principal, Permission.MEETINGS_READ),
        )
    )
    return {row.id: row for row in rows}


async def children_by_meeting(
    session: AsyncSession,
    *,
    principal: Principal,
    model: type[Any],
    meeting_ids: Sequence[uuid.UUID],
) -> dict[uuid.UUID, list[Any]]:
    """The agenda items (in order) or decisions of meetings the caller has already loaded."""
    order = (model.position, model.created_at) if model is AgendaItem else (model.created_at,)
    rows = await session.scalars(
        select(model)
        .where(
            model.meeting_id.in_(meeting_ids),
            access.visible(model, principal, Permission.MEETINGS_READ),
        )
        .order_by(*order, model.id)
    )
    found: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        found.setdefault(row.meeting_id, []).append(row)
    return found


async def _child(
    session: AsyncSession, principal: Principal, model: type[E], element_id: uuid.UUID
) -> E:
    row = (await get_children(session, principal=principal, model=model, ids=[element_id])).get(
        element_id
    )
    if row is None:
        raise NotFound()
    require(principal, row.workspace_id, Permission.MEETINGS_EDIT)
    return row


async def _count(
    session: AsyncSession,
    model: type[Any],
    meeting_id: uuid.UUID,
    principal: Principal | None = None,
) -> int:
    """How many the meeting has; with a principal, how many of them it sees."""
    stmt = select(func.count()).select_from(model).where(model.meeting_id == meeting_id)
    if principal is not None:
        stmt = stmt.where(access.visible(model, principal, Permission.MEETINGS_READ))
    return await session.scalar(stmt) or 0


async def _check_room(
    session: AsyncSession, principal: Principal, model: type[Any], meeting_id: uuid.UUID, most: int
) -> None:
    """The limit counts what the principal sees: reaching it sooner would tell a customer how
    many internal ones there are. (A meeting holds at most twice `most` then.)"""
    if await _count(session, model, meeting_id, principal) >= most:
        what = "An agenda has" if model is AgendaItem else "A meeting has"
        kind = "items" if model is AgendaItem else "decisions"
        raise UserError("meetingId", f"{what} at most {most} {kind}.", ErrorCode.INVALID)


# --- agenda items ---------------------------------------------------------------------------


async def create_agenda_item(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: uuid.UUID,
    title: str,
    notes: str = "",
    owner_id: uuid.UUID | None = None,
    time_box_minutes: int | None = None,
    visibility: Visibility | None = None,
) -> AgendaItem:
    meeting = await visible_meeting(session, principal, meeting_id)
    require(principal, meeting.workspace_id, Permission.MEETINGS_EDIT)
    await _check_room(session, principal, AgendaItem, meeting.id, MAX_AGENDA_ITEMS)
    count = await _count(session, AgendaItem, meeting.id)  # the new item goes last of all
    row = AgendaItem(
        workspace_id=meeting.workspace_id,
        meeting_id=meeting.id,
        title=clean_text(title, "title", 300, required=True),
        notes=clean_text(notes, "notes", 20_000) or "",
        owner_id=await members.owner(session, meeting.workspace_id, owner_id),
        time_box_minutes=clean_minutes(time_box_minutes, "timeBoxMinutes"),
        position=count,
        visibility=access.initial_visibility(
            principal, meeting.workspace_id, visibility, default_visibility(meeting)
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_agenda_item(
    session: AsyncSession,
    *,
    principal: Principal,
    item_id: uuid.UUID,
    version: int,
    title: str | None = None,
    notes: str | None = None,
    owner_id: uuid.UUID | None = None,
    time_box_minutes: int | None = None,
    visibility: Visibility | None = None,
) -> AgendaItem:
    """Also how the minutes are taken: the notes of each agenda item."""
    row = await _child(session, principal, AgendaItem, item_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={
            "title": clean_text(title, "title", 300, required=True),
            "notes": clean_text(notes, "notes", 20_000),
            "owner_id": await members.owner(session, row.workspace_id, owner_id),
            "time_box_minutes": clean_minutes(time_box_minutes, "timeBoxMinutes"),
        },
        visibility=visibility,
    )
    return row


async def move_agenda_item(
    session: AsyncSession,
    *,
    principal: Principal,
    item_id: uuid.UUID,
    version: int,
    position: int,
) -> AgendaItem:
    """Move an item to `position` among the items the mover sees (0 is first). Siblings are
    renumbered without a version bump: their order is the agenda's, not their content."""
    row = await _child(session, principal, AgendaItem, item_id)
    if row.version != version:
        raise Conflict(row)
    if position < 0:
        raise UserError("position", "Give a position of 0 or more.", ErrorCode.INVALID)
    everything = list(
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == row.meeting_id, AgendaItem.id != row.id)
            .order_by(AgendaItem.position, AgendaItem.created_at, AgendaItem.id)
        )
    )
    seen = [i for i in everything if access.can_see(principal, i, Permission.MEETINGS_READ)]
    if position < len(seen):
        at = everything.index(seen[position])
    else:
        at = everything.index(seen[-1]) + 1 if seen else len(everything)
    ordered = [*everything[:at], row, *everything[at:]]
    for index, item in enumerate(ordered):
        if item is not row and item.position != index:
            await session.execute(
                update(AgendaItem)
                .where(AgendaItem.id == item.id)
                .values(position=index)
                .execution_options(synchronize_session=False)
            )
            session.expunge(item)  # keep the ORM from flushing (and versioning) the sibling
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={"position": ordered.index(row)},
    )
    return row


async def delete_child(
    session: AsyncSession, *, principal: Principal, model: type[Any], element_id: uuid.UUID
) -> uuid.UUID:
    row = await _child(session, principal, model, element_id)
    await writes.delete(session, principal=principal, row=row)
    return element_id


# --- decisions ------------------------------------------------------------------------------


async def record_decision(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: uuid.UUID,
    text: str,
    agenda_item_id: uuid.UUID | None = None,
    visibility: Visibility | None = None,
) -> MeetingDecision:
    meeting = await visible_meeting(session, principal, meeting_id)
    require(principal, meeting.workspace_id, Permission.MEETINGS_EDIT)
    await _check_room(session, principal, MeetingDecision, meeting.id, MAX_DECISIONS)
    if agenda_item_id is not None:
        item = (
            await get_children(session, principal=principal, model=AgendaItem, ids=[agenda_item_id])
        ).get(agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise UserError(
                "agendaItemId", "No such agenda item in this meeting.", ErrorCode.NOT_FOUND
            )
    row = MeetingDecision(
        workspace_id=meeting.workspace_id,
        meeting_id=meeting.id,
        agenda_item_id=agenda_item_id,
        text=clean_text(text, "text", 10_000, required=True),
        visibility=access.initial_visibility(
            principal, meeting.workspace_id, visibility, default_visibility(meeting)
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_decision(
    session: AsyncSession,
    *,
    principal: Principal,
    decision_id: uuid.UUID,
    version: int,
    text: str | None = None,
    visibility: Visibility | None = None,
) -> MeetingDecision:
    row = await _child(session, principal, MeetingDecision, decision_id)
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values={"text": clean_text(text, "text", 10_000, required=True)},
        visibility=visibility,
    )
    return row


access.reader("AgendaItem", partial(get_children, model=AgendaItem))
access.reader("MeetingDecision", partial(get_children, model=MeetingDecision))
access.rule(AgendaItem, partial(access.abilities, edit=Permission.MEETINGS_EDIT))
access.rule(MeetingDecision, partial(access.abilities, edit=Permission.MEETINGS_EDIT))
