"""Relay conventions: opaque global IDs whose type is checked, the Node interface, and
connections built from a service's keyset Page."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from kamp.errors import BadRequest, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.pagination import Page

NodeT = TypeVar("NodeT")


def to_global_id(type_name: str, row_id: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{row_id}".encode()).decode())


def parse_global_id(global_id: str) -> tuple[str, uuid.UUID]:
    """Split an ID into its type and UUID; BadRequest if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(global_id.encode("ascii")).decode()
        type_name, _, row = raw.partition(":")
        return type_name, uuid.UUID(row)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadRequest(f"{global_id[:64]!r} is not a valid ID.") from exc


def decode_id(global_id: str, expected: str, *, field: str = "id") -> uuid.UUID:
    """The UUID of an ID that must name an `expected`; a user error on `field` otherwise."""
    try:
        type_name, row_id = parse_global_id(global_id)
    except BadRequest as exc:
        raise UserError(field, "This is not a valid ID.", ErrorCode.INVALID) from exc
    if type_name != expected:
        raise UserError(field, f"Expected the ID of a {expected}.", ErrorCode.INVALID)
    return row_id


def optional_id(value: str | None, expected: str, *, field: str) -> uuid.UUID | None:
    """`decode_id` for an optional input; None stays None."""
    return decode_id(value, expected, field=field) if value is not None else None


def query_id(value: str, expected: str, *, field: str) -> uuid.UUID:
    """An ID given as a query argument: malformed or of the wrong type is a bad request,
    refused before any SQL, like a malformed cursor."""
    try:
        return decode_id(value, expected, field=field)
    except UserError as exc:
        raise BadRequest(exc.message) from exc


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]


def connection(page: Page[Any], wrap: Callable[[Any], NodeT]) -> Connection[NodeT]:
    return Connection(
        edges=[
            Edge(cursor=c, node=wrap(item))
            for item, c in zip(page.items, page.cursors, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
        ),
    )


# type name -> loads visible nodes by UUID through the request's DataLoaders (None if hidden).
NodeLoader = Callable[[Info, Sequence[uuid.UUID]], Awaitable[Sequence[Any | None]]]
NODE_LOADERS: dict[str, NodeLoader] = {}


def register_node(type_name: str, loader: NodeLoader) -> None:
    NODE_LOADERS[type_name] = loader


def node_loader(
    loader: Callable[[Info], DataLoader[uuid.UUID, Any]], wrap: Callable[[Any], Any]
) -> NodeLoader:
    """A NodeLoader from a domain's DataLoader factory and its type's constructor."""

    async def load(info: Info, ids: Sequence[uuid.UUID]) -> list[Any | None]:
        rows = await loader(info).load_many(ids)
        return [wrap(row) if row is not None else None for row in rows]

    return load


async def resolve_nodes(info: Info, ids: Sequence[strawberry.ID]) -> list[Any | None]:
    """Every ID is parsed before any SQL; hidden and missing IDs both come back as null."""
    parsed = [parse_global_id(i) for i in ids]
    for type_name, _ in parsed:
        if type_name not in NODE_LOADERS:
            raise BadRequest(f"IDs of type {type_name[:40]!r} do not exist.")
    await info.context.require_principal()
    by_type: dict[str, list[uuid.UUID]] = {}
    for type_name, row_id in parsed:
        by_type.setdefault(type_name, []).append(row_id)
    found: dict[tuple[str, uuid.UUID], Any] = {}
    for type_name, row_ids in by_type.items():
        for row_id, obj in zip(row_ids, await NODE_LOADERS[type_name](info, row_ids), strict=True):
            found[(type_name, row_id)] = obj
    return [found[key] for key in parsed]
