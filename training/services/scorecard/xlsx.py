"""The assessment as an Excel workbook laid out the way cities know it from the official tool —
a summary sheet and one sheet per Essential (E01 … E10) with the fields of every question — and
the import of such a workbook into a new assessment. A wrong or damaged file changes nothing."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from training.extensions import db
from training.models import AssessmentAnswer, City, User
from training.services.city_profile import PROFILE_CELLS, clean_profile
from training.services.exports import neutralise
from training.services.scorecard.history import NotAllowed, can_start_assessment, start_new_assessment
from training.services.scorecard.reading import MAX_SCORE, TEXT_LIMITS, Scorecard, get_scorecard
from training.services.workbook_limits import SafeWorkbook, WorkbookRejected, open_workbook_safely

FIELDS = ("score", "comments", "evidence", "actions", "responsible", "timescale")
HEADERS = {
    "en": [
        "ID", "Topic", "Question", "Score (0–3)", "Comments", "Means of verification (evidence)",
        "Actions to reach the maximum score", "Responsible institution", "Timescale",
    ],
    "zh": [
        "编号", "主题", "问题", "得分（0–3）", "备注", "佐证材料（核实方式）",
        "达到满分所需的行动", "责任单位", "时间安排",
    ],
}  # fmt: skip
SUMMARY = {
    "en": ("Summary", "Essential", "Score", "Maximum", "Total", "Assessment", "City", "Started"),
    "zh": ("汇总", "要素", "得分", "满分", "总分", "评估", "城市", "开始日期"),
}
MAX_FILE_BYTES = 2 * 1024 * 1024
PROFILE_SHEET = "Profile"  # field key | value, the city profile of the assessment
LAYOUT_ROWS = 200  # rows read per sheet: a header, at most 9 questions, room for blank rows
PROFILE_ROWS = 100  # rows read of the Profile sheet (about 30 fields)


def sheet_name(number: int) -> str:
    return f"E{number:02d}"


def export_workbook(city: City, card: Scorecard, locale: str) -> bytes:
    lang = "zh" if locale == "zh" else "en"
    words = SUMMARY[lang]
    book = Workbook()
    summary = book.active
    summary.title = words[0]
    assessment = card.assessment
    summary.append([words[6], city.name(lang)])
    summary.append([words[5], assessment.sequence if assessment else ""])
    summary.append([words[7], assessment.started_at.strftime("%Y-%m-%d") if assessment else ""])
    summary.append([])
    summary.append([words[1], "", words[2], words[3]])
    for row in card.essentials:
        summary.append([row.essential.number, row.essential.title(lang), row.score, row.max_score])
    summary.append([words[4], "", card.total, card.max_score])
    for cell in summary[5] + summary[summary.max_row]:
        cell.font = Font(bold=True)
    summary.column_dimensions["B"].width = 48
    for row in card.essentials:
        sheet = book.create_sheet(sheet_name(row.essential.number))
        sheet.append(HEADERS[lang])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for q in row.questions:
            a = q.answer
            values = [q.question.id, q.question.topic(lang), q.question.text(lang)]
            values += [a.score if a else None] + [getattr(a, f) if a else "" for f in FIELDS[1:]]
            sheet.append([neutralise(v) for v in values])
        for cell in sheet["C"] + sheet["E"] + sheet["F"] + sheet["G"]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, width in zip("ABCDEFGHI", (7, 28, 60, 10, 36, 36, 36, 24, 14)):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
    profile = book.create_sheet(PROFILE_SHEET)
    stored = (assessment.profile or {}) if assessment else {}
    for key in PROFILE_CELLS:
        profile.append([key, neutralise(stored.get(key, ""))])
    profile.column_dimensions["A"].width = 20
    profile.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_profile(data: bytes) -> dict[str, str]:
    """The city profile of a workbook exported here (none in older exports)."""
    values: dict[str, object] = {}
    try:
        with open_workbook_safely(data, max_file_bytes=MAX_FILE_BYTES) as book:
            if PROFILE_SHEET in book.sheetnames:
                for row in book.rows(PROFILE_SHEET, max_row=PROFILE_ROWS, max_col=2):
                    if row and isinstance(row[0], str):
                        values[row[0].strip()] = _text(row[1] if len(row) > 1 else None)
    except WorkbookRejected:
        return {}
    return clean_profile(values)


@dataclass
class ImportProblem:
    sheet: str
    row: int | None
    column: str
    message: str


class ImportRefused(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


def _score(value) -> tuple[int | None, bool]:
    """A cell's score: (None, True) when blank; (n, True) for 0–3; (None, False) otherwise."""
    if value in (None, ""):
        return None, True
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None, False
        value = int(value)
    if isinstance(value, (int, float)) and float(value).is_integer() and 0 <= value <= MAX_SCORE:
        return int(value), True
    return None, False


def expected_questions(card: Scorecard) -> dict[str, set[str]]:
    """The sheets of the layout and the question ids each must hold."""
    return {
        sheet_name(row.essential.number): {q.question.id for q in row.questions} for row in card.essentials
    }


def read_workbook(data: bytes, layout: Scorecard | Mapping[str, set[str]]) -> dict[str, dict[str, object]]:
    """Parse and check a workbook, touching no database; every problem names the sheet, row and
    column. Only A1:I{LAYOUT_ROWS} of the sheets E01 … E10 is read, within the limits of
    workbook_limits (a file over them is refused with its reason)."""
    expected_by_sheet = expected_questions(layout) if isinstance(layout, Scorecard) else layout
    try:
        with open_workbook_safely(data, max_file_bytes=MAX_FILE_BYTES) as book:
            return _read_answers(book, expected_by_sheet)
    except WorkbookRejected as rejected:
        raise ImportRefused([ImportProblem("", None, "", rejected.reason)]) from None


def _read_answers(
    book: SafeWorkbook, expected_by_sheet: Mapping[str, set[str]]
) -> dict[str, dict[str, object]]:
    problems: list[ImportProblem] = []
    answers: dict[str, dict[str, object]] = {}
    for name, expected in expected_by_sheet.items():
        if name not in book.sheetnames:
            problems.append(ImportProblem(name, None, "", "missing_sheet"))
            continue
        seen: set[str] = set()
        rows = book.rows(name, min_row=2, max_row=LAYOUT_ROWS, max_col=len(HEADERS["en"]))
        for index, values in enumerate(rows, start=2):
            values = list(values) + [None] * (9 - len(values))
            qid = _text(values[0])
            if not qid:
                continue
            if qid not in expected:
                problems.append(ImportProblem(name, index, "A", "unknown_question"))
                continue
            seen.add(qid)
            parsed, ok = _score(values[3])
            if not ok:
                problems.append(ImportProblem(name, index, "D", "bad_score"))
            fields: dict[str, object] = {"score": parsed}
            for column, field in zip("EFGHI", FIELDS[1:]):
                text = _text(values["EFGHI".index(column) + 4])
                if len(text) > TEXT_LIMITS[field]:
                    problems.append(ImportProblem(name, index, column, "too_long"))
                fields[field] = text
            answers[qid] = fields
        for qid in sorted(expected - seen):
            problems.append(ImportProblem(name, None, "A", f"missing_question:{qid}"))
    if problems:
        raise ImportRefused(problems)
    return answers


def import_workbook(user: User, city: City, data: bytes):
    """Import into a new assessment (the current one is closed as a snapshot). Raises
    ImportRefused and changes nothing when the file is wrong; NotAllowed (checked before the
    file is read) unless the user may start an assessment of the city.

    The file is read outside any transaction: the one the request opened so far (to load the user
    and the city) is committed first — on SQLite it holds the write lock, which every other
    writer, a login included, would wait for while the file is read — and only the answers found
    are written, in a transaction of their own."""
    if not can_start_assessment(user, city, source="import"):
        raise NotAllowed()
    layout = expected_questions(get_scorecard(None, texts=False))
    db.session.commit()
    answers = read_workbook(data, layout)
    return save_imported_answers(user, city, answers)


def save_imported_answers(user: User, city: City, answers: Mapping[str, Mapping[str, object]]):
    """Write answers read by read_workbook into a new assessment."""
    assessment = start_new_assessment(user, city, source="import")
    for qid, fields in answers.items():
        if any(v not in (None, "") for v in fields.values()):
            db.session.add(
                AssessmentAnswer(
                    assessment_id=assessment.id, question_id=qid, updated_by_id=user.id, **fields
                )
            )
    db.session.commit()
    return assessment
