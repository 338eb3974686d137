"""The GraphQL endpoint: builds the context, commits once per request, and refuses
cookie-borne requests that a browser could send cross-site (CSRF).

Over HTTP an operation is a POST of one JSON object. The body is read in chunks up to
KAMP_MAX_BODY_BYTES (413 beyond, without reading further) and checked before strawberry sees
it: valid UTF-8, JSON nested at most KAMP_MAX_JSON_DEPTH deep, an object whose `query`,
`variables`, `operationName` and `extensions` have the right types and an operation name of at
most KAMP_MAX_NAME_LENGTH characters. Subscriptions run over the WebSocket only. A refusal is
a 4xx whose body is a GraphQL error with code BAD_REQUEST; nothing has run."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from contextvars import ContextVar
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql.error import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from graphql import ExecutionResult as GraphQLExecutionResult
from kamp.auth.csrf import csrf_problem
from kamp.errors import KampError
from kamp.graphql.context import REVALIDATE_SECONDS, Context
from kamp.settings import Settings

log = logging.getLogger("kamp.graphql")

NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
# A JSON string, skipped when counting how deep brackets nest.
JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
JSON_BRACKETS = re.compile(r"[\[\]{}]")
# The request of the current HTTP call, decoded and checked before strawberry runs.
_REQUEST: ContextVar[GraphQLRequestData | None] = ContextVar("kamp_graphql_request", default=None)


def refusal(status: int, message: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
    return JSONResponse(body, status_code=status)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read in chunks; 413 as soon as it (or its declared length) exceeds `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"The request body is larger than {limit} bytes.")
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise HTTPException(400, "The request body was cut short.") from exc
    return b"".join(chunks)


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings skipped), in
    time linear in its length and without recursion."""
    depth = deepest = 0
    for bracket in JSON_BRACKETS.findall(JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def decode_request(body: bytes, settings: Settings) -> GraphQLRequestData:
    """One GraphQL request from a JSON body, or HTTPException(400) saying what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "The request body is not valid UTF-8.") from exc
    if json_depth(text) > settings.max_json_depth:
        raise HTTPException(
            400, f"The request's JSON is nested more than {settings.max_json_depth} levels deep."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise HTTPException(400, "Unable to parse request body as JSON.") from exc
    if isinstance(data, list):
        raise HTTPException(400, "Batching is not enabled: send one operation per request.")
    if not isinstance(data, dict):
        raise HTTPException(400, "The request body must be a JSON object with a `query`.")
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    if not isinstance(query, str | None):
        raise HTTPException(400, "`query` must be a string.")
    if not isinstance(variables, dict | None):
        raise HTTPException(400, "`variables` must be an object or null.")
    if not isinstance(extensions, dict | None):
        raise HTTPException(400, "`extensions` must be an object or null.")
    if operation_name is not None and (
        not isinstance(operation_name, str)
        or len(operation_name) > settings.max_name_length
        or not NAME.fullmatch(operation_name)
    ):
        raise HTTPException(
            400,
            f"`operationName` must be a GraphQL name of at most {settings.max_name_length} "
            "characters.",
        )
    return GraphQLRequestData(
        query=query, variables=variables, operation_name=operation_name, extensions=extensions
    )


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
        if scope["type"] != "http":
            try:
                await super().__call__(scope, receive, send)
            finally:
                await self._close_context(scope)
            return
        settings: Settings = scope["app"].state.runtime.settings
        request = Request(scope, receive)
        token = _REQUEST.set(None)
        try:
            response = await self._http(request, settings)
        except HTTPException as exc:
            response = refusal(exc.status_code, exc.reason)
        finally:
            _REQUEST.reset(token)
            await self._close_context(scope)
        await response(scope, receive, send)

    async def _http(self, request: Request, settings: Settings) -> Response:
        if problem := csrf_problem(request, base_url=settings.base_url):
            status, message = problem
            body = {"errors": [{"message": message, "extensions": {"code": "CSRF_REFUSED"}}]}
            return JSONResponse(body, status_code=status)
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip()
            if content_type.lower() != "application/json":
                raise HTTPException(415, "Send requests as application/json.")
            raw = await read_body(request, settings.max_body_bytes)
            _REQUEST.set(decode_request(raw, settings))
        return await self.run(request)

    @staticmethod
    async def _close_context(scope: Scope) -> None:
        context: Context | None = scope.get("state", {}).get("kamp_context")
        if context is not None:
            await context.close()

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """The request `__call__` decoded; operations never come over GET."""
        data = _REQUEST.get()
        if data is None:
            raise HTTPException(
                405, "Send operations as a POST; subscriptions run over the WebSocket."
            )
        return data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Queries and mutations only: a subscription over POST would run once and fail."""
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types={OperationType.QUERY, OperationType.MUTATION},
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            raise HTTPException(
                400, "Subscriptions run over the WebSocket at /graphql (graphql-transport-ws)."
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request.") from exc

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
