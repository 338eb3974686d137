"""Queries and mutations of forecasts: thin, they decode input and call the service."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from kamp.coediting.types import Visibility
from kamp.errors import BadRequest, UserError
from kamp.forecasts import service
from kamp.forecasts.types import Forecast, ForecastEntryNode, SalesGoalNode
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import Connection, connection, query_id
from kamp.pagination import PageArgs


def _workspace(workspace_id: str) -> uuid.UUID:
    return query_id(workspace_id, "Workspace", field="workspaceId")


def _year(year: int | None) -> int | None:
    try:
        return service.check_year(year) if year is not None else None
    except UserError as exc:
        raise BadRequest(exc.message) from exc


@strawberry.type
class ForecastsQuery:
    @strawberry.field(
        description="Forecast against actuals of a year: months, year to date, goal attainment."
    )
    async def forecast(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        year: int,
        product_line: Annotated[
            str, strawberry.argument(description="Empty: the whole account.")
        ] = "",
    ) -> Forecast:
        workspace = _workspace(workspace_id)
        checked = _year(year)
        assert checked is not None
        view = await service.year_view(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            year=checked,
            product_line=product_line,
        )
        return Forecast(view=view)

    @strawberry.field(description="Monthly entries, oldest first; optionally of one year or line.")
    async def forecast_entries(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        year: int | None = None,
        product_line: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ForecastEntryNode]:
        page = PageArgs.parse(first, after)
        workspace = _workspace(workspace_id)
        result = await service.list_entries(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
            year=_year(year),
            product_line=product_line,
        )
        return connection(result, ForecastEntryNode.of)

    @strawberry.field(description="The account's sales goals, one per year.")
    async def sales_goals(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SalesGoalNode]:
        page = PageArgs.parse(first, after)
        workspace = _workspace(workspace_id)
        result = await service.list_goals(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            page=page,
        )
        return connection(result, SalesGoalNode.of)


@strawberry.input
class SetForecastEntryInput:
    workspace_id: strawberry.ID
    month: date = strawberry.field(description="The first day of the month.")
    product_line: str = strawberry.field(default="", description="Empty for the whole account.")
    forecast: Decimal | None = strawberry.field(default=None, description="Null: unchanged.")
    actual: Decimal | None = strawberry.field(default=None, description="Null: unchanged.")
    version: int | None = strawberry.field(
        default=None, description="Required once the month's entry exists."
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="SHARED unless the KAM keeps it internal."
    )


@strawberry.type
class ForecastEntryPayload:
    entry: ForecastEntryNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.input
class SetSalesGoalInput:
    workspace_id: strawberry.ID
    year: int
    annual_goal: Decimal | None = strawberry.field(
        default=None, description="Required for a new year."
    )
    deviation_threshold_pct: Decimal | None = strawberry.field(
        default=None, description=f"Percent; {service.DEFAULT_THRESHOLD} for a new year if unset."
    )
    currency: str | None = None
    version: int | None = strawberry.field(
        default=None, description="Required once the year's goal exists."
    )
    visibility: Visibility | None = None


@strawberry.type
class SalesGoalPayload:
    goal: SalesGoalNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class ForecastsMutation:
    set_forecast_entry = service_mutation(
        service.set_forecast_entry,
        description="Create or update the forecast and/or actual of a month.",
        input=SetForecastEntryInput,
        payload=ForecastEntryPayload,
        field="entry",
        node=ForecastEntryNode.of,
        ids={"workspace_id": "Workspace"},
    )
    set_sales_goal = service_mutation(
        service.set_sales_goal,
        description="The KAM sets the year's sales goal and deviation threshold.",
        input=SetSalesGoalInput,
        payload=SalesGoalPayload,
        field="goal",
        node=SalesGoalNode.of,
        ids={"workspace_id": "Workspace"},
    )
