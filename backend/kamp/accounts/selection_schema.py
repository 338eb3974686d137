"""GraphQL for key account selection: criteria, tiers, scores and their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from kamp.accounts import loaders, models, selection
from kamp.accounts.types import KeyAccountNode, UserNode
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, query_id, to_global_id
from kamp.pagination import PageArgs


@strawberry.type(name="SelectionCriterion", description="A weighted criterion of the supplier.")
class SelectionCriterionType:
    row: strawberry.Private[models.SelectionCriterion]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id("SelectionCriterion", self.row.id)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def weight(self) -> Decimal:
        return self.row.weight

    @strawberry.field
    def version(self) -> int:
        return self.row.version


@strawberry.type(name="TierDefinition")
class TierDefinitionType:
    name: str
    min_score: Decimal


@strawberry.type
class CriterionScoreType:
    criterion: SelectionCriterionType
    score: Decimal | None


@strawberry.type(name="ScoreChange", description="A change of an account's score or tier.")
class ScoreChangeType:
    row: strawberry.Private[models.ScoreChange]

    @strawberry.field
    def score(self) -> Decimal:
        return self.row.score

    @strawberry.field
    def tier(self) -> str:
        return self.row.tier

    @strawberry.field
    def previous_score(self) -> Decimal | None:
        return self.row.previous_score

    @strawberry.field
    def previous_tier(self) -> str | None:
        return self.row.previous_tier

    @strawberry.field
    def at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def actor(self, info: Info) -> UserNode | None:
        if self.row.actor_id is None:
            return None
        user = await loaders.users(info).load(self.row.actor_id)
        return UserNode.of(user) if user else None


@strawberry.type(description="Why an account has its tier: its score on each criterion.")
class KeyAccountSelection:
    result: strawberry.Private[selection.Selection]
    criteria: strawberry.Private[list[models.SelectionCriterion]]

    @strawberry.field
    def key_account(self) -> KeyAccountNode:
        return KeyAccountNode.of(self.result.key_account)

    @strawberry.field
    def score(self) -> Decimal | None:
        return self.result.key_account.score

    @strawberry.field
    def tier(self) -> str:
        return self.result.key_account.tier

    @strawberry.field
    def scores(self) -> list[CriterionScoreType]:
        return [
            CriterionScoreType(
                criterion=SelectionCriterionType(row=c), score=self.result.scores.get(c.id)
            )
            for c in self.criteria
        ]

    @strawberry.field(description="Score and tier changes, newest first.")
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ScoreChangeType]:
        page = PageArgs.parse(first, after)
        result = await selection.score_history(
            info.context.session,
            principal=await info.context.require_principal(),
            key_account_id=self.result.key_account.id,
            page=page,
        )
        return connection(result, lambda row: ScoreChangeType(row=row))


@strawberry.type
class SelectionQuery:
    @strawberry.field(description="The supplier's selection criteria (supplier users only).")
    async def selection_criteria(self, info: Info) -> list[SelectionCriterionType]:
        rows = await selection.list_criteria(
            info.context.session, principal=await info.context.require_principal()
        )
        return [SelectionCriterionType(row=row) for row in rows]

    @strawberry.field(description="The supplier's tiers, highest first (supplier users only).")
    async def tier_definitions(self, info: Info) -> list[TierDefinitionType]:
        rows = await selection.list_tiers(
            info.context.session, principal=await info.context.require_principal()
        )
        return [TierDefinitionType(name=r.name, min_score=r.min_score) for r in rows]

    @strawberry.field(description="An account's score on each criterion, and its history.")
    async def key_account_selection(
        self, info: Info, key_account_id: strawberry.ID
    ) -> KeyAccountSelection:
        account_id = query_id(key_account_id, "KeyAccount", field="keyAccountId")
        principal = await info.context.require_principal()
        result = await selection.account_selection(
            info.context.session, principal=principal, key_account_id=account_id
        )
        criteria = await selection.list_criteria(info.context.session, principal=principal)
        return KeyAccountSelection(result=result, criteria=criteria)


@strawberry.input
class DefineSelectionCriterionInput:
    name: str
    weight: Decimal
    description: str = ""


@strawberry.input
class UpdateSelectionCriterionInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    weight: Decimal | None = None
    description: str | None = None


@strawberry.input
class SelectionCriterionIdInput:
    id: strawberry.ID


@strawberry.type
class SelectionCriterionPayload:
    criterion: SelectionCriterionType | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteSelectionCriterionPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class TierInput:
    name: str
    min_score: Decimal


@strawberry.input
class SetTierDefinitionsInput:
    tiers: list[TierInput]


@strawberry.type
class TierDefinitionsPayload:
    tiers: list[TierDefinitionType] | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class ScoreKeyAccountInput:
    key_account_id: strawberry.ID
    criterion_id: strawberry.ID
    score: Decimal = strawberry.field(description="0 to 10")


@strawberry.type
class ScoreKeyAccountPayload:
    key_account: KeyAccountNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


def _criterion(row: models.SelectionCriterion) -> SelectionCriterionType:
    return SelectionCriterionType(row=row)


def _tiers(_: Info, input: SetTierDefinitionsInput) -> dict[str, object]:
    return {"tiers": [(t.name, t.min_score) for t in input.tiers]}


@strawberry.type
class SelectionMutation:
    define_selection_criterion = service_mutation(
        selection.define_criterion,
        description="A supplier admin adds a weighted selection criterion.",
        input=DefineSelectionCriterionInput,
        payload=SelectionCriterionPayload,
        field="criterion",
        node=_criterion,
    )
    update_selection_criterion = service_mutation(
        selection.update_criterion,
        input=UpdateSelectionCriterionInput,
        payload=SelectionCriterionPayload,
        field="criterion",
        node=_criterion,
        ids={"id": "SelectionCriterion"},
        rename={"id": "criterion_id"},
    )
    delete_selection_criterion = service_mutation(
        selection.delete_criterion,
        input=SelectionCriterionIdInput,
        payload=DeleteSelectionCriterionPayload,
        field="deleted_id",
        node=None,
        ids={"id": "SelectionCriterion"},
        rename={"id": "criterion_id"},
    )
    set_tier_definitions = service_mutation(
        selection.set_tiers,
        description="Replace the supplier's tiers; every account is re-tiered.",
        input=SetTierDefinitionsInput,
        payload=TierDefinitionsPayload,
        field="tiers",
        node=lambda rows: [TierDefinitionType(name=r.name, min_score=r.min_score) for r in rows],
        extra=_tiers,
    )
    score_key_account = service_mutation(
        selection.score_account,
        description="Score an account on one criterion (its KAM or an admin).",
        input=ScoreKeyAccountInput,
        payload=ScoreKeyAccountPayload,
        field="key_account",
        node=KeyAccountNode.of,
        ids={"key_account_id": "KeyAccount", "criterion_id": "SelectionCriterion"},
    )
