"""GraphQL for an organization's own OpenID provider: its admins read and configure it.
The client secret is write-only: no field ever returns it."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.dataloader import DataLoader

from kamp.auth.federation import service
from kamp.auth.federation.models import IdentityProvider
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Node, node_loader, register_node, to_global_id


def _providers(info: Info) -> DataLoader[uuid.UUID, IdentityProvider | None]:
    return keyed_loader(info, "identity_providers", service.get_identity_providers)


@strawberry.type(
    name="IdentityProvider",
    description="An organization's own OpenID provider, for 'Sign in with your company'.",
)
class IdentityProviderNode(Node):
    row: strawberry.Private[IdentityProvider]

    @classmethod
    def of(cls, row: IdentityProvider) -> IdentityProviderNode:
        return cls(id=to_global_id("IdentityProvider", row.id), row=row)

    @strawberry.field(description="Short name in the sign-in URL: /auth/federated/start?provider=")
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field(description="What the sign-in button says: 'Sign in with <displayName>'.")
    def display_name(self) -> str:
        return self.row.display_name

    @strawberry.field
    def issuer(self) -> str:
        return self.row.issuer

    @strawberry.field
    def client_id(self) -> str:
        return self.row.client_id

    @strawberry.field(description="Whether a client secret is stored; the secret is never shown.")
    def has_client_secret(self) -> bool:
        return bool(self.row.client_secret_encrypted)

    @strawberry.field(description="Only verified emails in these domains may sign in through it.")
    def allowed_domains(self) -> list[str]:
        return list(self.row.allowed_domains)

    @strawberry.field
    def enabled(self) -> bool:
        return self.row.enabled

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field(description="The redirect URI to register for kamp at the provider.")
    def redirect_uri(self, info: Info) -> str:
        return info.context.settings.base_url + "/auth/federated/callback"


@strawberry.type
class FederationQuery:
    @strawberry.field(
        description="Your organization's own OpenID provider (null when there is none); "
        "for organization admins."
    )
    async def identity_provider(self, info: Info) -> IdentityProviderNode | None:
        row = await service.identity_provider_of(
            info.context.session, principal=await info.context.require_principal()
        )
        return IdentityProviderNode.of(row) if row else None


@strawberry.input
class ConfigureIdentityProviderInput:
    slug: str
    display_name: str
    issuer: str = strawberry.field(description="https://; exactly as the provider names itself.")
    client_id: str
    allowed_domains: list[str]
    client_secret: str | None = strawberry.field(
        default=None, description="Required the first time; leave out to keep the stored one."
    )
    enabled: bool = True
    version: int | None = strawberry.field(
        default=None, description="The version you edited; leave out to create the first one."
    )


@strawberry.type
class IdentityProviderPayload:
    identity_provider: IdentityProviderNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _server_settings(info: Info, _: ConfigureIdentityProviderInput) -> dict[str, object]:
    settings = info.context.settings
    return {
        "secret_key": settings.secret_key,
        # http://localhost issuers are for development and tests only.
        "allow_http_loopback": not settings.is_production,
    }


@strawberry.type
class FederationMutation:
    configure_identity_provider = service_mutation(
        service.configure_identity_provider,
        description="Set up or change your organization's OpenID provider (organization admins).",
        input=ConfigureIdentityProviderInput,
        payload=IdentityProviderPayload,
        field="identity_provider",
        node=IdentityProviderNode.of,
        extra=_server_settings,
    )


register_node("IdentityProvider", node_loader(_providers, IdentityProviderNode.of))
