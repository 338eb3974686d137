"""Writing mail to the outbox and delivering it (SMTP when configured)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.db import utcnow
from kamp.jobs.queue import defer
from kamp.mail.models import OutboxMessage
from kamp.settings import Settings


async def queue_mail(
    session: AsyncSession, *, recipient: str, subject: str, body: str
) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    session.add(message)
    await session.flush()
    defer(session, "deliver_mail", job_id=f"deliver_mail:{message.id}", message_id=str(message.id))
    return message


async def deliver(session: AsyncSession, *, settings: Settings, message_id: uuid.UUID) -> bool:
    """Send one outbox message once. Returns True if it was sent by this call.

    The row is locked while sending so two workers cannot both send it; a message already
    marked sent is skipped, which makes retries and duplicated jobs harmless."""
    message = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    )
    if message is None or message.sent_at is not None or not settings.smtp_url:
        return False
    message.attempts += 1
    try:
        await _send_smtp(settings, message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        message.last_error = str(exc)[:500]
        await session.flush()
        raise
    message.sent_at = utcnow()
    message.last_error = ""
    await session.flush()
    return True


async def _send_smtp(settings: Settings, message: OutboxMessage) -> None:
    url = urlsplit(settings.smtp_url)
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<{message.id}@kamp>"
    email.set_content(message.body)
    await aiosmtplib.send(
        email,
        hostname=url.hostname or "localhost",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        start_tls=url.scheme == "smtp+starttls",
        timeout=30,
    )
