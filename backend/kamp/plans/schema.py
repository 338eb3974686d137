"""Queries and mutations of the account plan: thin, they decode input and call services."""

from __future__ import annotations

import uuid

import strawberry

from kamp.errors import BadRequest, ErrorCode, UserError
from kamp.graphql.context import Info
from kamp.graphql.mutations import mutate, service_mutation
from kamp.graphql.relay import Connection, connection, parse_global_id, query_id
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


def _target(value: str, field: str = "targetId") -> tuple[str, uuid.UUID]:
    try:
        return parse_global_id(value)
    except BadRequest as exc:
        raise UserError(field, "This is not a valid ID.", ErrorCode.INVALID) from exc


def _comment_target(_: Info, input: AddPlanCommentInput) -> dict[str, object]:
    """The plan or any of its elements: the target's type travels with its ID."""
    target_type, target_id = _target(input.target_id)
    return {"target_type": target_type, "target_id": target_id}


@strawberry.type
class PlansMutation:
    create_account_plan = service_mutation(
        service.create_plan,
        description="The KAM drafts the plan of a period.",
        input=CreateAccountPlanInput,
        payload=AccountPlanPayload,
        field="plan",
        node=AccountPlanNode.of,
        ids={"workspace_id": "Workspace"},
    )
    update_account_plan = service_mutation(
        service.update_plan,
        input=UpdateAccountPlanInput,
        payload=AccountPlanPayload,
        field="plan",
        node=AccountPlanNode.of,
        ids={"id": "AccountPlan"},
        rename={"id": "plan_id"},
    )
    submit_account_plan = service_mutation(
        service.submit_plan,
        description="The KAM submits the plan for approval by both sides.",
        input=PlanVersionInput,
        payload=AccountPlanPayload,
        field="plan",
        node=AccountPlanNode.of,
        ids={"id": "AccountPlan"},
        rename={"id": "plan_id"},
    )
    decide_account_plan = service_mutation(
        service.decide_plan,
        description="An executive of either side approves or rejects.",
        input=DecideAccountPlanInput,
        payload=AccountPlanPayload,
        field="plan",
        node=AccountPlanNode.of,
        ids={"id": "AccountPlan"},
        rename={"id": "plan_id"},
    )
    revise_account_plan = service_mutation(
        service.revise_plan,
        description="Start a new draft from an approved plan (which stays frozen).",
        input=PlanIdInput,
        payload=AccountPlanPayload,
        field="plan",
        node=AccountPlanNode.of,
        ids={"id": "AccountPlan"},
        rename={"id": "plan_id"},
    )
    create_objective = service_mutation(
        objectives.create_objective,
        input=CreateObjectiveInput,
        payload=ObjectivePayload,
        field="objective",
        node=ObjectiveNode.of,
        ids={"plan_id": "AccountPlan", "owner_id": "User"},
    )
    update_objective = service_mutation(
        objectives.update_objective,
        input=UpdateObjectiveInput,
        payload=ObjectivePayload,
        field="objective",
        node=ObjectiveNode.of,
        ids={"id": "Objective", "owner_id": "User"},
        rename={"id": "objective_id"},
    )
    create_measure = service_mutation(
        objectives.create_measure,
        input=CreateMeasureInput,
        payload=MeasurePayload,
        field="measure",
        node=MeasureNode.of,
        ids={"objective_id": "Objective"},
    )
    update_measure = service_mutation(
        objectives.update_measure,
        input=UpdateMeasureInput,
        payload=MeasurePayload,
        field="measure",
        node=MeasureNode.of,
        ids={"id": "Measure"},
        rename={"id": "measure_id"},
    )
    create_swot_entry = service_mutation(
        swot.create_swot_entry,
        input=CreateSwotEntryInput,
        payload=SwotEntryPayload,
        field="entry",
        node=SwotEntryNode.of,
        ids={"plan_id": "AccountPlan"},
    )
    update_swot_entry = service_mutation(
        swot.update_swot_entry,
        input=UpdateSwotEntryInput,
        payload=SwotEntryPayload,
        field="entry",
        node=SwotEntryNode.of,
        ids={"id": "SwotEntry"},
        rename={"id": "entry_id"},
    )
    create_initiative = service_mutation(
        initiatives.create_initiative,
        input=CreateInitiativeInput,
        payload=InitiativePayload,
        field="initiative",
        node=InitiativeNode.of,
        ids={"plan_id": "AccountPlan", "owner_id": "User"},
    )
    update_initiative = service_mutation(
        initiatives.update_initiative,
        input=UpdateInitiativeInput,
        payload=InitiativePayload,
        field="initiative",
        node=InitiativeNode.of,
        ids={"id": "Initiative", "owner_id": "User"},
        rename={"id": "initiative_id"},
    )
    set_contingency_plan = service_mutation(
        contingency.set_contingency,
        description="Create or change the plan for losing the account.",
        input=SetContingencyPlanInput,
        payload=ContingencyPlanPayload,
        field="contingency",
        node=ContingencyPlanNode.of,
        ids={"plan_id": "AccountPlan"},
    )
    add_plan_comment = service_mutation(
        comments.add_comment,
        description="Comment on the plan or one of its parts (mentors do).",
        input=AddPlanCommentInput,
        payload=PlanCommentPayload,
        field="comment",
        node=PlanCommentNode.of,
        ids={"plan_id": "AccountPlan"},
        extra=_comment_target,
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
