"""Queries and mutations of the pipeline: thin, they decode input and call the service."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from kamp.coediting.types import Visibility
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType, mutate
from kamp.graphql.relay import Connection, connection, decode_id, query_id
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
        stage: OpportunityStage | None = None,  # type: ignore[valid-type]
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
    stage: OpportunityStage = OpportunityStage.NEW  # type: ignore[valid-type]
    description: str = ""
    value: Decimal = Decimal(0)
    currency: str = "USD"
    expected_close: date | None = None
    product_line: str = ""
    owner_id: strawberry.ID | None = None
    post_mortem: str = strawberry.field(default="", description="Required when stage is LOST.")
    visibility: Visibility | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="INTERNAL unless the KAM shares it."
    )


@strawberry.input
class UpdateOpportunityInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    stage: OpportunityStage | None = None  # type: ignore[valid-type]
    description: str | None = None
    value: Decimal | None = None
    currency: str | None = None
    expected_close: date | None = None
    product_line: str | None = None
    owner_id: strawberry.ID | None = None
    post_mortem: str | None = strawberry.field(
        default=None, description="Required to move to LOST, unless already written."
    )
    visibility: Visibility | None = strawberry.field(  # type: ignore[valid-type]
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


def _owner(value: strawberry.ID | None) -> uuid.UUID | None:
    return decode_id(value, "User", field="ownerId") if value is not None else None


@strawberry.type
class PipelineMutation:
    @strawberry.mutation(description="Add an opportunity (supplier-internal unless shared).")
    async def create_opportunity(
        self, info: Info, input: CreateOpportunityInput
    ) -> OpportunityPayload:
        async def run() -> OpportunityPayload:
            workspace_id = decode_id(input.workspace_id, "Workspace", field="workspaceId")
            owner_id = _owner(input.owner_id)
            row = await service.create_opportunity(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace_id,
                name=input.name,
                stage=input.stage,
                description=input.description,
                value=input.value,
                currency=input.currency,
                expected_close=input.expected_close,
                product_line=input.product_line,
                owner_id=owner_id,
                post_mortem=input.post_mortem,
                visibility=input.visibility,
            )
            return OpportunityPayload(opportunity=OpportunityNode.of(row))

        return await _run(info, run)

    @strawberry.mutation(description="Change an opportunity or move its stage.")
    async def update_opportunity(
        self, info: Info, input: UpdateOpportunityInput
    ) -> OpportunityPayload:
        async def run() -> OpportunityPayload:
            opportunity_id = decode_id(input.id, "Opportunity")
            owner_id = _owner(input.owner_id)
            row = await service.update_opportunity(
                info.context.session,
                principal=await info.context.require_principal(),
                opportunity_id=opportunity_id,
                version=input.version,
                name=input.name,
                stage=input.stage,
                description=input.description,
                value=input.value,
                currency=input.currency,
                expected_close=input.expected_close,
                product_line=input.product_line,
                owner_id=owner_id,
                post_mortem=input.post_mortem,
                visibility=input.visibility,
            )
            return OpportunityPayload(opportunity=OpportunityNode.of(row))

        return await _run(info, run)

    @strawberry.mutation
    async def delete_opportunity(
        self, info: Info, input: DeleteOpportunityInput
    ) -> DeleteOpportunityPayload:
        async def run() -> DeleteOpportunityPayload:
            await service.delete_opportunity(
                info.context.session,
                principal=await info.context.require_principal(),
                opportunity_id=decode_id(input.id, "Opportunity"),
            )
            return DeleteOpportunityPayload(deleted_id=input.id)

        return await mutate(
            info, run, payload=DeleteOpportunityPayload, field="deleted_id", node=lambda _: None
        )


async def _run(info: Info, run: Any) -> OpportunityPayload:
    return await mutate(
        info, run, payload=OpportunityPayload, field="opportunity", node=OpportunityNode.of
    )
