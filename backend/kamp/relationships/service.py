"""The relationship map: the customer's people as an org chart, who on the supplier side knows
them how well, and where that coverage is thin.

Contacts are shared by default and co-edited by both sides; a contact's stance and every
relationship are the supplier's reading, internal unless the KAM shares them. Reads filter in
SQL, so a customer never loads an internal row; writes go through the co-editing kernel."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.coediting.models import Visibility
from kamp.pagination import Page, PageArgs, encode_cursor, keyset_page
from kamp.relationships.models import BuyingRole, Contact, Relationship

READ, EDIT = Permission.RELATIONSHIPS_READ, Permission.RELATIONSHIPS_EDIT
# The roles whose coverage matters: a deal is won or lost with them.
KEY_ROLES = (BuyingRole.DECISION_MAKER, BuyingRole.INFLUENCER)


class Keep(Enum):
    """An optional input left out (null would clear the field)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class CoverageGap:
    contact: Contact
    relationships: int  # 0 or 1


# --- visibility -----------------------------------------------------------------------------


def _contact_visible(principal: Principal) -> ColumnElement[bool]:
    return access.visible(Contact, principal, READ)


def _relationship_visible(principal: Principal) -> ColumnElement[bool]:
    """A relationship is seen only with its contact (its parent, to the kernel)."""
    return access.visible(Relationship, principal, READ)


def may_read_stance(principal: Principal, row: Contact) -> bool:
    return row.stance_visibility == Visibility.SHARED or can(
        principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ
    )


# --- reads ----------------------------------------------------------------------------------


def stance_visibility_for(principal: Principal, row: Contact) -> Visibility | None:
    """Whether the customer sees the stance: the supplier's to know (None for customers)."""
    if not can(principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ):
        return None
    return row.stance_visibility


async def get_contacts(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Contact]:
    rows = await session.scalars(
        select(Contact).where(Contact.id.in_(ids), _contact_visible(principal))
    )
    return {row.id: row for row in rows}


async def get_relationships(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Relationship]:
    rows = await session.scalars(
        select(Relationship).where(Relationship.id.in_(ids), _relationship_visible(principal))
    )
    return {row.id: row for row in rows}


async def list_contacts(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    roots_only: bool = False,
    buying_role: BuyingRole | None = None,
) -> Page[Contact]:
    require(principal, workspace_id, READ)
    stmt = select(Contact).where(Contact.workspace_id == workspace_id, _contact_visible(principal))
    if roots_only:
        # The top of the chart as this viewer sees it: a contact under a hidden manager is a
        # root too, or a customer would never reach it.
        manager = aliased(Contact)
        manager_seen = (
            select(manager.id)
            .where(manager.id == Contact.reports_to_id, access.visible(manager, principal, READ))
            .exists()
        )
        stmt = stmt.where(or_(Contact.reports_to_id.is_(None), ~manager_seen))
    if buying_role is not None:
        stmt = stmt.where(Contact.buying_role == buying_role)
    return await keyset_page(session, stmt, Contact, page)


async def list_relationships(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    contact_id: uuid.UUID | None = None,
    supplier_user_id: uuid.UUID | None = None,
) -> Page[Relationship]:
    require(principal, workspace_id, READ)
    stmt = select(Relationship).where(
        Relationship.workspace_id == workspace_id, _relationship_visible(principal)
    )
    if contact_id is not None:
        stmt = stmt.where(Relationship.contact_id == contact_id)
    if supplier_user_id is not None:
        stmt = stmt.where(Relationship.supplier_user_id == supplier_user_id)
    return await keyset_page(session, stmt, Relationship, page)


async def _pages_by(
    session: AsyncSession,
    stmt: Select[Any],
    model: Any,
    column: Any,
    keys: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[Any]]:
    """One page per key in a single query (ROW_NUMBER per key), so nested connections cost
    one statement however many parents there are."""
    found: dict[uuid.UUID, list[Any]] = {key: [] for key in keys}
    if page.first > 0 and keys:
        stmt = stmt.where(column.in_(keys))
        if page.after is not None:
            stamp, row_id = page.after
            created = model.created_at
            stmt = stmt.where(or_(created > stamp, and_(created == stamp, model.id > row_id)))
        number = func.row_number().over(partition_by=column, order_by=(model.created_at, model.id))
        sub = stmt.add_columns(number.label("n")).subquery()
        rows = await session.scalars(
            select(aliased(model, sub)).where(sub.c.n <= page.first + 1).order_by(sub.c.n)
        )
        for row in rows:
            found[getattr(row, column.key)].append(row)
    return {
        key: Page(
            items=rows[: page.first],
            cursors=[encode_cursor(r.created_at, r.id) for r in rows[: page.first]],
            has_next=len(rows) > page.first,
        )
        for key, rows in found.items()
    }


async def direct_reports(
    session: AsyncSession,
    *,
    principal: Principal,
    manager_ids: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[Contact]]:
    stmt = select(Contact).where(_contact_visible(principal))
    return await _pages_by(session, stmt, Contact, Contact.reports_to_id, manager_ids, page)


async def relationships_of(
    session: AsyncSession,
    *,
    principal: Principal,
    contact_ids: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[Relationship]]:
    stmt = select(Relationship).where(_relationship_visible(principal))
    return await _pages_by(session, stmt, Relationship, Relationship.contact_id, contact_ids, page)


async def coverage_gaps(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID, page: PageArgs
) -> Page[CoverageGap]:
    """Decision makers and influencers whom nobody or only one person on the supplier side
    knows. Supplier-internal: it speaks of relationships the customer does not see."""
    require(principal, workspace_id, READ)
    require(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    count = (
        select(func.count(Relationship.id))
        .where(Relationship.contact_id == Contact.id)
        .scalar_subquery()
    )
    stmt = select(Contact).where(
        Contact.workspace_id == workspace_id,
        _contact_visible(principal),
        Contact.buying_role.in_(KEY_ROLES),
        count <= 1,
    )
    contacts = await keyset_page(session, stmt, Contact, page)
    counts = dict(
        (
            await session.execute(
                select(Relationship.contact_id, func.count(Relationship.id))
                .where(Relationship.contact_id.in_([c.id for c in contacts.items]))
                .group_by(Relationship.contact_id)
            )
        ).all()
    )
    gaps = [CoverageGap(contact=c, relationships=counts.get(c.id, 0)) for c in contacts.items]
    return Page(items=gaps, cursors=contacts.cursors, has_next=contacts.has_next)


# --- validation -----------------------------------------------------------------------------


access.reader("Contact", get_contacts)
access.reader("Relationship", get_relationships)
