"""Task functions. Each is idempotent and calls services; arq or the in-process queue runs them
with `ctx["kamp"]` holding the settings and the session factory."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.actions import reminders as action_reminders
from kamp.coediting.events import drop_recorded, take_recorded
from kamp.db import transaction
from kamp.forecasts import deviations
from kamp.inventory import alerts as stock_alerts
from kamp.jobs.queue import ArqQueue, InProcessQueue, JobContext, TaskFunction, dispatch
from kamp.mail.models import OutboxMessage
from kamp.mail.service import MailNotSent, deliver
from kamp.meetings import reminders as meeting_reminders
from kamp.meetings import series
from kamp.notifications import digest
from kamp.realtime.broker import publish_all

log = logging.getLogger("kamp.jobs")

MAX_MAIL_ATTEMPTS = 5
T = TypeVar("T")


async def deliver_mail(ctx: dict[str, Any], *, message_id: str) -> bool:
    kamp: JobContext = ctx["kamp"]
    failure: MailNotSent | None = None
    async with transaction(kamp.session_factory) as session:
        try:
            sent = await deliver(session, settings=kamp.settings, message_id=uuid.UUID(message_id))
        except MailNotSent as error:
            # Committed, not rolled back: the attempt count and the error must survive, so
            # the sweep can retry (and give up after MAX_MAIL_ATTEMPTS).
            failure = error
    if failure is not None:
        raise failure
    if sent:
        log.info("mail sent", extra={"message_id": message_id})
    return sent


async def sweep_outbox(ctx: dict[str, Any]) -> int:
    """Retry mail whose delivery job was lost or failed (runs on a schedule)."""
    kamp: JobContext = ctx["kamp"]
    if not kamp.settings.smtp_url:
        return 0
    async with transaction(kamp.session_factory) as session:
        ids = (
            await session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.attempts < MAX_MAIL_ATTEMPTS,
                    OutboxMessage.created_at < clock.now() - timedelta(minutes=1),
                )
            )
        ).all()
    sent = 0
    for message_id in ids:
        try:
            sent += await deliver_mail(ctx, message_id=str(message_id))
        except Exception:
            log.exception("mail delivery failed", extra={"message_id": str(message_id)})
    return sent


async def in_transaction(ctx: dict[str, Any], work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction. Only after it commits are its mail jobs sent (to arq in
    the worker, inline otherwise) and its events published, so a rolled-back run leaves no
    trace and a retried one finds its notices already recorded."""
    kamp: JobContext = ctx["kamp"]
    async with kamp.session_factory() as session:
        try:
            result = await work(session)
            await session.commit()
        except BaseException:
            await session.rollback()
            drop_recorded(session)
            raise
        if (redis := ctx.get("redis")) is not None:  # in the arq worker: its own pool
            await dispatch(session, ArqQueue(redis))
        else:
            inline = InProcessQueue(kamp, TASKS)
            await dispatch(session, inline)
            await inline.drain()
        events = take_recorded(session)
        if kamp.broker is not None:
            await publish_all(kamp.broker, events)
    return result


async def notify_deviations(ctx: dict[str, Any]) -> int:
    """Tell each KAM of new forecast deviations, once each (runs on a schedule)."""
    kamp: JobContext = ctx["kamp"]
    notified = await in_transaction(
        ctx, lambda session: deviations.notify_deviations(session, settings=kamp.settings)
    )
    if notified:
        log.info("deviations notified", extra={"count": notified})
    return notified


async def _notify_job(ctx: dict[str, Any], name: str, work: Any) -> int:
    kamp: JobContext = ctx["kamp"]
    sent: int = await in_transaction(ctx, lambda session: work(session, settings=kamp.settings))
    if sent:
        log.info("notices sent", extra={"job": name, "count": sent})
    return sent


async def send_agendas(ctx: dict[str, Any]) -> int:
    """Each meeting's agenda to its attendees, the lead time before it starts."""
    return await _notify_job(ctx, "send_agendas", meeting_reminders.send_agendas)


async def remind_due_soon(ctx: dict[str, Any]) -> int:
    return await _notify_job(ctx, "remind_due_soon", action_reminders.remind_due_soon)


async def escalate_overdue(ctx: dict[str, Any]) -> int:
    return await _notify_job(ctx, "escalate_overdue", action_reminders.escalate_overdue)


async def schedule_series(ctx: dict[str, Any]) -> int:
    """Keep every series' meetings scheduled four weeks ahead."""
    return await _notify_job(ctx, "schedule_series", series.schedule_all_series)


async def send_digests(ctx: dict[str, Any]) -> int:
    return await _notify_job(ctx, "send_digests", digest.send_digests)


async def check_stock(ctx: dict[str, Any]) -> int:
    """Raise and clear stock alerts; both sides hear of new ones."""
    return await _notify_job(
        ctx,
        "check_stock",
        lambda session, settings: stock_alerts.check_stock(session, base_url=settings.base_url),
    )


TASKS: dict[str, TaskFunction] = {
    "deliver_mail": deliver_mail,
    "sweep_outbox": sweep_outbox,
    "notify_deviations": notify_deviations,
    "send_agendas": send_agendas,
    "remind_due_soon": remind_due_soon,
    "escalate_overdue": escalate_overdue,
    "send_digests": send_digests,
    "schedule_series": schedule_series,
    "check_stock": check_stock,
}

# Periodic tasks and their period in minutes: arq cron in the worker, a loop in the server
# process in the embedded default.
SCHEDULE: dict[str, int] = {
    "sweep_outbox": 5,
    "notify_deviations": 60,
    "send_agendas": 15,
    "remind_due_soon": 60,
    "escalate_overdue": 60,
    # Hourly: each user's digest goes out at the digest hour of their own time zone.
    "send_digests": 60,
    "schedule_series": 60,
    "check_stock": 60,
}
