"""Reading a list of officials to enrol — pasted text, a CSV file or an Excel workbook — into rows
of four cells (name, email, department, city), within limits.

- Pasted text and CSV: comma, semicolon or tab separated (a paste from Excel is tab separated);
  files in UTF-8 (with or without BOM) or, failing that, GB18030 (what Chinese Excel saves as
  "CSV").
- Workbooks (.xlsx): the first sheet, through `workbook_limits.open_workbook_safely` (zip bombs,
  XML bombs, declared sizes, time budget), reading only MAX_ROWS + 1 rows and MAX_COLUMNS columns.
- The first row names the columns, in English or Chinese (`HEADERS`); without a recognisable
  header row the columns are read in the order name, email, department, city.

Every refusal of the whole input is a `ListRefused(code, **details)`; the web layer words it.
No Flask here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from training.services.workbook_limits import WorkbookRejected, open_workbook_safely

MAX_ROWS = 1000  # officials in one list (a workshop has tens; a programme's intake a few hundred)
MAX_TEXT_CHARS = 200_000  # pasted text
MAX_FILE_BYTES = 1024 * 1024  # an uploaded CSV or workbook
MAX_COLUMNS = 20  # columns read from a workbook (the four we use may be anywhere among them)
MAX_CELL_CHARS = 500  # any one cell; longer is refused with its row and column

COLUMNS = ("name", "email", "department", "city")
COLUMNS_ZH = ("姓名", "邮箱", "部门", "城市")
HEADERS = {
    "name": {"name", "full name", "fullname", "official", "姓名", "名字", "全名"},
    "email": {"email", "e-mail", "email address", "e-mail address", "mail",
              "邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址"},
    "department": {"department", "dept", "organisation", "organization", "department or organisation",
                   "部门", "单位", "工作单位", "所在部门", "部门/单位"},
    "city": {"city", "城市", "所在城市", "市"},
}  # fmt: skip
_HEADER_OF = {alias: column for column, aliases in HEADERS.items() for alias in aliases}


class ListRefused(Exception):
    """The whole list is refused. `code`: 'empty', 'too_long', 'too_large', 'too_many_rows',
    'encoding', 'cell_too_long', 'no_email_column', 'no_name_column', 'duplicate_column',
    'workbook' (then `details['reason']` is a workbook_limits reason)."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(code, details)


@dataclass(frozen=True)
class RawRow:
    number: int  # the row's number in the file or text, as a spreadsheet counts (header = 1)
    name: str
    email: str
    department: str
    city: str


@dataclass
class RawList:
    rows: list[RawRow] = field(default_factory=list)
    had_header: bool = True

    def as_text(self, locale: str = "en") -> str:
        """The list as CSV text with a header in the page's language: what the page's text box
        shows after a file was read, so the trainer can correct it there."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS_ZH if locale == "zh" else COLUMNS)
        for row in self.rows:
            writer.writerow((row.name, row.email, row.department, row.city))
        return out.getvalue()


def _normalise_header(value: str) -> str:
    return " ".join(value.replace("\u3000", " ").replace("_", " ").strip().strip(":：*").lower().split())


def _column_map(first: list[str]) -> dict[str, int] | None:
    """Where each known column is, from a header row; None when the row is not a header."""
    found: dict[str, int] = {}
    for index, cell in enumerate(first):
        column = _HEADER_OF.get(_normalise_header(cell))
        if column is None:
            continue
        if column in found:
            raise ListRefused("duplicate_column", column=column, position=index + 1)
        found[column] = index
    if not found:
        return None
    if "email" not in found:
        raise ListRefused("no_email_column")
    if "name" not in found:
        raise ListRefused("no_name_column")
    return found


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u3000", " ").split())


def _to_rows(table: list[list[str]]) -> RawList:
    """Rows of cells (strings) → RawList; blank lines are skipped but keep the numbering."""
    table = [[_cell(value) for value in row] for row in table]
    first_index = next((i for i, row in enumerate(table) if any(row)), None)
    if first_index is None:
        raise ListRefused("empty")
    mapping = _column_map(table[first_index])
    had_header = mapping is not None
    if mapping is None:
        mapping = {column: i for i, column in enumerate(COLUMNS)}
        start = first_index
    else:
        start = first_index + 1
    result = RawList(had_header=had_header)
    for index in range(start, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        for position, value in enumerate(cells):
            if len(value) > MAX_CELL_CHARS:
                raise ListRefused("cell_too_long", row=index + 1, position=position + 1, limit=MAX_CELL_CHARS)
        values = {c: (cells[i] if i < len(cells) else "") for c, i in mapping.items()}
        result.rows.append(
            RawRow(
                index + 1,
                values["name"],
                values["email"],
                values.get("department", ""),
                values.get("city", ""),
            )
        )
        if len(result.rows) > MAX_ROWS:
            raise ListRefused("too_many_rows", limit=MAX_ROWS, row=index + 1)
    if not result.rows:
        raise ListRefused("empty")
    return result


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"
    if first.count(";") > first.count(","):
        return ";"
    return ","


def read_text(text: str) -> RawList:
    """A pasted list (or a CSV file's text)."""
    if len(text) > MAX_TEXT_CHARS:
        raise ListRefused("too_long", limit=MAX_TEXT_CHARS)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ListRefused("empty")
    try:
        table = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error:
        raise ListRefused("encoding") from None
    if len(table) > MAX_ROWS * 2 + 1:  # blank lines count too, but not without bound
        raise ListRefused("too_many_rows", limit=MAX_ROWS, row=len(table))
    return _to_rows(table)


def read_file(data: bytes, filename: str = "") -> RawList:
    """An uploaded .xlsx workbook or .csv / .txt file, told apart by content (a zip is a workbook)."""
    if len(data) > MAX_FILE_BYTES:
        raise ListRefused("too_large", limit=MAX_FILE_BYTES)
    if not data.strip():
        raise ListRefused("empty")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_workbook(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return read_text(text)
    raise ListRefused("encoding")


def _read_workbook(data: bytes) -> RawList:
    try:
        with open_workbook_safely(
            data,
            max_file_bytes=MAX_FILE_BYTES,
            max_rows=MAX_ROWS * 2 + 1,
            max_cols=200,
            max_cells=(MAX_ROWS * 2 + 1) * MAX_COLUMNS,
            seconds=4.0,
        ) as book:
            if not book.sheetnames:
                raise ListRefused("empty")
            rows = book.rows(book.sheetnames[0], min_row=1, max_row=MAX_ROWS * 2 + 1, max_col=MAX_COLUMNS)
            table = [list(row) for row in rows]
    except WorkbookRejected as rejected:
        raise ListRefused("workbook", reason=rejected.reason) from None
    return _to_rows(table)
