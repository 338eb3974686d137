"""GraphQL for integrator clients: register (the secret is shown once), rotate, revoke, list."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import KeyAccountNode, Role, UserNode
from kamp.auth.oauth import clients, models
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import mutate, service_mutation
from kamp.graphql.relay import (
    Connection,
    Node,
    connection,
    decode_id,
    node_loader,
    register_node,
    to_global_id,
)
from kamp.pagination import PageArgs

strawberry.enum(clients.ClientKind, description="How an integrator gets tokens.")


@strawberry.type(name="OAuthClientUse", description="One token issued to a client.")
class OAuthClientUseType:
    row: strawberry.Private[models.OAuthClientUse]

    @strawberry.field
    def at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def grant_type(self) -> str:
        return self.row.grant_type

    @strawberry.field
    def scope(self) -> str:
        return self.row.scope

    @strawberry.field
    def ip(self) -> str:
        return self.row.ip

    @strawberry.field
    async def user(self, info: Info) -> UserNode | None:
        if self.row.user_id is None:
            return None
        row = await account_loaders.users(info).load(self.row.user_id)
        return UserNode.of(row) if row else None


@strawberry.type(name="OAuthClient")
class OAuthClientNode(Node):
    row: strawberry.Private[models.OAuthClient]

    @classmethod
    def of(cls, row: models.OAuthClient) -> OAuthClientNode:
        return cls(id=to_global_id("OAuthClient", row.id), row=row)

    @strawberry.field(description="What the integrator sends as client_id.")
    def client_id(self) -> str:
        return self.row.client_id

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> clients.ClientKind:
        machine = "client_credentials" in self.row.grant_types
        return clients.ClientKind.MACHINE if machine else clients.ClientKind.APPLICATION

    @strawberry.field(description="Whether it holds a secret (public apps use PKCE alone).")
    def confidential(self) -> bool:
        return self.row.secret_hash is not None

    @strawberry.field
    def redirect_uris(self) -> list[str]:
        return list(self.row.redirect_uris)

    @strawberry.field
    def scopes(self) -> list[str]:
        return list(self.row.scopes)

    @strawberry.field(description="The role a machine client acts with.")
    def role(self) -> Role | None:
        return self.row.role

    @strawberry.field(description="The key accounts it is limited to; empty means all.")
    async def key_accounts(self, info: Info) -> list[KeyAccountNode]:
        ids = [uuid.UUID(i) for i in self.row.key_account_ids]
        rows = await account_loaders.key_accounts(info).load_many(ids)
        return [KeyAccountNode.of(row) for row in rows if row is not None]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def revoked_at(self) -> datetime | None:
        return self.row.revoked_at

    @strawberry.field
    def last_used_at(self) -> datetime | None:
        return self.row.last_used_at

    @strawberry.field(description="Tokens issued to it, newest first.")
    async def recent_uses(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OAuthClientUseType]:
        page = PageArgs.parse(first, after)
        result = await clients.list_uses(
            info.context.session,
            principal=await info.context.require_principal(),
            client_pk=self.row.id,
            page=page,
        )
        return connection(result, lambda row: OAuthClientUseType(row=row))


def _client_loader(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "oauth_clients", clients.get_clients)


register_node("OAuthClient", node_loader(_client_loader, OAuthClientNode.of))


@strawberry.type
class OAuthQuery:
    @strawberry.field(description="Integrator clients the viewer manages.")
    async def oauth_clients(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[OAuthClientNode]:
        page = PageArgs.parse(first, after)
        result = await clients.list_clients(
            info.context.session, principal=await info.context.require_principal(), page=page
        )
        return connection(result, OAuthClientNode.of)


@strawberry.input
class RegisterOAuthClientInput:
    name: str
    kind: clients.ClientKind
    scopes: list[str]
    redirect_uris: list[str] = strawberry.field(default_factory=list)
    confidential: bool = True
    role: Role | None = None
    key_account_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class OAuthClientInput:
    id: strawberry.ID


@strawberry.type
class OAuthClientPayload:
    client: OAuthClientNode | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="Shown only in this response; kamp keeps a hash."
    )
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class OAuthMutation:
    @strawberry.mutation(name="registerOAuthClient", description="Register an integrator client.")
    async def register_oauth_client(
        self, info: Info, input: RegisterOAuthClientInput
    ) -> OAuthClientPayload:
        async def run() -> OAuthClientPayload:
            account_ids = [
                decode_id(i, "KeyAccount", field="keyAccountIds") for i in input.key_account_ids
            ]
            row, secret = await clients.register_client(
                info.context.session,
                principal=await info.context.require_principal(),
                name=input.name,
                kind=input.kind,
                scopes=input.scopes,
                redirect_uris=input.redirect_uris,
                confidential=input.confidential,
                role=input.role,
                key_account_ids=account_ids,
            )
            return OAuthClientPayload(client=OAuthClientNode.of(row), client_secret=secret)

        return await mutate(
            info, run, payload=OAuthClientPayload, field="client", node=OAuthClientNode.of
        )

    @strawberry.mutation(
        name="rotateOAuthClientSecret",
        description="Issue a new secret; the old one stops working at once.",
    )
    async def rotate_oauth_client_secret(
        self, info: Info, input: OAuthClientInput
    ) -> OAuthClientPayload:
        async def run() -> OAuthClientPayload:
            client_pk = decode_id(input.id, "OAuthClient")
            row, secret = await clients.rotate_secret(
                info.context.session,
                principal=await info.context.require_principal(),
                client_pk=client_pk,
            )
            return OAuthClientPayload(client=OAuthClientNode.of(row), client_secret=secret)

        return await mutate(
            info, run, payload=OAuthClientPayload, field="client", node=OAuthClientNode.of
        )

    revoke_oauth_client = service_mutation(
        clients.revoke_client,
        name="revokeOAuthClient",
        description="Revoke a client and every token it holds.",
        input=OAuthClientInput,
        payload=OAuthClientPayload,
        field="client",
        node=OAuthClientNode.of,
        ids={"id": "OAuthClient"},
        rename={"id": "client_pk"},
    )
