"""UNDRR's official preliminary scorecard tool (the v1.0 Excel workbook) in and out.

Reading: the answers are the radio-linked hidden cells `E{r+4}` of the sheets E01 … E10 (1 = the
top option = score 3, so score = 4 − value; empty = unanswered), the four cells a city types per
question, and the Info sheet. Recognising a workbook goes by its content, never by its name.

Writing: the city's answers go into a copy of the official workbook the user uploads. Only the
cells concerned are replaced inside the sheet XML of the zip — text boxes, radio buttons, charts and
the VBA project are other zip members and are copied byte for byte. openpyxl reads this file but
must never save it (its save drops the drawings that hold the question wording)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl.utils import get_column_letter

from training.extensions import db
from training.models import AssessmentAnswer, City, User
from training.services import scorecard_xlsx
from training.services.city_profile import PROFILE_CELLS, clean_profile
from training.services.scorecard import MAX_SCORE, TEXT_LIMITS, Scorecard, get_scorecard
from training.services.scorecard_history import can_start_assessment, start_new_assessment
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
    (scorecard_history.can_start_assessment with source="import")."""
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

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _cell_xml(ref: str, style: str, value) -> str:
    attrs = f' r="{ref}"' + (f' s="{style}"' if style else "")
    if value is None or value == "":
        return f"<c{attrs}/>"
    if isinstance(value, bool):
        return f'<c{attrs} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f"<c{attrs}><v>{value}</v></c>"
    if isinstance(value, tuple):  # ("str", text): a formula's cached text
        return f'<c{attrs} t="str"><v>{escape(_BAD_XML_CHARS.sub("", value[1]))}</v></c>'
    text = escape(_BAD_XML_CHARS.sub("", str(value)))
    return f'<c{attrs} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def set_cells(xml: str, values: dict[str, object]) -> str:
    """Replace (or add) cells in a worksheet's XML text, keeping each cell's style; every other
    byte of the sheet stays as it was."""
    for ref, value in values.items():
        pattern = re.compile(rf'<c r="{ref}"(?=[\s/>])([^>]*?)(?:/>|>.*?</c>)', re.S)
        match = pattern.search(xml)
        if match:
            style = re.search(r'\ss="(\d+)"', match.group(1))
            new = _cell_xml(ref, style.group(1) if style else "", value)
            xml = xml[: match.start()] + new + xml[match.end() :]
            continue
        xml = _insert_cell(xml, ref, _cell_xml(ref, "", value))
    return xml


def set_cached_values(xml: str, values: dict[str, object]) -> str:
    """Replace the cached result of formula cells (the formula itself stays)."""
    for ref, value in values.items():
        formula = r"(<f[^>]*?(?:/>|>.*?</f>))"
        pattern = re.compile(rf'<c r="{ref}"(?=[\s/>])([^>]*?)>{formula}(?:<v>.*?</v>)?</c>', re.S)
        match = pattern.search(xml)
        if not match:
            continue
        attrs = re.sub(r'\st="[^"]*"', "", match.group(1))
        if isinstance(value, bool):
            attrs, cached = attrs + ' t="b"', f"<v>{int(value)}</v>"
        elif isinstance(value, str):
            attrs, cached = attrs + ' t="str"', f"<v>{escape(value)}</v>"
        else:
            cached = f"<v>{value}</v>"
        xml = xml[: match.start()] + f'<c r="{ref}"{attrs}>{match.group(2)}{cached}</c>' + xml[match.end() :]
    return xml


def _insert_cell(xml: str, ref: str, cell: str) -> str:
    letters, number = _CELL_REF.fullmatch(ref).groups()  # type: ignore[union-attr]
    row_number = int(number)
    row = re.search(rf'<row r="{row_number}"(?=[\s/>])[^>]*?(/>|>(.*?)</row>)', xml, re.S)
    if row is None:
        later = next((m for m in re.finditer(r'<row r="(\d+)"', xml) if int(m.group(1)) > row_number), None)
        new_row = f'<row r="{row_number}">{cell}</row>'
        if later is not None:
            return xml[: later.start()] + new_row + xml[later.start() :]
        if "<sheetData/>" in xml:
            return xml.replace("<sheetData/>", f"<sheetData>{new_row}</sheetData>", 1)
        return xml.replace("</sheetData>", new_row + "</sheetData>", 1)
    if row.group(1) == "/>":
        opening = xml[row.start() : row.end() - 2]
        return xml[: row.start()] + f"{opening}>{cell}</row>" + xml[row.end() :]
    position = row.end() - len("</row>")
    for existing in re.finditer(r'<c r="([A-Z]+)\d+"', row.group(0)):
        if _column_number(existing.group(1)) > _column_number(letters):
            position = row.start() + existing.start()
            break
    return xml[:position] + cell + xml[position:]


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'\sId="([^"]+)"', rel.group(0))
        target = re.search(r'\sTarget="([^"]+)"', rel.group(0))
        if rid and target:
            path = target.group(1).lstrip("/")
            targets[rid.group(1)] = path if path.startswith("xl/") else f"xl/{path}"
    paths = {}
    for sheet in re.finditer(r"<sheet\b[^>]*>", workbook):
        name = re.search(r'\sname="([^"]+)"', sheet.group(0))
        rid = re.search(r'\sr:id="([^"]+)"', sheet.group(0))
        if name and rid and rid.group(1) in targets:
            paths[name.group(1)] = targets[rid.group(1)]
    return paths


def _official_values(card: Scorecard, profile: dict[str, str]) -> dict[str, dict[str, object]]:
    """The cells to write, per sheet."""
    by_id = {r.question.id: r for r in card.rows()}
    sheets: dict[str, dict[str, object]] = {}
    for number in range(1, 11):
        cells: dict[str, object] = {}
        for qid, row in question_rows(number):
            answer = by_id[qid].answer if qid in by_id else None
            score = answer.score if answer is not None else None
            cells[answer_cell(row)] = (4 - score) if score is not None else None
            for key in TEXT_CELLS:
                cells[text_cell(key, row)] = getattr(answer, key) if answer is not None else ""
        sheets[sheet_name(number)] = cells
    if profile:  # an assessment without a profile leaves the file's Info sheet as it is
        sheets["Info"] = {cell: profile.get(key, "") for key, cell in PROFILE_CELLS.items()}
    return sheets


def _formula_caches(sheets: dict[str, dict[str, object]], results_xml: str) -> tuple[dict, dict]:
    """Cached results of the formulas that depend on the answers, so that a viewer which does not
    recalculate shows the same Results as Excel: the E-sheets' F cells and the Results sheet."""
    e_caches: dict[str, dict[str, object]] = {}
    linked: dict[int, int | None] = {}  # Results row → linked radio value
    scores: dict[int, int] = {}
    for number in range(1, 11):
        name = sheet_name(number)
        caches = {}
        for _qid, row in question_rows(number):
            value = sheets[name][answer_cell(row)]
            for option in range(1, 5):
                caches[f"F{row + 3 + option}"] = value == option
        e_caches[name] = caches
    results: dict[str, object] = {}
    essential_of: dict[int, int] = {}
    refs = re.finditer(r"<c r=\"G(\d+)\"[^>]*>\s*<f>'?(E\d\d)'?!\$?E\$?(\d+)</f>", results_xml)
    for match in refs:
        row, sheet, cell_row = int(match.group(1)), match.group(2), int(match.group(3))
        value = sheets.get(sheet, {}).get(f"E{cell_row}")
        linked[row] = value if isinstance(value, int) else None
        scores[row] = (4 - value) if isinstance(value, int) and 1 <= value <= 4 else 0
        essential_of[row] = int(sheet[1:])
        results[f"G{row}"] = value if isinstance(value, int) else 0
        results[f"F{row}"] = scores[row]
    sums = {n: sum(s for r, s in scores.items() if essential_of[r] == n) for n in range(1, 11)}
    for n in range(1, 11):
        results[f"G{162 + n}"] = sums[n]
    total, maximum = sum(sums.values()), MAX_SCORE * sum(COUNTS)
    results["K163"] = total
    results["L163"] = total / maximum
    results["L164"] = 1 - total / maximum
    results["M163"] = f"The overall score for this assessment is {total} / {maximum}"
    # Display cells that simply repeat a cell of the table below (e.g. D36 = F175).
    for match in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*>\s*<f>([A-Z]+\d+)</f>', results_xml):
        if match.group(2) in results:
            results[match.group(1)] = results[match.group(2)]
    return e_caches, results


def has_macros(data: bytes) -> bool:
    return "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def export_into_official(template: bytes, card: Scorecard, profile: dict[str, str]) -> bytes:
    """A copy of the uploaded official workbook with the city's answers in it. Like read_upload,
    it ends the request's transaction before reading the file."""
    db.session.commit()
    archive = _check_zip(template)
    book = _open(template)
    try:
        layout = detect_layout(book)
    finally:
        book.close()
    if layout != OFFICIAL:
        raise OfficialRefused("not_official_template")
    paths = _sheet_paths(archive)
    sheets = _official_values(card, profile)
    results_path = paths.get("Results")
    results_xml = archive.read(results_path).decode("utf-8") if results_path else ""
    e_caches, results_caches = _formula_caches(sheets, results_xml)
    edited: dict[str, bytes] = {}
    for name, values in sheets.items():
        xml = archive.read(paths[name]).decode("utf-8")
        xml = set_cells(xml, values)
        if name in e_caches:
            xml = set_cached_values(xml, e_caches[name])
        edited[paths[name]] = xml.encode("utf-8")
    if results_path:
        edited[results_path] = set_cached_values(results_xml, results_caches).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            if info.filename in edited:
                target.writestr(info, edited[info.filename], compress_type=zipfile.ZIP_DEFLATED)
            else:  # copied as stored: the same bytes, the same compression
                target.writestr(info, archive.read(info.filename), compress_type=info.compress_type)
    return out.getvalue()
