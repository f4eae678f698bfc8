"""The worked exercise of the risk-assessment module: a worksheet a city delegation fills for one
hazard (Part A: the most probable and most severe scenarios; Part B: the Essential 2 answers),
with a filled example for a fictional city.

The texts live in `library/worksheets/<module-slug>.yaml`, in English and Chinese. This module reads
and checks them, and writes the Excel workbook: headers and labels in both languages, every text
cell stored as text and neutralised against formula injection (as the other exports are).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet as Sheet

from training.services.exports import neutralise, sheet_title

LANGS = ("en", "zh")
ROW_KEYS = ("probable", "severe", "evidence")
ANSWER_KEYS = ("evidence", "actions", "responsible", "timescale")
SCENARIO_COLUMNS = ("item", "guidance", "questions", "probable", "severe", "evidence")
ANSWER_COLUMNS = ("question", "score", "evidence", "actions", "responsible", "timescale")
TEXTS = ("title", "intro", "part_a", "part_b", "blank", "example", "example_note", "example_sheet")

Bilingual = dict[str, str]


class WorksheetError(ValueError):
    """The worksheet file is missing a field or a language; the message names the field."""


@dataclass(frozen=True)
class ScenarioRow:
    id: str
    label: Bilingual
    guidance: Bilingual
    questions: tuple[str, ...]
    probable: Bilingual  # the filled example's texts
    severe: Bilingual
    evidence: Bilingual


@dataclass(frozen=True)
class AnswerRow:
    question: str
    topic: Bilingual
    score: int
    evidence: Bilingual
    actions: Bilingual
    responsible: Bilingual
    timescale: Bilingual


@dataclass(frozen=True)
class Worksheet:
    module: str
    texts: dict[str, Bilingual]
    columns: dict[str, Bilingual]
    answer_columns: dict[str, Bilingual]
    rows: tuple[ScenarioRow, ...]
    answers: tuple[AnswerRow, ...]

    def text(self, key: str, lang: str) -> str:
        return self.texts[key][_lang(lang)]


def _lang(locale: str) -> str:
    return "zh" if locale == "zh" else "en"


def worksheet_path(root: str | Path, module_slug: str) -> Path:
    return Path(root) / "library" / "worksheets" / f"{module_slug}.yaml"


# --- reading -------------------------------------------------------------------------------


def _bilingual(value: Any, field: str) -> Bilingual:
    if not isinstance(value, dict):
        raise WorksheetError(f"{field}: needs 'en' and 'zh' texts")
    result = {}
    for lang in LANGS:
        text = value.get(lang)
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not text.strip():
            raise WorksheetError(f"{field}.{lang}: is missing or empty")
        result[lang] = " ".join(text.split())
    return result


def _mapping(data: dict, key: str, keys: tuple[str, ...]) -> dict[str, Bilingual]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise WorksheetError(f"{key}: is missing")
    return {k: _bilingual(value.get(k), f"{key}.{k}") for k in keys}


def parse_worksheet(data: Any, module_slug: str) -> Worksheet:
    """The worksheet from the YAML data; WorksheetError names the first field that is wrong."""
    if not isinstance(data, dict):
        raise WorksheetError("(file): must be a YAML mapping")
    if data.get("module") != module_slug:
        raise WorksheetError(f"module: must be '{module_slug}'")
    rows = []
    for i, item in enumerate(data.get("rows") or []):
        field = f"rows[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise WorksheetError(f"{field}.id: is missing")
        questions = item.get("questions")
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise WorksheetError(f"{field}.questions: needs a list of scorecard question ids")
        rows.append(
            ScenarioRow(
                id=item["id"],
                label=_bilingual(item.get("label"), f"{field}.label"),
                guidance=_bilingual(item.get("guidance"), f"{field}.guidance"),
                questions=tuple(questions),
                **{key: _bilingual(item.get(key), f"{field}.{key}") for key in ROW_KEYS},
            )
        )
    answers = []
    for i, item in enumerate(data.get("answers") or []):
        field = f"answers[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise WorksheetError(f"{field}.question: is missing")
        score = item.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 3:
            raise WorksheetError(f"{field}.score: must be a whole number from 0 to 3")
        answers.append(
            AnswerRow(
                question=item["question"],
                topic=_bilingual(item.get("topic"), f"{field}.topic"),
                score=score,
                **{key: _bilingual(item.get(key), f"{field}.{key}") for key in ANSWER_KEYS},
            )
        )
    if not rows or not answers:
        raise WorksheetError("rows, answers: both parts need at least one row")
    return Worksheet(
        module=module_slug,
        texts={key: _bilingual(data.get(key), key) for key in TEXTS},
        columns=_mapping(data, "columns", SCENARIO_COLUMNS),
        answer_columns=_mapping(data, "answer_columns", ANSWER_COLUMNS),
        rows=tuple(rows),
        answers=tuple(answers),
    )


@lru_cache(maxsize=8)
def _read(path: str, _mtime: float, module_slug: str) -> Worksheet:
    return parse_worksheet(yaml.safe_load(Path(path).read_text(encoding="utf-8")), module_slug)


def get_worksheet(root: str | Path, module_slug: str) -> Worksheet | None:
    """The module's worksheet, or None when the module has none. Read once per file version."""
    path = worksheet_path(root, module_slug)
    try:
        mtime = path.stat().st_mtime
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _read(str(path), mtime, module_slug)


# --- the Excel workbook ----------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def both(text: Bilingual) -> str:
    """'English / 中文', the form of every header and label in the workbook."""
    return f"{text['en']} / {text['zh']}"


def _put(sheet: Sheet, row: int, column: int, value: str | int | None, *, bold=False, header=False):
    cell = sheet.cell(row=row, column=column)
    value = neutralise(value)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text, never a formula
    else:
        cell.value = value
    cell.alignment = WRAP
    cell.border = BOX
    if bold or header:
        cell.font = Font(bold=True)
    if header:
        cell.fill = HEADER_FILL
    return cell


def _line(sheet: Sheet, row: int, text: str, size: int | None = None) -> None:
    """A line of text above the tables (titles, notes), bold when a size is given."""
    cell = sheet.cell(row=row, column=1)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(neutralise(text)))
    cell.data_type = "s"
    if size:
        cell.font = Font(bold=True, size=size)


def _write_sheet(sheet: Sheet, ws: Worksheet, lang: str | None) -> None:
    """One sheet: Part A then Part B. `lang` None = the blank worksheet (labels in both languages,
    empty answer cells); 'en' or 'zh' = the filled example in that language."""

    def label(text: Bilingual) -> str:
        return both(text) if lang is None else text[lang]

    _line(sheet, 1, both(ws.texts["title"]), 14)
    _line(sheet, 2, both(ws.texts["blank"] if lang is None else ws.texts["example"]), 12)
    note = ws.texts["intro"] if lang is None else ws.texts["example_note"]
    for offset, text in enumerate(note.values() if lang is None else [note[lang]]):
        _line(sheet, 3 + offset, text)
    row = 6
    _line(sheet, row, both(ws.texts["part_a"]), 12)
    row += 1
    for column, key in enumerate(SCENARIO_COLUMNS, start=1):
        _put(sheet, row, column, both(ws.columns[key]), header=True)
    header_a = row
    for item in ws.rows:
        row += 1
        _put(sheet, row, 1, label(item.label), bold=True)
        _put(sheet, row, 2, label(item.guidance))
        _put(sheet, row, 3, ", ".join(item.questions))
        for column, key in enumerate(ROW_KEYS, start=4):
            _put(sheet, row, column, None if lang is None else getattr(item, key)[lang])
        if lang is None:
            sheet.row_dimensions[row].height = 45  # room to write by hand on the printout
    row += 2
    _line(sheet, row, both(ws.texts["part_b"]), 12)
    row += 1
    for column, key in enumerate(ANSWER_COLUMNS, start=1):
        _put(sheet, row, column, both(ws.answer_columns[key]), header=True)
    for answer in ws.answers:
        row += 1
        _put(sheet, row, 1, f"{answer.question} {label(answer.topic)}", bold=True)
        _put(sheet, row, 2, None if lang is None else answer.score)
        for column, key in enumerate(ANSWER_KEYS, start=3):
            _put(sheet, row, column, None if lang is None else getattr(answer, key)[lang])
        if lang is None:
            sheet.row_dimensions[row].height = 45
    for column, width in enumerate((26, 26, 14, 40, 40, 32), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_a + 1, column=2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_a}:{header_a}"


def build_workbook(ws: Worksheet) -> bytes:
    """Three sheets: the blank worksheet (bilingual), the example in English, the example in
    Chinese. Every header carries both languages."""
    book = Workbook()
    blank = book.active
    blank.title = sheet_title(both(ws.texts["blank"]))
    _write_sheet(blank, ws, None)
    for lang in LANGS:
        sheet = book.create_sheet(sheet_title(ws.texts["example_sheet"][lang]))
        _write_sheet(sheet, ws, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
