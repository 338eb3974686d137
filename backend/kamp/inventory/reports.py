"""Stock coming in: what a customer location had and sold, reported row by row (the web page,
the API), or many thousand rows at a time (a CSV or 852 file, see uploads.py).

A report names its location (ID, or the location's code) and its product (ID, SKU, or the
customer's own item number). Rows are checked one by one, and each problem comes back as a
`RowError` (row, field, message, code), never as Python text. Two modes:

- ALL_OR_NOTHING: a single bad row refuses them all. The rows are still read to the end so
  that every problem is reported at once, but nothing more is written once one is found, and
  `StockRowsRefused` is raised: the caller rolls its transaction back (as for every refused
  request), so nothing of the batches written before the bad row remains either.
- VALID_ROWS: the good rows are written, the bad ones reported.

Rows go to the database in batches of `BATCH_ROWS`, so memory stays flat however many rows
come: only the first `MAX_ERRORS` errors are kept (with the total), and the locations and
products named are looked up once per batch for the names not seen before. On PostgreSQL a
batch's statements run while the next batch is read and its values checked (at most one
batch in flight, see positions.ReportWriter): the database and the parsing share the time
instead of taking turns.

Reports are append-only (a correction is a new report); writing them updates the daily demand
and the positions (positions.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Location
from kamp.auth.policy import Permission, require
from kamp.auth.principal import Principal
from kamp.coediting import access
from kamp.errors import ErrorCode, KampError
from kamp.inventory import positions
from kamp.inventory.models import AssortmentItem, Product, StockSource

BATCH_ROWS = 5_000
MAX_ERRORS = 1_000
# A report may be dated a little ahead of the server's clock (the reporter's clock is not
# ours), but not more; nor older than this (demand that old says nothing of today's).
FUTURE_SKEW = timedelta(minutes=15)
MAX_AGE = timedelta(days=2 * 365)
MAX_PERIOD_DAYS = 366
MAX_QUANTITY = 10**12

QUANTITIES = ("on_hand", "in_transit", "on_order", "committed", "sold")


class IngestMode(StrEnum):
    ALL_OR_NOTHING = "ALL_OR_NOTHING"
    VALID_ROWS = "VALID_ROWS"


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one row: `row` is its number as the sender knows it (the line of a
    CSV file, the segment of an 852 file, the 1-based position in a list), `field` the
    column or field at fault (None: the row as a whole)."""

    row: int
    field: str | None
    message: str
    code: ErrorCode


@dataclass(slots=True)
class StockRowInput:
    """One report as sent, not yet checked: values may be text (a file) or typed (the API).
    A parser that could not read the row at all sets `problem` instead."""

    row: int
    location_id: uuid.UUID | None = None
    location_code: str | None = None
    product_id: uuid.UUID | None = None
    sku: str | None = None
    item_number: str | None = None  # the customer's own item number
    as_of: datetime | date | str | None = None
    period_days: int | str | None = None
    on_hand: int | str | None = None
    in_transit: int | str | None = None
    on_order: int | str | None = None
    committed: int | str | None = None
    sold: int | str | None = None
    stockout_days: int | str | None = None
    problem: RowError | None = None


@dataclass
class IngestResult:
    batch_id: uuid.UUID
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0  # rows with at least one error
    error_count: int = 0  # every error, also those past MAX_ERRORS
    errors: list[RowError] = field(default_factory=list)

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


class StockRowsRefused(KampError):
    """ALL_OR_NOTHING met a bad row: nothing may stay written; the caller rolls back."""

    code = "USER_ERROR"

    def __init__(self, result: IngestResult) -> None:
        super().__init__(f"{result.rejected} rows have errors; no row was recorded.")
        self.result = result


Progress = Callable[[IngestResult], Awaitable[None]]


def may_report(principal: Principal, workspace_id: uuid.UUID) -> None:
    """Refuse before any work (a file upload checks this before it reads the body):
    outsiders learn nothing (NotFound), members without the permission get Forbidden."""
    require(principal, workspace_id, Permission.STOCK_REPORT)


async def record_reports(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    rows: Iterable[StockRowInput] | AsyncIterable[StockRowInput],
    source: StockSource,
    mode: IngestMode = IngestMode.ALL_OR_NOTHING,
    batch_id: uuid.UUID | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Record stock reports of one workspace's locations; see the module's docstring.
    Raises StockRowsRefused (ALL_OR_NOTHING with a bad row)."""
    may_report(principal, workspace_id)
    ingest = _Ingest(session, principal, workspace_id, source, mode, batch_id or uuid.uuid4())
    writer = positions.ReportWriter.open(
        session,
        workspace_id=workspace_id,
        source=source,
        reported_by_id=principal.user_id,
        client_id=principal.client_id,
        batch_id=ingest.result.batch_id,
    )
    try:
        if isinstance(rows, AsyncIterable):
            batch: list[StockRowInput] = []
            async for row in rows:
                batch.append(row)
                if len(batch) >= BATCH_ROWS:
                    await ingest.batch(batch, writer, progress)
                    batch = []
            if batch:
                await ingest.batch(batch, writer, progress)
        else:
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH_ROWS)):
                await ingest.batch(batch, writer, progress)
        await writer.wait()
    finally:
        await writer.close()
    result = ingest.result
    if progress is not None:
        await progress(result)
    if mode == IngestMode.ALL_OR_NOTHING and result.error_count:
        result.accepted = 0
        raise StockRowsRefused(result)
    return result


# --- checking values -------------------------------------------------------------------------

_AMBIGUOUS = object()  # a code or item number that names more than one row


class _Bad(Exception):
    def __init__(self, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        self.message = message
        self.code = code


def _quantity(value: int | str | None, *, required: bool, default: int = 0) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Bad("This field is required.", ErrorCode.REQUIRED)
        return default
    if isinstance(value, bool):
        raise _Bad("Must be a whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = value.strip()
        if not (text.isascii() and (text.isdigit() or (text[0] in "+-" and text[1:].isdigit()))):
            raise _Bad("Must be a whole number.")
        number = int(text)
    if number < 0:
        raise _Bad("Must be 0 or more.")
    if number > MAX_QUANTITY:
        raise _Bad(f"Must be at most {MAX_QUANTITY}.")
    return number


# The quantities files mostly hold, read once: a dictionary look-up instead of checking text.
_SMALL = {str(number): number for number in range(10_000)}

_TIME_HINT = (
    "Give a date (2026-05-03) or a date and time with its UTC offset (2026-05-03T18:00:00+02:00)."
)


def parse_as_of(value: datetime | date | str | None) -> datetime:
    """A report's instant. A date alone means the start of that day in UTC: its period's
    last day is that date (see positions.py)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Bad("This field is required.", ErrorCode.REQUIRED)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise _Bad(f"Not a date. {_TIME_HINT}") from None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _Bad(f"The time has no UTC offset. {_TIME_HINT}")
        return value.astimezone(UTC)
    return datetime.combine(value, time(), tzinfo=UTC)


class _AsOfCache:
    """Files repeat the same few instants: parse each text once."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime | _Bad] = {}

    def __call__(self, value: datetime | date | str | None) -> datetime:
        if not isinstance(value, str):
            return parse_as_of(value)
        found = self._seen.get(value)
        if found is None:
            try:
                found = parse_as_of(value)
            except _Bad as bad:
                found = bad
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[value] = found
        if isinstance(found, _Bad):
            raise found
        return found


def _refs(values: set[str | None]) -> set[str]:
    return {ref for value in values if (ref := _ref(value)) is not None}


def _ref(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


# A checked row: the batch writer's record, in positions.ROW_FIELDS order.
Checked = tuple[uuid.UUID, uuid.UUID, datetime, int, int, int, int, int, int, int, int]
# A row's checked values (as_of .. stockout_days), or what is wrong with them (field, message,
# code), or None for a row the parser could not read.
_Values = (
    tuple[datetime, int, int, int, int, int, int, int] | list[tuple[str, str, ErrorCode]] | None
)


class _Ingest:
    def __init__(
        self,
        session: AsyncSession,
        principal: Principal,
        workspace_id: uuid.UUID,
        source: StockSource,
        mode: IngestMode,
        batch_id: uuid.UUID,
    ) -> None:
        self.session = session
        self.principal = principal
        self.workspace_id = workspace_id
        self.source = source
        self.mode = mode
        self.result = IngestResult(batch_id=batch_id)
        self.as_of = _AsOfCache()
        self.now = clock.now()
        self.earliest, self.latest = self.now - MAX_AGE, self.now + FUTURE_SKEW
        # What each reference named, once looked up (None: nothing, or nothing visible).
        self.location_ids: dict[uuid.UUID, uuid.UUID | None] = {}
        self.location_codes: dict[str, Any] = {}
        self.product_ids: dict[uuid.UUID, uuid.UUID | None] = {}
        self.skus: dict[str, uuid.UUID | None] = {}
        self.item_numbers: dict[str, Any] = {}

    async def batch(
        self, rows: list[StockRowInput], writer: positions.ReportWriter, progress: Progress | None
    ) -> None:
        """Check a batch and hand it to the writer. The rows' values are checked while the
        previous batch is still being written (on PostgreSQL); the references, which may need
        the database, once it is."""
        values = [self._values(row) for row in rows]
        await writer.wait()
        if progress is not None and self.result.rows_read:
            await progress(self.result)  # the batches before this one are written
        self.result.rows_read += len(rows)
        await self._look_up(rows)
        checked: list[Checked] = []
        for row, found in zip(rows, values, strict=True):
            errors: list[RowError] = []
            record = self._check(row, found, errors)
            if errors or record is None:
                self.result.rejected += 1
                for error in errors:
                    self.result.add_error(error)
            else:
                checked.append(record)
        if self.mode == IngestMode.ALL_OR_NOTHING and self.result.error_count:
            return  # nothing will stay: write no more
        if checked:
            await writer.write(checked)
            self.result.accepted += len(checked)

    def _values(self, row: StockRowInput) -> _Values:
        """The row's instant and quantities, and what is wrong with them (in the order the
        errors are reported); no database."""
        if row.problem is not None:
            return None
        errors: list[tuple[str, str, ErrorCode]] = []
        as_of: datetime | None = None
        try:
            as_of = self.as_of(row.as_of)
            if as_of > self.latest:
                errors.append(("as_of", "Lies in the future.", ErrorCode.INVALID))
            elif as_of < self.earliest:
                errors.append(("as_of", "Is more than two years old.", ErrorCode.INVALID))
        except _Bad as problem:
            errors.append(("as_of", problem.message, problem.code))
        values: list[int] = []
        for name in QUANTITIES:
            value = getattr(row, name)
            number = _SMALL.get(value) if type(value) is str else None
            if number is not None:
                values.append(number)
                continue
            try:
                values.append(_quantity(value, required=name == "on_hand"))
            except _Bad as problem:
                errors.append((name, problem.message, problem.code))
        period = _SMALL.get(row.period_days) if type(row.period_days) is str else None
        if period is None:
            try:
                period = _quantity(row.period_days, required=False, default=1)
            except _Bad as problem:
                period = 1
                errors.append(("period_days", problem.message, problem.code))
            else:
                if not 1 <= period <= MAX_PERIOD_DAYS:
                    message = f"Must be between 1 and {MAX_PERIOD_DAYS}."
                    errors.append(("period_days", message, ErrorCode.INVALID))
        elif not 1 <= period <= MAX_PERIOD_DAYS:
            message = f"Must be between 1 and {MAX_PERIOD_DAYS}."
            errors.append(("period_days", message, ErrorCode.INVALID))
        stockout = _SMALL.get(row.stockout_days) if type(row.stockout_days) is str else None
        if stockout is None:
            try:
                stockout = _quantity(row.stockout_days, required=False)
            except _Bad as problem:
                stockout = 0
                errors.append(("stockout_days", problem.message, problem.code))
            else:
                if stockout > period:
                    message = "Cannot exceed the period's days."
                    errors.append(("stockout_days", message, ErrorCode.INVALID))
        elif stockout > period:
            errors.append(("stockout_days", "Cannot exceed the period's days.", ErrorCode.INVALID))
        if errors or as_of is None:
            return errors
        on_hand, in_transit, on_order, committed, sold = values
        return (as_of, period, on_hand, in_transit, on_order, committed, sold, stockout)

    def _check(self, row: StockRowInput, found: _Values, errors: list[RowError]) -> Checked | None:
        if row.problem is not None:
            errors.append(row.problem)
            return None
        number = row.row

        def bad(field: str | None, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
            errors.append(RowError(number, field, message, code))

        location = self._location(row, bad)
        product = self._product(row, bad)
        if isinstance(found, list):
            for field_name, message, code in found:
                bad(field_name, message, code)
            return None
        if found is None or errors or location is None or product is None:
            return None
        return (location, product, *found, number)

    def _location(self, row: StockRowInput, bad: Callable[..., None]) -> uuid.UUID | None:
        if row.location_id is not None:
            found = self.location_ids.get(row.location_id)
            if found is None:
                bad("location", "No such location in this workspace.", ErrorCode.NOT_FOUND)
            return found
        raw = row.location_code
        if raw is not None and isinstance(found_raw := self.location_codes.get(raw), uuid.UUID):
            return found_raw  # the caches' keys are stripped: a hit is exact
        code = _ref(raw)
        if code is None:
            bad("location", "Name the location (its ID or code).", ErrorCode.REQUIRED)
            return None
        found_code = self.location_codes.get(code)
        if found_code is _AMBIGUOUS:
            bad("location", "Several locations have this code; use the location's ID.")
            return None
        if found_code is None:
            bad("location", "No location has this code in this workspace.", ErrorCode.NOT_FOUND)
            return None
        return found_code

    def _product(self, row: StockRowInput, bad: Callable[..., None]) -> uuid.UUID | None:
        missing = "This product is not in the account's assortment."
        if row.product_id is not None:
            found = self.product_ids.get(row.product_id)
            if found is None:
                bad("product", missing, ErrorCode.NOT_FOUND)
            return found
        if row.sku is not None and (found := self.skus.get(row.sku)) is not None:
            return found
        if (sku := _ref(row.sku)) is not None:
            found = self.skus.get(sku)
            if found is None:
                bad("product", missing, ErrorCode.NOT_FOUND)
            return found
        if (item := _ref(row.item_number)) is not None:
            found_item = self.item_numbers.get(item)
            if found_item is _AMBIGUOUS:
                bad("product", "Several products have this item number; use the SKU.")
                return None
            if found_item is None:
                bad("product", missing, ErrorCode.NOT_FOUND)
                return None
            return found_item
        bad("product", "Name the product (its ID, SKU or item number).", ErrorCode.REQUIRED)
        return None

    async def _look_up(self, rows: list[StockRowInput]) -> None:
        """Resolve the references of a batch not seen before: at most five queries."""
        location_ids = {r.location_id for r in rows if r.location_id is not None}
        location_ids -= self.location_ids.keys()
        codes = _refs({r.location_code for r in rows if r.location_id is None})
        codes -= self.location_codes.keys()
        product_ids = {r.product_id for r in rows if r.product_id is not None}
        product_ids -= self.product_ids.keys()
        skus = _refs({r.sku for r in rows if r.product_id is None})
        skus -= self.skus.keys()
        items = _refs(
            {
                r.item_number
                for r in rows
                if r.product_id is None and (r.sku is None or _ref(r.sku) is None)
            }
        )
        items -= self.item_numbers.keys()
        # Only this workspace's locations: another's is "no such location", like a missing one.
        if location_ids:
            found = set(
                await self.session.scalars(
                    select(Location.id).where(
                        Location.workspace_id == self.workspace_id,
                        Location.id.in_(location_ids),
                    )
                )
            )
            for location_id in location_ids:
                self.location_ids[location_id] = location_id if location_id in found else None
        if codes:
            rows_found = await self.session.execute(
                select(Location.code, Location.id).where(
                    Location.workspace_id == self.workspace_id, Location.code.in_(codes)
                )
            )
            for code in codes:
                self.location_codes[code] = None
            for code, location_id in rows_found.all():
                seen = self.location_codes[code]
                self.location_codes[code] = location_id if seen is None else _AMBIGUOUS
        # Only the assortment items the principal sees: an INTERNAL one, or a product of the
        # catalogue the account does not buy, is "not in the assortment", like a missing one.
        visible = access.visible(AssortmentItem, self.principal, Permission.STOCK_REPORT)
        base = (
            select(AssortmentItem.product_id, Product.sku, AssortmentItem.customer_item_number)
            .join(Product, Product.id == AssortmentItem.product_id)
            .where(AssortmentItem.workspace_id == self.workspace_id, visible)
        )
        if product_ids:
            found = set(
                await self.session.scalars(
                    select(AssortmentItem.product_id).where(
                        AssortmentItem.workspace_id == self.workspace_id,
                        AssortmentItem.product_id.in_(product_ids),
                        visible,
                    )
                )
            )
            for product_id in product_ids:
                self.product_ids[product_id] = product_id if product_id in found else None
        if skus:
            for sku in skus:
                self.skus[sku] = None
            for product_id, sku, _item in (
                await self.session.execute(base.where(Product.sku.in_(skus)))
            ).all():
                self.skus[sku] = product_id
        if items:
            for item in items:
                self.item_numbers[item] = None
            result = await self.session.execute(
                base.where(AssortmentItem.customer_item_number.in_(items))
            )
            for product_id, _sku, item in result.all():
                seen = self.item_numbers[item]
                self.item_numbers[item] = product_id if seen is None else _AMBIGUOUS
