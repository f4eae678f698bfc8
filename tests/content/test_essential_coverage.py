"""Every one of the Ten Essentials is tested by at least four quiz questions across the curriculum
(issue 15): a question counts for the Essential it is tagged with, in any module's quiz (all of
them can be drawn in a final attempt). And every lesson is taught with questions of its own, so a
new lesson cannot ship without a quiz."""

from __future__ import annotations

from collections import Counter

import yaml

from tests.content.conftest import REAL
from training.content import load_curriculum
from training.content.schema import Curriculum

MINIMUM = 4


def essentials_short_of_minimum(curriculum: Curriculum, minimum: int = MINIMUM) -> list[str]:
    """'N (count)' for every Essential 1-10 tested by fewer than `minimum` questions."""
    counts = Counter(q.essential for quiz in curriculum.quizzes for q in quiz.questions)
    return [f"{n} ({counts[n]})" for n in range(1, 11) if counts[n] < minimum]


def test_every_essential_is_tested_by_at_least_four_questions():
    short = essentials_short_of_minimum(load_curriculum(REAL))
    assert not short, f"Essentials tested by fewer than {MINIMUM} quiz questions: {', '.join(short)}"


def test_a_curriculum_without_essential_7_questions_is_reported(content_root):
    for path in (content_root / "quizzes").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["questions"] = [q for q in data["questions"] if q["essential"] != 7]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    short = essentials_short_of_minimum(load_curriculum(content_root))
    assert short == ["7 (0)"]


def test_every_lesson_has_questions_in_its_modules_quiz():
    curriculum = load_curriculum(REAL)
    quizzes = {quiz.module: quiz for quiz in curriculum.quizzes}
    missing = [
        f"{module.slug}/{lesson.slug}"
        for module in curriculum.modules
        if module.slug in quizzes
        for lesson in module.lessons
        if not any(q.lesson == lesson.slug for q in quizzes[module.slug].questions)
    ]
    assert not missing, f"lessons without quiz questions: {missing}"


def test_the_finance_quiz_covers_the_instruments_lesson_and_its_pool_covers_every_lesson():
    curriculum = load_curriculum(REAL)
    module = next(m for m in curriculum.modules if m.slug == "climate-finance")
    quiz = next(q for q in curriculum.quizzes if q.module == "climate-finance")
    assert "05-the-instruments-as-they-stand" in [lesson.slug for lesson in module.lessons]
    assert len([q for q in quiz.questions if q.lesson == "05-the-instruments-as-they-stand"]) >= 2
    lessons = {q.lesson for q in quiz.questions}
    assert lessons == {lesson.slug for lesson in module.lessons}
    assert len(lessons) <= quiz.draw <= len(quiz.questions)
