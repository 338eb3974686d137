"""Per-request DataLoaders of the action items domain."""

from __future__ import annotations

import uuid
from typing import Any

from strawberry.dataloader import DataLoader

from kamp.actions import comments, service
from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader, paged_loader
from kamp.pagination import Page, PageArgs


def action_items(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "action_items", service.get_action_items)


def action_comments(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "action_comments", comments.get_comments)


def comments_of(info: Info, page: PageArgs) -> DataLoader[uuid.UUID, Page[Any]]:
    """One page of comments per action item."""
    return paged_loader(
        info, "comments_by_item", comments.comments_by_item, page, keys="action_item_ids"
    )
