"""Per-request DataLoaders of the plans domain."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.plans import elements, service
from kamp.plans.models import (
    ContingencyPlan,
    Initiative,
    Measure,
    Objective,
    PlanComment,
    SwotEntry,
)

MODELS: dict[str, type[Any]] = {
    "Objective": Objective,
    "Measure": Measure,
    "SwotEntry": SwotEntry,
    "Initiative": Initiative,
    "ContingencyPlan": ContingencyPlan,
    "PlanComment": PlanComment,
}


def plans(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "plans", service.get_plans)


def element(info: Info, type_name: str) -> DataLoader[uuid.UUID, Any]:
    fetch = partial(elements.get_elements, model=MODELS[type_name])
    return keyed_loader(info, f"plan_element:{type_name}", fetch)


def measures_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(
        info, "measures_by_objective", elements.measures_by_objective, keys="objective_ids"
    )


def contingency_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "contingency_by_plan", elements.contingency_by_plan, keys="plan_ids")
