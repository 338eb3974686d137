"""Queries and mutations of the relationship map: thin, they decode input and call the service.

Optional IDs and dates of updates distinguish "left out" (unchanged) from null (cleared)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import strawberry

from kamp.coediting.types import Visibility
from kamp.errors import BadRequest, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType, service_mutation
from kamp.graphql.relay import Connection, connection, decode_id, optional_id
from kamp.pagination import PageArgs
from kamp.relationships import contacts, relationship, service
from kamp.relationships.types import (
    BuyingRole,
    ContactNode,
    CoverageGap,
    RelationshipNode,
    Stance,
)


def _argument(value: str, expected: str, field: str) -> uuid.UUID:
    """A query argument: a malformed ID is a bad request, like a malformed cursor."""
    try:
        return decode_id(value, expected, field=field)
    except UserError as exc:
        raise BadRequest(exc.message) from exc


@strawberry.type
class RelationshipsQuery:
    @strawberry.field(description="The customer's people in a workspace, oldest first.")
    async def contacts(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        roots_only: Annotated[
            bool, strawberry.argument(description="Only the top of the org chart as you see it.")
        ] = False,
        buying_role: BuyingRole | None = None,  # type: ignore[valid-type]
    ) -> Connection[ContactNode]:
        page = PageArgs.parse(first, after)
        workspace = _argument(workspace_id, "Workspace", "workspaceId")
        result = await service.list_contacts(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            roots_only=roots_only,
            buying_role=buying_role,
        )
        return connection(result, ContactNode.of)

    @strawberry.field(description="The supplier's relationships you see, oldest first.")
    async def relationships(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        contact_id: strawberry.ID | None = None,
        supplier_user_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[RelationshipNode]:
        page = PageArgs.parse(first, after)
        workspace = _argument(workspace_id, "Workspace", "workspaceId")
        contact = _argument(contact_id, "Contact", "contactId") if contact_id else None
        user = _argument(supplier_user_id, "User", "supplierUserId") if supplier_user_id else None
        result = await service.list_relationships(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            contact_id=contact,
            supplier_user_id=user,
        )
        return connection(result, RelationshipNode.of)

    @strawberry.field(
        description="Decision makers and influencers with no relationship or only one. "
        "Supplier-internal."
    )
    async def coverage_gaps(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CoverageGap]:
        page = PageArgs.parse(first, after)
        workspace = _argument(workspace_id, "Workspace", "workspaceId")
        result = await service.coverage_gaps(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
        )
        return connection(result, lambda gap: CoverageGap(gap=gap))


# --- inputs and payloads ------------------------------------------------------------------


@strawberry.input
class CreateContactInput:
    workspace_id: strawberry.ID
    name: str
    buying_role: BuyingRole  # type: ignore[valid-type]
    title: str = ""
    email: str = ""
    influence: int = strawberry.field(default=3, description="1 (little) to 5 (decisive).")
    reports_to_id: strawberry.ID | None = None
    location_id: strawberry.ID | None = None
    stance: Stance | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Supplier side only; UNKNOWN when left out."
    )
    stance_visibility: Visibility | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="INTERNAL unless the KAM shares the stance."
    )
    visibility: Visibility | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="SHARED unless the KAM keeps the contact internal."
    )


@strawberry.input
class UpdateContactInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    title: str | None = None
    email: str | None = None
    buying_role: BuyingRole | None = None  # type: ignore[valid-type]
    influence: int | None = None
    reports_to_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null puts the contact at the top of the chart."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null clears it."
    )
    stance: Stance | None = None  # type: ignore[valid-type]
    stance_visibility: Visibility | None = None  # type: ignore[valid-type]
    visibility: Visibility | None = None  # type: ignore[valid-type]


@strawberry.input
class ContactIdInput:
    id: strawberry.ID


@strawberry.type
class ContactPayload:
    contact: ContactNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateRelationshipInput:
    contact_id: strawberry.ID
    supplier_user_id: strawberry.ID = strawberry.field(
        description="A supplier-side member of the workspace."
    )
    strength: int = strawberry.field(default=3, description="1 (acquaintance) to 5 (trusted).")
    last_interaction: date | None = None
    notes: str = ""
    visibility: Visibility | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="INTERNAL unless the KAM shares it."
    )


@strawberry.input
class UpdateRelationshipInput:
    id: strawberry.ID
    version: int
    strength: int | None = None
    last_interaction: date | None = strawberry.field(
        default=strawberry.UNSET, description="null clears it."
    )
    notes: str | None = None
    visibility: Visibility | None = None  # type: ignore[valid-type]


@strawberry.input
class RelationshipIdInput:
    id: strawberry.ID


@strawberry.type
class RelationshipPayload:
    relationship: RelationshipNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteContactPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteRelationshipPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _optional(value: Any, expected: str, field: str) -> Any:
    """Left out -> KEEP, null -> None, an ID -> its UUID."""
    if value is strawberry.UNSET:
        return service.KEEP
    return _id(value, expected, field)


def _id(value: str | None, expected: str, field: str = "id") -> uuid.UUID | None:
    return optional_id(value, expected, field=field)


@strawberry.type
class RelationshipsMutation:
    @strawberry.mutation(description="Add a person to the customer's org chart.")
    async def create_contact(self, info: Info, input: CreateContactInput) -> ContactPayload:
        return await service_mutation(
            info,
            payload=ContactPayload,
            field="contact",
            node=ContactNode.of,
            decode=lambda: {
                "workspace_id": _id(input.workspace_id, "Workspace", "workspaceId"),
                "reports_to_id": _id(input.reports_to_id, "Contact", "reportsToId"),
                "location_id": _id(input.location_id, "Location", "locationId"),
            },
            call=lambda s, p, **ids: contacts.create_contact(
                s,
                principal=p,
                name=input.name,
                buying_role=input.buying_role,
                title=input.title,
                email=input.email,
                influence=input.influence,
                stance=input.stance,
                stance_visibility=input.stance_visibility,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_contact(self, info: Info, input: UpdateContactInput) -> ContactPayload:
        return await service_mutation(
            info,
            payload=ContactPayload,
            field="contact",
            node=ContactNode.of,
            decode=lambda: {
                "contact_id": _id(input.id, "Contact"),
                "reports_to_id": _optional(input.reports_to_id, "Contact", "reportsToId"),
                "location_id": _optional(input.location_id, "Location", "locationId"),
            },
            call=lambda s, p, **ids: contacts.update_contact(
                s,
                principal=p,
                version=input.version,
                name=input.name,
                title=input.title,
                email=input.email,
                buying_role=input.buying_role,
                influence=input.influence,
                stance=input.stance,
                stance_visibility=input.stance_visibility,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="Remove a contact and its relationships; not a manager.")
    async def delete_contact(self, info: Info, input: ContactIdInput) -> DeleteContactPayload:
        return await service_mutation(
            info,
            payload=DeleteContactPayload,
            field="deleted_id",
            node=lambda _: input.id,
            decode=lambda: {"contact_id": _id(input.id, "Contact")},
            call=lambda s, p, **ids: contacts.delete_contact(s, principal=p, **ids),
        )

    @strawberry.mutation(description="Record who on the supplier side knows a contact.")
    async def create_relationship(
        self, info: Info, input: CreateRelationshipInput
    ) -> RelationshipPayload:
        return await service_mutation(
            info,
            payload=RelationshipPayload,
            field="relationship",
            node=RelationshipNode.of,
            decode=lambda: {
                "contact_id": _id(input.contact_id, "Contact", "contactId"),
                "supplier_user_id": _id(input.supplier_user_id, "User", "supplierUserId"),
            },
            call=lambda s, p, **ids: relationship.create_relationship(
                s,
                principal=p,
                strength=input.strength,
                last_interaction=input.last_interaction,
                notes=input.notes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_relationship(
        self, info: Info, input: UpdateRelationshipInput
    ) -> RelationshipPayload:
        last = input.last_interaction
        return await service_mutation(
            info,
            payload=RelationshipPayload,
            field="relationship",
            node=RelationshipNode.of,
            decode=lambda: {"relationship_id": _id(input.id, "Relationship")},
            call=lambda s, p, **ids: relationship.update_relationship(
                s,
                principal=p,
                version=input.version,
                strength=input.strength,
                last_interaction=service.KEEP if last is strawberry.UNSET else last,
                notes=input.notes,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def delete_relationship(
        self, info: Info, input: RelationshipIdInput
    ) -> DeleteRelationshipPayload:
        return await service_mutation(
            info,
            payload=DeleteRelationshipPayload,
            field="deleted_id",
            node=lambda _: input.id,
            decode=lambda: {"relationship_id": _id(input.id, "Relationship")},
            call=lambda s, p, **ids: relationship.delete_relationship(s, principal=p, **ids),
        )
