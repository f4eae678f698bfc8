"""The adaptation module's second-edition lessons (issue 15): heat, waterlogging and lifelines (05),
monitoring and evaluation (06) — what a trainee sees on the page in each language."""

from __future__ import annotations

import re

import pytest

MODULE = "/learn/climate-adaptation/"
HEAT = f"{MODULE}05-heat-waterlogging-lifelines"
MONITORING = f"{MODULE}06-monitoring-evaluating-adaptation"


def _get(client, url, lang):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["国办发〔2021〕11号", "three colour levels", "1 November 2024", "Ahmedabad", "P8.1", "P9.1"]),
        ("zh", ["国办发〔2021〕11号", "黄、橙、红三级", "2024年11月1日", "艾哈迈达巴德", "P8.1", "P9.1"]),
    ],
)
def test_the_heat_waterlogging_and_lifelines_lesson_renders_in_both_languages(client, lang, expected):
    page = _get(client, HEAT, lang)
    for text in expected:
        assert text in page, text
    # the heat signal table: yellow, orange and red, with no blue level
    table = re.search(r"<table>.*?35.*?</table>", page, re.S).group(0)
    assert all(t in table for t in ("35", "37", "40"))
    assert "Blue" not in table and "蓝" not in table


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Baselines", "Trend per Essential".lower(), "141", "38 indicators", "P1.1", "P10.2"]),
        ("zh", ["基线", "各要素得分趋势", "141", "38项指标", "P1.1", "P10.2"]),
    ],
)
def test_the_monitoring_lesson_renders_in_both_languages(client, lang, expected):
    page = _get(client, MONITORING, lang)
    for text in expected:
        assert text in page or text in page.lower(), text


def test_the_module_page_lists_six_lessons_and_links_the_new_ones(client):
    page = _get(client, MODULE, "en")
    assert "05-heat-waterlogging-lifelines" in page and "06-monitoring-evaluating-adaptation" in page
    assert "Extreme heat, urban waterlogging and lifelines" in page
    assert "Monitoring and evaluating adaptation" in page
