"""Per-request DataLoaders of the tenancy core."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from kamp.accounts import invitations, locations, service
from kamp.accounts.models import (
    Invitation,
    KeyAccount,
    Location,
    Membership,
    Organization,
    User,
    Workspace,
)
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader


def organizations(info: Info) -> DataLoader[uuid.UUID, Organization | None]:
    return keyed_loader(info, "organizations", service.get_organizations)


def users(info: Info) -> DataLoader[uuid.UUID, User | None]:
    return keyed_loader(info, "users", service.get_users)


def key_accounts(info: Info) -> DataLoader[uuid.UUID, KeyAccount | None]:
    return keyed_loader(info, "key_accounts", service.get_key_accounts)


def workspaces(info: Info) -> DataLoader[uuid.UUID, Workspace | None]:
    return keyed_loader(info, "workspaces", service.get_workspaces)


def workspace_by_key_account(info: Info) -> DataLoader[uuid.UUID, Workspace | None]:
    return keyed_loader(
        info,
        "workspace_by_key_account",
        service.get_workspaces_by_key_account,
        keys="key_account_ids",
    )


def member_counts(info: Info) -> DataLoader[uuid.UUID, int | None]:
    return keyed_loader(info, "member_counts", service.count_memberships, keys="workspace_ids")


def memberships(info: Info) -> DataLoader[uuid.UUID, Membership | None]:
    return keyed_loader(info, "memberships", service.get_memberships)


def locations_by_id(info: Info) -> DataLoader[uuid.UUID, Location | None]:
    return keyed_loader(info, "locations", locations.get_locations)


def invitations_by_id(info: Info) -> DataLoader[uuid.UUID, Invitation | None]:
    return keyed_loader(info, "invitations", invitations.get_invitations)
