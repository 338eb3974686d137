"""Changing a relationship: a supplier person's tie to a customer contact, with its strength, last
interaction and notes. The supplier's own: customers read the shared ones and never write."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts import members
from kamp.accounts.models import Side
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.relationships.contacts import interaction, require_supplier_edit, scale, visible_contact
from kamp.relationships.models import Contact, Relationship
from kamp.relationships.service import (
    EDIT,
    KEEP,
    Keep,
    get_relationships,
)
from kamp.text import clean_text


def _shareable(contact: Contact, visibility: Visibility) -> None:
    if visibility == Visibility.SHARED and contact.visibility == Visibility.INTERNAL:
        raise UserError(
            "visibility", "Share the contact before sharing its relationships.", ErrorCode.INVALID
        )


async def create_relationship(
    session: AsyncSession,
    *,
    principal: Principal,
    contact_id: uuid.UUID,
    supplier_user_id: uuid.UUID,
    strength: int = 3,
    last_interaction: date | None = None,
    notes: str = "",
    visibility: Visibility | None = None,
) -> Relationship:
    contact = await visible_contact(session, principal, contact_id, "contactId")
    require_supplier_edit(principal, contact.workspace_id)
    chosen = access.initial_visibility(
        principal, contact.workspace_id, visibility, Visibility.INTERNAL
    )
    _shareable(contact, chosen)
    row = Relationship(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        supplier_user_id=(
            await members.members(
                session,
                contact.workspace_id,
                [supplier_user_id],
                field="supplierUserId",
                side=Side.SUPPLIER,
            )
        )[0],
        strength=scale(strength, "strength"),
        last_interaction=interaction(last_interaction),
        notes=clean_text(notes, "notes", 2000),
        visibility=chosen,
    )
    duplicate = await session.scalar(
        select(Relationship.id).where(
            Relationship.contact_id == contact.id,
            Relationship.supplier_user_id == supplier_user_id,
        )
    )
    if duplicate is not None:
        raise _duplicate()
    try:
        return await writes.create(session, principal=principal, row=row)
    except IntegrityError as exc:  # a simultaneous twin; the request rolls back
        raise _duplicate() from exc


def _duplicate() -> UserError:
    return UserError(
        "supplierUserId", "This person's relationship is already on the map.", ErrorCode.DUPLICATE
    )


async def _editable_relationship(
    session: AsyncSession, principal: Principal, relationship_id: uuid.UUID
) -> Relationship:
    row = (await get_relationships(session, principal=principal, ids=[relationship_id])).get(
        relationship_id
    )
    if row is None:
        raise NotFound()
    require_supplier_edit(principal, row.workspace_id)
    return row


async def update_relationship(
    session: AsyncSession,
    *,
    principal: Principal,
    relationship_id: uuid.UUID,
    version: int,
    strength: int | None = None,
    last_interaction: date | Keep | None = KEEP,
    notes: str | None = None,
    visibility: Visibility | None = None,
) -> Relationship:
    row = await _editable_relationship(session, principal, relationship_id)
    if row.version != version:
        raise Conflict(row)
    if visibility is not None and visibility != row.visibility:
        require(principal, row.workspace_id, Permission.VISIBILITY_MANAGE)
        _shareable(await visible_contact(session, principal, row.contact_id), visibility)
    values: dict[str, Any] = {
        "strength": scale(strength, "strength"),
        "notes": clean_text(notes, "notes", 2000),
    }
    if not isinstance(last_interaction, Keep):
        values["last_interaction"] = writes.or_clear(interaction(last_interaction))
    await writes.update(
        session, principal=principal, row=row, version=version, values=values, visibility=visibility
    )
    return row


async def delete_relationship(
    session: AsyncSession, *, principal: Principal, relationship_id: uuid.UUID
) -> uuid.UUID:
    row = await _editable_relationship(session, principal, relationship_id)
    await writes.delete(session, principal=principal, row=row)
    return relationship_id


def viewer_can(principal: Principal, row: Relationship) -> access.Abilities:
    """Relationships are the supplier's: only supplier editors change them."""
    internal = can(principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    return access.abilities(principal, row, edit=EDIT, editable=internal)


access.rule(Relationship, viewer_can)
