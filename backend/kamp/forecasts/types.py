"""GraphQL types of forecasts against actuals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from kamp.coediting.types import WorkspaceElementNode
from kamp.forecasts import loaders, models, service
from kamp.forecasts.deviations import deviation_pct, exceeds
from kamp.graphql.context import Info
from kamp.graphql.relay import node_loader, register_node, to_global_id


@strawberry.type(name="ForecastEntry", description="Forecast and actual sales of one month.")
class ForecastEntryNode(WorkspaceElementNode):
    row: strawberry.Private[models.ForecastEntry]

    @classmethod
    def of(cls, row: models.ForecastEntry) -> ForecastEntryNode:
        return cls(id=to_global_id("ForecastEntry", row.id), row=row)

    @strawberry.field(description="The first day of the month.")
    def month(self) -> date:
        return self.row.month

    @strawberry.field(description="Empty for the whole account.")
    def product_line(self) -> str:
        return self.row.product_line

    @strawberry.field
    def forecast(self) -> Decimal:
        return self.row.forecast

    @strawberry.field(description="Null until the month's sales are known.")
    def actual(self) -> Decimal | None:
        return self.row.actual

    @strawberry.field(description="(actual - forecast) / forecast, in percent.")
    def deviation_pct(self) -> Decimal | None:
        return deviation_pct(self.row.forecast, self.row.actual)

    @strawberry.field(description="Whether the deviation exceeds the year's threshold.")
    async def flagged(self, info: Info) -> bool:
        if self.row.actual is None:
            return False
        key = (self.row.workspace_id, self.row.month.year)
        goal = await loaders.goal_of_year(info).load(key)
        threshold = goal.deviation_threshold_pct if goal else None
        return exceeds(self.row.forecast, self.row.actual, threshold)


@strawberry.type(name="SalesGoal", description="The year's sales goal and deviation threshold.")
class SalesGoalNode(WorkspaceElementNode):
    row: strawberry.Private[models.SalesGoal]

    @classmethod
    def of(cls, row: models.SalesGoal) -> SalesGoalNode:
        return cls(id=to_global_id("SalesGoal", row.id), row=row)

    @strawberry.field
    def year(self) -> int:
        return self.row.year

    @strawberry.field
    def annual_goal(self) -> Decimal:
        return self.row.annual_goal

    @strawberry.field
    def currency(self) -> str:
        return self.row.currency

    @strawberry.field(description="A month deviating by more than this percentage is flagged.")
    def deviation_threshold_pct(self) -> Decimal:
        return self.row.deviation_threshold_pct


@strawberry.type(description="One month of the year, recorded or not.")
class ForecastMonth:
    figures: strawberry.Private[service.MonthFigures]

    @strawberry.field(description="The first day of the month.")
    def month(self) -> date:
        return self.figures.month

    @strawberry.field(
        description="The month's forecast: its entry's, or for the whole account without an "
        "entry of its own, the sum of its product lines'."
    )
    def forecast(self) -> Decimal | None:
        return self.figures.forecast

    @strawberry.field(description="The month's actual, added up from the lines like the forecast.")
    def actual(self) -> Decimal | None:
        return self.figures.actual

    @strawberry.field
    def deviation_pct(self) -> Decimal | None:
        return self.figures.deviation_pct

    @strawberry.field(description="The deviation exceeds the threshold of the year's goal.")
    def flagged(self) -> bool:
        return self.figures.flagged

    @strawberry.field(
        description="The entry counted (the joint one, else the supplier's internal one), to "
        "update with its version; null if none yet."
    )
    def entry(self) -> ForecastEntryNode | None:
        return ForecastEntryNode.of(self.figures.entry) if self.figures.entry else None

    @strawberry.field(
        description="The supplier's internal figures of the month, kept beside the joint ones; "
        "null if none (always for the customer)."
    )
    def internal_entry(self) -> ForecastEntryNode | None:
        internal = self.figures.internal_entry
        return ForecastEntryNode.of(internal) if internal else None


@strawberry.type(description="Forecast against actuals for a year, as the viewer may see it.")
class Forecast:
    view: strawberry.Private[service.YearView]

    @strawberry.field
    def year(self) -> int:
        return self.view.year

    @strawberry.field(description="Empty for the whole account.")
    def product_line(self) -> str:
        return self.view.product_line

    @strawberry.field(description="January to December.")
    def months(self) -> list[ForecastMonth]:
        return [ForecastMonth(figures=m) for m in self.view.months]

    @strawberry.field
    def annual_forecast(self) -> Decimal:
        return self.view.annual_forecast

    @strawberry.field(description="Year to date runs through the last month with an actual.")
    def ytd_through(self) -> date | None:
        return self.view.ytd_through

    @strawberry.field
    def ytd_forecast(self) -> Decimal:
        return self.view.ytd_forecast

    @strawberry.field
    def ytd_actual(self) -> Decimal:
        return self.view.ytd_actual

    @strawberry.field(description="Year-to-date actual against year-to-date forecast, percent.")
    def ytd_attainment_pct(self) -> Decimal | None:
        return self.view.ytd_attainment_pct

    @strawberry.field(description="Year-to-date actual against the annual goal, percent.")
    def goal_attainment_pct(self) -> Decimal | None:
        return self.view.goal_attainment_pct

    @strawberry.field
    def annual_goal(self) -> Decimal | None:
        return self.view.goal.annual_goal if self.view.goal else None

    @strawberry.field
    def deviation_threshold_pct(self) -> Decimal | None:
        return self.view.threshold

    @strawberry.field(description="The goal to update (with its version); null if none set.")
    def goal(self) -> SalesGoalNode | None:
        return SalesGoalNode.of(self.view.goal) if self.view.goal else None

    @strawberry.field(
        description=f"Product lines with entries this year (at most {service.MAX_PRODUCT_LINES})."
    )
    def product_lines(self) -> list[str]:
        return self.view.product_lines


register_node("ForecastEntry", node_loader(loaders.entries, ForecastEntryNode.of))
register_node("SalesGoal", node_loader(loaders.goals, SalesGoalNode.of))
