"""The errors the field review found (issue 15) stay out of every content file and interface string.

Each pattern matches the wrong statement itself, not the topic: a sentence that gives the right figure
or explains the distinction does not trip it (see the cases at the bottom). Thousands separators are
ignored, so "3,279亿" counts as "3279亿".
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.content.conftest import REAL
from tests.content.content_text import lines

ERRORS: list[tuple[str, re.Pattern[str]]] = [
    ("2019 direct losses were 327.09 billion yuan", re.compile(r"327\.9 billion|3279 ?亿|327\.9亿")),
    (
        "2019: about 130 million person-times affected, not a share of the population",
        re.compile(
            r"tenth of (?:China's |the )population|one in ten people|影响了?约?十分之一的?(?:中国)?人口"
        ),
    ),
    (
        "the Nanganqu partner was a project company of state-owned Wuhan Iron and Steel",
        re.compile(r"民营钢铁|private steel (?:company|firm|enterprise)"),
    ),
    ("Zhengzhou 2021: 14.786 million people affected", re.compile(r"14\.5 million|1450 ?万")),
    ("初步评估 is the preliminary level", re.compile(r"初级评估")),
    (
        "China's national carbon market is intensity-based, without an absolute cap",
        re.compile(
            r"carbon market\]?(?:\([^)]*\))? caps|allowance cap tightens"
            r"|配额总量逐步收紧|设定排放总量或强度基准"
        ),
    ),
    (
        "heat warning signals have three colour levels",
        re.compile(r"heat[^.;\n]{0,40}four colour levels|高温[^。，；\n]{0,30}四级"),
    ),
    (
        "the IUCN criteria do not all have three or four indicators",
        re.compile(r"three or four indicators|3至4项指标"),
    ),
    (
        "2035 strategy: 达到同期国际先进水平, 基本成熟",
        re.compile(
            r"跻身国际先进行列|风险管理和防范体系趋于成熟|(?<!同期)国际先进水平|internationally advanced"
        ),
    ),
    (
        "the park-city reply was released (published) on 10 February 2022",
        re.compile(r"2022年2月10日国务院批复|in a reply of 10 February 2022"),
    ),
]


def errors_in(found_lines) -> list[str]:
    found = []
    for path, number, line in found_lines:
        text = re.sub(r"(?<=\d),(?=\d{3})", "", line)
        for fact, pattern in ERRORS:
            if pattern.search(text):
                found.append(f"{path}:{number}: {fact}: {line.strip()[:120]}")
    return found


AREAS = {"modules": "modules/", "library": "library/", "quizzes": "quizzes/", "zh catalog": "training/"}


@pytest.mark.parametrize("area", AREAS)
def test_no_known_error_appears(area):
    found = [f for f in errors_in(lines(REAL)) if f.startswith(AREAS[area])]
    assert not found, "\n".join(found)


def test_the_ppp_glossary_entry_and_finance_lesson_state_the_2023_mechanism():
    glossary = yaml.safe_load((REAL / "library/glossary.yaml").read_text(encoding="utf-8"))
    ppp = next(t for t in glossary if t["id"] == "public-private-partnership")
    assert (
        "国办函〔2023〕115号" in ppp["definition"]["en"] and "国办函〔2023〕115号" in ppp["definition"]["zh"]
    )
    assert "user-pays" in ppp["definition"]["en"] and "使用者付费" in ppp["definition"]["zh"]
    for lang in ("en", "zh"):
        lesson = (REAL / f"modules/climate-finance/04-making-projects-bankable.{lang}.md").read_text(
            encoding="utf-8"
        )
        assert "国办函〔2023〕115号" in lesson


def test_the_carbon_market_lesson_gives_the_2025_sectors():
    for lang, words in (
        ("en", ("steel", "cement", "aluminium", "intensity-based")),
        ("zh", ("钢铁", "水泥", "铝冶炼")),
    ):
        lesson = (REAL / f"modules/climate-mitigation/03-china-dual-carbon-goals.{lang}.md").read_text(
            encoding="utf-8"
        )
        assert all(word in lesson for word in words), lang


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ("caused 327.9 billion yuan of direct losses", True),
        ("直接经济损失达3,279亿元", True),
        ("327.09 billion yuan (3270.9亿元) of direct economic losses", False),
        ("affected about a tenth of the population", True),
        ("about 130 million person-times affected, not a share of the population", False),
        ("一家民营钢铁企业出资80%", True),
        ('The Guardian calls this partner "the private sector"; the company was not a private firm.', False),
        ("with about 14.5 million people affected", True),
        ("受灾人口约1,450万", True),
        ("14.786 million people affected in 150 counties", False),
        ("记分卡初级评估", True),
        ("A [carbon market](glossary:carbon-market) caps the emissions of covered companies", True),
        ("In a cap-and-trade market government fixes an absolute cap; China's has no absolute cap.", False),
        ("针对暴雨、台风、高温等灾害发布蓝、黄、橙、红四级预警", True),
        ("暴雨、台风预警信号分蓝、黄、橙、红四级，**高温预警信号分黄、橙、红三级**", False),
        ("监测预警能力达到国际先进水平", True),
        ("监测预警能力达到同期国际先进水平", False),
    ],
)
def test_a_pattern_matches_the_error_and_not_its_correction(line, wrong):
    assert bool(errors_in([("x.md", 1, line)])) is wrong
