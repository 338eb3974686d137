"""Mail delivery from the outbox through a real SMTP server, a real arq worker and Redis.

Every test here runs the app with Redis and SMTP configured (the production setup)."""

from __future__ import annotations

import logging
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker
from redis.asyncio import Redis
from sqlalchemy import update

from kamp import clock
from kamp.accounts.models import Role
from kamp.db import transaction
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import deliver_mail, sweep_outbox
from kamp.jobs.worker import worker_settings
from kamp.mail.models import OutboxMessage
from kamp.mail.service import MailNotSent, deliver, queue_mail
from kamp.runtime import Runtime
from kamp.settings import Settings
from tests.conftest import REDIS_URL
from tests.support import gql

# arq's Worker.close() calls redis-py's deprecated close(); nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    """The conftest settings (one per database) with Redis and the test SMTP server."""
    return replace(settings, redis_url=REDIS_URL, smtp_url=f"smtp://127.0.0.1:{inbox.port}")


@pytest.fixture(autouse=True)
async def empty_redis() -> AsyncIterator[None]:
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    yield
    await redis.aclose()


async def queued_mail(runtime: Runtime, recipient: str = "buyer@example.com") -> uuid.UUID:
    async with transaction(runtime.session_factory) as session:
        message = await queue_mail(
            session, recipient=recipient, subject="Minutes of Tuesday", body="See the minutes.\n"
        )
    return message.id


async def outbox_row(runtime: Runtime, message_id: uuid.UUID) -> OutboxMessage:
    async with runtime.session_factory() as session:
        row = await session.get(OutboxMessage, message_id)
    assert row is not None
    return row


def job_context(runtime: Runtime, settings: Settings | None = None) -> dict[str, Any]:
    return {"kamp": JobContext(settings or runtime.settings, runtime.session_factory)}


async def enqueue(*job_ids: str, message_id: uuid.UUID) -> list[Any]:
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    try:
        return [
            await pool.enqueue_job("deliver_mail", _job_id=job_id, message_id=str(message_id))
            for job_id in job_ids
        ]
    finally:
        await pool.aclose()


async def run_worker(settings: Settings) -> list[Any]:
    """Run a real arq worker, as `kamp worker` builds it, until the queue is empty; returns
    what its deliver_mail jobs returned (its cron sweep may run too, at a 5-minute mark)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # the worker configures logging for itself
    worker = Worker(**worker_settings(settings), burst=True, handle_signals=False, poll_delay=0.05)
    try:
        await worker.async_run()
        results = await worker.pool.all_job_results()
    finally:
        await worker.close()
        root.handlers[:], root.level = handlers, level
    return [r.result for r in results if r.function == "deliver_mail"]


async def test_deliver_sends_a_message_once(runtime, inbox):
    """The service sends the message over SMTP and marks it sent; a second call sends nothing."""
    message_id = await queued_mail(runtime)
    async with transaction(runtime.session_factory) as session:
        assert await deliver(session, settings=runtime.settings, message_id=message_id)
    async with transaction(runtime.session_factory) as session:
        assert not await deliver(session, settings=runtime.settings, message_id=message_id)

    [email] = inbox.messages
    assert (email["To"], email["Subject"]) == ("buyer@example.com", "Minutes of Tuesday")
    assert email.get_content().strip() == "See the minutes."
    row = await outbox_row(runtime, message_id)
    assert row.sent_at is not None
    assert (row.attempts, row.last_error) == (1, "")


async def test_task_run_twice_sends_one_email(runtime, inbox):
    """A retried deliver_mail job is harmless: one email, one row marked sent."""
    message_id = await queued_mail(runtime)
    ctx = job_context(runtime)
    assert await deliver_mail(ctx, message_id=str(message_id)) is True
    assert await deliver_mail(ctx, message_id=str(message_id)) is False
    assert len(inbox.messages) == 1
    assert (await outbox_row(runtime, message_id)).sent_at is not None


async def test_worker_runs_one_job_per_job_id(runtime, settings, inbox):
    """Enqueued twice under the app's job id, the job is queued once and mails once."""
    message_id = await queued_mail(runtime)
    job_id = f"deliver_mail:{message_id}"
    first, second = await enqueue(job_id, job_id, message_id=message_id)
    assert first is not None
    assert second is None  # arq refuses a job id that is already queued

    assert await run_worker(settings) == [True]
    assert [m["To"] for m in inbox.messages] == ["buyer@example.com"]
    assert (await outbox_row(runtime, message_id)).sent_at is not None


async def test_worker_duplicated_jobs_send_one_email(runtime, settings, inbox):
    """Two jobs for the same message (different job ids), run side by side by one worker,
    still send a single email."""
    message_id = await queued_mail(runtime)
    assert None not in await enqueue("first", "second", message_id=message_id)

    assert sorted(await run_worker(settings)) == [False, True]  # the second found it sent
    assert len(inbox.messages) == 1
    row = await outbox_row(runtime, message_id)
    assert (row.sent_at is not None, row.attempts) == (True, 1)


async def test_invitation_is_mailed_by_the_worker(world, clients, client, runtime, settings, inbox):
    """The whole path: a KAM invites over HTTP, the app queues the job on Redis after the
    commit, the worker mails the link, and the link works."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    variables = {
        "input": {
            "workspaceId": world.a.workspace_gid,
            "email": "new.buyer@customer-a.example.com",
            "role": "CUSTOMER_BUYER",
        }
    }
    result = await gql(
        kam,
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { errors { code } } }",
        variables,
    )
    assert result["data"]["inviteMember"]["errors"] == []
    assert inbox.messages == []  # nothing is sent by the request itself

    assert await run_worker(settings) == [True]

    [email] = inbox.messages
    assert email["To"] == "new.buyer@customer-a.example.com"
    assert "Workspace a" in email["Subject"]
    match = re.search(r"http://testserver/invitation/(\S+)", email.get_content())
    assert match, email.get_content()
    preview = await client.get(f"/auth/invitations/{match.group(1)}")
    assert preview.status_code == 200
    assert preview.json()["email"] == "new.buyer@customer-a.example.com"


async def test_smtp_down_keeps_the_message_for_the_sweep(runtime, inbox):
    """With the SMTP server unreachable the job fails, but the attempt and its error are
    recorded and the message stays unsent; the sweep delivers it once SMTP is back."""
    message_id = await queued_mail(runtime)
    down = replace(runtime.settings, smtp_url=f"smtp://127.0.0.1:{free_port()}")

    with pytest.raises(MailNotSent):
        await deliver_mail(job_context(runtime, down), message_id=str(message_id))

    row = await outbox_row(runtime, message_id)
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error != ""
    assert inbox.messages == []

    async with transaction(runtime.session_factory) as session:  # the sweep leaves fresh mail
        await session.execute(
            update(OutboxMessage).values(created_at=clock.now() - timedelta(minutes=5))
        )
    assert await sweep_outbox(job_context(runtime)) == 1
    assert len(inbox.messages) == 1
    row = await outbox_row(runtime, message_id)
    assert (row.sent_at is not None, row.attempts, row.last_error) == (True, 2, "")
