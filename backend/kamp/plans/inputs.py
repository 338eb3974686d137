"""Inputs and payloads of the account plan's mutations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from kamp.accounts.types import Side
from kamp.coediting.types import Visibility
from kamp.graphql.errors import UserErrorType
from kamp.plans.types import (
    AccountPlanNode,
    ContingencyPlanNode,
    Decision,
    InitiativeNode,
    MeasureNode,
    ObjectiveNode,
    ObjectiveStatus,
    PlanCommentNode,
    PlanStage,
    SwotEntryNode,
    SwotKind,
    TeamKind,
)


@strawberry.input
class CreateAccountPlanInput:
    workspace_id: strawberry.ID
    period: str
    title: str
    stage: PlanStage = PlanStage.PRE_SALES
    summary: str = ""


@strawberry.input
class UpdateAccountPlanInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    stage: PlanStage | None = None
    summary: str | None = None


@strawberry.input
class PlanVersionInput:
    id: strawberry.ID
    version: int


@strawberry.input
class PlanIdInput:
    id: strawberry.ID


@strawberry.input
class DecideAccountPlanInput:
    id: strawberry.ID
    decision: Decision
    comment: str = ""


@strawberry.type
class AccountPlanPayload:
    plan: AccountPlanNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateObjectiveInput:
    plan_id: strawberry.ID
    side: Side
    title: str
    description: str = ""
    owner_id: strawberry.ID | None = None
    status: ObjectiveStatus = ObjectiveStatus.NOT_STARTED
    due_date: date | None = None
    visibility: Visibility | None = None


@strawberry.input
class UpdateObjectiveInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    description: str | None = None
    owner_id: strawberry.ID | None = None
    status: ObjectiveStatus | None = None
    due_date: date | None = None
    visibility: Visibility | None = None


@strawberry.type
class ObjectivePayload:
    objective: ObjectiveNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateMeasureInput:
    objective_id: strawberry.ID
    name: str
    target: Decimal
    current: Decimal = Decimal(0)
    unit: str = ""
    visibility: Visibility | None = None


@strawberry.input
class UpdateMeasureInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    target: Decimal | None = None
    current: Decimal | None = None
    unit: str | None = None
    visibility: Visibility | None = None


@strawberry.type
class MeasurePayload:
    measure: MeasureNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateSwotEntryInput:
    plan_id: strawberry.ID
    kind: SwotKind
    text: str
    visibility: Visibility | None = None


@strawberry.input
class UpdateSwotEntryInput:
    id: strawberry.ID
    version: int
    kind: SwotKind | None = None
    text: str | None = None
    visibility: Visibility | None = None


@strawberry.type
class SwotEntryPayload:
    entry: SwotEntryNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class CreateInitiativeInput:
    plan_id: strawberry.ID
    title: str
    team: TeamKind
    description: str = ""
    owner_id: strawberry.ID | None = None
    value_estimate: Decimal | None = None
    visibility: Visibility | None = None


@strawberry.input
class UpdateInitiativeInput:
    id: strawberry.ID
    version: int
    title: str | None = None
    team: TeamKind | None = None
    description: str | None = None
    owner_id: strawberry.ID | None = None
    value_estimate: Decimal | None = None
    visibility: Visibility | None = None


@strawberry.type
class InitiativePayload:
    initiative: InitiativeNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class SetContingencyPlanInput:
    plan_id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="Required once it exists.")
    revenue_at_risk: Decimal | None = None
    trigger: str | None = None
    response: str | None = None
    visibility: Visibility | None = None


@strawberry.type
class ContingencyPlanPayload:
    contingency: ContingencyPlanNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class AddPlanCommentInput:
    plan_id: strawberry.ID
    target_id: strawberry.ID = strawberry.field(description="The plan or one of its elements.")
    text: str
    visibility: Visibility | None = None


@strawberry.type
class PlanCommentPayload:
    comment: PlanCommentNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePlanElementPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)
