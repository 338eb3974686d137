"""Queries and mutations of the pipeline: thin, they decode input and call the service."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import strawberry

from kamp.coediting.types import Visibility
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, query_id
from kamp.pagination import PageArgs
from kamp.pipeline import service
from kamp.pipeline.types import OpportunityNode, OpportunityStage, PipelineStageTotal


def _workspace(workspace_id: str) -> uuid.UUID:
    return query_id(workspace_id, "Workspace", field="workspaceId")


@strawberry.type
class PipelineQuery:
    @strawberry.field(description="The account's opportunities, oldest first.")
    async def opportunities(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        stage: OpportunityStage | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[OpportunityNode]:
        page = PageArgs.parse(first, after)
        workspace = _workspace(workspace_id)
        result = await service.list_opportunities(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            stage=stage,
        )
        return connection(result, OpportunityNode.of)

    @strawberry.field(description="Count and value of the opportunities by stage and currency.")
    async def pipeline_totals(
        self, info: Info, workspace_id: strawberry.ID
    ) -> list[PipelineStageTotal]:
        workspace = _workspace(workspace_id)
        totals = await service.pipeline_totals(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
        )
        return [PipelineStageTotal(total=t) for t in totals]


@strawberry.input
class CreateOpportunityInput:
    workspace_id: strawberry.ID
    name: str
    stage: OpportunityStage = OpportunityStage.NEW
    description: str = ""
    value: Decimal = Decimal(0)
    currency: str = "USD"
    expected_close: date | None = None
    product_line: str = ""
    owner_id: strawberry.ID | None = None
    post_mortem: str = strawberry.field(default="", description="Required when stage is LOST.")
    visibility: Visibility | None = strawberry.field(
        default=None, description="INTERNAL unless the KAM shares it."
    )


@strawberry.input
class UpdateOpportunityInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    stage: OpportunityStage | None = None
    description: str | None = None
    value: Decimal | None = None
    currency: str | None = None
    expected_close: date | None = None
    product_line: str | None = None
    owner_id: strawberry.ID | None = None
    post_mortem: str | None = strawberry.field(
        default=None, description="Required to move to LOST, unless already written."
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="Only the KAM changes it."
    )


@strawberry.input
class DeleteOpportunityInput:
    id: strawberry.ID


@strawberry.type
class OpportunityPayload:
    opportunity: OpportunityNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteOpportunityPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class PipelineMutation:
    create_opportunity = service_mutation(
        service.create_opportunity,
        description="Add an opportunity (supplier-internal unless shared).",
        input=CreateOpportunityInput,
        payload=OpportunityPayload,
        field="opportunity",
        node=OpportunityNode.of,
        ids={"workspace_id": "Workspace", "owner_id": "User"},
    )
    update_opportunity = service_mutation(
        service.update_opportunity,
        description="Change an opportunity or move its stage.",
        input=UpdateOpportunityInput,
        payload=OpportunityPayload,
        field="opportunity",
        node=OpportunityNode.of,
        ids={"id": "Opportunity", "owner_id": "User"},
        rename={"id": "opportunity_id"},
    )
    delete_opportunity = service_mutation(
        service.delete_opportunity,
        input=DeleteOpportunityInput,
        payload=DeleteOpportunityPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Opportunity"},
        rename={"id": "opportunity_id"},
    )
