"""A real server on a loopback port and a graphql-transport-ws client, for subscription tests."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect

EVENTS = """subscription($id: ID!) { workspaceEvents(workspaceId: $id) {
  kind nodeId fields actor { email } } }"""


@asynccontextmanager
async def serve(app: Any):
    """Serve an app whose lifespan is already running (the test's runtime) on a free port."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="off", log_config=None, ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def subscription(
    host: str,
    workspace_id: str,
    *,
    init: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    query: str = EVENTS,
):
    async with connect(
        f"ws://{host}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers=headers or {},
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init or {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"id": workspace_id}},
                }
            )
        )
        await asyncio.sleep(0.3)  # let the subscription reach the broker before changes start
        yield ws


async def next_message(ws: ClientConnection, timeout: float = 3.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))
