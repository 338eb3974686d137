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
from kamp.graphql.errors import UserErrorType, mutate
from kamp.graphql.relay import Connection, connection, decode_id
from kamp.pagination import PageArgs


@strawberry.type
class Viewer:
    """The signed-in person or client."""

    user: UserNode | None
    organization: OrganizationNode | None
    side: Side  # type: ignore[valid-type]
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
    status: KeyAccountStatus = KeyAccountStatus.ACTIVE  # type: ignore[valid-type]
    kam_id: strawberry.ID | None = strawberry.field(
        default=None, description="A User of the supplier; the creator when left out."
    )


@strawberry.input
class UpdateKeyAccountInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    tier: str | None = None
    status: KeyAccountStatus | None = None  # type: ignore[valid-type]
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
    role: Role  # type: ignore[valid-type]


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
    role: Role | None = None  # type: ignore[valid-type]
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
    kind: LocationKind  # type: ignore[valid-type]
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


def _optional_id(value: strawberry.ID | None, expected: str, field: str) -> object:
    return decode_id(value, expected, field=field) if value is not None else None


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

    @strawberry.mutation(description="Open a key account with its customer and workspace.")
    async def create_key_account(
        self, info: Info, input: CreateKeyAccountInput
    ) -> KeyAccountPayload:
        async def run() -> KeyAccountPayload:
            kam_id = _optional_id(input.kam_id, "User", "kamId")
            row = await service.create_key_account(
                info.context.session,
                principal=await info.context.require_principal(),
                customer_name=input.customer_name,
                name=input.name,
                tier=input.tier,
                status=input.status,
                kam_id=kam_id,  # type: ignore[arg-type]
            )
            return KeyAccountPayload(key_account=KeyAccountNode.of(row))

        return await mutate(
            info, run, payload=KeyAccountPayload, field="key_account", node=KeyAccountNode.of
        )

    @strawberry.mutation
    async def update_key_account(
        self, info: Info, input: UpdateKeyAccountInput
    ) -> KeyAccountPayload:
        async def run() -> KeyAccountPayload:
            key_account_id = decode_id(input.id, "KeyAccount")
            kam_id = _optional_id(input.kam_id, "User", "kamId")
            row = await service.update_key_account(
                info.context.session,
                principal=await info.context.require_principal(),
                key_account_id=key_account_id,
                version=input.version,
                name=input.name,
                tier=input.tier,
                status=input.status,
                kam_id=kam_id,  # type: ignore[arg-type]
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

    @strawberry.mutation
    async def update_workspace(self, info: Info, input: UpdateWorkspaceInput) -> WorkspacePayload:
        async def run() -> WorkspacePayload:
            workspace_id = decode_id(input.id, "Workspace")
            row = await service.update_workspace(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace_id,
                version=input.version,
                name=input.name,
                description=input.description,
            )
            return WorkspacePayload(workspace=WorkspaceNode.of(row))

        return await mutate(
            info, run, payload=WorkspacePayload, field="workspace", node=WorkspaceNode.of
        )

    @strawberry.mutation(description="Invite someone by email; they accept with a one-time link.")
    async def invite_member(self, info: Info, input: InviteMemberInput) -> InvitationPayload:
        async def run() -> InvitationPayload:
            workspace_id = decode_id(input.workspace_id, "Workspace", field="workspaceId")
            settings = info.context.settings
            row, _token = await invitations.invite_member(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace_id,
                email=input.email,
                role=input.role,
                base_url=settings.base_url,
                lifetime=timedelta(hours=settings.invitation_hours),
            )
            return InvitationPayload(invitation=InvitationNode.of(row))

        return await mutate(
            info, run, payload=InvitationPayload, field="invitation", node=InvitationNode.of
        )

    @strawberry.mutation
    async def revoke_invitation(
        self, info: Info, input: RevokeInvitationInput
    ) -> InvitationPayload:
        async def run() -> InvitationPayload:
            invitation_id = decode_id(input.id, "Invitation")
            row = await invitations.revoke_invitation(
                info.context.session,
                principal=await info.context.require_principal(),
                invitation_id=invitation_id,
            )
            return InvitationPayload(invitation=InvitationNode.of(row))

        return await mutate(
            info, run, payload=InvitationPayload, field="invitation", node=InvitationNode.of
        )

    @strawberry.mutation
    async def update_membership(
        self, info: Info, input: UpdateMembershipInput
    ) -> MembershipPayload:
        async def run() -> MembershipPayload:
            membership_id = decode_id(input.id, "Membership")
            row = await service.update_membership(
                info.context.session,
                principal=await info.context.require_principal(),
                membership_id=membership_id,
                version=input.version,
                role=input.role,
                title=input.title,
            )
            return MembershipPayload(membership=MembershipNode.of(row))

        return await mutate(
            info, run, payload=MembershipPayload, field="membership", node=MembershipNode.of
        )

    @strawberry.mutation
    async def remove_membership(
        self, info: Info, input: RemoveMembershipInput
    ) -> RemoveMembershipPayload:
        async def run() -> RemoveMembershipPayload:
            membership_id = decode_id(input.id, "Membership")
            await service.remove_membership(
                info.context.session,
                principal=await info.context.require_principal(),
                membership_id=membership_id,
            )
            return RemoveMembershipPayload(removed_id=input.id)

        return await mutate(
            info, run, payload=RemoveMembershipPayload, field="removed_id", node=lambda _: None
        )

    @strawberry.mutation
    async def create_location(self, info: Info, input: CreateLocationInput) -> LocationPayload:
        async def run() -> LocationPayload:
            workspace_id = decode_id(input.workspace_id, "Workspace", field="workspaceId")
            parent_id = _optional_id(input.parent_id, "Location", "parentId")
            row = await locations.create_location(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace_id,
                kind=input.kind,
                name=input.name,
                parent_id=parent_id,  # type: ignore[arg-type]
                code=input.code,
                city=input.city,
                country=input.country,
            )
            return LocationPayload(location=LocationNode.of(row))

        return await mutate(
            info, run, payload=LocationPayload, field="location", node=LocationNode.of
        )

    @strawberry.mutation
    async def update_location(self, info: Info, input: UpdateLocationInput) -> LocationPayload:
        async def run() -> LocationPayload:
            location_id = decode_id(input.id, "Location")
            row = await locations.update_location(
                info.context.session,
                principal=await info.context.require_principal(),
                location_id=location_id,
                version=input.version,
                name=input.name,
                code=input.code,
                city=input.city,
                country=input.country,
            )
            return LocationPayload(location=LocationNode.of(row))

        return await mutate(
            info, run, payload=LocationPayload, field="location", node=LocationNode.of
        )

    @strawberry.mutation
    async def delete_location(
        self, info: Info, input: DeleteLocationInput
    ) -> DeleteLocationPayload:
        async def run() -> DeleteLocationPayload:
            location_id = decode_id(input.id, "Location")
            await locations.delete_location(
                info.context.session,
                principal=await info.context.require_principal(),
                location_id=location_id,
            )
            return DeleteLocationPayload(deleted_id=input.id)

        return await mutate(
            info, run, payload=DeleteLocationPayload, field="deleted_id", node=lambda _: None
        )
