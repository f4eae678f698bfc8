"""The resilience figures as a programme reads them — on the page (English and Chinese), in the
printed report and in the data pack: a question scored 0 is a figure, a question not answered is
not. Hand-computed on the programme of tests/programme_world.py: Alphaville's first assessment
scores Essential 5 at 0 (P5.1) and answers nothing of Essential 2; its latest answers P2.1 (1) and
has a row for P2.2 without a score."""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook

from tests.programme_world import _answers, build_world
from training.extensions import db

TOTAL = "Total / 总分"


@pytest.fixture
def world(db_session):
    return build_world()


def _visible(cell: str) -> str:
    """A cell as a sighted reader sees it: without the text kept for screen readers, tags and
    repeated spaces."""
    cell = re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())


def _resilience_row(page: str, city: str) -> dict[str, str]:
    """The cells of a city's row in the resilience table, by what they hold: "total",
    "answered", and "E1".."E10"; "raw:<key>" keeps the HTML."""
    table = page.split('id="resilience-caption"', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<tr><th scope="row">{re.escape(city)}.*?</th>(.*?)</tr>', table, re.S)
    assert row, city
    cells = {}
    for key, cell in re.findall(r'<td data-(?:figure|essential)="(\w+)">(.*?)</td>', row.group(1), re.S):
        name = f"E{key}" if key.isdigit() else key
        cells[name], cells[f"raw:{name}"] = _visible(cell), cell
    return cells


def _page(client, world, lang: str = "en", path: str = "") -> str:
    client.post("/language", data={"lang": lang, "next": "/"})
    return client.get(f"/programmes/{world.programme.id}/{path}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["", "report"])
def test_an_essential_not_answered_shows_a_dash_and_one_scored_0_a_figure(client, login, world, path):
    login(world.manager)
    alpha = _resilience_row(_page(client, world, "en", path), "Alphaville")
    assert alpha["total"] == "3 → 8 +5"
    assert alpha["answered"] == "3 → 4"  # P2.2's row without a score is not an answer
    assert alpha["E1"] == "3 → 4 +1"
    assert alpha["E5"] == "0 → 3 +3"  # scored 0 first: a figure, and its change
    assert alpha["E2"] == "– → 1"  # nothing answered first: no score, no change
    assert "<strong>" not in alpha["raw:E2"] and "not answered" in alpha["raw:E2"]
    assert alpha["E3"] == "–"  # in neither assessment (it read "0 → 0 +0")
    assert [alpha[f"E{n}"] for n in (3, 4, 6, 7, 8, 9, 10)] == ["–"] * 7
    beta = _resilience_row(_page(client, world, "en", path), "City A")
    assert (beta["total"], beta["answered"], beta["E3"], beta["E1"]) == ("2 → 2 +0", "1 → 1", "2 → 2 +0", "–")


def test_the_same_in_chinese_with_a_note_a_chinese_reader_reads(client, login, world):
    login(world.manager)
    page = _page(client, world, "zh")
    alpha = _resilience_row(page, "Alphaville")
    assert (alpha["E2"], alpha["E5"], alpha["E3"]) == ("– → 1", "0 → 3 +3", "–")
    assert "未作答" in alpha["raw:E2"]  # what a screen reader says for the dash
    assert "已答题数" in page.split('id="resilience-caption"', 1)[1].split("</thead>", 1)[0]
    assert "“–”表示该次评估中此要素没有任何题目作答" in page
    report = _page(client, world, "zh", "report")
    assert "记分卡得分" in report and "未作答的题目不计入" in report


def test_the_report_says_what_the_scores_count(client, login, world):
    login(world.manager)
    report = _page(client, world, "en", "report")
    methods = report.split('id="methods-heading"', 1)[1]
    assert "a question scored 0 counts 0, a question not answered counts nothing" in methods


def test_the_data_pack_leaves_a_score_empty_where_nothing_was_answered(client, login, world):
    login(world.manager)
    book = load_workbook(io.BytesIO(client.get(f"/programmes/{world.programme.id}/data.xlsx").data))
    sheet = next(s for s in book.worksheets if s.title.startswith("Resilience"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4:8] == (
        "Questions / 题数",
        "First assessment no. / 首次评估序号",
        "First: questions answered / 首次：已答题数",
        "First score / 首次得分",
    )
    alpha = {row[2]: row[3:] for row in rows[1:] if row[0] == "Alphaville"}
    # maximum, questions, first no., answered, score, latest no., answered, score, change
    assert alpha[TOTAL] == (141, 47, 1, 3, 3, 2, 4, 8, 5)
    assert alpha[1] == (9, 3, 1, 2, 3, 2, 2, 4, 1)
    assert alpha[5] == (9, 3, 1, 1, 0, 2, 1, 3, 3)  # scored 0: a 0
    assert alpha[2] == (15, 5, 1, 0, None, 2, 1, 1, None)  # not answered: empty, no change
    assert alpha[3] == (12, 4, 1, 0, None, 2, 0, None, None)
    beta = {row[2]: row[3:] for row in rows[1:] if row[0] == "City A / 城市A"}
    assert beta[TOTAL] == (141, 47, 1, 1, 2, 1, 1, 2, 0)
    methods = next(s for s in book.worksheets if s.title.startswith("Methods"))
    assert any("a question not answered counts nothing" in (row[0] or "") for row in methods.values)


def test_a_latest_assessment_with_nothing_answered_yet_shows_no_total_and_no_bar(client, login, world):
    _answers(world.cities["Betatown"], 2, {"P3.1": None})
    db.session.commit()
    login(world.manager)
    page = _page(client, world)
    beta = _resilience_row(page, "City A")
    assert (beta["total"], beta["answered"], beta["E3"]) == ("2 → –", "1 → 0", "2 → –")  # not 2 → 0 −2
    chart = page.split('id="chart-resilience-title"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<title>latest assessment:") == 1  # Alphaville's; none of 0 for City A
    assert chart.count("<title>first assessment:") == 2
    book = load_workbook(io.BytesIO(client.get(f"/programmes/{world.programme.id}/data.xlsx").data))
    sheet = next(s for s in book.worksheets if s.title.startswith("Resilience"))
    total = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "City A / 城市A" and r[2] == TOTAL)
    assert total[3:] == (141, 47, 1, 1, 2, 2, 0, None, None)


@pytest.mark.parametrize(("lang", "sep", "wrong"), [("zh", "、", "; "), ("en", "; ", "、")])
def test_the_lists_of_modules_read_as_lists_in_each_language(client, login, world, lang, sep, wrong):
    """Alphaville has several modules recommended: listed with 、 in Chinese, with ; in English."""
    login(world.manager)
    page = _page(client, world, lang)
    table = page.split('id="recommended-caption"', 1)[1].split("</table>", 1)[0]
    row = re.search(r'<tr><th scope="row">Alphaville</th>(.*?)</tr>', table, re.S)
    assert row
    cells = [_visible(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    weakest, recommended = cells[0], cells[1]
    assert weakest == ("2、1、5" if lang == "zh" else "2, 1, 5")
    assert sep in recommended and wrong not in " ".join(cells)
