"""A Chinese lesson page lists its sources under the titles the Chinese lesson gives them (QA: every
Chinese lesson listed English source titles, though its .zh.md file has Chinese ones)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SLUG = "climate-adaptation/01-urban-climate-risks"


def _file_titles(lang: str) -> set[str]:
    text = (ROOT / "modules" / f"{SLUG}.{lang}.md").read_text(encoding="utf-8")
    return {s["title"] for s in yaml.safe_load(text.split("---", 2)[1])["sources"]}


def _listed(client, accept: str) -> set[str]:
    page = client.get(f"/learn/{SLUG}", headers={"Accept-Language": accept}).get_data(as_text=True)
    section = page.split('<section class="sources">', 1)[1].split("</section>", 1)[0]
    return {html.unescape(t) for t in re.findall(r'nofollow">([^<]+)</a>', section)}


def test_a_chinese_lesson_lists_its_sources_under_chinese_titles(client):
    zh_titles, en_titles = _file_titles("zh"), _file_titles("en")
    assert zh_titles - en_titles, "the fixture: the Chinese file titles its sources in Chinese"
    assert _listed(client, "zh-CN") == zh_titles
    assert _listed(client, "en") >= en_titles
