"""UNDRR's official preliminary tool in and out, tested on the real workbook, filled here at the
level of the sheet XML (the file is read from ../shared/reference/undrr/, never copied)."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import openpyxl
import pytest

from tests import factories
from tests.official_tool import OFFICIAL_TOOL, needs_official_tool
from training.models import Role
from training.services import scorecard as sc
from training.services.scorecard import official as so
from training.services.scorecard import official_export as soe
from training.services.scorecard import xlsx as sx

pytestmark = needs_official_tool
SHEETS = {f"E{n:02d}": f"xl/worksheets/sheet{n + 3}.xml" for n in range(1, 11)}
SHEETS["Info"] = "xl/worksheets/sheet2.xml"


def blank() -> bytes:
    return OFFICIAL_TOOL.read_bytes()  # type: ignore[union-attr]


def _put(xml: str, ref: str, value) -> str:
    """Fill one cell of the blank tool, as Excel would store it."""
    match = re.search(rf'<c r="{ref}"( s="\d+")?/>', xml)
    assert match, ref
    style = match.group(1) or ""
    if isinstance(value, int):
        cell = f'<c r="{ref}"{style}><v>{value}</v></c>'
    else:
        cell = f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return xml[: match.start()] + cell + xml[match.end() :]


def pattern(qid: str, index: int) -> dict:
    """A known pattern: radio values 1–4 and some unanswered, texts in both languages."""
    radio = index % 5 or None  # 0 → unanswered
    return {
        "radio": radio,
        "evidence": f"证据 {qid}: 2023年评估报告 & <附件>",
        "actions": f"Action for {qid}",
        "responsible": "应急管理局" if index % 2 else "Emergency Management Bureau",
        "timescale": "2027",
    }


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
QIDS = [qid for n in range(1, 11) for qid, _row in so.question_rows(n)]
PROFILE = {"city_name": "成都", "country": "China", "population": "21,000,000", "likely_risk": "城市内涝"}


def filled(answers: dict[str, dict] | None = None, profile: dict | None = None) -> bytes:
    answers = answers if answers is not None else {q: pattern(q, i) for i, q in enumerate(QIDS)}
    profile = PROFILE if profile is None else profile
    source = zipfile.ZipFile(io.BytesIO(blank()))
    xml = {name: source.read(path).decode("utf-8") for name, path in SHEETS.items()}
    for n in range(1, 11):
        name = f"E{n:02d}"
        for qid, row in so.question_rows(n):
            a = answers.get(qid)
            if not a:
                continue
            if a["radio"] is not None:
                xml[name] = _put(xml[name], f"E{row + 4}", a["radio"])
            for key in ("evidence", "actions", "responsible", "timescale"):
                xml[name] = _put(xml[name], so.text_cell(key, row), a[key])
    from training.services.city_profile import PROFILE_CELLS

    for key, value in profile.items():
        xml["Info"] = _put(xml["Info"], PROFILE_CELLS[key], value)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        paths = {path: name for name, path in SHEETS.items()}
        for info in source.infolist():
            data = xml[paths[info.filename]].encode() if info.filename in paths else source.read(info)
            target.writestr(info, data)
    return out.getvalue()


def official_scores(data: bytes) -> tuple[dict[str, int], int]:
    """Per Essential and total, as the Results sheet's own formulas define them:
    G = the linked cell, F = IF(G="",0,IF(G=0,0,4-G)), G163:G172 = SUMIFS(F, B, "E<n>")."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    results = book["Results"]
    sums: dict[str, int] = {}
    for row in range(175, 222):
        section = results[f"B{row}"].value
        sheet, cell = re.fullmatch(r"='?(E\d\d)'?!\$?(E)\$?(\d+)", results[f"G{row}"].value).group(1, 3)
        g = book[sheet][f"E{cell}"].value
        f = 0 if g in (None, "", 0) else 4 - g
        sums[section] = sums.get(section, 0) + f
    return sums, sum(sums.values())


def test_import_gives_the_scores_of_the_official_formulas(db_session):
    data = filled()
    preview = so.read_upload(data)
    assert preview.layout == so.OFFICIAL
    expected, total = official_scores(data)
    assert [(f"E{n}", s) for n, s, _m in preview.by_essential()] == list(expected.items())
    assert preview.total == total and preview.max_score == 141
    assert preview.answered == sum(1 for i, _q in enumerate(QIDS) if i % 5)
    assert preview.answers["P1.2"]["score"] == 3 and preview.answers["P1.1"]["score"] is None
    assert preview.answers["P1.2"]["evidence"] == "证据 P1.2: 2023年评估报告 & <附件>"
    assert preview.profile["city_name"] == "成都" and preview.profile["likely_risk"] == "城市内涝"

    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    assessment = so.import_preview(trainer, trainer.city, preview)
    card = sc.get_scorecard(assessment)
    assert [e.score for e in card.essentials] == list(expected.values())
    assert card.total == total and card.max_score == 141
    assert assessment.profile["population"] == "21,000,000" and assessment.source == "import"


def test_export_into_the_official_tool_round_trips_and_keeps_everything_else(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    first = so.import_preview(trainer, trainer.city, so.read_upload(filled()))
    card = sc.get_scorecard(first)
    exported = soe.export_into_official(blank(), card, first.profile)

    before, after = zipfile.ZipFile(io.BytesIO(blank())), zipfile.ZipFile(io.BytesIO(exported))
    assert [i.filename for i in before.infolist()] == [i.filename for i in after.infolist()]
    edited = set(SHEETS.values()) | {"xl/worksheets/sheet3.xml"}  # + the Results sheet's cached values
    for info in before.infolist():
        if info.filename not in edited:
            assert after.read(info.filename) == before.read(info.filename), info.filename
    assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
    assert after.testzip() is None
    for member in edited:  # well-formed, and every row's cells in column order
        root = ElementTree.fromstring(after.read(member))  # noqa: S314 - our own output
        for row in root.iter(f"{{{MAIN}}}row"):
            columns = [soe._column_number(re.match(r"[A-Z]+", c.get("r")).group()) for c in row]
            assert columns == sorted(columns), (member, row.get("r"))

    again = so.read_upload(exported)
    assert again.answers == so.read_upload(filled()).answers
    assert again.profile == first.profile
    expected, total = official_scores(exported)
    assert again.total == total == card.total

    # The cached results match too, for a viewer that does not recalculate.
    cached = openpyxl.load_workbook(io.BytesIO(exported), data_only=True)["Results"]
    assert cached["M163"].value == f"The overall score for this assessment is {total} / 141"
    assert [cached[f"G{162 + n}"].value for n in range(1, 11)] == list(expected.values())

    second = so.import_preview(trainer, trainer.city, again)
    assert [e.score for e in sc.get_scorecard(second).essentials] == [e.score for e in card.essentials]


def test_the_platforms_own_export_is_still_understood(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    assessment = sc.get_or_create_assessment(trainer.city)
    sc.save_answer(trainer, assessment, sc.get_question("P2.1"), {"score": 2, "evidence": "普查成果"})
    assessment.profile = {"population": "900,000"}
    data = sx.export_workbook(trainer.city, sc.get_scorecard(assessment), "zh")
    preview = so.read_upload(data)
    assert preview.layout == so.PLATFORM
    assert preview.answers["P2.1"]["score"] == 2 and preview.profile == {"population": "900,000"}


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _neither() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Budget", 2024])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _out_of_range() -> bytes:
    answers = {q: pattern(q, 1) for q in QIDS}
    answers["P3.2"]["radio"] = 7
    return filled(answers)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (blank, "empty"),
        (_neither, "unknown_layout"),
        (lambda: b"PK\x03\x04 this is not really a zip", "not_a_workbook"),
        (lambda: _zip({"xl/workbook.xml": b"<w/>", "bomb": bytes(60 << 20)}), "too_large_unpacked"),
        (lambda: b"PK" + b"x" * (so.MAX_FILE_BYTES + 1), "file_too_large"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "encrypted"),
        (lambda: _zip({"xl/vbaProject.bin": b"macros only"}), "not_a_workbook"),
        (_out_of_range, "bad_answer_cells"),
    ],
)
def test_refusals_store_nothing_and_say_why(db_session, make, code):
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    before = sc.get_current_assessment(trainer.city)
    with pytest.raises(so.OfficialRefused) as refused:
        so.read_upload(make())
    assert refused.value.code == code
    if code == "bad_answer_cells":
        assert refused.value.cells == ["E03!E18"]
    assert sc.get_current_assessment(trainer.city) == before


def test_export_needs_the_official_tool_as_template(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    card = sc.get_scorecard(sc.get_or_create_assessment(trainer.city))
    with pytest.raises(so.OfficialRefused) as refused:
        soe.export_into_official(_neither(), card, {})
    assert refused.value.code == "not_official_template"


def test_a_new_assessment_starts_from_the_last_ones_profile(db_session):
    from training.services.scorecard import history

    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    first = sc.get_or_create_assessment(trainer.city)
    first.profile = {"population": "21,000,000"}
    second = history.start_new_assessment(trainer, trainer.city)
    assert second.profile == {"population": "21,000,000"} and second.id != first.id
