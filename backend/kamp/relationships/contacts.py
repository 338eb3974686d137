"""Changing the people of the relationship map: contacts, with their validation and stance
rules. Relationships are in relationship.py, reads in service.py."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.locations import get_locations
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, UserError
from kamp.relationships.models import BuyingRole, Contact, Relationship, Stance
from kamp.relationships.service import (
    EDIT,
    KEEP,
    READ,
    Keep,
    get_contacts,
)
from kamp.text import clean_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str | None) -> str | None:
    value = clean_text(value, "email", 320)
    if value and not _EMAIL.match(value):
        raise UserError("email", "Enter an email address.", ErrorCode.INVALID)
    return value


def scale(value: int | None, field: str) -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise UserError(field, "Use a number from 1 to 5.", ErrorCode.INVALID)
    return value


def interaction(value: date | None) -> date | None:
    if value is not None and value > clock.today() + timedelta(days=1):  # a day of time zones
        raise UserError("lastInteraction", "This date is in the future.", ErrorCode.INVALID)
    return value


async def _manager(
    session: AsyncSession,
    principal: Principal,
    workspace_id: uuid.UUID,
    manager_id: uuid.UUID,
    contact_id: uuid.UUID | None = None,
) -> Contact:
    """A visible contact of the same workspace, not the contact itself nor one below it."""
    manager = (await get_contacts(session, principal=principal, ids=[manager_id])).get(manager_id)
    if manager is None or manager.workspace_id != workspace_id:
        raise UserError("reportsToId", "No such contact in this workspace.", ErrorCode.NOT_FOUND)
    if contact_id is not None:
        # Walk up from the new manager (hidden contacts included): meeting the contact itself
        # would close a loop.
        chain = (
            select(Contact.id, Contact.reports_to_id)
            .where(Contact.id == manager_id)
            .cte("chain", recursive=True)
        )
        chain = chain.union(
            select(Contact.id, Contact.reports_to_id).join(
                chain, Contact.id == chain.c.reports_to_id
            )
        )
        if await session.scalar(select(chain.c.id).where(chain.c.id == contact_id).limit(1)):
            raise UserError(
                "reportsToId", "A contact cannot report to someone below it.", ErrorCode.INVALID
            )
    return manager


async def _location(
    session: AsyncSession, principal: Principal, workspace_id: uuid.UUID, location_id: uuid.UUID
) -> uuid.UUID:
    found = (await get_locations(session, principal=principal, ids=[location_id])).get(location_id)
    if found is None or found.workspace_id != workspace_id:
        raise UserError("locationId", "No such location in this workspace.", ErrorCode.NOT_FOUND)
    return location_id


def _check_stance_rights(
    principal: Principal,
    workspace_id: uuid.UUID,
    stance: Stance | None,
    stance_visibility: Visibility | None,
    current: Visibility,
) -> None:
    """The stance is the supplier's reading of a person: only supplier editors who may read
    internal views set it, and only the KAM decides whether the customer sees it."""
    if stance is not None or stance_visibility is not None:
        require(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    if stance_visibility is not None and stance_visibility != current:
        require(principal, workspace_id, Permission.VISIBILITY_MANAGE)


def require_supplier_edit(principal: Principal, workspace_id: uuid.UUID) -> None:
    """Relationships are the supplier's: customers read the shared ones, never write."""
    require(principal, workspace_id, EDIT)
    require(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ)


async def visible_contact(
    session: AsyncSession, principal: Principal, contact_id: uuid.UUID, field: str = "id"
) -> Contact:
    row = (await get_contacts(session, principal=principal, ids=[contact_id])).get(contact_id)
    if row is None:
        raise UserError(field, "Not found.", ErrorCode.NOT_FOUND)
    return row


async def create_contact(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    name: str,
    buying_role: BuyingRole,
    title: str = "",
    email: str = "",
    influence: int = 3,
    reports_to_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    stance: Stance | None = None,
    stance_visibility: Visibility | None = None,
    visibility: Visibility | None = None,
) -> Contact:
    require(principal, workspace_id, EDIT)
    _check_stance_rights(principal, workspace_id, stance, stance_visibility, Visibility.INTERNAL)
    row = Contact(
        workspace_id=workspace_id,
        name=clean_text(name, "name", 200, required=True),
        title=clean_text(title, "title", 200),
        email=_email(email),
        buying_role=buying_role,
        influence=scale(influence, "influence"),
        reports_to_id=reports_to_id
        and (await _manager(session, principal, workspace_id, reports_to_id)).id,
        location_id=location_id and await _location(session, principal, workspace_id, location_id),
        stance=stance or Stance.UNKNOWN,
        stance_visibility=stance_visibility or Visibility.INTERNAL,
        visibility=access.initial_visibility(
            principal, workspace_id, visibility, Visibility.SHARED
        ),
    )
    return await writes.create(session, principal=principal, row=row)


async def update_contact(
    session: AsyncSession,
    *,
    principal: Principal,
    contact_id: uuid.UUID,
    version: int,
    name: str | None = None,
    title: str | None = None,
    email: str | None = None,
    buying_role: BuyingRole | None = None,
    influence: int | None = None,
    reports_to_id: uuid.UUID | Keep | None = KEEP,
    location_id: uuid.UUID | Keep | None = KEEP,
    stance: Stance | None = None,
    stance_visibility: Visibility | None = None,
    visibility: Visibility | None = None,
) -> Contact:
    row = await visible_contact(session, principal, contact_id)
    # Every refusal before anything changes.
    require(principal, row.workspace_id, EDIT)
    _check_stance_rights(
        principal, row.workspace_id, stance, stance_visibility, row.stance_visibility
    )
    if visibility is not None and visibility != row.visibility:
        require(principal, row.workspace_id, Permission.VISIBILITY_MANAGE)
    if row.version != version:
        raise Conflict(row)
    values: dict[str, Any] = {
        "name": clean_text(name, "name", 200, required=True),
        "title": clean_text(title, "title", 200),
        "email": _email(email),
        "buying_role": buying_role,
        "influence": scale(influence, "influence"),
    }
    internal: set[str] = set()
    if isinstance(reports_to_id, uuid.UUID) and reports_to_id == row.reports_to_id:
        # Naming the current manager is checked too: one hidden from the caller answers as
        # any unknown ID does, never as a silent success.
        await _manager(session, principal, row.workspace_id, reports_to_id, row.id)
    if not isinstance(reports_to_id, Keep) and reports_to_id != row.reports_to_id:
        new = (
            await _manager(session, principal, row.workspace_id, reports_to_id, row.id)
            if reports_to_id
            else None
        )
        old = await session.get(Contact, row.reports_to_id) if row.reports_to_id else None
        # null from someone who cannot see the manager is what they were shown: no change.
        if new or not (old and not access.can_see(principal, old, READ)):
            values["reports_to_id"] = writes.or_clear(reports_to_id)
            # A move from or to a hidden manager is told to the supplier alone.
            if any(m and m.visibility == Visibility.INTERNAL for m in (new, old)):
                internal.add("reports_to_id")
    if not isinstance(location_id, Keep):
        if location_id is not None:
            await _location(session, principal, row.workspace_id, location_id)
        values["location_id"] = writes.or_clear(location_id)
    stance_after = stance_visibility or row.stance_visibility
    if stance is not None:
        values["stance"] = stance
        # Public only while the stance is shared before and after.
        if not row.stance_visibility == stance_after == Visibility.SHARED:
            internal.add("stance")
    if stance_visibility is not None:
        values["stance_visibility"] = stance_visibility
        internal.add("stance_visibility")
    was_internal = row.visibility == Visibility.INTERNAL
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values=values,
        visibility=visibility,
        internal_fields=internal,
    )
    if row.visibility == Visibility.INTERNAL and not was_internal:
        await _hide_relationships(session, principal, row)
    return row


async def _hide_relationships(session: AsyncSession, principal: Principal, row: Contact) -> None:
    """Hiding a contact hides its shared relationships too, so that no event or history
    about them reaches the customer afterwards."""
    shared = await session.scalars(
        select(Relationship).where(
            Relationship.contact_id == row.id, Relationship.visibility == Visibility.SHARED
        )
    )
    for relationship in list(shared):
        await writes.update(
            session,
            principal=principal,
            row=relationship,
            version=relationship.version,
            values={},
            visibility=Visibility.INTERNAL,
        )


async def delete_contact(
    session: AsyncSession, *, principal: Principal, contact_id: uuid.UUID
) -> uuid.UUID:
    row = await visible_contact(session, principal, contact_id)
    require(principal, row.workspace_id, EDIT)
    reports = list(await session.scalars(select(Contact).where(Contact.reports_to_id == row.id)))
    if any(access.can_see(principal, r, READ) for r in reports):
        raise UserError(
            "id", "Move or remove the people who report to this contact first.", ErrorCode.INVALID
        )
    # Someone the viewer cannot see moves up a level rather than block (and reveal itself).
    for hidden in reports:
        await writes.update(
            session,
            principal=principal,
            row=hidden,
            version=hidden.version,
            values={"reports_to_id": writes.or_clear(row.reports_to_id)},
            internal_fields={"reports_to_id"},
        )
    # Its relationships go with it, each with its own (internal) history and event.
    for relationship in await session.scalars(
        select(Relationship).where(Relationship.contact_id == row.id)
    ):
        await writes.delete(session, principal=principal, row=relationship)
    await writes.delete(session, principal=principal, row=row)
    return contact_id


access.rule(Contact, partial(access.abilities, edit=EDIT))
