"""GraphQL types of the pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import UserNode
from kamp.coediting.types import WorkspaceElementNode
from kamp.graphql.context import Info
from kamp.graphql.relay import node_loader, register_node, to_global_id
from kamp.pipeline import loaders, models, service

# The model's enum is the GraphQL enum: strawberry.enum marks the class in place.
OpportunityStage = models.OpportunityStage
strawberry.enum(OpportunityStage, description="NEW > OPEN > WON or LOST; a closed one may reopen.")


@strawberry.type(name="Opportunity", description="A deal in the pipeline of the account.")
class OpportunityNode(WorkspaceElementNode):
    row: strawberry.Private[models.Opportunity]

    @classmethod
    def of(cls, row: models.Opportunity) -> OpportunityNode:
        return cls(id=to_global_id("Opportunity", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def stage(self) -> OpportunityStage:
        return self.row.stage

    @strawberry.field
    def value(self) -> Decimal:
        return self.row.value

    @strawberry.field
    def currency(self) -> str:
        return self.row.currency

    @strawberry.field
    def expected_close(self) -> date | None:
        return self.row.expected_close

    @strawberry.field(description="Empty when it concerns no single product line.")
    def product_line(self) -> str:
        return self.row.product_line

    @strawberry.field(description="Why it was lost and what to do differently (LOST ones).")
    def post_mortem(self) -> str:
        return self.row.post_mortem

    @strawberry.field
    async def owner(self, info: Info) -> UserNode | None:
        if self.row.owner_id is None:
            return None
        user = await account_loaders.users(info).load(self.row.owner_id)
        return UserNode.of(user) if user else None


@strawberry.type(description="Opportunities of one stage and currency the viewer may see.")
class PipelineStageTotal:
    total: strawberry.Private[service.StageTotal]

    @strawberry.field
    def stage(self) -> OpportunityStage:
        return self.total.stage

    @strawberry.field
    def currency(self) -> str:
        return self.total.currency

    @strawberry.field
    def count(self) -> int:
        return self.total.count

    @strawberry.field
    def value(self) -> Decimal:
        return self.total.value


register_node("Opportunity", node_loader(loaders.opportunities, OpportunityNode.of))
