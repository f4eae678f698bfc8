"""The sixth module, urban climate risk assessment: its lessons, its printable worksheet and the
worksheet's Excel download, in English and Chinese (issue 15)."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from tests.content.conftest import REAL
from training.content import load_curriculum

SLUG = "urban-climate-risk-assessment"
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
MODULE = next(m for m in load_curriculum(REAL).modules if m.slug == SLUG)


@pytest.mark.parametrize("lesson", MODULE.lessons, ids=[lesson.slug for lesson in MODULE.lessons])
def test_every_lesson_renders_in_english_and_chinese(client, lesson):
    for headers, lang in ((EN, "en"), (ZH, "zh")):
        response = client.get(f"/learn/{SLUG}/{lesson.slug}", headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f"<h1>{escape(lesson.title[lang])}</h1>" in html
        assert "This lesson is not yet available in your language" not in html
        assert "不可用" not in html


def test_the_catalogue_lists_six_modules_with_the_new_one_last(client):
    html = client.get("/learn/", headers=EN).get_data(as_text=True)
    assert "Urban climate risk assessment in practice" in html
    positions = [html.index(f"/learn/{slug}/") for slug in ("nature-based-solutions", SLUG)]
    assert positions == sorted(positions)
    assert "城市气候风险评估实务" in client.get("/learn/", headers=ZH).get_data(as_text=True)


def test_the_module_page_links_to_the_worksheet_and_other_modules_do_not(client):
    html = client.get(f"/learn/{SLUG}/", headers=EN).get_data(as_text=True)
    assert f'href="/learn/{SLUG}/worksheet"' in html and f'href="/learn/{SLUG}/worksheet.xlsx"' in html
    assert "P2.4" in html and "Essential 2" in html
    other = client.get("/learn/climate-adaptation/", headers=EN).get_data(as_text=True)
    assert "/worksheet" not in other
    assert client.get("/learn/climate-adaptation/worksheet").status_code == 404
    assert client.get("/learn/climate-adaptation/worksheet.xlsx").status_code == 404


def _cells(sheet) -> list[str]:
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_worksheet_downloads_and_opens_with_both_languages_and_the_example(client):
    response = client.get(f"/learn/{SLUG}/worksheet.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.search(r'attachment; filename="urban-climate-risk-assessment-worksheet-[0-9-]+\.xlsx"',
                     response.headers["Content-Disposition"])  # fmt: skip
    book = load_workbook(io.BytesIO(response.data))
    blank, example_en, example_zh = book.worksheets
    headers = _cells(blank)
    for header in (
        "Most probable scenario / 最可能情景",
        "Most severe scenario / 最严重情景",
        "Means of verification (evidence) / 佐证材料（核实方式）",
        "Responsible institution / 责任单位",
    ):
        assert header in headers
        assert header in _cells(example_en) and header in _cells(example_zh)
    assert "Hazard / 灾害种类" in headers
    # The blank sheet has no example answers; the examples carry the fictional city's, per language.
    assert not any("Rainstorm and urban waterlogging" in c for c in headers)
    english, chinese = " ".join(_cells(example_en)), " ".join(_cells(example_zh))
    assert "Jiangbin" in english and "About 180 mm in 3 hours" in english and "雨季老城区" not in english
    assert "江滨市" in chinese and "3小时降雨约180毫米" in chinese
    scores = [row[1].value for row in example_en.iter_rows() if str(row[0].value or "").startswith("P2.")]
    assert scores == [2, 1, 2, 1, 1]
    # No cell of the file is a formula.
    assert all(c.data_type != "f" for s in book.worksheets for row in s.iter_rows() for c in row)


@pytest.mark.parametrize(
    "headers, expected, absent",
    [
        (
            EN,
            ["Risk scenario worksheet: one hazard", "Most severe scenario", "Jiangbin", "Print"],
            "最严重情景",
        ),
        (ZH, ["风险情景工作表：单一灾害", "最严重情景", "江滨市", "打印"], "Most severe scenario"),
    ],
    ids=["en", "zh"],
)
def test_the_printable_worksheet_renders_in_each_language(client, headers, expected, absent):
    response = client.get(f"/learn/{SLUG}/worksheet", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in expected:
        assert text in html
    assert absent not in html
    # Blank cells to write in (16 scenario rows x 3 + 5 answers x 5), then the filled example.
    assert html.count('<td class="write"></td>') == 3 * 16 + 5 * 5
    assert html.index('id="blank"') < html.index('id="example"')
    assert 'class="worksheet-part worksheet-example"' in html  # starts a new page on paper
