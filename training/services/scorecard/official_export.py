"""Writing UNDRR's official preliminary scorecard tool: the city's answers go into a copy of the
official workbook the user uploads. Only the cells concerned are replaced inside the sheet XML of
the zip — text boxes, radio buttons, charts and the VBA project are other zip members and are
copied byte for byte. openpyxl reads this file but must never save it (its save drops the drawings
that hold the question wording). Reading it is training/services/scorecard/official.py."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from training.extensions import db
from training.services.city_profile import PROFILE_CELLS
from training.services.scorecard.official import (
    COUNTS,
    OFFICIAL,
    TEXT_CELLS,
    OfficialRefused,
    _check_zip,
    _open,
    answer_cell,
    detect_layout,
    question_rows,
    sheet_name,
    text_cell,
)
from training.services.scorecard.reading import MAX_SCORE, Scorecard

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
