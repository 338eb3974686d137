"""What an agenda item reviews live: the forecast of the meeting's year for a sales
performance item, the pipeline around the meeting's date for a pipeline review, the open
stock alerts for a supply and stock item. Each shows
only to those who may read forecasts or the pipeline; for the others it is simply absent."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock, timezones
from kamp.auth.policy import Permission, can
from kamp.auth.principal import Principal
from kamp.forecasts import service as forecasts
from kamp.inventory import alerts
from kamp.meetings.models import AgendaItem, AgendaTopic, Meeting
from kamp.pipeline import service as pipeline


async def sales_performance(
    session: AsyncSession, *, principal: Principal, item: AgendaItem, meeting: Meeting
) -> Any | None:
    if item.topic != AgendaTopic.SALES_PERFORMANCE:
        return None
    if not can(principal, item.workspace_id, Permission.FORECASTS_READ):
        return None
    return await forecasts.year_view(
        session,
        principal=principal,
        workspace_id=item.workspace_id,
        year=timezones.to_local(meeting.starts_at, meeting.time_zone).year,
    )


async def pipeline_review(
    session: AsyncSession, *, principal: Principal, item: AgendaItem, meeting: Meeting
) -> Any | None:
    if item.topic != AgendaTopic.PIPELINE_REVIEW:
        return None
    if not can(principal, item.workspace_id, Permission.PIPELINE_READ):
        return None
    # A past meeting reviews the pipeline as of its date; a coming one, as of now.
    return await pipeline.pipeline_review(
        session,
        principal=principal,
        workspace_id=item.workspace_id,
        as_of=min(meeting.starts_at, clock.now()),
    )


async def supply_and_stock(
    session: AsyncSession, *, principal: Principal, item: AgendaItem
) -> list[Any] | None:
    if item.topic != AgendaTopic.SUPPLY_AND_STOCK:
        return None
    if not can(principal, item.workspace_id, Permission.INVENTORY_READ):
        return None
    return await alerts.open_alerts(session, principal=principal, workspace_id=item.workspace_id)
