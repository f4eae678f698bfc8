"""Spreadsheet writers for any `Table` (a title, headers, rows of plain cells): CSV and XLSX.

Both writers neutralise spreadsheet formula injection: a text cell that starts with
``= + - @``, a tab or a carriage return gets a leading single quote, so a trainee named
``=HYPERLINK(...)`` is shown as text and never evaluated (OWASP "CSV injection"). Numbers are
written as numbers and never touched.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from training.models.base import utcnow

CellValue = str | int | float | None


@dataclass
class Table:
    """What a download contains: a title (sheet name, file name), headers and rows of cells."""

    title: str
    headers: list[str]
    rows: list[list[CellValue]] = field(default_factory=list)


def utc_iso(moment: datetime | None) -> str:
    """A naive UTC datetime as '2024-05-01T08:30:00Z'; '' for None."""
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- writers -------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: CellValue) -> CellValue:
    """Formula-injection guard: text that a spreadsheet would read as a formula gets a leading
    single quote. Numbers (including negative ones) and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Chinese correctly), CRLF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, no leading or trailing quote."""
    cleaned = _SHEET_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title))
    cleaned = re.sub(r"\s+", " ", cleaned).strip().strip("'").strip()
    return cleaned[:31].rstrip().rstrip("'") or "Export"


def _display_width(value: CellValue) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_rows(sheet, headers: list[str], rows: list[list[CellValue]]) -> None:
    """A bold, frozen header row, then the rows: text always stored as text (data type "s"), so
    even a neutralised cell can never become a formula; characters XML cannot hold dropped."""
    bold = Font(bold=True)
    for row_index, values in enumerate([headers, *rows], start=1):
        for column_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            value = neutralise(value)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
            else:
                cell.value = value
            if row_index == 1:
                cell.font = bold
    sheet.freeze_panes = "A2"


def to_xlsx(table: Table) -> bytes:
    """One sheet: bold, frozen header row and column widths fitted to the content (capped).

    Text is always stored as text (data type "s"), so even a neutralised cell can never become a
    formula; characters that XML cannot hold are dropped.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(table.title)
    write_rows(sheet, table.headers, table.rows)
    for column_index in range(1, len(table.headers) + 1):
        values = [table.headers[column_index - 1]] + [
            row[column_index - 1] for row in table.rows if column_index <= len(row)
        ]
        width = max((_display_width(v) for v in values), default=8)
        sheet.column_dimensions[get_column_letter(column_index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_filename(stem: str, ext: str, today: date | None = None) -> str:
    """An ASCII file name for Content-Disposition: 'chengdu-2024-progress-2024-05-01.csv'.

    Accents are folded, anything else non-ASCII (Chinese) is dropped; an empty slug becomes
    'export'. The web layer can add the Unicode name itself (send_file does, via filename*).
    """
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-") or "export"
    extension = re.sub(r"[^a-z0-9]", "", ext.lower()) or "txt"
    return f"{slug}-{(today or utcnow().date()).isoformat()}.{extension}"
