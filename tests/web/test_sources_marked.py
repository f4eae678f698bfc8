"""A reader sees which sources are copies on other sites (issue 15: mirrors are marked as such)."""

from __future__ import annotations

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_a_lesson_marks_the_mirror_copy_and_not_the_primary_source(client):
    html = client.get("/learn/climate-adaptation/01-urban-climate-risks").get_data(as_text=True)
    sources = html[html.index('class="sources"') :]
    mirror = sources.index("ecofriendlylivingusa.com")
    assert "(copy on another site)" in sources[mirror : mirror + 400]
    primary = sources.index("https://www.mem.gov.cn/")
    assert "copy on another site" not in sources[primary : sources.index("</li>", primary)]


def test_the_mark_is_translated(client):
    html = client.get("/learn/climate-adaptation/01-urban-climate-risks", headers=ZH).get_data(as_text=True)
    assert "（转载副本）" in html or "(转载副本)" in html


def test_a_case_study_marks_its_mirror_copy(client):
    html = client.get("/case-studies/zhengzhou-2021-rainstorm").get_data(as_text=True)
    wikisource = html.index("zh.wikisource.org")
    assert "(copy on another site)" in html[wikisource : wikisource + 600]
