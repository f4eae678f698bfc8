"""The sixth module, urban climate risk assessment in practice (issue 15): complete in both
languages, sourced with document numbers and dates, tied to Essential 2, with a balanced quiz and
a worksheet whose answers follow the scorecard's own questions."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from tests.content.conftest import REAL
from training.content import load_curriculum
from training.content.parsing import split_front_matter
from training.services import risk_worksheet

SLUG = "urban-climate-risk-assessment"
PRIMARY_HOSTS = ("gov.cn", "undrr.org", "unisdr.org", "ipcc.ch")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(REAL)


@pytest.fixture(scope="module")
def module(curriculum):
    return next(m for m in curriculum.modules if m.slug == SLUG)


def _front_matter(path):
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), _NoErrors())
    return meta, body


class _NoErrors:
    def add(self, field, message):  # pragma: no cover - a failure here is a broken file
        raise AssertionError(f"{field}: {message}")


def test_the_module_comes_sixth_and_serves_essential_2(curriculum, module):
    assert [m.slug for m in sorted(curriculum.modules, key=lambda m: m.position)][-1] == SLUG
    assert module.essentials[0] == 2
    assert {"P2.1", "P2.2", "P2.3", "P2.4", "P2.5"} <= set(module.scorecard_questions)
    assert len(module.case_studies) >= 3


def test_four_lessons_complete_in_both_languages(module):
    assert len(module.lessons) >= 4
    for lesson in module.lessons:
        assert set(lesson.html) == {"en", "zh"}, lesson.slug
        words = len(re.sub(r"<[^>]+>", " ", lesson.html["en"]).split())
        assert 600 <= words <= 1400, (lesson.slug, words)
        chinese = len(re.findall(r"[\u4e00-\u9fff]", lesson.html["zh"]))
        assert chinese >= 900, (lesson.slug, chinese)
        assert lesson.glossary_refs, lesson.slug


HEADINGS = {
    "en": ("China focus", "International comparison", "For your city"),
    "zh": ("中国聚焦", "国际比较", "对照本市"),
}


@pytest.mark.parametrize("lang, headings", HEADINGS.items())
def test_every_lesson_puts_china_first_compares_and_ends_with_scorecard_questions(module, lang, headings):
    for lesson in module.lessons:
        html = lesson.html[lang]
        found = [re.search(rf"<h2[^>]*>{h}", html) for h in headings]
        positions = [m.start() if m else -1 for m in found]
        assert -1 not in positions and positions == sorted(positions), (lesson.slug, lang, positions)
        for_your_city = html[positions[-1] :]
        assert re.search(r"P2\.[1-5]", for_your_city), (lesson.slug, lang)


def test_every_lesson_cites_a_primary_source_with_numbers_and_dates(module):
    folder = REAL / "modules" / SLUG
    for lesson in module.lessons:
        hosts = " ".join(s.url for s in lesson.sources)
        assert any(host in hosts for host in PRIMARY_HOSTS), lesson.slug
        for lang in ("en", "zh"):
            meta, _body = _front_matter(folder / f"{lesson.slug}.{lang}.md")
            sources = meta["sources"]
            assert any(s.get("date") for s in sources), (lesson.slug, lang)
            for source in sources:
                number = DOC_NUMBER.search(source["title"])
                if number:  # a document number in the title is also given as metadata
                    assert source.get("number") == number.group(0), (lesson.slug, lang, source["title"])


def test_the_quiz_covers_every_lesson_with_balanced_keys(curriculum, module):
    quiz = next(q for q in curriculum.quizzes if q.module == SLUG)
    assert len(quiz.questions) >= 10
    per_lesson = Counter(q.lesson for q in quiz.questions)
    assert {lesson.slug for lesson in module.lessons} == set(per_lesson)
    assert min(per_lesson.values()) >= 2
    assert {q.type for q in quiz.questions} == {"single", "multiple", "true_false"}
    raw = yaml.safe_load((REAL / "quizzes" / f"{SLUG}.yaml").read_text(encoding="utf-8"))["questions"]
    positions = Counter()
    truths = []
    for question in raw:
        if question["type"] in ("single", "multiple"):
            assert len(question["options"]) == 4, question["id"]
        if question["type"] == "single":
            positions[next(i for i, o in enumerate(question["options"]) if o.get("correct"))] += 1
        if question["type"] == "true_false":
            truths.append(question["answer"])
    singles = sum(positions.values())
    assert max(positions.values()) <= 0.4 * singles, positions
    assert 0.35 <= truths.count(True) / len(truths) <= 0.65, truths


def test_the_worksheet_follows_the_scorecard(curriculum):
    sheet = risk_worksheet.get_worksheet(REAL, SLUG)
    assert sheet is not None
    questions = {q.id: q for e in curriculum.essentials for q in e.questions}
    assert [a.question for a in sheet.answers] == ["P2.1", "P2.2", "P2.3", "P2.4", "P2.5"]
    for answer in sheet.answers:
        assert answer.topic == questions[answer.question].topic, answer.question
    for row in sheet.rows:
        assert row.questions and set(row.questions) <= set(questions), row.id
    assert {"event", "timing", "exposure", "vulnerability", "cascades", "likelihood", "consequence"} <= {
        row.id for row in sheet.rows
    }
