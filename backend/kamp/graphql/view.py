"""The GraphQL endpoint: builds the context, commits once per request, and refuses
cookie-borne requests that a browser could send cross-site (CSRF)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from graphql.error import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.execution import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from graphql import ExecutionResult as GraphQLExecutionResult
from kamp.auth.csrf import csrf_problem
from kamp.errors import KampError
from kamp.graphql.context import REVALIDATE_SECONDS, Context

log = logging.getLogger("kamp.graphql")


class KampGraphQL(GraphQL[Context, None]):
    def __init__(self, *args: Any, make_context: Any, bearer_resolver: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.make_context = make_context
        self.bearer_resolver = bearer_resolver

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context: Context = self.make_context(request, response)
        request.state.kamp_context = context
        return context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        base_url = scope["app"].state.runtime.settings.base_url
        if scope["type"] == "http" and (
            problem := csrf_problem(Request(scope, receive), base_url=base_url)
        ):
            status, message = problem
            body = {"errors": [{"message": message, "extensions": {"code": "CSRF_REFUSED"}}]}
            await JSONResponse(body, status_code=status)(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)
        finally:
            context: Context | None = scope.get("state", {}).get("kamp_context")
            if context is not None:
                await context.close()

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Browsers cannot set headers on a WebSocket: integrators send their bearer token in
        connection_init's payload instead. A bad token closes the connection (4403)."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("Authorization") or params.get("authorization")
        if isinstance(authorization, str):
            context.resolve_principal = self.bearer_resolver(context, authorization)
        # The socket outlives sign-outs, revocations, expiry and removals: check again.
        context.revalidate_after = REVALIDATE_SECONDS
        websocket = context.request

        async def end_connection() -> None:
            if isinstance(websocket, WebSocket):
                with contextlib.suppress(RuntimeError):  # already closed
                    await websocket.close(code=4403, reason="Forbidden")

        context.end_connection = end_connection
        try:
            await context.principal()
        except KampError as exc:
            raise ConnectionRejectionError() from exc
        finally:
            await context.close()  # the socket may stay open for hours; the session must not
        return UNSET

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().execute_operation(*args, **kwargs)
        context: Context = kwargs["context"]
        failed = not isinstance(result, ExecutionResult | GraphQLExecutionResult) or bool(
            result.errors
        )
        try:
            await context.finish(failed=failed)
        except Exception:
            log.exception("commit failed")
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "The change could not be saved; nothing was changed.",
                        extensions={"code": "INTERNAL"},
                    )
                ],
            )
        return result
