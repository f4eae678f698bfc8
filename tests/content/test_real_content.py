"""The shipped curriculum loads without a single problem (what `flask content check` runs)."""

from __future__ import annotations

import re

from tests.content.conftest import REAL
from training.content import load_curriculum
from training.content.parsing import SCORECARD_COUNTS


def test_the_real_curriculum_is_valid():
    curriculum = load_curriculum(REAL)
    assert curriculum.modules and curriculum.quizzes


def test_the_scorecard_is_the_full_preliminary_level():
    curriculum = load_curriculum(REAL)
    ids = [q.id for e in curriculum.essentials for q in e.questions]
    assert len(ids) == 47 == len(set(ids))
    assert {e.number: len(e.questions) for e in curriculum.essentials} == SCORECARD_COUNTS
    assert ids[0] == "P1.1" and ids[-1] == "P10.2"
    for essential in curriculum.essentials:
        for q in essential.questions:
            assert set(q.levels) == {"0", "1", "2", "3"}
            assert all(q.levels[s]["en"] and q.levels[s]["zh"] for s in q.levels)


def test_the_adaptation_module_is_complete_in_both_languages():
    curriculum = load_curriculum(REAL)
    module = next(m for m in curriculum.modules if m.slug == "climate-adaptation")
    assert len(module.lessons) >= 4
    for lesson in module.lessons:
        assert set(lesson.html) == {"en", "zh"}, lesson.slug
        assert lesson.sources, lesson.slug
        words = len(re.sub(r"<[^>]+>", " ", lesson.html["en"]).split())
        assert 600 <= words <= 1400, (lesson.slug, words)
        chinese = len(re.findall(r"[\u4e00-\u9fff]", lesson.html["zh"]))
        assert chinese >= 900, (lesson.slug, chinese)
    quiz = next(q for q in curriculum.quizzes if q.module == "climate-adaptation")
    assert len(quiz.questions) >= 8
    assert {q.type for q in quiz.questions} == {"single", "multiple", "true_false"}
    assert all(1 <= q.essential <= 10 for q in quiz.questions)
