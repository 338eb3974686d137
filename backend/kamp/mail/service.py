"""Writing mail to the outbox and delivering it (SMTP when configured)."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.jobs.queue import defer
from kamp.mail.models import OutboxMessage
from kamp.settings import Settings


async def queue_mail(
    session: AsyncSession,
    *,
    recipient: str,
    subject: str,
    body: str,
    calendar: str | None = None,
) -> OutboxMessage:
    """Write a message to the outbox; `calendar` is an iCalendar object to attach."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, calendar=calendar)
    session.add(message)
    await session.flush()
    defer(session, "deliver_mail", job_id=f"deliver_mail:{message.id}", message_id=str(message.id))
    return message


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the message. The failed attempt is
    recorded on the row: commit the session before letting this propagate."""


async def deliver(session: AsyncSession, *, settings: Settings, message_id: uuid.UUID) -> bool:
    """Send one outbox message once. Returns True if it was sent by this call.

    The message is claimed first by an UPDATE that counts the attempt, which write-locks the
    row (the whole database on SQLite, where FOR UPDATE does not exist) until the caller
    commits: a concurrent delivery waits, then finds it sent and skips it. So retries and
    duplicated jobs send nothing twice."""
    if not settings.smtp_url:
        return False
    claimed = await session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .values(attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    if claimed is None:
        return False
    message = await session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:
        return False
    try:
        await _send_smtp(settings, message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        message.last_error = str(exc)[:500] or type(exc).__name__
        await session.flush()
        raise MailNotSent(message.last_error) from exc
    message.sent_at = clock.now()
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
    if message.calendar:
        # The method parameter lets mail clients offer "accept" for an invitation.
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        email.add_attachment(
            message.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": method, "charset": "utf-8"},
        )
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
