"""Reading files as streams: the 852 subset and the CSV layout, broken segments and broken
lines, and memory that does not grow with the file."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date

from kamp.errors import ErrorCode
from kamp.inventory.edi852 import read_852
from kamp.inventory.reports import RowError
from kamp.inventory.uploads import read_csv

ISA = (
    "ISA*00*          *00*          *ZZ*CUSTOMER       *ZZ*SUPPLIER       "
    "*260503*1200*U*00401*000000001*0*P*>~"
)


def interchange(*sets: str, isa: str = ISA) -> bytes:
    assert len(isa) == 106
    return (
        isa
        + "\n"
        + "GS*PD*CUSTOMER*SUPPLIER*20260503*1200*1*X*004010~\n"
        + "".join(sets)
        + "GE*1*1~\nIEA*1*000000001~\n"
    ).encode()


def transaction(*body: str, count: int | None = None) -> str:
    segments = ["ST*852*0001", *body]
    return "~\n".join([*segments, f"SE*{count or len(segments) + 1}*0001"]) + "~\n"


def rows(data: bytes, reader=read_852):
    return list(reader(io.BytesIO(data)))


def test_an_852_file_gives_one_row_per_item():
    data = interchange(
        transaction(
            "XQ*H*20260427*20260503",
            "N1*RL*Branch Lyon*92*A-1",
            "LIN**SK*SKU-1",
            "ZA*QA*120*EA",
            "ZA*QS*35*EA",
            "ZA*QP*10*EA",
            "ZA*QI*4*EA",
            "ZA*QC*3*EA",
            "ZA*QO*2*DA",
            "ZA*QU*999*EA",  # not in the subset: skipped
            "DTM*036*20260503",
            "LIN**UP*0123456789*BP*C-200",
            "ZA*QA*7*EA",
        ),
        transaction("XQ*H*20260503", "N1*RL*Branch 2*92*A-2", "LIN**VN*SKU-2", "ZA*QA*0"),
    )
    found = rows(data)
    assert [r.problem for r in found] == [None, None, None]
    first, second, third = found
    assert (first.row, first.location_code, first.sku, first.as_of, first.period_days) == (
        6,
        "A-1",
        "SKU-1",
        date(2026, 5, 3),
        7,
    )
    assert (first.on_hand, first.sold, first.on_order, first.in_transit) == ("120", "35", "10", "4")
    assert (first.committed, first.stockout_days) == ("3", "2")
    assert (second.item_number, second.sku, second.on_hand, second.sold) == (
        "C-200",
        None,
        "7",
        None,
    )
    assert (third.location_code, third.sku, third.period_days, third.on_hand) == (
        "A-2",
        "SKU-2",
        1,
        "0",
    )


def test_separators_come_from_the_isa_segment():
    isa = ISA.replace("*", "|").replace("~", "\n")
    body = "\n".join(
        ["ST|852|0001", "XQ|H|20260503", "N1|RL|X|92|A-1", "LIN||SK|SKU-1", "ZA|QA|5", "SE|6|0001"]
    )
    found = rows((isa + body + "\n").encode())
    assert [(r.problem, r.sku, r.on_hand) for r in found] == [(None, "SKU-1", "5")]


def test_broken_segments_are_row_errors_at_their_place():
    data = interchange(
        transaction(
            "XQ*H*20261340",  # 4: no such date
            "N1*RL*Lyon*92*A-1",
            "LIN**SK*SKU-1",  # 6: no valid period
            "ZA*QA*1",
        ),
        transaction(
            "XQ*H*20260503",
            "LIN**SK*SKU-1",  # 11: no N1 before it
            "ZA*QA*1",
            "N1*RL*Lyon",  # 13: no code
            "N1*RL*Lyon*92*A-1",
            "LIN**UP*0123",  # 15: no SKU or item number
            "ZA*QA*1",
            "LIN**SK*SKU-2",
            "ZA*QA*1",
            "ZA*QA*2",  # 19: QA twice
            "LIN**SK*SKU-3",  # 20: read; its quantity is checked with the row (reports.py)
            "ZA*QS*4",
            "ZA*QA*abc",
            count=99,  # 23: wrong count
        ),
        transaction("ST*830*0002"),  # 25: a set inside a set, and not an 852
    )
    found = rows(data)
    problems = sorted((r.problem for r in found if r.problem), key=lambda p: (p.row, p.message))
    invalid = ErrorCode.INVALID
    assert problems == [
        RowError(4, None, "XQ needs a start date and an end date (CCYYMMDD).", invalid),
        RowError(6, None, "No valid XQ segment gives the period of this item.", invalid),
        RowError(11, None, "No N1 segment names the location of this item.", invalid),
        RowError(13, None, "N1 needs the location's code in N104.", invalid),
        RowError(
            15,
            "product",
            "LIN names no product by SKU (SK, VN, VP, MG) or item number (BP, IN).",
            ErrorCode.REQUIRED,
        ),
        RowError(19, "on_hand", "ZA*QA is given twice.", invalid),
        RowError(23, None, "SE01 says 99, the set has 15 segments.", invalid),
        RowError(25, None, "ST before the previous set's SE.", invalid),
        RowError(25, None, "This transaction set is not an 852; it is skipped.", invalid),
    ]
    (good,) = [r for r in found if r.problem is None]
    assert (good.row, good.sku, good.on_hand, good.sold) == (20, "SKU-3", "abc", "4")


def test_files_that_are_no_852():
    for data in (b"", b"location_code,sku\n", b"ISA*short~"):
        (only,) = rows(data)
        assert only.problem.row == 1 and "ISA" in only.problem.message
    # Cut short: the last set never ends.
    data = (ISA + "ST*852*1~XQ*H*20260503~N1*RL*X*92*A-1~LIN**SK*SKU-1~ZA*QA*3").encode()
    found = rows(data)
    assert (found[0].problem, found[0].on_hand) == (None, "3")
    assert found[1].problem == RowError(
        2, None, "The file ends inside this transaction set (no SE).", ErrorCode.INVALID
    )
    # A segment that never ends is refused before it fills the memory.
    found = rows((ISA + "ST*852*1~" + "X" * 100_000).encode())
    assert found[-1].problem.message == "A segment is too long (no segment terminator?)."


CSV_HEADER = (
    "location_code,sku,as_of,period_days,on_hand,in_transit,on_order,committed,sold,stockout_days\n"
)


def test_a_csv_file_with_broken_lines():
    data = (
        "\ufeff"
        + CSV_HEADER
        + "A-1,SKU-1,2026-05-03T10:00:00+02:00,1,10,0,0,0,3,0\n"
        + "A-1,SKU-2,2026-05-03,1,10,0,0\n"  # 3: too few values
        + "\n"  # 4: blank, skipped
        + '"A-2","SKU-1","2026-05-03",7,"5",1,2,3,4,1\n'
        + "A-1,SKU-1,2026-05-03,1,10,0,0,0,3,0,extra\n"  # 6: too many
    ).encode()
    found = rows(data, read_csv)
    assert [r.row for r in found] == [2, 3, 5, 6]
    good, short, quoted, long = found
    assert (good.problem, good.location_code, good.as_of, good.sold) == (
        None,
        "A-1",
        "2026-05-03T10:00:00+02:00",
        "3",
    )
    assert short.problem == RowError(3, None, "Expected 10 values, found 7.", ErrorCode.INVALID)
    assert (quoted.location_code, quoted.period_days, quoted.stockout_days) == ("A-2", "7", "1")
    assert long.problem.message == "Expected 10 values, found 11."


def test_csv_headers_are_checked_first():
    cases = {
        b"": "The file is empty.",
        b"location_code,sku,as_of,onhand\nA-1,SKU-1,2026-05-03,1\n": "Unknown column 'onhand'.",
        b"location_code,sku,as_of\n": "The column 'on_hand' is missing.",
        b"location_code,as_of,on_hand\n": "The column 'sku' is missing.",
        b"sku,sku,location_code,as_of,on_hand\n": "A column is named twice.",
    }
    for data, message in cases.items():
        (only,) = rows(data, read_csv)
        assert (only.problem.row, only.problem.message) == (1, message)
    # Columns in any order; item_number in place of sku.
    (row,) = rows(b"on_hand,item_number,as_of,location_code\n4,C-100,2026-05-03,A-1\n", read_csv)
    assert (row.on_hand, row.item_number, row.sku, row.location_code) == ("4", "C-100", None, "A-1")
    # Not UTF-8: said once, and reading stops.
    found = rows(CSV_HEADER.encode() + b"A-1,SKU-\xff\xfe,2026-05-03,1,1,0,0,0,0,0\n" * 3, read_csv)
    assert found[-1].problem.message == "The file is not UTF-8 text; nothing after this was read."


def _peak(reader, path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = 0
        with open(path, "rb") as file:
            for _row in reader(file):
                count += 1
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_file(tmp_path):
    """200,000 rows (about 14 MB of CSV) are read within the memory of a few rows: the peak
    is the same for a file ten times smaller."""
    sizes = {}
    for count in (20_000, 200_000):
        path = tmp_path / f"{count}.csv"
        with open(path, "w") as file:
            file.write(CSV_HEADER)
            line = "A-{},SKU-{},2026-05-03T10:00:00+00:00,1,{},0,0,0,3,0\n"
            file.writelines(line.format(n % 100, n, n) for n in range(count))
        read, peak = _peak(read_csv, path)
        assert read == count
        sizes[count] = (path.stat().st_size, peak)
    assert sizes[200_000][0] > 10_000_000
    assert sizes[200_000][1] < 1_000_000
    assert sizes[200_000][1] < 2 * sizes[20_000][1]
    # The same for an 852 file.
    path = tmp_path / "big.852"
    with open(path, "w") as file:
        file.write(ISA + "ST*852*1~XQ*H*20260503~N1*RL*X*92*A-1~")
        file.writelines(f"LIN**SK*SKU-{n}~ZA*QA*{n}~ZA*QS*3~" for n in range(100_000))
        file.write(f"SE*{300_004}*1~")
    read, peak = _peak(read_852, path)
    assert read == 100_000 and peak < 1_000_000
