"""Queries and mutations of the tenancy core: thin, they decode input and call services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import strawberry

from kamp.accounts import invitations, loaders, locations, profile, service
from kamp.accounts.types import (
    InvitationNode,
    KeyAccountNode,
    KeyAccountStatus,
    LocationKind,
    LocationNode,
    MembershipNode,
    OrganizationNode,
    Role,
    Side,
    UserNode,
    WorkspaceNode,
)
from kamp.auth.policy import Permission, org_permissions
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import mutate, service_mutation
from kamp.graphql.relay import Connection, connection, decode_id, optional_id
from kamp.pagination import PageArgs


@strawberry.type
class Viewer:
    """The signed-in person or client."""

    user: UserNode | None
    organization: OrganizationNode | None
    side: Side
    is_org_admin: bool
    can_create_key_accounts: bool
    time_zone: str = strawberry.field(
        description="The IANA zone the viewer sees times in (UTC for a machine client)."
    )

    @strawberry.field(description="Workspaces the viewer is a member of.")
    async def workspaces(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WorkspaceNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await service.list_workspaces(info.context.session, principal=principal, page=page)
        return connection(result, WorkspaceNode.of)

    @strawberry.field(description="Key accounts the viewer can see (all of them for an admin).")
    async def key_accounts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[KeyAccountNode]:
        page = PageArgs.parse(first, after)
        principal = await info.context.require_principal()
        result = await service.list_key_accounts(
            info.context.session, principal=principal, page=page
        )
        return connection(result, KeyAccountNode.of)


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="Who is signed in; null when nobody is.")
    async def viewer(self, info: Info) -> Viewer | None:
        principal = await info.context.principal()
        if principal is None:
            return None
        user = await loaders.users(info).load(principal.user_id) if principal.user_id else None
        organization = await loaders.organizations(info).load(principal.organization_id)
        return Viewer(
            user=UserNode.of(user) if user else None,
            organization=OrganizationNode.of(organization) if organization else None,
            side=principal.side,
            is_org_admin=principal.is_org_admin,
            can_create_key_accounts=Permission.ACCOUNT_MANAGE in org_permissions(principal),
            time_zone=user.time_zone if user else "UTC",
        )


# --- inputs and payloads ------------------------------------------------------------------


@strawberry.input
class CreateKeyAccountInput:
    customer_name: str
    name: str | None = None
    tier: str | None = strawberry.field(
        default=None, description="One of the supplier's tiers; the lowest when left out."
    )
    status: KeyAccountStatus = KeyAccountStatus.ACTIVE
    kam_id: strawberry.ID | None = strawberry.field(
        default=None, description="A User of the supplier; the creator when left out."
    )


@strawberry.input
class UpdateKeyAccountInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    tier: str | None = None
    status: KeyAccountStatus | None = None
    kam_id: strawberry.ID | None = None
    industry: str | None = None
    industry_rank: int | None = None
    competitive_position: str | None = None
    customer_revenue: Decimal | None = None
    annual_sales: Decimal | None = None


@strawberry.type
class KeyAccountPayload:
    key_account: KeyAccountNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateWorkspaceInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    description: str | None = None


@strawberry.type
class WorkspacePayload:
    workspace: WorkspaceNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class InviteMemberInput:
    workspace_id: strawberry.ID
    email: str
    role: Role


@strawberry.input
class RevokeInvitationInput:
    id: strawberry.ID


@strawberry.type
class InvitationPayload:
    invitation: InvitationNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateMembershipInput:
    id: strawberry.ID
    version: int
    role: Role | None = None
    title: str | None = None


@strawberry.input
class RemoveMembershipInput:
    id: strawberry.ID


@strawberry.type
class MembershipPayload:
    membership: MembershipNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class RemoveMembershipPayload:
    removed_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateLocationInput:
    workspace_id: strawberry.ID
    kind: LocationKind
    name: str
    parent_id: strawberry.ID | None = None
    code: str = ""
    city: str = ""
    country: str = strawberry.field(default="", description="ISO 3166-1 alpha-2")


@strawberry.input
class UpdateLocationInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    code: str | None = None
    city: str | None = None
    country: str | None = None


@strawberry.input
class DeleteLocationInput:
    id: strawberry.ID


@strawberry.type
class LocationPayload:
    location: LocationNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteLocationPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


# --- mutations ------------------------------------------------------------------------------


@strawberry.input
class UpdateMyProfileInput:
    display_name: str | None = None
    time_zone: str | None = strawberry.field(default=None, description="An IANA zone name.")


@strawberry.type
class MyProfilePayload:
    user: UserNode | None = None
    time_zone: str | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _invitation_links(info: Info, _: InviteMemberInput) -> dict[str, object]:
    settings = info.context.settings
    return {
        "base_url": settings.base_url,
        "lifetime": timedelta(hours=settings.invitation_hours),
    }


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(description="Change the viewer's own name or time zone.")
    async def update_my_profile(self, info: Info, input: UpdateMyProfileInput) -> MyProfilePayload:
        async def run() -> MyProfilePayload:
            row = await profile.update_my_profile(
                info.context.session,
                principal=await info.context.require_principal(),
                display_name=input.display_name,
                time_zone=input.time_zone,
            )
            return MyProfilePayload(user=UserNode.of(row), time_zone=row.time_zone)

        return await mutate(info, run, payload=MyProfilePayload, field="user", node=UserNode.of)

    create_key_account = service_mutation(
        service.create_key_account,
        description="Open a key account with its customer and workspace.",
        input=CreateKeyAccountInput,
        payload=KeyAccountPayload,
        field="key_account",
        node=KeyAccountNode.of,
        ids={"kam_id": "User"},
    )

    @strawberry.mutation
    async def update_key_account(
        self, info: Info, input: UpdateKeyAccountInput
    ) -> KeyAccountPayload:
        # The profile fields travel to the use case as one `profile`.
        async def run() -> KeyAccountPayload:
            key_account_id = decode_id(input.id, "KeyAccount")
            kam_id = optional_id(input.kam_id, "User", field="kamId")
            row = await service.update_key_account(
                info.context.session,
                principal=await info.context.require_principal(),
                key_account_id=key_account_id,
                version=input.version,
                name=input.name,
                tier=input.tier,
                status=input.status,
                kam_id=kam_id,
                profile={
                    "industry": input.industry,
                    "industry_rank": input.industry_rank,
                    "competitive_position": input.competitive_position,
                    "customer_revenue": input.customer_revenue,
                    "annual_sales": input.annual_sales,
                },
            )
            return KeyAccountPayload(key_account=KeyAccountNode.of(row))

        return await mutate(
            info, run, payload=KeyAccountPayload, field="key_account", node=KeyAccountNode.of
        )

    update_workspace = service_mutation(
        service.update_workspace,
        input=UpdateWorkspaceInput,
        payload=WorkspacePayload,
        field="workspace",
        node=WorkspaceNode.of,
        ids={"id": "Workspace"},
        rename={"id": "workspace_id"},
    )
    invite_member = service_mutation(
        invitations.invite_member,
        description="Invite someone by email; they accept with a one-time link.",
        input=InviteMemberInput,
        payload=InvitationPayload,
        field="invitation",
        # The use case also returns the one-time token, which only ever goes by email.
        node=lambda result: InvitationNode.of(result[0]),
        ids={"workspace_id": "Workspace"},
        extra=_invitation_links,
    )
    revoke_invitation = service_mutation(
        invitations.revoke_invitation,
        input=RevokeInvitationInput,
        payload=InvitationPayload,
        field="invitation",
        node=InvitationNode.of,
        ids={"id": "Invitation"},
        rename={"id": "invitation_id"},
    )
    update_membership = service_mutation(
        service.update_membership,
        input=UpdateMembershipInput,
        payload=MembershipPayload,
        field="membership",
        node=MembershipNode.of,
        ids={"id": "Membership"},
        rename={"id": "membership_id"},
    )
    remove_membership = service_mutation(
        service.remove_membership,
        input=RemoveMembershipInput,
        payload=RemoveMembershipPayload,
        field="removed_id",
        node=None,
        ids={"id": "Membership"},
        rename={"id": "membership_id"},
    )
    create_location = service_mutation(
        locations.create_location,
        input=CreateLocationInput,
        payload=LocationPayload,
        field="location",
        node=LocationNode.of,
        ids={"workspace_id": "Workspace", "parent_id": "Location"},
    )
    update_location = service_mutation(
        locations.update_location,
        input=UpdateLocationInput,
        payload=LocationPayload,
        field="location",
        node=LocationNode.of,
        ids={"id": "Location"},
        rename={"id": "location_id"},
    )
    delete_location = service_mutation(
        locations.delete_location,
        input=DeleteLocationInput,
        payload=DeleteLocationPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Location"},
        rename={"id": "location_id"},
    )
