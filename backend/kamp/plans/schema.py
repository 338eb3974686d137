"""Queries and mutations of the account plan: thin, they decode input and call services."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from kamp.errors import BadRequest, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import mutate, service_mutation
from kamp.graphql.relay import (
    Connection,
    connection,
    decode_id,
    optional_id,
    parse_global_id,
    query_id,
)
from kamp.pagination import PageArgs
from kamp.plans import (
    comments,
    contingency,
    elements,
    initiatives,
    loaders,
    objectives,
    service,
    swot,
)
from kamp.plans.inputs import (
    AccountPlanPayload,
    AddPlanCommentInput,
    ContingencyPlanPayload,
    CreateAccountPlanInput,
    CreateInitiativeInput,
    CreateMeasureInput,
    CreateObjectiveInput,
    CreateSwotEntryInput,
    DecideAccountPlanInput,
    DeletePlanElementPayload,
    InitiativePayload,
    MeasurePayload,
    ObjectivePayload,
    PlanCommentPayload,
    PlanIdInput,
    PlanVersionInput,
    SetContingencyPlanInput,
    SwotEntryPayload,
    UpdateAccountPlanInput,
    UpdateInitiativeInput,
    UpdateMeasureInput,
    UpdateObjectiveInput,
    UpdateSwotEntryInput,
)
from kamp.plans.types import (
    AccountPlanNode,
    ContingencyPlanNode,
    InitiativeNode,
    MeasureNode,
    ObjectiveNode,
    PlanCommentNode,
    SwotEntryNode,
)


@strawberry.type
class PlansQuery:
    @strawberry.field(description="The workspace's plans, newest first (every revision).")
    async def account_plans(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccountPlanNode]:
        page = PageArgs.parse(first, after)
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        result = await service.list_plans(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
        )
        return connection(result, AccountPlanNode.of)


def _owner(value: strawberry.ID | None) -> uuid.UUID | None:
    return optional_id(value, "User", field="ownerId")


def _plan(value: str, field: str = "planId") -> dict[str, uuid.UUID]:
    return {"plan_id": decode_id(value, "AccountPlan", field=field)}


@strawberry.type
class PlansMutation:
    @strawberry.mutation(description="The KAM drafts the plan of a period.")
    async def create_account_plan(
        self, info: Info, input: CreateAccountPlanInput
    ) -> AccountPlanPayload:
        return await service_mutation(
            info,
            payload=AccountPlanPayload,
            field="plan",
            node=AccountPlanNode.of,
            decode=lambda: {
                "workspace_id": decode_id(input.workspace_id, "Workspace", field="workspaceId")
            },
            call=lambda s, p, **ids: service.create_plan(
                s,
                principal=p,
                period=input.period,
                title=input.title,
                stage=input.stage,
                summary=input.summary,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_account_plan(
        self, info: Info, input: UpdateAccountPlanInput
    ) -> AccountPlanPayload:
        return await service_mutation(
            info,
            payload=AccountPlanPayload,
            field="plan",
            node=AccountPlanNode.of,
            decode=lambda: _plan(input.id, "id"),
            call=lambda s, p, **ids: service.update_plan(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                stage=input.stage,
                summary=input.summary,
                **ids,
            ),
        )

    @strawberry.mutation(description="The KAM submits the plan for approval by both sides.")
    async def submit_account_plan(self, info: Info, input: PlanVersionInput) -> AccountPlanPayload:
        return await service_mutation(
            info,
            payload=AccountPlanPayload,
            field="plan",
            node=AccountPlanNode.of,
            decode=lambda: _plan(input.id, "id"),
            call=lambda s, p, **ids: service.submit_plan(
                s, principal=p, version=input.version, **ids
            ),
        )

    @strawberry.mutation(description="An executive of either side approves or rejects.")
    async def decide_account_plan(
        self, info: Info, input: DecideAccountPlanInput
    ) -> AccountPlanPayload:
        return await service_mutation(
            info,
            payload=AccountPlanPayload,
            field="plan",
            node=AccountPlanNode.of,
            decode=lambda: _plan(input.id, "id"),
            call=lambda s, p, **ids: service.decide_plan(
                s, principal=p, decision=input.decision, comment=input.comment, **ids
            ),
        )

    @strawberry.mutation(
        description="Start a new draft from an approved plan (which stays frozen)."
    )
    async def revise_account_plan(self, info: Info, input: PlanIdInput) -> AccountPlanPayload:
        return await service_mutation(
            info,
            payload=AccountPlanPayload,
            field="plan",
            node=AccountPlanNode.of,
            decode=lambda: _plan(input.id, "id"),
            call=lambda s, p, **ids: service.revise_plan(s, principal=p, **ids),
        )

    @strawberry.mutation
    async def create_objective(self, info: Info, input: CreateObjectiveInput) -> ObjectivePayload:
        return await service_mutation(
            info,
            payload=ObjectivePayload,
            field="objective",
            node=ObjectiveNode.of,
            decode=lambda: {**_plan(input.plan_id), "owner_id": _owner(input.owner_id)},
            call=lambda s, p, **ids: objectives.create_objective(
                s,
                principal=p,
                side=input.side,
                title=input.title,
                description=input.description,
                status=input.status,
                due_date=input.due_date,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_objective(self, info: Info, input: UpdateObjectiveInput) -> ObjectivePayload:
        return await service_mutation(
            info,
            payload=ObjectivePayload,
            field="objective",
            node=ObjectiveNode.of,
            decode=lambda: {
                "objective_id": decode_id(input.id, "Objective"),
                "owner_id": _owner(input.owner_id),
            },
            call=lambda s, p, **ids: objectives.update_objective(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                description=input.description,
                status=input.status,
                due_date=input.due_date,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def create_measure(self, info: Info, input: CreateMeasureInput) -> MeasurePayload:
        return await service_mutation(
            info,
            payload=MeasurePayload,
            field="measure",
            node=MeasureNode.of,
            decode=lambda: {
                "objective_id": decode_id(input.objective_id, "Objective", field="objectiveId")
            },
            call=lambda s, p, **ids: objectives.create_measure(
                s,
                principal=p,
                name=input.name,
                target=input.target,
                current=input.current,
                unit=input.unit,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_measure(self, info: Info, input: UpdateMeasureInput) -> MeasurePayload:
        return await service_mutation(
            info,
            payload=MeasurePayload,
            field="measure",
            node=MeasureNode.of,
            decode=lambda: {"measure_id": decode_id(input.id, "Measure")},
            call=lambda s, p, **ids: objectives.update_measure(
                s,
                principal=p,
                version=input.version,
                name=input.name,
                target=input.target,
                current=input.current,
                unit=input.unit,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def create_swot_entry(self, info: Info, input: CreateSwotEntryInput) -> SwotEntryPayload:
        return await service_mutation(
            info,
            payload=SwotEntryPayload,
            field="entry",
            node=SwotEntryNode.of,
            decode=lambda: _plan(input.plan_id),
            call=lambda s, p, **ids: swot.create_swot_entry(
                s, principal=p, kind=input.kind, text=input.text, visibility=input.visibility, **ids
            ),
        )

    @strawberry.mutation
    async def update_swot_entry(self, info: Info, input: UpdateSwotEntryInput) -> SwotEntryPayload:
        return await service_mutation(
            info,
            payload=SwotEntryPayload,
            field="entry",
            node=SwotEntryNode.of,
            decode=lambda: {"entry_id": decode_id(input.id, "SwotEntry")},
            call=lambda s, p, **ids: swot.update_swot_entry(
                s,
                principal=p,
                version=input.version,
                kind=input.kind,
                text=input.text,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def create_initiative(
        self, info: Info, input: CreateInitiativeInput
    ) -> InitiativePayload:
        return await service_mutation(
            info,
            payload=InitiativePayload,
            field="initiative",
            node=InitiativeNode.of,
            decode=lambda: {**_plan(input.plan_id), "owner_id": _owner(input.owner_id)},
            call=lambda s, p, **ids: initiatives.create_initiative(
                s,
                principal=p,
                title=input.title,
                team=input.team,
                description=input.description,
                value_estimate=input.value_estimate,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation
    async def update_initiative(
        self, info: Info, input: UpdateInitiativeInput
    ) -> InitiativePayload:
        return await service_mutation(
            info,
            payload=InitiativePayload,
            field="initiative",
            node=InitiativeNode.of,
            decode=lambda: {
                "initiative_id": decode_id(input.id, "Initiative"),
                "owner_id": _owner(input.owner_id),
            },
            call=lambda s, p, **ids: initiatives.update_initiative(
                s,
                principal=p,
                version=input.version,
                title=input.title,
                team=input.team,
                description=input.description,
                value_estimate=input.value_estimate,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="Create or change the plan for losing the account.")
    async def set_contingency_plan(
        self, info: Info, input: SetContingencyPlanInput
    ) -> ContingencyPlanPayload:
        return await service_mutation(
            info,
            payload=ContingencyPlanPayload,
            field="contingency",
            node=ContingencyPlanNode.of,
            decode=lambda: _plan(input.plan_id),
            call=lambda s, p, **ids: contingency.set_contingency(
                s,
                principal=p,
                version=input.version,
                revenue_at_risk=input.revenue_at_risk,
                trigger=input.trigger,
                response=input.response,
                visibility=input.visibility,
                **ids,
            ),
        )

    @strawberry.mutation(description="Comment on the plan or one of its parts (mentors do).")
    async def add_plan_comment(self, info: Info, input: AddPlanCommentInput) -> PlanCommentPayload:
        def decode() -> dict[str, Any]:
            target_type, target_id = _target(input.target_id)
            return {**_plan(input.plan_id), "target_type": target_type, "target_id": target_id}

        return await service_mutation(
            info,
            payload=PlanCommentPayload,
            field="comment",
            node=PlanCommentNode.of,
            decode=decode,
            call=lambda s, p, **ids: comments.add_comment(
                s, principal=p, text=input.text, visibility=input.visibility, **ids
            ),
        )

    @strawberry.mutation(description="Delete an objective, measure, SWOT entry or initiative.")
    async def delete_plan_element(self, info: Info, input: PlanIdInput) -> DeletePlanElementPayload:
        async def run() -> DeletePlanElementPayload:
            type_name, element_id = _target(input.id, "id")
            if type_name not in ("Objective", "Measure", "SwotEntry", "Initiative"):
                raise UserError("id", "This is not a deletable plan element.", ErrorCode.INVALID)
            await elements.delete_element(
                info.context.session,
                principal=await info.context.require_principal(),
                model=loaders.MODELS[type_name],
                element_id=element_id,
            )
            return DeletePlanElementPayload(deleted_id=input.id)

        return await mutate(
            info, run, payload=DeletePlanElementPayload, field="deleted_id", node=lambda _: None
        )


def _target(value: str, field: str = "targetId") -> tuple[str, uuid.UUID]:
    try:
        return parse_global_id(value)
    except BadRequest as exc:
        raise UserError(field, "This is not a valid ID.", ErrorCode.INVALID) from exc
