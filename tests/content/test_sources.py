"""Primary sources (issue 15): every lesson, case study and glossary entry cites at least one source
published by the body that issued it (training/content/sources.py defines "primary" by host), copies on
mirror sites are marked `mirror: true`, and `flask content check` lists each file's source hosts."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.content.conftest import REAL
from tests.content.content_text import content_files
from training.content import ContentErrors, load_curriculum
from training.content.sources import host_of, is_known_mirror, is_primary, source_kind, sourced_items


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(REAL)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.gov.cn/zhengce/content/202311/content_6914161.htm", "primary"),
        ("http://yjgl.sz.gov.cn/zwgk/x.html", "primary"),
        ("https://mcr2030.undrr.org/disaster-resilience-scorecard-cities", "primary"),
        ("https://www.ipcc.ch/report/ar6/wg2/", "primary"),
        ("http://www.smxxzx.com/article/index/id/8556/cid/30", "mirror"),
        ("https://it.scribd.com/document/1", "mirror"),
        ("https://www.caixinglobal.com/2024-05-21/x.html", "secondary"),
        ("https://notgov.cn.example.com/x", "secondary"),
    ],
)
def test_hosts_are_classified(url, kind):
    assert source_kind(url) == kind


def test_a_marked_source_is_a_mirror_wherever_it_lives():
    assert source_kind("https://example.org/copy-of-a-notice", mirror=True) == "mirror"
    assert host_of("https://WWW.Gov.cn/x") == "gov.cn" and is_primary("https://english.www.gov.cn/x")
    assert not is_known_mirror("https://www.gov.cn/x")


@pytest.mark.parametrize("kind", ["lesson", "case study", "glossary"])
def test_every_item_cites_a_primary_source(curriculum, kind):
    missing = [i.path for i in sourced_items(curriculum) if i.kind == kind and not i.has_primary]
    assert not missing, f"no primary source (see training/content/sources.py): {missing}"


def _front_matter_sources(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        match = re.match(r"\A---\n(.*?)\n---\n", text, re.DOTALL)
        data = yaml.safe_load(match.group(1)) if match else {}
        return data.get("sources") or []
    data = yaml.safe_load(text)
    if isinstance(data, dict):
        return data.get("sources") or []
    if isinstance(data, list):  # the glossary
        return [t["source"] for t in data if isinstance(t, dict) and isinstance(t.get("source"), dict)]
    return []


def test_every_copy_on_a_known_mirror_site_is_marked():
    unmarked = [
        f"{path.relative_to(REAL)}: {source['url']}"
        for path in content_files(REAL)
        if path.suffix == ".md" or path.name in ("module.yaml", "glossary.yaml")
        for source in _front_matter_sources(path)
        if is_known_mirror(str(source.get("url", ""))) and source.get("mirror") is not True
    ]
    assert not unmarked, "mark these `mirror: true` or cite the primary copy:\n" + "\n".join(unmarked)


def test_the_loader_keeps_the_mirror_mark_and_refuses_a_bad_one(content_root):
    lesson = content_root / "modules/climate-adaptation/01-urban-climate-risks.en.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(
        text.replace(
            "sources:\n",
            "sources:\n  - title: A copy\n    url: https://example.org/c\n    mirror: yes please\n",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentErrors) as caught:
        load_curriculum(content_root)
    assert any(
        e.field.endswith(".mirror") and "01-urban-climate-risks.en.md" in e.path for e in caught.value.errors
    )

    lesson.write_text(
        text.replace(
            "sources:\n", "sources:\n  - title: A copy\n    url: https://example.org/c\n    mirror: true\n", 1
        ),
        encoding="utf-8",
    )
    module = next(m for m in load_curriculum(content_root).modules if m.slug == "climate-adaptation")
    first = module.lessons[0].sources[0]
    assert (first.url, first.mirror) == ("https://example.org/c", True)


def test_a_lesson_without_a_primary_source_is_reported(content_root):
    # both language files: the lesson's sources are the English file's with the Chinese file's added
    for lang in ("en", "zh"):
        lesson = content_root / f"modules/climate-adaptation/01-urban-climate-risks.{lang}.md"
        text = lesson.read_text(encoding="utf-8")
        meta, body = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.DOTALL).groups()
        data = yaml.safe_load(meta)
        data["sources"] = [{"title": "A newspaper", "url": "https://news.example.com/x"}]
        lesson.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}", encoding="utf-8")
    items = sourced_items(load_curriculum(content_root))
    missing = [i.path for i in items if i.kind == "lesson" and not i.has_primary]
    assert missing == ["modules/climate-adaptation/01-urban-climate-risks.en.md"]


def test_content_check_prints_the_source_hosts(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Source hosts" in result.output
    assert "modules/climate-finance/04-making-projects-bankable.en.md: *gov.cn" in result.output
    assert "smxxzx.com" not in result.output
    assert "0 lesson(s) without a primary source." in result.output
