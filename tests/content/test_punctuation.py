"""No stray space after Chinese punctuation (issue 15): Chinese text never puts a space after
。，；：！？、） — in lessons, case studies, the glossary, module files, quizzes and the zh catalog.

A space after the punctuation and a closing emphasis marker (`：** 把`) counts too, because the reader
sees it; YAML strings are checked after loading, so a folded line break that becomes a space counts.
Spaces before a table's `|` or at the end of a line are layout, not text."""

from __future__ import annotations

import re

import pytest

from tests.content.conftest import REAL
from tests.content.content_text import zh_texts

STRAY_SPACE = re.compile(r"[。，；：！？、）](?:\*{1,2}|_{1,2}|`)?[ \t\u3000]+(?=[^\s|])")


def stray_spaces(texts) -> list[str]:
    found = []
    for path, where, text in texts:
        for match in STRAY_SPACE.finditer(text):
            start = max(match.start() - 12, 0)
            found.append(f"{path}: {where}: …{text[start : match.end() + 6]}…")
    return found


AREAS = {"modules": "modules/", "library": "library/", "quizzes": "quizzes/", "zh catalog": "training/"}


@pytest.mark.parametrize("area", AREAS)
def test_no_stray_space_after_chinese_punctuation(area):
    found = [f for f in stray_spaces(zh_texts(REAL)) if f.startswith(AREAS[area])]
    assert not found, f"{len(found)} stray space(s):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("text", "stray"),
    [
        ("直接经济损失3270.9亿元。 这还只是直接损失", True),
        ("- **要素3（增强韧性建设的资金保障能力）：** 把", True),
        ("第一句，第二句。第三句", False),
        ("| 应急管理部 | 2019年（全年） |", False),
        ("句末。", False),
        ("- **代价。**据应急管理部统计", False),
    ],
)
def test_the_check_finds_a_stray_space_and_only_that(text, stray):
    assert bool(stray_spaces([("x.zh.md", "line 1", text)])) is stray
