"""The second edition's new finance lesson and the Essential 7 section render in both languages
(issue 15); the trainee's profile language decides the page language."""

from __future__ import annotations

import os

from tests import factories

FINANCE = "/learn/climate-finance/05-the-instruments-as-they-stand"
TEN_ESSENTIALS = "/learn/resilient-cities-mcr2030/02-the-ten-essentials"


def _read(client, login, url: str, locale: str) -> str:
    login(factories.user(locale=locale))
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if os.environ.get("DUMP_LESSON_HTML"):  # for a reviewer who wants to look at the pages
        name = url.rsplit("/", 1)[-1]
        path = os.path.join(os.environ["DUMP_LESSON_HTML"], f"{name}.{locale}.html")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(html)
    return html


def test_the_instruments_lesson_reads_in_english_and_chinese(client, login):
    en = _read(client, login, FINANCE, "en")
    for text in (
        "One project, five possible doors",
        "Green Bond Endorsed Projects Catalogue (2021 Edition)",
        "1 October 2025",
        "negative list",
        "国办函〔2023〕115号",
        "The EOD model",
        "Preparing a project so that one of them can fund it",
        "P3.1",
    ):
        assert text in en, text
    zh = _read(client, login, FINANCE, "zh")
    assert '<html lang="zh-Hans">' in zh
    for text in (
        "一个项目，五扇门",
        "绿色债券支持项目目录（2021年版）",
        "负面清单",
        "EOD模式",
        "结合本市思考",
    ):
        assert text in zh, text
    assert "One project, five possible doors" not in zh  # the Chinese body, not a fallback


def test_the_ten_essentials_lesson_teaches_essential_7_in_both_languages(client, login):
    en = _read(client, login, TEN_ESSENTIALS, "en")
    assert "Essential 7: Understand and Strengthen Societal Capacity for Resilience" in en
    assert "P7.3 Private sector / employers." in en
    zh = _read(client, login, TEN_ESSENTIALS, "zh")
    assert "要素7：了解并增强社会韧性能力" in zh and "P7.4 公众参与方式" in zh
