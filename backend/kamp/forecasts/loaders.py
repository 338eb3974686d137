"""Per-request DataLoaders of forecasts."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from kamp.forecasts import service
from kamp.forecasts.models import ForecastEntry, SalesGoal
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader


def entries(info: Info) -> DataLoader[uuid.UUID, ForecastEntry | None]:
    return keyed_loader(info, "forecast_entries", service.get_entries)


def goals(info: Info) -> DataLoader[uuid.UUID, SalesGoal | None]:
    return keyed_loader(info, "sales_goals", service.get_goals)


def goal_of_year(info: Info) -> DataLoader[tuple[uuid.UUID, int], SalesGoal | None]:
    """The visible goal of (workspace, year): the threshold that flags an entry."""
    context = info.context

    async def load(keys: list[tuple[uuid.UUID, int]]) -> list[SalesGoal | None]:
        found = await service.goals_by_year(
            context.session, principal=await context.require_principal(), keys=keys
        )
        return [found.get(key) for key in keys]

    return context.loader("sales_goal_of_year", load)
