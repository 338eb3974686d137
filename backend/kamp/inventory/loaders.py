"""Per-request DataLoaders of the catalogue, the assortment and stock policies: nested fields
batch into one query per type, each through its use case's visibility filter."""

from __future__ import annotations

import uuid
from functools import partial

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader, paged_loader
from kamp.inventory import catalogue, policies
from kamp.inventory.models import (
    AssortmentItem,
    ChangeStatus,
    ParameterChange,
    Product,
    StockPolicy,
)
from kamp.pagination import Page, PageArgs


def products(info: Info) -> DataLoader[uuid.UUID, Product | None]:
    return keyed_loader(info, "inventory_products", catalogue.get_products)


def assortment_items(info: Info) -> DataLoader[uuid.UUID, AssortmentItem | None]:
    return keyed_loader(info, "inventory_assortment_items", catalogue.get_assortment_items)


def policies_by_id(info: Info) -> DataLoader[uuid.UUID, StockPolicy | None]:
    return keyed_loader(info, "inventory_stock_policies", policies.get_policies)


def changes(info: Info) -> DataLoader[uuid.UUID, ParameterChange | None]:
    return keyed_loader(info, "inventory_parameter_changes", policies.get_changes)


def changes_of(
    info: Info, page: PageArgs, status: ChangeStatus | None
) -> DataLoader[uuid.UUID, Page[ParameterChange]]:
    """A page of each policy's changes (of one status, or all), newest first."""
    fetch = partial(policies.changes_of, status=status)
    return paged_loader(info, f"inventory_changes_of:{status}", fetch, page, keys="policy_ids")
