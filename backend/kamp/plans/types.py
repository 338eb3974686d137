"""GraphQL types of the account plan and its elements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import strawberry
from strawberry.scalars import JSON

from kamp.accounts.types import Side, UserNode, user_node
from kamp.auth.policy import Permission
from kamp.coediting.types import ViewerCan, WorkspaceElementNode, rank_of
from kamp.graphql.context import Info
from kamp.graphql.relay import (
    Connection,
    connection,
    node_loader,
    register_node,
    to_global_id,
)
from kamp.pagination import Page, PageArgs
from kamp.plans import elements, loaders, models, objectives, service

# The models' enums are the GraphQL enums: strawberry.enum marks each class in place.
PlanStage = models.PlanStage
strawberry.enum(PlanStage)
PlanStatus = models.PlanStatus
strawberry.enum(PlanStatus)
ObjectiveStatus = models.ObjectiveStatus
strawberry.enum(ObjectiveStatus)
SwotKind = models.SwotKind
strawberry.enum(SwotKind)
TeamKind = models.TeamKind
strawberry.enum(TeamKind)
Decision = models.Decision
strawberry.enum(Decision)


async def _element_can(root: Any, info: Info) -> ViewerCan:
    """A plan element's abilities depend on its plan (elements change while it is a draft)."""
    row = root.row
    plan_id = getattr(row, "plan_id", None)
    if plan_id is None:  # a measure: its objective is visible, or the measure would not be
        objective = await loaders.element(info, "Objective").load(row.objective_id)
        plan_id = objective.plan_id
    plan = await loaders.plans(info).load(plan_id)
    principal = await info.context.require_principal()
    return ViewerCan.of(elements.viewer_can(principal, row, plan))


def _viewer_can() -> Any:
    return strawberry.field(
        resolver=_element_can, description="What the viewer may do with this element."
    )


@strawberry.type(name="Measure")
class MeasureNode(WorkspaceElementNode):
    row: strawberry.Private[models.Measure]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.Measure) -> MeasureNode:
        return cls(id=to_global_id("Measure", row.id), row=row)

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def target(self) -> Decimal:
        return self.row.target

    @strawberry.field
    def current(self) -> Decimal:
        return self.row.current

    @strawberry.field
    def unit(self) -> str:
        return self.row.unit

    @strawberry.field(description="current / target, in percent.")
    def progress_pct(self) -> float | None:
        if not self.row.target:
            return None
        return round(float(self.row.current / self.row.target * 100), 1)


@strawberry.type(name="Objective")
class ObjectiveNode(WorkspaceElementNode):
    row: strawberry.Private[models.Objective]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.Objective) -> ObjectiveNode:
        return cls(id=to_global_id("Objective", row.id), row=row)

    @strawberry.field(description="Whose objective it is: the customer's or the supplier's.")
    def side(self) -> Side:
        return self.row.side

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def status(self) -> ObjectiveStatus:
        return self.row.status

    @strawberry.field
    def due_date(self) -> date | None:
        return self.row.due_date

    @strawberry.field(description="The order in the plan as the viewer sees it (0 first).")
    async def position(self, info: Info) -> int:
        return await rank_of(info, self.row, Permission.PLAN_READ)

    @strawberry.field
    async def owner(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.owner_id)

    @strawberry.field(description=f"At most {objectives.MAX_MEASURES}, oldest first.")
    async def measures(self, info: Info) -> list[MeasureNode]:
        rows = await loaders.measures_of(info).load(self.row.id) or []
        return [MeasureNode.of(row) for row in rows]


@strawberry.type(name="SwotEntry")
class SwotEntryNode(WorkspaceElementNode):
    row: strawberry.Private[models.SwotEntry]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.SwotEntry) -> SwotEntryNode:
        return cls(id=to_global_id("SwotEntry", row.id), row=row)

    @strawberry.field
    def kind(self) -> SwotKind:
        return self.row.kind

    @strawberry.field
    def text(self) -> str:
        return self.row.text


@strawberry.type(name="Initiative")
class InitiativeNode(WorkspaceElementNode):
    row: strawberry.Private[models.Initiative]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.Initiative) -> InitiativeNode:
        return cls(id=to_global_id("Initiative", row.id), row=row)

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field(description="The cross-business team that runs it.")
    def team(self) -> TeamKind:
        return self.row.team

    @strawberry.field
    def value_estimate(self) -> Decimal | None:
        return self.row.value_estimate

    @strawberry.field
    async def owner(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.owner_id)


@strawberry.type(name="ContingencyPlan")
class ContingencyPlanNode(WorkspaceElementNode):
    row: strawberry.Private[models.ContingencyPlan]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.ContingencyPlan) -> ContingencyPlanNode:
        return cls(id=to_global_id("ContingencyPlan", row.id), row=row)

    @strawberry.field
    def revenue_at_risk(self) -> Decimal:
        return self.row.revenue_at_risk

    @strawberry.field(description="What would tell us the account is being lost.")
    def trigger(self) -> str:
        return self.row.trigger

    @strawberry.field
    def response(self) -> str:
        return self.row.response


@strawberry.type(name="PlanComment")
class PlanCommentNode(WorkspaceElementNode):
    row: strawberry.Private[models.PlanComment]
    viewer_can: ViewerCan = _viewer_can()

    @classmethod
    def of(cls, row: models.PlanComment) -> PlanCommentNode:
        return cls(id=to_global_id("PlanComment", row.id), row=row)

    @strawberry.field
    def text(self) -> str:
        return self.row.text

    @strawberry.field(
        description="The global ID of what the comment is about: the plan itself when that "
        "part is hidden from the viewer."
    )
    async def target_id(self, info: Info) -> strawberry.ID:
        row = self.row
        hidden = (
            row.target_type in loaders.MODELS
            and await loaders.element(info, row.target_type).load(row.target_id) is None
        )
        return to_global_id(
            "AccountPlan" if hidden else row.target_type, row.plan_id if hidden else row.target_id
        )

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def author(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.author_id)


@strawberry.type(name="PlanApproval")
class PlanApprovalType:
    row: strawberry.Private[models.PlanApproval]

    @strawberry.field
    def side(self) -> Side:
        return self.row.side

    @strawberry.field
    def decision(self) -> Decision:
        return self.row.decision

    @strawberry.field
    def comment(self) -> str:
        return self.row.comment

    @strawberry.field
    def at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def approver(self, info: Info) -> UserNode | None:
        return await user_node(info, self.row.approver_id)


@strawberry.type(name="AccountPlan")
class AccountPlanNode(WorkspaceElementNode):
    row: strawberry.Private[models.AccountPlan]

    @classmethod
    def of(cls, row: models.AccountPlan) -> AccountPlanNode:
        return cls(id=to_global_id("AccountPlan", row.id), row=row)

    @strawberry.field
    def period(self) -> str:
        return self.row.period

    @strawberry.field(
        description="1 for the first plan of a period; +1 for each revision of an approved plan."
    )
    def revision(self) -> int:
        return self.row.revision

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def stage(self) -> PlanStage:
        return self.row.stage

    @strawberry.field
    def status(self) -> PlanStatus:
        return self.row.status

    @strawberry.field
    def summary(self) -> str:
        return self.row.summary

    @strawberry.field
    def submitted_at(self) -> datetime | None:
        return self.row.submitted_at

    @strawberry.field
    def approved_at(self) -> datetime | None:
        return self.row.approved_at

    async def _page(
        self, info: Info, type_name: str, first: int | None, after: str | None, **filters: object
    ) -> Page[Any]:
        page = PageArgs.parse(first, after)
        return await loaders.elements_of(info, type_name, page, **filters).load(self.row.id)

    @strawberry.field
    async def objectives(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        side: Side | None = None,
    ) -> Connection[ObjectiveNode]:
        return connection(
            await self._page(info, "Objective", first, after, side=side), ObjectiveNode.of
        )

    @strawberry.field
    async def swot(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: SwotKind | None = None,
    ) -> Connection[SwotEntryNode]:
        return connection(
            await self._page(info, "SwotEntry", first, after, kind=kind), SwotEntryNode.of
        )

    @strawberry.field
    async def initiatives(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[InitiativeNode]:
        return connection(await self._page(info, "Initiative", first, after), InitiativeNode.of)

    @strawberry.field
    async def comments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PlanCommentNode]:
        return connection(await self._page(info, "PlanComment", first, after), PlanCommentNode.of)

    @strawberry.field(
        description="The plan for losing the account; supplier-internal unless shared."
    )
    async def contingency(self, info: Info) -> ContingencyPlanNode | None:
        row = await loaders.contingency_of(info).load(self.row.id)
        return ContingencyPlanNode.of(row) if row else None

    @strawberry.field
    async def approvals(self, info: Info) -> list[PlanApprovalType]:
        rows = await loaders.approvals_of(info).load(self.row.id) or []
        return [PlanApprovalType(row=row) for row in rows]

    @strawberry.field(description="The approved plan as frozen, filtered for the viewer.")
    async def snapshot(self, info: Info) -> JSON | None:
        content = await loaders.snapshot_of(info).load(self.row.id)
        if content is None:
            return None
        principal = await info.context.require_principal()
        return JSON(
            service.snapshot_for(content, principal=principal, workspace_id=self.row.workspace_id)
        )


register_node("AccountPlan", node_loader(loaders.plans, AccountPlanNode.of))
_ELEMENT_NODES: dict[str, Callable[[Any], WorkspaceElementNode]] = {
    "Objective": ObjectiveNode.of,
    "Measure": MeasureNode.of,
    "SwotEntry": SwotEntryNode.of,
    "Initiative": InitiativeNode.of,
    "ContingencyPlan": ContingencyPlanNode.of,
    "PlanComment": PlanCommentNode.of,
}
for _name, _of in _ELEMENT_NODES.items():
    register_node(_name, node_loader(partial(loaders.element, type_name=_name), _of))
