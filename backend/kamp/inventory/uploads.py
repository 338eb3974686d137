"""Stock report files: a CSV file or an 852 file (edi852.py), read as a stream and recorded in
batches (reports.py), and the progress of each upload, for the page's progress bar.

The CSV file has a header row naming its columns, in any order:

    location_code, sku, as_of, period_days, on_hand, in_transit, on_order, committed, sold,
    stockout_days

`location_code`, `as_of`, `on_hand` and `sku` (or `item_number`, the customer's own) are
required; the others default to 0 (`period_days` to 1). Rows are numbered by their line in the
file (the header is line 1). UTF-8, with or without a byte order mark."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import BinaryIO, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.principal import Principal
from kamp.errors import ErrorCode
from kamp.inventory import edi852
from kamp.inventory.models import StockSource
from kamp.inventory.reports import (
    IngestMode,
    IngestResult,
    RowError,
    StockRowInput,
    record_reports,
)


class FileFormat(StrEnum):
    CSV = "csv"
    EDI_852 = "852"


SOURCES = {FileFormat.CSV: StockSource.CSV, FileFormat.EDI_852: StockSource.EDI_852}

CSV_COLUMNS = (
    "location_code",
    "sku",
    "item_number",
    "as_of",
    "period_days",
    "on_hand",
    "in_transit",
    "on_order",
    "committed",
    "sold",
    "stockout_days",
)
_REQUIRED = ("location_code", "as_of", "on_hand")


def _file_problem(line: int, field: str | None, message: str) -> StockRowInput:
    return StockRowInput(row=line, problem=RowError(line, field, message, ErrorCode.INVALID))


def read_csv(stream: BinaryIO) -> Iterator[StockRowInput]:
    """The rows of a CSV file (a row with `problem` set for each broken line)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from _csv_rows(csv.reader(text))
    except UnicodeDecodeError:
        yield _file_problem(0, None, "The file is not UTF-8 text; nothing after this was read.")
    finally:
        text.detach()  # the caller's file stays open


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[StockRowInput]:
    try:
        header = next(reader)
    except StopIteration:
        yield _file_problem(1, None, "The file is empty.")
        return
    except csv.Error:
        yield _file_problem(1, None, "The header row cannot be read.")
        return
    names = [name.strip().lower() for name in header]
    for name in names:
        if name not in CSV_COLUMNS:
            yield _file_problem(1, name, f"Unknown column {name[:50]!r}.")
            return
    if len(set(names)) != len(names):
        yield _file_problem(1, None, "A column is named twice.")
        return
    missing = [name for name in _REQUIRED if name not in names]
    if "sku" not in names and "item_number" not in names:
        missing.append("sku")
    if missing:
        yield _file_problem(1, missing[0], f"The column {missing[0]!r} is missing.")
        return
    width = len(names)
    index = {name: names.index(name) for name in names}
    line_num = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            line_num += 1
            yield _file_problem(line_num, None, "This line cannot be read as CSV.")
            continue
        line_num = getattr(reader, "line_num", line_num + 1)
        if not "".join(values).strip():
            continue  # a blank line
        if len(values) != width:
            yield _file_problem(line_num, None, f"Expected {width} values, found {len(values)}.")
            continue
        row = StockRowInput(row=line_num)
        for name, position in index.items():
            setattr(row, name, values[position])
        yield row


def read_rows(stream: BinaryIO, file_format: FileFormat) -> Iterator[StockRowInput]:
    if file_format == FileFormat.EDI_852:
        return edi852.read_852(stream)
    return read_csv(stream)


# --- progress -----------------------------------------------------------------------------------


class UploadStatus(StrEnum):
    RECEIVING = "RECEIVING"
    PROCESSING = "PROCESSING"
    DONE = "DONE"
    REFUSED = "REFUSED"  # ALL_OR_NOTHING with bad rows: nothing recorded
    FAILED = "FAILED"  # too large, or an unexpected failure


@dataclass
class UploadProgress:
    upload_id: str
    owner: str  # who uploaded it: only they read its progress
    workspace_id: str
    status: UploadStatus = UploadStatus.RECEIVING
    bytes_total: int | None = None
    bytes_done: int = 0
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    batch_id: str | None = None
    updated_at: float = field(default_factory=time.time)

    def public(self) -> dict[str, object]:
        return {
            "uploadId": self.upload_id,
            "status": self.status.value,
            "bytesTotal": self.bytes_total,
            "bytesDone": self.bytes_done,
            "rowsRead": self.rows_read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "batchId": self.batch_id,
        }


def owner_of(principal: Principal) -> str:
    return f"user:{principal.user_id}" if principal.user_id else f"client:{principal.client_id}"


class ProgressBoard(Protocol):
    async def put(self, progress: UploadProgress) -> None: ...

    async def get(self, owner: str, upload_id: str) -> UploadProgress | None: ...


class MemoryProgressBoard:
    """One process's uploads (the embedded setup): the latest `size` kept."""

    def __init__(self, size: int = 1_000) -> None:
        self._items: OrderedDict[tuple[str, str], UploadProgress] = OrderedDict()
        self._size = size

    async def put(self, progress: UploadProgress) -> None:
        key = (progress.owner, progress.upload_id)
        self._items[key] = progress
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    async def get(self, owner: str, upload_id: str) -> UploadProgress | None:
        return self._items.get((owner, upload_id))


class RedisProgressBoard:
    """Shared by every server process: an upload's progress is read from any of them."""

    TTL_SECONDS = 3600

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @staticmethod
    def _key(owner: str, upload_id: str) -> str:
        return f"kamp:stock-upload:{owner}:{upload_id}"

    async def put(self, progress: UploadProgress) -> None:
        data = asdict(progress)
        await self._redis.set(
            self._key(progress.owner, progress.upload_id), json.dumps(data), ex=self.TTL_SECONDS
        )

    async def get(self, owner: str, upload_id: str) -> UploadProgress | None:
        raw = await self._redis.get(self._key(owner, upload_id))
        if raw is None:
            return None
        data = json.loads(raw)
        data["status"] = UploadStatus(data["status"])
        return UploadProgress(**data)


# --- recording a file ---------------------------------------------------------------------------


async def ingest_file(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    file: BinaryIO,
    file_format: FileFormat,
    mode: IngestMode,
    board: ProgressBoard | None = None,
    progress: UploadProgress | None = None,
) -> IngestResult:
    """Record the stock reports of a file (positioned at its start; read to its end once).
    Raises StockRowsRefused like `record_reports`."""
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    batch_id = uuid.uuid4()

    async def report(result: IngestResult) -> None:
        if board is None or progress is None:
            return
        progress.status = UploadStatus.PROCESSING
        progress.bytes_total = size
        progress.bytes_done = min(file.tell(), size)
        progress.rows_read = result.rows_read
        progress.accepted = result.accepted
        progress.rejected = result.rejected
        progress.batch_id = str(result.batch_id)
        progress.updated_at = time.time()
        await board.put(progress)

    return await record_reports(
        session,
        principal=principal,
        workspace_id=workspace_id,
        rows=read_rows(file, file_format),
        source=SOURCES[file_format],
        mode=mode,
        batch_id=batch_id,
        progress=report,
    )
