"""Per-request DataLoaders of replenishment: proposals, their lines, orders and theirs. Nested
fields batch into one query per type (and per page arguments), each through its use case's
visibility filter."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader, paged_loader
from kamp.inventory import orders, proposals
from kamp.inventory.models import Order, OrderLine, ProposalLine, ReplenishmentProposal
from kamp.pagination import Page, PageArgs


def proposals_by_id(info: Info) -> DataLoader[uuid.UUID, ReplenishmentProposal | None]:
    return keyed_loader(info, "replenishment_proposals", proposals.get_proposals)


def proposal_lines(info: Info) -> DataLoader[uuid.UUID, ProposalLine | None]:
    return keyed_loader(info, "replenishment_proposal_lines", proposals.get_lines)


def lines_of_proposals(info: Info, page: PageArgs) -> DataLoader[uuid.UUID, Page[ProposalLine]]:
    return paged_loader(
        info, "replenishment_lines_of_proposals", proposals.line_pages, page, keys="proposal_ids"
    )


def orders_by_id(info: Info) -> DataLoader[uuid.UUID, Order | None]:
    return keyed_loader(info, "replenishment_orders", orders.get_orders)


def order_lines(info: Info) -> DataLoader[uuid.UUID, OrderLine | None]:
    return keyed_loader(info, "replenishment_order_lines", orders.get_lines)


def lines_of_orders(info: Info, page: PageArgs) -> DataLoader[uuid.UUID, Page[OrderLine]]:
    return paged_loader(
        info, "replenishment_lines_of_orders", orders.line_pages, page, keys="order_ids"
    )


def orders_of_proposals(info: Info) -> DataLoader[uuid.UUID, list[Order] | None]:
    return keyed_loader(
        info, "replenishment_orders_of_proposals", orders.of_proposals, keys="proposal_ids"
    )
