"""Queries and mutations of the relationship map: thin, they decode input and call the service.

Optional IDs and dates of updates distinguish "left out" (unchanged: the input's UNSET is not
passed, so the use case keeps the value) from null (cleared)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import strawberry

from kamp.coediting.types import Visibility
from kamp.errors import BadRequest, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, decode_id
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
        buying_role: BuyingRole | None = None,
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
    buying_role: BuyingRole
    title: str = ""
    email: str = ""
    influence: int = strawberry.field(default=3, description="1 (little) to 5 (decisive).")
    reports_to_id: strawberry.ID | None = None
    location_id: strawberry.ID | None = None
    stance: Stance | None = strawberry.field(
        default=None, description="Supplier side only; UNKNOWN when left out."
    )
    stance_visibility: Visibility | None = strawberry.field(
        default=None, description="INTERNAL unless the KAM shares the stance."
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="SHARED unless the KAM keeps the contact internal."
    )


@strawberry.input
class UpdateContactInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    title: str | None = None
    email: str | None = None
    buying_role: BuyingRole | None = None
    influence: int | None = None
    reports_to_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null puts the contact at the top of the chart."
    )
    location_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null clears it."
    )
    stance: Stance | None = None
    stance_visibility: Visibility | None = None
    visibility: Visibility | None = None


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
    visibility: Visibility | None = strawberry.field(
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
    visibility: Visibility | None = None


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


@strawberry.type
class RelationshipsMutation:
    create_contact = service_mutation(
        contacts.create_contact,
        description="Add a person to the customer's org chart.",
        input=CreateContactInput,
        payload=ContactPayload,
        field="contact",
        node=ContactNode.of,
        ids={"workspace_id": "Workspace", "reports_to_id": "Contact", "location_id": "Location"},
    )
    update_contact = service_mutation(
        contacts.update_contact,
        input=UpdateContactInput,
        payload=ContactPayload,
        field="contact",
        node=ContactNode.of,
        ids={"id": "Contact", "reports_to_id": "Contact", "location_id": "Location"},
        rename={"id": "contact_id"},
    )
    delete_contact = service_mutation(
        contacts.delete_contact,
        description="Remove a contact and its relationships; not a manager.",
        input=ContactIdInput,
        payload=DeleteContactPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Contact"},
        rename={"id": "contact_id"},
    )
    create_relationship = service_mutation(
        relationship.create_relationship,
        description="Record who on the supplier side knows a contact.",
        input=CreateRelationshipInput,
        payload=RelationshipPayload,
        field="relationship",
        node=RelationshipNode.of,
        ids={"contact_id": "Contact", "supplier_user_id": "User"},
    )
    update_relationship = service_mutation(
        relationship.update_relationship,
        input=UpdateRelationshipInput,
        payload=RelationshipPayload,
        field="relationship",
        node=RelationshipNode.of,
        ids={"id": "Relationship"},
        rename={"id": "relationship_id"},
    )
    delete_relationship = service_mutation(
        relationship.delete_relationship,
        input=RelationshipIdInput,
        payload=DeleteRelationshipPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Relationship"},
        rename={"id": "relationship_id"},
    )
