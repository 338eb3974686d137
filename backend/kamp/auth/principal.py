"""Who is asking: every request resolves to one Principal (or none, when anonymous)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from kamp.accounts.models import Role, Side


@dataclass(frozen=True)
class Principal:
    organization_id: uuid.UUID
    side: Side
    user_id: uuid.UUID | None = None
    # Set for a machine client or an app acting for a user (OAuth); None for a browser session.
    client_id: uuid.UUID | None = None
    is_org_admin: bool = False
    workspace_roles: Mapping[uuid.UUID, Role] = field(default_factory=dict)
    # None means "not narrowed": a first-party browser session. A token carries its scopes.
    scopes: frozenset[str] | None = None
    # The key accounts an OAuth client is limited to; None means not limited. workspace_roles
    # is already narrowed to them; this says what a new credential may be limited to.
    key_account_limit: frozenset[uuid.UUID] | None = None

    @property
    def workspace_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(self.workspace_roles)

    def role_in(self, workspace_id: uuid.UUID) -> Role | None:
        return self.workspace_roles.get(workspace_id)
