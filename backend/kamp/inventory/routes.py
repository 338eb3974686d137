"""Stock report files over plain HTTP: the body of the POST is the file itself (a CSV or an
852 file), streamed to a temporary file within the size limit, then recorded in batches.

    POST /workspaces/{workspaceId}/stock-uploads?format=csv|852&mode=ALL_OR_NOTHING|VALID_ROWS
         Content-Type: text/csv | application/edi-x12 | application/octet-stream
         X-Upload-Id: <a UUID of the sender's choosing> (optional: to poll the progress)
    GET  /workspaces/{workspaceId}/stock-uploads/{uploadId}   the progress, for a progress bar

Authenticated like /graphql: a bearer token (its scopes must include inventory:write) or the
session cookie. A browser can send a cross-site POST with a form's content types only
(multipart, url-encoded, text/plain) unless CORS allows it, and kamp allows none: so a
cookie-borne upload must come with one of the file types above, which no form can send, and
an Origin of our own when it has one. The answer is JSON: how many rows were recorded, and
the errors per row (the first 1,000, and their total)."""

from __future__ import annotations

import tempfile
import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kamp.auth.csrf import SESSION_COOKIE
from kamp.auth.principal import Principal
from kamp.auth.resolve import principal_resolver
from kamp.errors import BadRequest, Forbidden, KampError, NotFound
from kamp.graphql.relay import parse_global_id
from kamp.inventory import reports, uploads
from kamp.inventory.reports import IngestMode, IngestResult, StockRowsRefused
from kamp.inventory.uploads import FileFormat, UploadProgress, UploadStatus
from kamp.runtime import Runtime

HEADERS = {"Cache-Control": "private, no-store"}
FILE_TYPES = {
    "text/csv": FileFormat.CSV,
    "application/csv": FileFormat.CSV,
    "application/edi-x12": FileFormat.EDI_852,
    "application/octet-stream": None,
}
PROGRESS_EVERY_BYTES = 1024 * 1024


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"field": None, "message": message, "code": code}]},
        status_code=status,
        headers=HEADERS,
    )


def _workspace(request: Request) -> uuid.UUID | None:
    try:
        found, row_id = parse_global_id(request.path_params["workspace"])
    except BadRequest:
        return None
    return row_id if found == "Workspace" else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def board(request: Request) -> uploads.ProgressBoard:
    runtime: Runtime = request.app.state.runtime
    if runtime.redis is not None:
        return uploads.RedisProgressBoard(runtime.redis)
    found: uploads.ProgressBoard | None = getattr(request.app.state, "stock_uploads", None)
    if found is None:
        found = uploads.MemoryProgressBoard()
        request.app.state.stock_uploads = found
    return found


async def _principal(request: Request) -> Principal | JSONResponse:
    runtime: Runtime = request.app.state.runtime
    async with runtime.session_factory() as session:
        try:
            principal = await principal_resolver(request)(session)
        except KampError:
            principal = None
    if principal is None:
        return _error(401, "Sign in, or send a bearer token.", "UNAUTHENTICATED")
    return principal


def _result(result: IngestResult, upload_id: str, status: UploadStatus) -> dict[str, Any]:
    return {
        "uploadId": upload_id,
        "batchId": str(result.batch_id),
        "status": status.value,
        "rowsRead": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "errorCount": result.error_count,
        "errorsTruncated": result.errors_truncated,
        "errors": [
            {"row": e.row, "field": e.field, "message": e.message, "code": e.code.value}
            for e in result.errors
        ],
    }


async def upload(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    if (workspace_id := _workspace(request)) is None:
        return _error(404, "Not found.", "NOT_FOUND")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FILE_TYPES:
        return _error(
            415,
            "Send the file itself as the body, as text/csv or application/edi-x12.",
            "UNSUPPORTED_MEDIA_TYPE",
        )
    origin = request.headers.get("origin")
    if (
        SESSION_COOKIE in request.cookies
        and origin
        and origin not in (_origin(settings.base_url), _origin(str(request.url)))
    ):
        return _error(403, "Cross-origin requests are not allowed.", "CSRF_REFUSED")
    try:
        mode = IngestMode(request.query_params.get("mode", IngestMode.ALL_OR_NOTHING.value))
        named = request.query_params.get("format")
        file_format = FileFormat(named) if named else (FILE_TYPES[content_type] or FileFormat.CSV)
        upload_id = str(uuid.UUID(request.headers.get("x-upload-id") or str(uuid.uuid4())))
    except ValueError:
        return _error(
            400,
            "format is csv or 852, mode ALL_OR_NOTHING or VALID_ROWS, X-Upload-Id a UUID.",
            "INVALID",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_upload_bytes:
        return _error(413, "The file is too large.", "TOO_LARGE")

    principal = await _principal(request)
    if isinstance(principal, JSONResponse):
        return principal
    try:
        reports.may_report(principal, workspace_id)
    except NotFound:
        return _error(404, "Not found.", "NOT_FOUND")
    except Forbidden as refused:
        return _error(403, str(refused), "FORBIDDEN")

    progress_board = board(request)
    progress = UploadProgress(
        upload_id=upload_id,
        owner=uploads.owner_of(principal),
        workspace_id=str(workspace_id),
        bytes_total=int(declared) if declared is not None and declared.isdigit() else None,
    )
    await progress_board.put(progress)
    with tempfile.TemporaryFile() as spool:
        received, reported = 0, 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > settings.max_upload_bytes:
                progress.status = UploadStatus.FAILED
                await progress_board.put(progress)
                return _error(413, "The file is too large.", "TOO_LARGE")
            spool.write(chunk)
            if received - reported >= PROGRESS_EVERY_BYTES:
                reported = progress.bytes_done = received
                await progress_board.put(progress)
        spool.flush()
        async with runtime.session_factory() as session:
            try:
                result = await uploads.ingest_file(
                    session,
                    principal=principal,
                    workspace_id=workspace_id,
                    file=spool,
                    file_format=file_format,
                    mode=mode,
                    board=progress_board,
                    progress=progress,
                )
                await session.commit()
            except StockRowsRefused as refused:
                await session.rollback()
                progress.status = UploadStatus.REFUSED
                await progress_board.put(progress)
                return JSONResponse(
                    _result(refused.result, upload_id, UploadStatus.REFUSED),
                    status_code=422,
                    headers=HEADERS,
                )
            except BaseException:
                await session.rollback()
                progress.status = UploadStatus.FAILED
                await progress_board.put(progress)
                raise
    progress.status = UploadStatus.DONE
    progress.bytes_done = progress.bytes_total or received
    await progress_board.put(progress)
    return JSONResponse(_result(result, upload_id, UploadStatus.DONE), headers=HEADERS)


async def upload_progress(request: Request) -> Response:
    workspace_id = _workspace(request)
    principal = await _principal(request)
    if isinstance(principal, JSONResponse):
        return principal
    found = await board(request).get(uploads.owner_of(principal), request.path_params["upload"])
    if workspace_id is None or found is None or found.workspace_id != str(workspace_id):
        return _error(404, "Not found.", "NOT_FOUND")
    return JSONResponse(found.public(), headers=HEADERS)


routes = [
    Route("/workspaces/{workspace}/stock-uploads", upload, methods=["POST"]),
    Route("/workspaces/{workspace}/stock-uploads/{upload}", upload_progress, methods=["GET"]),
]
