"""One term per concept across the content and the Chinese interface catalog (issue 15).

TERMS lists (preferred term, [variants]); a variant anywhere in modules/, library/, quizzes/ or a
msgstr of the zh catalog fails, naming the file and line. The Essentials are named by the official
names (UNDRR's Results-sheet labels, and our one Chinese rendering of each, as the scorecard uses them):
wherever a text labels an Essential ("Essential 3, …:", "要素3（…）", "要素3“…”", a heading), the
label must be that name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.content.conftest import REAL
from tests.content.content_text import lines

ESSENTIALS_EN = {
    1: "Organise for Disaster Resilience",
    2: "Identify, Understand and Use Current and Future Risk Scenarios",
    3: "Strengthen Financial Capacity for Resilience",
    4: "Pursue Resilient Urban Development and Design",
    5: "Safeguard Natural Buffers to Enhance Ecosystems' Protective Functions",
    6: "Strengthen Institutional Capacity for Resilience",
    7: "Understand and Strengthen Societal Capacity for Resilience",
    8: "Increase Infrastructure Resilience",
    9: "Ensure Effective Disaster Response",
    10: "Expedite Recovery and Build Back Better",
}
ESSENTIALS_ZH = {
    1: "建立抗灾韧性的组织体系",
    2: "识别、理解和运用当前及未来风险情景",
    3: "增强韧性建设的资金保障能力",
    4: "推进韧性城市规划建设",
    5: "保护自然屏障，发挥生态系统防护功能",
    6: "增强机构的韧性能力",
    7: "了解并增强社会韧性能力",
    8: "提升基础设施韧性",
    9: "高效开展灾害应急响应",
    10: "加快恢复重建，实现更好重建",
}

TERMS: list[tuple[str, list[str]]] = [
    ("初步评估", ["初级评估", "初级记分卡评估", "初级水平评估"]),
    ("十大要素", ["十项基本要素", "十项要素", "十个要素", "10大要素"]),
    ("Ten Essentials", ["10 Essentials", "ten essentials", "Ten essentials"]),
    ("生态产品总值（GEP）", ["生态系统生产总值", "生态产品价值总量"]),
    ("gross ecosystem product (GEP)", ["gross ecological product", "Gross Ecological Product"]),
    ("暴雨大道 (cloudburst boulevard)", ["暴雨通道街道", "暴雨林荫道", "暴雨林荫大道"]),
    ("国家安全发展示范城市", ["全国安全发展示范城市"]),
    # Names the scorecard and lessons used before the official ones.
    (ESSENTIALS_EN[1], ["Organise for disaster resilience", "Organize for Resilience"]),
    (ESSENTIALS_EN[2], ["Understand current and future risks"]),
    (ESSENTIALS_EN[4], ["Plan and build a resilient city"]),
    (ESSENTIALS_EN[7], ["Strengthen community and social capacity"]),
    (ESSENTIALS_EN[8], ["Make infrastructure resilient"]),
    (ESSENTIALS_EN[9], ["Respond effectively to disasters"]),
    (ESSENTIALS_EN[10], ["Recover faster and build back better"]),
    (ESSENTIALS_ZH[2], ["识别和研判当前及未来风险", "识别、理解和运用当前及未来的风险情景"]),
    (ESSENTIALS_ZH[4], ["推进韧性城市开发与设计"]),
    (ESSENTIALS_ZH[7], ["增强社会与基层社区的韧性能力"]),
]

# Places where a text gives an Essential a name: the name must be the official one.
LABEL_PATTERNS = [
    (re.compile(r"Essential (\d+), ([A-Za-z][^:*\n]*?):\*\*"), ESSENTIALS_EN),
    (re.compile(r"Essential (\d+), [\"“]([^\"”\n]+)[\"”]"), ESSENTIALS_EN),
    (re.compile(r"^#+ Essential (\d+): (.+?)\s*$"), ESSENTIALS_EN),
    (re.compile(r"要素(\d+)（([^）\n]+)）"), ESSENTIALS_ZH),
    (re.compile(r"要素(\d+)“([^”\n]+)”"), ESSENTIALS_ZH),
    (re.compile(r"^#+ 要素(\d+)：(.+?)\s*$"), ESSENTIALS_ZH),
    (re.compile(r"(?P<label>[^\"\n]{3,90})\" \(Essential (?P<n>\d+)\)"), ESSENTIALS_EN),
    (re.compile(r"“(?P<label>[^”\n]+)”（要素(?P<n>\d+)）"), ESSENTIALS_ZH),
]


def variant_uses(root: Path, terms=TERMS) -> list[str]:
    found = []
    for path, number, line in lines(root):
        for preferred, variants in terms:
            for variant in variants:
                if variant in line:
                    found.append(f"{path}:{number}: '{variant}' — write '{preferred}'")
    return found


def wrong_essential_labels(root: Path) -> list[str]:
    found = []
    for path, number, line in lines(root):
        for pattern, names in LABEL_PATTERNS:
            for match in pattern.finditer(line):
                if "n" in pattern.groupindex:  # "name" (Essential N): the name comes first
                    number_, label = int(match.group("n")), match.group("label").split('"')[-1].strip()
                else:
                    number_, label = int(match.group(1)), match.group(2).strip()
                if re.match(r"P?\d", label):  # "要素2（P2.5）": a question id, not a name
                    continue
                if number_ in names and label != names[number_]:
                    found.append(
                        f"{path}:{number}: Essential {number_} called '{label}' — write '{names[number_]}'"
                    )
    return found


AREAS = {
    "modules": "modules/",
    "library": "library/",
    "quizzes": "quizzes/",
    "zh catalog": "training/translations/",
}


@pytest.mark.parametrize("area", AREAS)
def test_the_content_and_the_catalog_use_one_term_per_concept(area):
    found = [f for f in variant_uses(REAL) if f.startswith(AREAS[area])]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("area", AREAS)
def test_every_essential_is_called_by_its_official_name(area):
    found = [f for f in wrong_essential_labels(REAL) if f.startswith(AREAS[area])]
    assert not found, "\n".join(found)


def test_the_check_names_file_and_line_of_a_variant(tmp_path):
    lesson = tmp_path / "modules" / "m" / "01-x.zh.md"
    lesson.parent.mkdir(parents=True)
    lesson.write_text("---\ntitle: x\n---\n\n先完成记分卡初级评估。\n开展初步评估。\n", encoding="utf-8")
    assert variant_uses(tmp_path) == ["modules/m/01-x.zh.md:5: '初级评估' — write '初步评估'"]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("- **Essential 3, finance:** decide", True),
        (f"- **Essential 3, {ESSENTIALS_EN[3]}:** decide", False),
        ("- **要素5（自然缓冲）：**把", True),
        (f"- **要素5（{ESSENTIALS_ZH[5]}）：**把", False),
        ("## 要素2：摸清风险底数", True),
        ("从“建立抗灾韧性的组织体系”（要素1）到“加快恢复、重建得更好”（要素10）", True),
        ('from "Organise for Disaster Resilience" (Essential 1) to "Expedite Recovery" (Essential 10)', True),
        (f'from "{ESSENTIALS_EN[1]}" (Essential 1)', False),
    ],
)
def test_an_unofficial_essential_label_is_found(tmp_path, text, wrong):
    study = tmp_path / "library" / "case-studies" / "x.zh.md"
    study.parent.mkdir(parents=True)
    study.write_text(f"---\ntitle: x\n---\n\n{text}\n", encoding="utf-8")
    assert bool(wrong_essential_labels(tmp_path)) is wrong
