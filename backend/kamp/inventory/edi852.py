"""852-style product activity files (ANSI X12 852, "Product Activity Data"), read as a stream.

kamp reads a small, documented subset, enough for a customer's ERP to send what each site
has and sold:

    ISA*...*U*00401*000000001*0*P*>~       the envelope: fixes the separators (see below)
    GS*PD*SENDER*RECEIVER*20260503*1200*1*X*004010~
    ST*852*0001~                           one transaction set per location (or several)
    XQ*H*20260427*20260503~                the period: start and end dates (CCYYMMDD); one
                                           date alone is a one-day period
    N1*RL*Branch Lyon*92*LYON-01~          the location: N104 is its code in kamp
    LIN**SK*SKU-1001~                      an item: (qualifier, ID) pairs; SK, VN, VP or MG
                                           name the supplier's SKU, BP or IN the customer's
                                           own item number (the first pair kamp knows wins)
    ZA*QA*120*EA~                          activities of the item: quantity in ZA02
    ZA*QS*35*EA~
    SE*8*0001~                             SE01 counts the set's segments, ST and SE included
    GE*1*1~
    IEA*1*000000001~

Activity codes (ZA01): QA on hand, QS sold, QP on order, QI in transit, QC committed, QO out of
stock. QO's quantity is the number of days of the period the item was out of stock (X12 leaves
its unit to the partners; days is what the demand statistics need). Other codes and other
segments (N9, DTM, REF, CTT, SDQ...) are skipped. The report's instant is the start of the
period's end date in UTC, its period the days from start to end, both included.

The separators come from the ISA segment, which has a fixed width: the element separator is
its 4th character, the segment terminator its 106th; line breaks around segments are ignored.
Each item (LIN and its ZAs) becomes one row numbered by its LIN segment's position in the file
(1-based), and a broken segment is a row error at its own position. The file is read in chunks:
memory does not grow with its size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from kamp.errors import ErrorCode
from kamp.inventory.reports import RowError, StockRowInput

CHUNK = 64 * 1024
MAX_SEGMENT = 16 * 1024
ISA_LENGTH = 106

ACTIVITIES = {
    "QA": "on_hand",
    "QS": "sold",
    "QP": "on_order",
    "QI": "in_transit",
    "QC": "committed",
    "QO": "stockout_days",
}
SKU_QUALIFIERS = frozenset({"SK", "VN", "VP", "MG"})
ITEM_QUALIFIERS = frozenset({"BP", "IN"})


class Broken(Exception):
    def __init__(self, number: int, message: str) -> None:
        self.error = RowError(number, None, message, ErrorCode.INVALID)


def segments(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """(position, elements) of each segment; raises Broken when the file cannot be read on."""
    head = stream.read(ISA_LENGTH).decode("latin-1")
    start = len(head) - len(head.lstrip())
    if start:  # leading blank lines
        head = head[start:] + stream.read(start).decode("latin-1")
    if not head.startswith("ISA") or len(head) < ISA_LENGTH:
        raise Broken(1, "Not an 852 file: it must begin with an ISA segment of 106 characters.")
    element, terminator = head[3], head[105]
    if element.isalnum() or terminator.isalnum() or element == terminator:
        raise Broken(1, "The ISA segment's separators are not valid.")
    number = 1
    yield number, head[:105].split(element)
    buffer = ""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        buffer += chunk.decode("latin-1")
        *complete, buffer = buffer.split(terminator)
        for text in complete:
            text = text.strip()
            if text:
                number += 1
                yield number, text.split(element)
        if len(buffer) > MAX_SEGMENT:
            raise Broken(number + 1, "A segment is too long (no segment terminator?).")
    if buffer.strip():
        number += 1
        yield number, buffer.strip().split(element)


def _date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _get(elements: list[str], index: int) -> str:
    return elements[index].strip() if index < len(elements) else ""


@dataclass
class _Item:
    number: int
    location: str | None
    period: tuple[date, date] | None
    sku: str | None = None
    item_number: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    problem: RowError | None = None

    def row(self) -> StockRowInput:
        if self.problem is not None:
            return StockRowInput(row=self.number, problem=self.problem)
        if self.location is None:
            return _problem(self.number, "No N1 segment names the location of this item.")
        if self.period is None:
            return _problem(self.number, "No valid XQ segment gives the period of this item.")
        if "on_hand" not in self.values:
            return StockRowInput(
                row=self.number,
                problem=RowError(
                    self.number, "on_hand", "The item has no ZA*QA (on hand).", ErrorCode.REQUIRED
                ),
            )
        start, end = self.period
        return StockRowInput(
            row=self.number,
            location_code=self.location,
            sku=self.sku,
            item_number=self.item_number,
            as_of=end,
            period_days=(end - start).days + 1,
            **self.values,  # type: ignore[arg-type]  # names of StockRowInput's quantities
        )


def _problem(number: int, message: str) -> StockRowInput:
    return StockRowInput(row=number, problem=RowError(number, None, message, ErrorCode.INVALID))


def read_852(stream: BinaryIO) -> Iterator[StockRowInput]:
    """The rows of an 852 file (a row with `problem` set for each broken segment)."""
    location: str | None = None
    period: tuple[date, date] | None = None
    item: _Item | None = None
    opened: int | None = None  # the ST segment's position, while a set is open
    skipping = False  # inside a transaction set that is not an 852
    try:
        for number, elements in segments(stream):
            tag = elements[0].strip().upper()
            if tag == "ST":
                if item is not None:
                    yield item.row()
                    item = None
                if opened is not None:
                    yield _problem(number, "ST before the previous set's SE.")
                opened, location, period = number, None, None
                skipping = _get(elements, 1) != "852"
                if skipping:
                    yield _problem(number, "This transaction set is not an 852; it is skipped.")
                continue
            if skipping and tag != "SE":
                continue
            if tag == "SE":
                if item is not None:
                    yield item.row()
                    item = None
                if opened is None:
                    yield _problem(number, "SE without its ST.")
                elif not skipping:
                    count = _get(elements, 1)
                    actual = number - opened + 1
                    if count != str(actual):
                        yield _problem(
                            number,
                            f"SE01 says {count or 'nothing'}, the set has {actual} segments.",
                        )
                opened, skipping = None, False
                continue
            if tag == "XQ":
                start, end = _date(_get(elements, 2)), _date(_get(elements, 3) or _get(elements, 2))
                if start is None or end is None or end < start:
                    period = None
                    yield _problem(number, "XQ needs a start date and an end date (CCYYMMDD).")
                else:
                    period = (start, end)
            elif tag == "N1":
                code = _get(elements, 4)
                location = code or None
                if location is None:
                    yield _problem(number, "N1 needs the location's code in N104.")
            elif tag == "LIN":
                if item is not None:
                    yield item.row()
                item = _Item(number, location, period)
                pairs = [
                    (_get(elements, i).upper(), _get(elements, i + 1))
                    for i in range(2, len(elements), 2)
                ]
                for qualifier, value in pairs:
                    if not value:
                        continue
                    if qualifier in SKU_QUALIFIERS:
                        item.sku = value
                        break
                    if qualifier in ITEM_QUALIFIERS:
                        item.item_number = value
                        break
                else:
                    item.problem = RowError(
                        number,
                        "product",
                        "LIN names no product by SKU (SK, VN, VP, MG) or item number (BP, IN).",
                        ErrorCode.REQUIRED,
                    )
            elif tag == "ZA":
                name = ACTIVITIES.get(_get(elements, 1).upper())
                if name is None:
                    continue
                if item is None:
                    yield _problem(number, "ZA before any LIN.")
                elif name in item.values and item.problem is None:
                    item.problem = RowError(
                        number, name, f"ZA*{_get(elements, 1)} is given twice.", ErrorCode.INVALID
                    )
                else:
                    item.values[name] = _get(elements, 2)
    except Broken as broken:
        if item is not None:
            yield item.row()
            item = None
        yield StockRowInput(row=broken.error.row, problem=broken.error)
        return
    if item is not None:
        yield item.row()
    if opened is not None:
        yield _problem(opened, "The file ends inside this transaction set (no SE).")
