"""Reading an uploaded Excel workbook (.xlsx, .xlsm) within limits, so that no file — a zip bomb, a
sheet that declares a million rows, an XML bomb, a damaged or renamed file — can take a worker's
memory or time, or end in a 500.

An .xlsx is a zip of XML members. Before openpyxl sees the file it is checked as a zip:

- the file's size (`max_file_bytes`) and its number of members (`max_members`);
- each member's uncompressed size and the sum of them (`max_member_size`, `max_total`), first as
  the zip directory states them and then again while every member is actually decompressed (the
  directory is written by whoever made the file: it is not trusted alone);
- the compression ratio of every member larger than 1 MiB uncompressed (`max_ratio`);
- the XML members: no DTD (`<!DOCTYPE`) and no entity declarations (`<!ENTITY`) — which rules out
  XXE and "billion laughs" — only UTF-8 (a declared other encoding, or UTF-16, could hide a DTD from
  the byte scan); at most `max_cells` cells (`<c>`) or shared strings (`<si>`) per member; and
  a worksheet's declared size (`<dimension ref="A1:XFD1048576"/>`) at most `max_rows` × `max_cols`;
- macro-enabled workbooks (a `vbaProject.bin`) only when `allow_macros=True`; the macros are never
  run nor kept — openpyxl reads the cells only.

Then openpyxl opens it in read-only mode (nothing but the workbook's list of sheets, its names and
shared strings is read up front) and cells are read only in the ranges the caller asks for, with a
time budget (`seconds`, counted from the call that opened the file) checked after every row.

Every refusal is one exception, `WorkbookRejected(reason)`, whose `reason` is one of `REASONS`;
`message(reason)` in the web layer turns it into a sentence for the user.

API, for every import (the scorecard's own layout, UNDRR's official workbook, …)::

    from training.services.workbook_limits import WorkbookRejected, open_workbook_safely, read_ranges

    # one pass per sheet over the bounding box of the ranges asked for:
    values = read_ranges(data, {"Info": ["D4:D7", "C10:C22"], "E01": ["B3:E100"]}, allow_macros=True)
    values["Info"]["D4:D7"]          # -> [[city], [type], [country], [date]] (rows of values)

    # or, for more control:
    with open_workbook_safely(data, max_rows=500, max_cols=30) as book:
        book.sheetnames               # ["Cover", "Info", …]
        for row in book.rows("E01", min_row=2, max_row=200, max_col=9):
            ...                       # tuples of values; WorkbookRejected("too_slow") past the budget
        book.cells("Info", "D4:D7")   # a list of rows of values
        book.book                     # the openpyxl read-only workbook itself (defined names, …)

Limits are keyword arguments with the defaults of `WorkbookLimits` (they fit UNDRR's official tool:
385 members, 3.1 MB uncompressed, ratio below 14, largest sheet A1:R402). Decisions and the reasons
for every number: docs/bounded-input.md.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

REASONS = (
    "too_large",  # the file is larger than max_file_bytes
    "not_a_workbook",  # not a zip, truncated, damaged, or openpyxl cannot read it
    "too_many_members",  # more members in the zip than max_members
    "member_too_large",  # a member larger than max_member_size (declared or found while reading)
    "too_much_data",  # the members together larger than max_total
    "too_compressed",  # a member compressed more than max_ratio times (a zip bomb)
    "forbidden_xml",  # a DTD, an entity declaration, or an encoding other than UTF-8
    "too_many_cells",  # a sheet declares (or holds) more rows, columns or cells than allowed
    "macros",  # a macro-enabled workbook where macros are not accepted
    "too_slow",  # reading took longer than the time budget
    "missing_sheet",  # read_ranges: a sheet asked for is not in the workbook
)
RATIO_FROM = 1024 * 1024  # the ratio is judged on members at least this large, uncompressed
CHUNK = 64 * 1024
TAIL = 4096  # longer than any tag the scan looks for


class WorkbookRejected(Exception):
    """The file is refused; `reason` is one of REASONS, `detail` says where (for logs and tests)."""

    def __init__(self, reason: str, detail: str = ""):
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class WorkbookLimits:
    max_file_bytes: int = 8 * 1024 * 1024
    max_members: int = 1_000
    max_member_size: int = 8 * 1024 * 1024
    max_total: int = 32 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 10_000
    max_cols: int = 200
    max_cells: int = 100_000
    seconds: float = 5.0
    allow_macros: bool = False


DEFAULT_LIMITS = WorkbookLimits()
_LIMIT_NAMES = frozenset(f.name for f in fields(WorkbookLimits))

_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"
_COUNTED = re.compile(_TAG + rb"(?:c|si)[\s>/]")
_DIMENSION = re.compile(_TAG + rb"dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_UTF8 = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _limits(overrides: dict[str, Any]) -> WorkbookLimits:
    unknown = set(overrides) - _LIMIT_NAMES
    if unknown:
        raise TypeError(f"unknown workbook limits: {sorted(unknown)}")
    return replace(DEFAULT_LIMITS, **overrides)


# --- the zip, before any parsing --------------------------------------------------------------


def check_archive(
    data: bytes, limits: WorkbookLimits = DEFAULT_LIMITS, deadline: float | None = None
) -> None:
    """Check the file as a zip without parsing its XML; raise WorkbookRejected."""
    deadline = deadline if deadline is not None else time.monotonic() + limits.seconds
    if len(data) > limits.max_file_bytes:
        raise WorkbookRejected("too_large", f"{len(data)} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 - BadZipFile, struct.error, OSError…: not a zip we can read
        raise WorkbookRejected("not_a_workbook", "not a zip") from None
    with archive:
        if len(members) > limits.max_members:
            raise WorkbookRejected("too_many_members", str(len(members)))
        names = {m.filename.lower() for m in members}
        if "[content_types].xml" not in names:
            raise WorkbookRejected("not_a_workbook", "no [Content_Types].xml")
        if not limits.allow_macros and any(n.endswith("vbaproject.bin") for n in names):
            raise WorkbookRejected("macros")
        declared = 0
        for member in members:
            if member.file_size > limits.max_member_size:
                raise WorkbookRejected("member_too_large", member.filename)
            declared += member.file_size
            _check_ratio(member.filename, member.file_size, member.compress_size, limits)
        if declared > limits.max_total:
            raise WorkbookRejected("too_much_data", f"{declared} bytes declared")
        total = 0
        for member in members:
            total += _read_member(archive, member, limits, total, deadline)


def _check_ratio(name: str, size: int, compressed: int, limits: WorkbookLimits) -> None:
    if size >= RATIO_FROM and size > limits.max_ratio * max(compressed, 1):
        raise WorkbookRejected("too_compressed", name)


def _read_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: WorkbookLimits, before: int, deadline: float
) -> int:
    """Decompress one member in chunks, counting what comes out; XML members are scanned as they
    pass. Returns the member's real size."""
    is_xml = member.filename.lower().endswith(_XML_SUFFIXES) or member.filename == "[Content_Types].xml"
    scan = _XmlScan(member.filename, limits) if is_xml else None
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limits.max_member_size:
                    raise WorkbookRejected("member_too_large", member.filename)
                if before + size > limits.max_total:
                    raise WorkbookRejected("too_much_data", member.filename)
                _check_ratio(member.filename, size, member.compress_size, limits)
                if scan is not None:
                    scan.feed(chunk)
                if time.monotonic() > deadline:
                    raise WorkbookRejected("too_slow", member.filename)
    except WorkbookRejected:
        raise
    except Exception:  # noqa: BLE001 - a bad CRC, zlib.error, a truncated, encrypted or unknown part
        raise WorkbookRejected("not_a_workbook", member.filename) from None
    if scan is not None:
        scan.close()
    return size


class _XmlScan:
    """Looks at an XML member as it is decompressed: its encoding, DTDs and entities, the number
    of cells (or shared strings) and a worksheet's declared dimension. Bytes are handed on at the
    last "<" so that no tag is ever cut in two (a tag's name never holds a "<")."""

    def __init__(self, name: str, limits: WorkbookLimits):
        self.name, self.limits = name, limits
        self.pending = b""
        self.started = False
        self.cells = 0
        self.dimension_seen = False

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        if not self.started:
            if len(data) < 256 and chunk:
                self.pending = data
                return
            self._check_encoding(data[:256])
            self.started = True
        cut = data.rfind(b"<")
        if cut == -1 or len(data) - cut > TAIL:  # no tag can reach that far: nothing to keep
            cut = len(data)
        self._scan(data[:cut])
        self.pending = data[cut:]

    def close(self) -> None:
        if not self.started:
            self._check_encoding(self.pending[:256])
        self._scan(self.pending)
        self.pending = b""

    def _check_encoding(self, head: bytes) -> None:
        if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in head:
            raise WorkbookRejected("forbidden_xml", f"{self.name}: not UTF-8")
        match = _DECLARATION.match(head.removeprefix(b"\xef\xbb\xbf"))
        if match and match.group(1).lower() not in _UTF8:
            raise WorkbookRejected("forbidden_xml", f"{self.name}: encoding {match.group(1)!r}")

    def _scan(self, data: bytes) -> None:
        if not data:
            return
        for marker in _FORBIDDEN:
            if marker in data:
                raise WorkbookRejected("forbidden_xml", f"{self.name}: {marker.decode()}")
        self.cells += len(_COUNTED.findall(data))
        if self.cells > self.limits.max_cells:
            raise WorkbookRejected("too_many_cells", f"{self.name}: more than {self.limits.max_cells} cells")
        if not self.dimension_seen:
            match = _DIMENSION.search(data)
            if match:
                self.dimension_seen = True
                self._check_dimension(match.group(1).decode("ascii", "replace"))

    def _check_dimension(self, ref: str) -> None:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
        except (ValueError, TypeError):
            raise WorkbookRejected("not_a_workbook", f"{self.name}: dimension {ref!r}") from None
        if (max_row or 0) > self.limits.max_rows or (max_col or 0) > self.limits.max_cols:
            raise WorkbookRejected("too_many_cells", f"{self.name}: dimension {ref}")


# --- reading cells ----------------------------------------------------------------------------


class SafeWorkbook:
    """An openpyxl read-only workbook whose cells are read within bounds and a time budget."""

    def __init__(self, book, limits: WorkbookLimits, deadline: float):
        self.book = book
        self.limits = limits
        self.deadline = deadline

    @property
    def sheetnames(self) -> list[str]:
        return list(self.book.sheetnames)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise WorkbookRejected("too_slow")

    def rows(
        self, sheet: str, *, min_row: int = 1, max_row: int, min_col: int = 1, max_col: int
    ) -> Iterator[tuple]:
        """The values of rows min_row…max_row, columns min_col…max_col (always bounded)."""
        if sheet not in self.book.sheetnames:
            raise WorkbookRejected("missing_sheet", sheet)
        max_row = min(max_row, self.limits.max_rows)
        max_col = min(max_col, self.limits.max_cols)
        rows = self.book[sheet].iter_rows(
            min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True
        )
        try:
            for row in rows:
                self.check_time()
                yield row
        except WorkbookRejected:
            raise
        except Exception:  # noqa: BLE001 - whatever a damaged sheet makes openpyxl raise
            raise WorkbookRejected("not_a_workbook", sheet) from None

    def cells(self, sheet: str, ref: str) -> list[list]:
        """The values of one range ("D4:D7", or "D4"), as a list of rows."""
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        return [
            list(row)
            for row in self.rows(sheet, min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        ]

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> SafeWorkbook:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def open_workbook_safely(data: bytes, **limits: Any) -> SafeWorkbook:
    """Check `data` as a zip (see the module docstring), then open it with openpyxl in read-only
    mode. Keyword arguments override the fields of WorkbookLimits. Close it (or use `with`)."""
    chosen = _limits(limits)
    deadline = time.monotonic() + chosen.seconds
    check_archive(data, chosen, deadline)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise WorkbookRejected("not_a_workbook", "openpyxl could not open it") from None
    safe = SafeWorkbook(book, chosen, deadline)
    try:
        safe.check_time()
    except WorkbookRejected:
        safe.close()
        raise
    return safe


def read_ranges(
    data: bytes, ranges: Mapping[str, Sequence[str]], **limits: Any
) -> dict[str, dict[str, list]]:
    """The values of the given ranges, per sheet: {sheet: {ref: rows of values}}. Each sheet is
    read once, over the bounding box of its ranges."""
    with open_workbook_safely(data, **limits) as book:
        result: dict[str, dict[str, list]] = {}
        for sheet, refs in ranges.items():
            boxes = {ref: range_boundaries(ref) for ref in refs}
            if not boxes:
                continue
            top = min(b[1] for b in boxes.values())
            left = min(b[0] for b in boxes.values())
            width = max(b[2] for b in boxes.values()) - left + 1
            rows = [
                list(row) + [None] * (width - len(row))
                for row in book.rows(
                    sheet,
                    min_row=top,
                    max_row=max(b[3] for b in boxes.values()),
                    min_col=left,
                    max_col=left + width - 1,
                )
            ]
            blank = [None] * width
            result[sheet] = {
                ref: [
                    (rows[r - top] if r - top < len(rows) else blank)[c1 - left : c2 - left + 1]
                    for r in range(r1, r2 + 1)
                ]
                for ref, (c1, r1, c2, r2) in boxes.items()
            }
        return result
