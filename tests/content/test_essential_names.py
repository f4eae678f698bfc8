"""The Ten Essentials carry their official names, spelled one way everywhere: in English as in
UNDRR's official tool, in Chinese in one rendering used by the scorecard, lessons, glossary,
quizzes and the interface catalog. The scorecard's 47 questions match the official tool."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.official_tool import OFFICIAL_TOOL, needs_official_tool

ROOT = Path(__file__).resolve().parents[2]
SCORECARD = sorted((ROOT / "quizzes" / "scorecard").glob("essential-*.yaml"))
COUNTS = (3, 5, 4, 4, 3, 6, 4, 9, 7, 2)
# Names used before the official ones: they must not come back anywhere.
RETIRED = (
    "Understand current and future risks",
    "Plan and build a resilient city",
    "Strengthen community and social capacity",
    "Make infrastructure resilient",
    "Respond effectively to disasters",
    "Recover faster and build back better",
    "识别和研判当前及未来风险",
    "增强社会与基层社区的韧性能力",
)


def _essentials() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in SCORECARD]


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


NAMES = {e["number"]: (_norm(e["title"]["en"]), e["title"]["zh"]) for e in _essentials()}


def _texts() -> list[tuple[Path, str]]:
    globs = (
        "modules/**/*.md",
        "modules/**/*.yaml",
        "quizzes/**/*.yaml",
        "library/**/*.md",
        "library/**/*.yaml",
    )
    files = sorted({p for g in globs for p in ROOT.glob(g)})
    files.append(ROOT / "training" / "translations" / "zh" / "LC_MESSAGES" / "messages.po")
    return [(p, _norm(p.read_text(encoding="utf-8"))) for p in files]


def _anchor_en(name: str) -> re.Pattern:
    words = name.split()[:2]
    return re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words), re.I)


def test_every_essential_has_one_english_and_one_chinese_spelling():
    problems = []
    for path, text in _texts():
        for retired in RETIRED:
            if retired.lower() in text.lower():
                problems.append(f"{path.relative_to(ROOT)}: retired name {retired!r}")
        for number, (en, zh) in NAMES.items():
            for match in _anchor_en(en).finditer(text):
                found = text[match.start() : match.start() + len(en)]
                if found.lower() == en.lower() and found != en:
                    problems.append(
                        f"{path.relative_to(ROOT)}: {found!r} is spelled {en!r} (Essential {number})"
                    )
            for match in re.finditer(re.escape(zh[:4]), text):
                window = text[match.start() : match.start() + len(zh) + 2]
                if not window.startswith(zh) and zh[-3:] in window:
                    problems.append(
                        f"{path.relative_to(ROOT)}: {window!r} is spelled {zh!r} (Essential {number})"
                    )
    assert not problems, "\n".join(problems)


def test_the_scorecard_content_notes_which_official_indicator_each_question_renders():
    for essential in _essentials():
        for question in essential["questions"]:
            assert len(question.get("official", "")) > 20, question["id"]


@pytest.fixture(scope="module")
def results():
    book = openpyxl.load_workbook(io.BytesIO(OFFICIAL_TOOL.read_bytes()), read_only=True)  # type: ignore[union-attr]
    sheet = book["Results"]
    rows = {
        c.coordinate: c.value
        for row in sheet.iter_rows(min_row=163, max_row=221, max_col=8)
        for c in row
        if c.value
    }
    book.close()
    return rows


@needs_official_tool
def test_names_ids_order_and_maximum_match_the_official_tool(results):
    official_names = [re.sub(r"^\d+\.\s*", "", _norm(results[f"D{162 + n}"])) for n in range(1, 11)]
    assert [NAMES[n][0] for n in range(1, 11)] == official_names
    official_ids = [(results[f"B{r}"], results[f"C{r}"]) for r in range(175, 222)]
    ours = [(f"E{e['number']}", q["id"]) for e in _essentials() for q in e["questions"]]
    assert ours == official_ids
    counts = tuple(sum(1 for section, _id in official_ids if section == f"E{n}") for n in range(1, 11))
    assert counts == COUNTS == tuple(len(e["questions"]) for e in _essentials())
    # H163:H172 = COUNTIFS(section)*3, summed into the maximum
    assert all(results[f"H{162 + n}"].endswith("*3") for n in range(1, 11))
    assert 3 * sum(counts) == 141


def _official_levels() -> dict[str, dict[int, str]]:
    """The official level labels, read from the radio buttons (VML drawings) of the E-sheets."""
    import html
    import zipfile

    archive = zipfile.ZipFile(OFFICIAL_TOOL)  # type: ignore[arg-type]
    workbook = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets |= {rid: t for t, rid in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
    levels: dict[str, dict[int, str]] = {}
    for name, rid in re.findall(r'<sheet name="(E\d\d)" sheetId="\d+" r:id="(rId\d+)"', workbook):
        sheet = "xl/" + targets[rid]
        sheet_rels = archive.read(sheet.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        vml = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"', sheet_rels).group(1)
        text = archive.read(f"xl/drawings/{vml}").decode("utf-8", "replace")
        for shape in re.findall(r"<v:shape .*?</v:shape>", text, re.S):
            if 'ObjectType="Radio"' not in shape:
                continue
            label = " ".join(html.unescape(re.sub(r"<[^>]+>", "", shape.split("<x:ClientData")[0])).split())
            row = int(re.search(r"<x:Anchor>\s*([^<]+)", shape).group(1).split(",")[2]) + 1
            qid = f"P{int(name[1:])}.{(row - 3) // 11 + 1}"
            levels.setdefault(qid, {})[int(label[0])] = label
    return levels


CROSS_REFERENCE = re.compile(r"essential \d+", re.I)  # "see Essential 2" is not a band


@needs_official_tool
def test_every_number_of_an_official_level_is_in_our_level():
    """Where the official levels are numeric bands (shares, hours), ours state the same numbers."""
    ours = {q["id"]: q["levels"] for e in _essentials() for q in e["questions"]}
    official = _official_levels()
    assert sorted(official) == sorted(ours)
    missing = []
    for qid, levels in official.items():
        for score, label in levels.items():
            numbers = set(re.findall(r"\d+", CROSS_REFERENCE.sub("", label[1:])))
            mine = set(re.findall(r"\d+", CROSS_REFERENCE.sub("", ours[qid][score]["en"])))
            if numbers - mine:
                missing.append(f"{qid} level {score}: {sorted(numbers - mine)} ({label})")
    assert not missing, "\n".join(missing)
