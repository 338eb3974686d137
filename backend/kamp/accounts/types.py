"""GraphQL types of the tenancy core. Nested fields go through DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry

from kamp.accounts import invitations, loaders, locations, models, service
from kamp.auth.policy import workspace_permissions
from kamp.graphql.context import Info
from kamp.graphql.relay import (
    Connection,
    Node,
    connection,
    node_loader,
    register_node,
    to_global_id,
)
from kamp.pagination import PageArgs

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
Side = models.Side
strawberry.enum(Side, description="Which side of the relationship.")
Role = models.Role
strawberry.enum(Role, description="A member's role in a workspace.")
KeyAccountStatus = models.KeyAccountStatus
strawberry.enum(KeyAccountStatus)
LocationKind = models.LocationKind
strawberry.enum(LocationKind, description="HEADQUARTERS > REGION > DISTRICT > BRANCH")


@strawberry.type(name="Organization")
class OrganizationNode(Node):
    row: strawberry.Private[models.Organization]

    @classmethod
    def of(cls, row: models.Organization) -> OrganizationNode:
        return cls(id=to_global_id("Organization", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> Side:
        return self.row.kind


@strawberry.type(name="User")
class UserNode(Node):
    row: strawberry.Private[models.User]

    @classmethod
    def of(cls, row: models.User) -> UserNode:
        return cls(id=to_global_id("User", row.id), row=row)

    @strawberry.field
    def display_name(self) -> str:
        return self.row.display_name

    @strawberry.field
    def email(self) -> str:
        return self.row.email

    @strawberry.field
    async def organization(self, info: Info) -> OrganizationNode | None:
        row = await loaders.organizations(info).load(self.row.organization_id)
        return OrganizationNode.of(row) if row else None


async def user_node(info: Info, user_id: uuid.UUID | None) -> UserNode | None:
    """A person named by a row (an owner, an author, who decided): null if none or unseen."""
    if user_id is None:
        return None
    row = await loaders.users(info).load(user_id)
    return UserNode.of(row) if row else None


@strawberry.type(name="KeyAccount")
class KeyAccountNode(Node):
    row: strawberry.Private[models.KeyAccount]

    @classmethod
    def of(cls, row: models.KeyAccount) -> KeyAccountNode:
        return cls(id=to_global_id("KeyAccount", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    async def supplier(self, info: Info) -> OrganizationNode | None:
        row = await loaders.organizations(info).load(self.row.supplier_id)
        return OrganizationNode.of(row) if row else None

    @strawberry.field
    async def customer(self, info: Info) -> OrganizationNode | None:
        row = await loaders.organizations(info).load(self.row.customer_id)
        return OrganizationNode.of(row) if row else None

    @strawberry.field(description="The accountable key account manager.")
    async def kam(self, info: Info) -> UserNode | None:
        row = await loaders.users(info).load(self.row.kam_id)
        return UserNode.of(row) if row else None

    @strawberry.field(description="The workspace, when the viewer is a member of it.")
    async def workspace(self, info: Info) -> WorkspaceNode | None:
        row = await loaders.workspace_by_key_account(info).load(self.row.id)
        return WorkspaceNode.of(row) if row else None

    async def _internal(self, info: Info) -> bool:
        principal = await info.context.require_principal()
        workspace = await loaders.workspace_by_key_account(info).load(self.row.id)
        workspace_id = workspace.id if workspace else None
        return service.can_read_internal(principal, self.row, workspace_id)

    @strawberry.field(description="Supplier-internal: null for customer users.")
    async def tier(self, info: Info) -> str | None:
        return self.row.tier if await self._internal(info) else None

    @strawberry.field(description="The computed selection score (0-10). Supplier-internal.")
    async def score(self, info: Info) -> Decimal | None:
        return self.row.score if await self._internal(info) else None

    @strawberry.field
    def industry(self) -> str:
        return self.row.industry

    @strawberry.field(description="The customer's rank in its industry. Supplier-internal.")
    async def industry_rank(self, info: Info) -> int | None:
        return self.row.industry_rank if await self._internal(info) else None

    @strawberry.field(description="The supplier's reading of it. Supplier-internal.")
    async def competitive_position(self, info: Info) -> str | None:
        return self.row.competitive_position if await self._internal(info) else None

    @strawberry.field(description="The customer's annual revenue. Supplier-internal.")
    async def customer_revenue(self, info: Info) -> Decimal | None:
        return self.row.customer_revenue if await self._internal(info) else None

    @strawberry.field(description="The supplier's annual sales to it. Supplier-internal.")
    async def annual_sales(self, info: Info) -> Decimal | None:
        return self.row.annual_sales if await self._internal(info) else None

    @strawberry.field(
        description="Its share of the supplier's total sales, in percent (concentration). "
        "Supplier-internal."
    )
    async def share_of_supplier_sales(self, info: Info) -> float | None:
        if not await self._internal(info) or self.row.annual_sales is None:
            return None
        supplier = await loaders.organizations(info).load(self.row.supplier_id)
        if supplier is None or not supplier.annual_revenue:
            return None
        return round(float(self.row.annual_sales / supplier.annual_revenue * 100), 2)

    @strawberry.field(description="Supplier-internal: null for customer users.")
    async def status(self, info: Info) -> KeyAccountStatus | None:
        return self.row.status if await self._internal(info) else None


@strawberry.type(name="Workspace")
class WorkspaceNode(Node):
    row: strawberry.Private[models.Workspace]

    @classmethod
    def of(cls, row: models.Workspace) -> WorkspaceNode:
        return cls(id=to_global_id("Workspace", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    async def key_account(self, info: Info) -> KeyAccountNode | None:
        row = await loaders.key_accounts(info).load(self.row.key_account_id)
        return KeyAccountNode.of(row) if row else None

    @strawberry.field(description="The viewer's role here.")
    async def viewer_role(self, info: Info) -> Role | None:
        return (await info.context.require_principal()).role_in(self.row.id)

    @strawberry.field(description="What the viewer may do here (role narrowed by token scopes).")
    async def viewer_permissions(self, info: Info) -> list[str]:
        principal = await info.context.require_principal()
        return sorted(p.value for p in workspace_permissions(principal, self.row.id))

    @strawberry.field
    async def member_count(self, info: Info) -> int:
        return await loaders.member_counts(info).load(self.row.id) or 0

    @strawberry.field
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MembershipNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await service.list_memberships(
            info.context.session, principal=principal, workspace_id=self.row.id, page=page
        )
        return connection(result, MembershipNode.of)

    @strawberry.field(description="The customer's sites; `rootsOnly` for the top of the tree.")
    async def locations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        roots_only: bool = False,
        kind: LocationKind | None = None,
    ) -> Connection[LocationNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await locations.list_locations(
            info.context.session,
            principal=principal,
            workspace_id=self.row.id,
            page=page,
            roots_only=roots_only,
            kind=kind,
        )
        return connection(result, LocationNode.of)

    @strawberry.field(description="Open invitations; for those who may invite.")
    async def invitations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[InvitationNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await invitations.list_invitations(
            info.context.session, principal=principal, workspace_id=self.row.id, page=page
        )
        return connection(result, InvitationNode.of)


@strawberry.type(name="Membership")
class MembershipNode(Node):
    row: strawberry.Private[models.Membership]

    @classmethod
    def of(cls, row: models.Membership) -> MembershipNode:
        return cls(id=to_global_id("Membership", row.id), row=row)

    @strawberry.field
    def role(self) -> Role:
        return self.row.role

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def side(self) -> Side:
        return self.row.role.side

    @strawberry.field
    async def user(self, info: Info) -> UserNode | None:
        row = await loaders.users(info).load(self.row.user_id)
        return UserNode.of(row) if row else None

    @strawberry.field
    async def workspace(self, info: Info) -> WorkspaceNode | None:
        row = await loaders.workspaces(info).load(self.row.workspace_id)
        return WorkspaceNode.of(row) if row else None


@strawberry.type(name="Location")
class LocationNode(Node):
    row: strawberry.Private[models.Location]

    @classmethod
    def of(cls, row: models.Location) -> LocationNode:
        return cls(id=to_global_id("Location", row.id), row=row)

    @strawberry.field
    def kind(self) -> LocationKind:
        return self.row.kind

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def code(self) -> str:
        return self.row.code

    @strawberry.field
    def city(self) -> str:
        return self.row.city

    @strawberry.field
    def country(self) -> str:
        return self.row.country

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    async def parent(self, info: Info) -> LocationNode | None:
        if self.row.parent_id is None:
            return None
        row = await loaders.locations_by_id(info).load(self.row.parent_id)
        return LocationNode.of(row) if row else None

    @strawberry.field
    async def children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[LocationNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await locations.list_locations(
            info.context.session,
            principal=principal,
            workspace_id=self.row.workspace_id,
            parent_id=self.row.id,
            page=page,
        )
        return connection(result, LocationNode.of)


@strawberry.type(name="Invitation")
class InvitationNode(Node):
    row: strawberry.Private[models.Invitation]

    @classmethod
    def of(cls, row: models.Invitation) -> InvitationNode:
        return cls(id=to_global_id("Invitation", row.id), row=row)

    @strawberry.field
    def email(self) -> str:
        return self.row.email

    @strawberry.field
    def role(self) -> Role:
        return self.row.role

    @strawberry.field
    def expires_at(self) -> datetime:
        return self.row.expires_at

    @strawberry.field
    def revoked(self) -> bool:
        return self.row.revoked_at is not None

    @strawberry.field
    async def invited_by(self, info: Info) -> UserNode | None:
        row = await loaders.users(info).load(self.row.invited_by_id)
        return UserNode.of(row) if row else None


register_node("Organization", node_loader(loaders.organizations, OrganizationNode.of))
register_node("User", node_loader(loaders.users, UserNode.of))
register_node("KeyAccount", node_loader(loaders.key_accounts, KeyAccountNode.of))
register_node("Workspace", node_loader(loaders.workspaces, WorkspaceNode.of))
register_node("Membership", node_loader(loaders.memberships, MembershipNode.of))
register_node("Location", node_loader(loaders.locations_by_id, LocationNode.of))
register_node("Invitation", node_loader(loaders.invitations_by_id, InvitationNode.of))
