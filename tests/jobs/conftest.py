"""Job tests run as in production: a real SMTP server of the test's own, and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from redis.asyncio import Redis

from kamp.settings import Settings
from tests.conftest import REDIS_URL
from tests.jobs.test_mail_delivery import Inbox, free_port


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    return replace(settings, redis_url=REDIS_URL, smtp_url=f"smtp://127.0.0.1:{inbox.port}")


@pytest.fixture
async def empty_redis() -> AsyncIterator[None]:
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    yield
    await redis.aclose()
