"""GraphQL types of the relationship map: contacts as an org chart, relationships, and gaps in
the supplier's coverage. Nested fields go through DataLoaders."""

from __future__ import annotations

from datetime import date

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import LocationNode, UserNode
from kamp.coediting.types import Visibility, WorkspaceElementNode
from kamp.graphql.context import Info
from kamp.graphql.relay import Connection, connection, node_loader, register_node, to_global_id
from kamp.pagination import PageArgs
from kamp.relationships import loaders, models, service

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
BuyingRole = models.BuyingRole
strawberry.enum(
    BuyingRole, description="The part a contact plays in the customer's buying decisions."
)
Stance = models.Stance
strawberry.enum(Stance, description="The contact's attitude to the supplier.")


@strawberry.type(name="Contact", description="A person of the customer, in its org chart.")
class ContactNode(WorkspaceElementNode):
    row: strawberry.Private[models.Contact]

    @classmethod
    def of(cls, row: models.Contact) -> ContactNode:
        return cls(id=to_global_id("Contact", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def email(self) -> str:
        return self.row.email

    @strawberry.field
    def buying_role(self) -> BuyingRole:
        return self.row.buying_role

    @strawberry.field(description="1 (little) to 5 (decisive).")
    def influence(self) -> int:
        return self.row.influence

    @strawberry.field(
        description="The supplier's reading of the contact; null unless the viewer may read "
        "the supplier's internal view or the KAM shared it."
    )
    async def stance(self, info: Info) -> Stance | None:
        principal = await info.context.require_principal()
        return self.row.stance if service.may_read_stance(principal, self.row) else None

    @strawberry.field(description="Whether the customer sees the stance; null for customers.")
    async def stance_visibility(self, info: Info) -> Visibility | None:
        principal = await info.context.require_principal()
        return service.stance_visibility_for(principal, self.row)

    @strawberry.field(description="The manager; null at the top or when hidden from the viewer.")
    async def reports_to(self, info: Info) -> ContactNode | None:
        if self.row.reports_to_id is None:
            return None
        row = await loaders.contacts(info).load(self.row.reports_to_id)
        return ContactNode.of(row) if row else None

    @strawberry.field
    async def direct_reports(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ContactNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.direct_reports(info).load((self.row.id, page))
        return connection(result, ContactNode.of)

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        if self.row.location_id is None:
            return None
        row = await account_loaders.locations_by_id(info).load(self.row.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field(description="The supplier's relationships with this contact that you see.")
    async def relationships(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[RelationshipNode]:
        page = PageArgs.parse(first, after)
        result = await loaders.relationships_of(info).load((self.row.id, page))
        return connection(result, RelationshipNode.of)


@strawberry.type(
    name="Relationship",
    description="A supplier person's relationship with a contact; internal unless shared.",
)
class RelationshipNode(WorkspaceElementNode):
    row: strawberry.Private[models.Relationship]

    @classmethod
    def of(cls, row: models.Relationship) -> RelationshipNode:
        return cls(id=to_global_id("Relationship", row.id), row=row)

    @strawberry.field
    async def supplier_user(self, info: Info) -> UserNode | None:
        row = await account_loaders.users(info).load(self.row.supplier_user_id)
        return UserNode.of(row) if row else None

    @strawberry.field
    async def contact(self, info: Info) -> ContactNode | None:
        row = await loaders.contacts(info).load(self.row.contact_id)
        return ContactNode.of(row) if row else None

    @strawberry.field(description="1 (acquaintance) to 5 (trusted).")
    def strength(self) -> int:
        return self.row.strength

    @strawberry.field
    def last_interaction(self) -> date | None:
        return self.row.last_interaction

    @strawberry.field
    def notes(self) -> str:
        return self.row.notes


@strawberry.type(description="A decision maker or influencer whom few on the supplier side know.")
class CoverageGap:
    gap: strawberry.Private[service.CoverageGap]

    @strawberry.field
    def contact(self) -> ContactNode:
        return ContactNode.of(self.gap.contact)

    @strawberry.field(description="0 (nobody knows them) or 1 (a single point of failure).")
    def relationship_count(self) -> int:
        return self.gap.relationships


register_node("Contact", node_loader(loaders.contacts, ContactNode.of))
register_node("Relationship", node_loader(loaders.relationships, RelationshipNode.of))
