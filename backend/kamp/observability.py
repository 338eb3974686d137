"""JSON logs, each line carrying the ID of the request that wrote it."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# SQL statements run for the current request: logged, and a header outside production, so
# that N+1 regressions show up in logs and benchmarks.
sql_count_var: ContextVar[list[int] | None] = ContextVar("sql_count", default=None)


def count_sql(engine: AsyncEngine) -> None:
    """Count every statement the engine runs against the request that caused it."""

    def before_cursor_execute(*_args: Any) -> None:
        counter = sql_count_var.get()
        if counter is not None:
            counter[0] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (request_id := request_id_var.get()) is not None:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Our own access line replaces uvicorn's, with the request ID and duration.
    logging.getLogger("uvicorn.access").disabled = True


# Paths whose last part is a secret (a calendar feed, an invitation link): logs keep the shape.
_SECRET_PATHS = re.compile(r"^(/calendar/feeds/|/auth/invitations/(?!accept$))[^/]+?(\.ics)?$")


def loggable_path(path: str) -> str:
    return _SECRET_PATHS.sub(lambda m: f"{m.group(1)}[secret]{m.group(2) or ''}", path)


class RequestIdMiddleware:
    """Takes X-Request-ID from the caller when it is sane, else makes one; echoes it back and
    logs one access line per request."""

    def __init__(self, app: ASGIApp, *, expose_sql_count: bool = False) -> None:
        self.app = app
        self.expose_sql_count = expose_sql_count
        self.log = logging.getLogger("kamp.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        counter = [0]
        count_token = sql_count_var.set(counter)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                if self.expose_sql_count:
                    headers.append((b"x-sql-statements", str(counter[0]).encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.log.info(
                "request",
                extra={
                    "method": scope.get("method", "WS"),
                    "path": loggable_path(scope["path"]),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "sql": counter[0],
                },
            )
            sql_count_var.reset(count_token)
            request_id_var.reset(token)
