"""The customer's sites as a tree: HEADQUARTERS > REGION > DISTRICT > BRANCH."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import Location, LocationKind
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.errors import ErrorCode, NotFound, UserError
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.text import clean_text

# The kind a location's parent must have; a headquarters has none.
PARENT_KIND: dict[LocationKind, LocationKind | None] = {
    LocationKind.HEADQUARTERS: None,
    LocationKind.REGION: LocationKind.HEADQUARTERS,
    LocationKind.DISTRICT: LocationKind.REGION,
    LocationKind.BRANCH: LocationKind.DISTRICT,
}


def _readable(principal: Principal) -> list[uuid.UUID]:
    return [w for w in principal.workspace_ids if can(principal, w, Permission.LOCATIONS_READ)]


async def get_locations(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Location]:
    rows = await session.scalars(
        select(Location).where(
            Location.id.in_(ids), Location.workspace_id.in_(_readable(principal))
        )
    )
    return {row.id: row for row in rows}


async def list_locations(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    parent_id: uuid.UUID | None = None,
    roots_only: bool = False,
    kind: LocationKind | None = None,
) -> Page[Location]:
    require(principal, workspace_id, Permission.LOCATIONS_READ)
    stmt = select(Location).where(Location.workspace_id == workspace_id)
    if parent_id is not None:
        stmt = stmt.where(Location.parent_id == parent_id)
    elif roots_only:
        stmt = stmt.where(Location.parent_id.is_(None))
    if kind is not None:
        stmt = stmt.where(Location.kind == kind)
    return await keyset_page(session, stmt, Location, page)


async def create_location(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    kind: LocationKind,
    name: str,
    parent_id: uuid.UUID | None = None,
    code: str = "",
    city: str = "",
    country: str = "",
) -> Location:
    require(principal, workspace_id, Permission.LOCATIONS_WRITE)
    name = clean_text(name, "name", 200)
    if not name:
        raise UserError("name", "This field is required.", ErrorCode.REQUIRED)
    expected_parent = PARENT_KIND[kind]
    if parent_id is None and expected_parent is not None:
        raise UserError(
            "parentId",
            f"A {kind.lower()} belongs under a {expected_parent.lower()}.",
            ErrorCode.REQUIRED,
        )
    if parent_id is not None:
        parent = (await get_locations(session, principal=principal, ids=[parent_id])).get(parent_id)
        if parent is None or parent.workspace_id != workspace_id:
            raise UserError("parentId", "No such location in this workspace.", ErrorCode.NOT_FOUND)
        if parent.kind != expected_parent:
            raise UserError(
                "parentId",
                f"A {kind.lower()} cannot sit under a {parent.kind.lower()}.",
                ErrorCode.INVALID,
            )
    country = clean_text(country, "country", 2).upper()
    location = Location(
        workspace_id=workspace_id,
        parent_id=parent_id,
        kind=kind,
        name=name,
        code=clean_text(code, "code", 50),
        city=clean_text(city, "city", 120),
        country=country,
    )
    return await writes.create(session, principal=principal, row=location)


async def _writable(
    session: AsyncSession, principal: Principal, location_id: uuid.UUID
) -> Location:
    location = (await get_locations(session, principal=principal, ids=[location_id])).get(
        location_id
    )
    if location is None:
        raise NotFound()
    require(principal, location.workspace_id, Permission.LOCATIONS_WRITE)
    return location


async def update_location(
    session: AsyncSession,
    *,
    principal: Principal,
    location_id: uuid.UUID,
    version: int,
    name: str | None = None,
    code: str | None = None,
    city: str | None = None,
    country: str | None = None,
) -> Location:
    location = await _writable(session, principal, location_id)
    if name is not None and not (name := clean_text(name, "name", 200)):
        raise UserError("name", "This field is required.", ErrorCode.REQUIRED)
    await writes.update(
        session,
        principal=principal,
        row=location,
        version=version,
        values={
            "name": name,
            "code": clean_text(code, "code", 50),
            "city": clean_text(city, "city", 120),
            "country": clean_text(country, "country", 2).upper() if country is not None else None,
        },
    )
    return location


async def delete_location(
    session: AsyncSession, *, principal: Principal, location_id: uuid.UUID
) -> uuid.UUID:
    location = await _writable(session, principal, location_id)
    child = await session.scalar(select(Location.id).where(Location.parent_id == location_id))
    if child is not None:
        raise UserError("id", "Remove or move the sites under it first.", ErrorCode.INVALID)
    await writes.delete(session, principal=principal, row=location)
    return location_id


access.reader("Location", get_locations)
