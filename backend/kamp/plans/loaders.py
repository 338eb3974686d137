"""Per-request DataLoaders of the plans domain."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader, paged_loader
from kamp.pagination import Page, PageArgs
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


def elements_of(
    info: Info, type_name: str, page: PageArgs, **filters: Any
) -> DataLoader[uuid.UUID, Page[Any]]:
    """One page of a kind of element per plan, with the same filters for every plan."""
    fetch = partial(elements.elements_by_plan, model=MODELS[type_name], **filters)
    named = ",".join(f"{key}={value}" for key, value in sorted(filters.items()))
    return paged_loader(info, f"elements_by_plan:{type_name}:{named}", fetch, page, keys="plan_ids")


def approvals_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "approvals_by_plan", service.approvals_by_plan, keys="plan_ids")


def snapshot_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "snapshot_by_plan", service.snapshots_by_plan, keys="plan_ids")
