"""Per-request DataLoaders of the meetings domain."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from kamp.graphql.context import Info
from kamp.graphql.dataloaders import keyed_loader
from kamp.meetings import agenda, service
from kamp.meetings.models import AgendaItem, MeetingDecision


def series(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "meeting_series", service.get_series)


def meetings(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(info, "meetings", service.get_meetings)


def agenda_items(info: Info) -> DataLoader[uuid.UUID, Any]:
    fetch = partial(agenda.get_children, model=AgendaItem)
    return keyed_loader(info, "agenda_items", fetch)


def decisions(info: Info) -> DataLoader[uuid.UUID, Any]:
    fetch = partial(agenda.get_children, model=MeetingDecision)
    return keyed_loader(info, "meeting_decisions", fetch)


def agenda_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    fetch = partial(agenda.children_by_meeting, model=AgendaItem)
    return keyed_loader(info, "agenda_by_meeting", fetch, keys="meeting_ids")


def decisions_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    fetch = partial(agenda.children_by_meeting, model=MeetingDecision)
    return keyed_loader(info, "decisions_by_meeting", fetch, keys="meeting_ids")


def attendees_of(info: Info) -> DataLoader[uuid.UUID, Any]:
    return keyed_loader(
        info, "attendees_by_meeting", service.attendees_by_meeting, keys="meeting_ids"
    )
