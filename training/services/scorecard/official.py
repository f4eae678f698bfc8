"""UNDRR's official preliminary scorecard tool (the v1.0 Excel workbook): recognising and reading it.

Reading: the answers are the radio-linked hidden cells `E{r+4}` of the sheets E01 … E10 (1 = the
top option = score 3, so score = 4 − value; empty = unanswered), the four cells a city types per
question, and the Info sheet. Recognising a workbook goes by its content, never by its name.
Writing the city's answers into the tool: training/services/scorecard/official_export.py."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl.utils import get_column_letter

from training.extensions import db
from training.models import AssessmentAnswer, City, User
from training.services.city_profile import PROFILE_CELLS, clean_profile
from training.services.scorecard import xlsx as scorecard_xlsx
from training.services.scorecard.history import can_start_assessment, start_new_assessment
from training.services.scorecard.reading import MAX_SCORE, TEXT_LIMITS, Scorecard, get_scorecard
from training.services.workbook_limits import SafeWorkbook, WorkbookRejected, open_workbook_safely

MAX_FILE_BYTES = 2 * 1024 * 1024  # as the request limit; the blank official tool is about 1 MB
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # the blank unpacks to about 3 MB
MAX_MEMBERS = 2000
COUNTS = (3, 5, 4, 4, 3, 6, 4, 9, 7, 2)  # questions per Essential in the official tool
FIRST_ROW, BLOCK = 3, 11  # question k of a sheet starts at row 3 + 11 k
TEXT_CELLS = {"evidence": ("C", 4), "actions": ("B", 9), "responsible": ("C", 9), "timescale": ("D", 9)}
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a password-protected (encrypted) workbook, or an old .xls


class OfficialRefused(Exception):
    """The workbook cannot be read or is not understood; `code` says why, `cells` names cells."""

    def __init__(self, code: str, cells: list[str] | None = None):
        self.code = code
        self.cells = cells or []
        super().__init__(code)


def sheet_name(number: int) -> str:
    return f"E{number:02d}"


def question_rows(number: int) -> list[tuple[str, int]]:
    """(question id, first row of its block) for an Essential's sheet."""
    return [(f"P{number}.{k + 1}", FIRST_ROW + BLOCK * k) for k in range(COUNTS[number - 1])]


def answer_cell(row: int) -> str:
    return f"E{row + 4}"


def text_cell(name: str, row: int) -> str:
    column, offset = TEXT_CELLS[name]
    return f"{column}{row + offset}"


# --- who may import -----------------------------------------------------------------------------


def can_import(user: User, city: City) -> bool:
    """A trainer assigned to the city, an admin, or the city's delegation lead
    (history.can_start_assessment with source="import")."""
    return can_start_assessment(user, city, source="import")


# --- the preview between upload and confirmation ----------------------------------------------

PREVIEW_MAX_AGE = 3600


def sign_preview(preview: Preview, user: User, city: City, secret_key: str) -> str:
    """The preview, signed for this user and city, carried by the confirmation form."""
    serializer = URLSafeTimedSerializer(secret_key, salt="scorecard-official-import")
    return serializer.dumps({"user": user.id, "city": city.id, "preview": preview.to_dict()})


def load_preview(token: str, user: User, city: City, secret_key: str) -> Preview | None:
    serializer = URLSafeTimedSerializer(secret_key, salt="scorecard-official-import")
    try:
        data = serializer.loads(token, max_age=PREVIEW_MAX_AGE)
    except BadSignature:  # also an expired one
        return None
    if data.get("user") != user.id or data.get("city") != city.id:
        return None
    return Preview.from_dict(data["preview"])


# --- opening an upload ---------------------------------------------------------------------------


def _check_zip(data: bytes) -> zipfile.ZipFile:
    """Size, zip structure and unpacked size (a zip bomb) are checked before anything is parsed."""
    if len(data) > MAX_FILE_BYTES:
        raise OfficialRefused("file_too_large")
    if data[:4] == OLE_MAGIC:
        raise OfficialRefused("encrypted")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise OfficialRefused("not_a_workbook") from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise OfficialRefused("too_large_unpacked")
    if any(m.flag_bits & 0x1 for m in members):
        raise OfficialRefused("encrypted")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise OfficialRefused("not_a_workbook")
    return archive


def _open(data: bytes) -> SafeWorkbook:
    """The upload as a workbook read within the limits of workbook_limits (zip, XML, declared
    sizes, time budget); a refusal keeps workbook_limits' reason as its code."""
    _check_zip(data)
    try:
        return open_workbook_safely(data, max_file_bytes=MAX_FILE_BYTES, allow_macros=True)
    except WorkbookRejected as rejected:
        raise OfficialRefused(rejected.reason) from None


def _cells(book: SafeWorkbook, name: str, max_row: int, max_col: int = 5) -> dict[str, object]:
    if name not in book.sheetnames:
        raise KeyError(name)
    values: dict[str, object] = {}
    try:
        for r, row in enumerate(book.rows(name, min_row=1, max_row=max_row, max_col=max_col), start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    values[f"{get_column_letter(c)}{r}"] = value
    except WorkbookRejected as rejected:
        raise OfficialRefused(rejected.reason) from None
    return values


# --- recognising the layout --------------------------------------------------------------------

OFFICIAL, PLATFORM = "official", "platform"


def detect_layout(book) -> str | None:
    """The official tool: Info, Results and E01–E10, with `P1.1` in Results!C175 and E01!B3.
    The platform's own export: E01–E10 whose first header cell is the id column."""
    names = set(book.sheetnames)
    essentials = {sheet_name(n) for n in range(1, 11)}
    if not essentials <= names:
        return None
    first = _cells(book, "E01", 3, 2)
    if {"Info", "Results"} <= names:
        results = _cells(book, "Results", 175, 3)
        if str(results.get("C175", "")).strip() == "P1.1" and str(first.get("B3", "")).startswith("P1.1"):
            return OFFICIAL
    if str(first.get("A1", "")).strip() in ("ID", "编号"):
        return PLATFORM
    return None


# --- reading the official tool -----------------------------------------------------------------


@dataclass
class Preview:
    """What an import would store, and the scores the official formulas give for it."""

    layout: str
    answers: dict[str, dict[str, object]]
    profile: dict[str, str] = field(default_factory=dict)

    def score(self, qid: str) -> int:
        value = self.answers.get(qid, {}).get("score")
        return value if isinstance(value, int) else 0

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers.values() if a.get("score") is not None)

    def by_essential(self) -> list[tuple[int, int, int]]:
        """(Essential, score, maximum) — unanswered counts 0, as in Results!F175:F221."""
        return [
            (n, sum(self.score(qid) for qid, _row in question_rows(n)), MAX_SCORE * COUNTS[n - 1])
            for n in range(1, 11)
        ]

    @property
    def total(self) -> int:
        return sum(score for _n, score, _max in self.by_essential())

    @property
    def max_score(self) -> int:
        return MAX_SCORE * sum(COUNTS)

    def to_dict(self) -> dict:
        return {"layout": self.layout, "answers": self.answers, "profile": self.profile}

    @classmethod
    def from_dict(cls, data: dict) -> Preview:
        return cls(data["layout"], data["answers"], data.get("profile", {}))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _official_score(value) -> tuple[int | None, bool]:
    """The radio group's linked value: (score, True), (None, True) when unanswered (empty, or 0,
    which the official formula also scores 0), (None, False) for anything the tool cannot write."""
    if value in (None, ""):
        return None, True
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            return None, False
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        return None, False
    if value == 0:
        return None, True
    if 1 <= value <= 4:
        return 4 - int(value), True
    return None, False


def read_official(book) -> Preview:
    answers: dict[str, dict[str, object]] = {}
    bad: list[str] = []
    too_long: list[str] = []
    for number in range(1, 11):
        name = sheet_name(number)
        rows = question_rows(number)
        cells = _cells(book, name, rows[-1][1] + 10)
        for qid, row in rows:
            score, ok = _official_score(cells.get(answer_cell(row)))
            if not ok:
                bad.append(f"{name}!{answer_cell(row)}")
            fields: dict[str, object] = {"score": score, "comments": ""}
            for key in TEXT_CELLS:
                text = _text(cells.get(text_cell(key, row)))
                if len(text) > TEXT_LIMITS[key]:
                    too_long.append(f"{name}!{text_cell(key, row)}")
                fields[key] = text
            answers[qid] = fields
    if bad:
        raise OfficialRefused("bad_answer_cells", bad)
    if too_long:
        raise OfficialRefused("text_too_long", too_long)
    info = _cells(book, "Info", 40, 4)
    profile = clean_profile({key: _text(info.get(cell)) for key, cell in PROFILE_CELLS.items()})
    if not profile and not any(v not in (None, "") for a in answers.values() for v in a.values()):
        raise OfficialRefused("empty")  # the blank tool: nothing to import
    return Preview(OFFICIAL, answers, profile)


def read_upload(data: bytes, card: Scorecard | None = None) -> Preview:
    """Recognise and read an uploaded workbook of either layout; raises OfficialRefused (for a
    file that is not understood) or scorecard_xlsx.ImportRefused (a platform export with errors).

    The transaction the request opened so far is ended first: on SQLite a form's transaction holds
    the write lock, which every other writer (a login included) would wait for while the file is
    read."""
    db.session.commit()
    book = _open(data)
    try:
        layout = detect_layout(book)
        if layout == OFFICIAL:
            return read_official(book)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise OfficialRefused("not_a_workbook") from None
    finally:
        book.close()
    if layout == PLATFORM:
        answers = scorecard_xlsx.read_workbook(data, card or get_scorecard(None))
        return Preview(PLATFORM, answers, scorecard_xlsx.read_profile(data))
    raise OfficialRefused("unknown_layout")


def names_another_city(preview: Preview, city: City) -> str | None:
    """The city the workbook's own profile names, when it is not this city (None when it names
    this one or none): the preview warns before a city imports another city's file."""
    named = " ".join(str(preview.profile.get("city_name") or "").split())
    if not named:
        return None
    known = {n.casefold() for n in (city.name_en, city.name_zh) if n}
    known |= {n.casefold().removesuffix("市").removesuffix(" city") for n in known}
    candidate = named.casefold()
    if candidate in known or candidate.removesuffix("市").removesuffix(" city") in known:
        return None
    return named


def import_preview(user: User, city: City, preview: Preview):
    """Store a previewed workbook as a new assessment (the current one is closed as a snapshot)."""
    assessment = start_new_assessment(user, city, source="import")
    assessment.source = "import"
    assessment.profile = clean_profile(preview.profile)
    for qid, fields in preview.answers.items():
        if any(v not in (None, "") for v in fields.values()):
            values = {k: fields.get(k, "") for k in AssessmentAnswer.FIELDS}
            values["score"] = fields.get("score")
            answer = AssessmentAnswer(assessment_id=assessment.id, question_id=qid, updated_by_id=user.id)
            for key, value in values.items():
                setattr(answer, key, value)
            db.session.add(answer)
    db.session.commit()
    return assessment


# --- writing into the official tool ------------------------------------------------------------
