"""Per-request DataLoaders of the pipeline."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.pipeline import service
from kamp.pipeline.models import Opportunity


def opportunities(info: Info) -> DataLoader[uuid.UUID, Opportunity | None]:
    return keyed_loader(info, "opportunities", service.get_opportunities)
