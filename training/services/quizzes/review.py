"""What a result page shows: each question as taken, the answer given, and, when `reveals`
allows, the right answer; strengths per lesson."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from training.content.question_types import get_question_type
from training.models import Quiz, QuizAttempt
from training.services.quizzes.layout import displayed_options
from training.services.quizzes.status import QuizStatus


@dataclass
class ReviewItem:
    key: str
    type: str
    body: dict[str, Any]
    response: Any
    correct: bool
    your_answer: str
    right_answer: str
    lesson: str = ""  # slug of the lesson that teaches it
    options: list[dict[str, Any]] = field(default_factory=list)  # displayed order, with letters
    dont_know: bool = False


def _lettered(body: dict[str, Any], order: list[str] | None, ids: list[str], locale: str) -> str:
    return "; ".join(
        f"{o['letter']}. {o['text'].get(locale) or o['text'].get('en', o['id'])}"
        for o in displayed_options(body, order)
        if o["id"] in ids
    )


def summarise_answer(attempt: QuizAttempt, key: str, locale: str) -> str:
    """The answer in words, with the letters the trainee saw ("B. …")."""
    snap = (attempt.snapshot or {}).get(key, {})
    body = snap.get("body", {})
    response = (attempt.answers or {}).get(key)
    qtype = get_question_type(snap.get("type", "single"))
    if response is None or not body.get("options"):
        return qtype.summarise(body, response, locale)
    ids = response if isinstance(response, list) else [response]
    return _lettered(body, attempt.option_order(key), ids, locale)


def review_attempt(attempt: QuizAttempt, locale: str, with_key: bool = True) -> list[ReviewItem]:
    """Each question as it was when taken, options in the order shown, with the answer given
    and whether it was right. `with_key=False` (see `reveals`) leaves out the right answers and
    the explanations altogether, so no page can show them by mistake."""
    items = []
    for key in attempt.question_keys:
        snap = attempt.snapshot.get(key, {})
        qtype = get_question_type(snap.get("type", "single"))
        body = snap.get("body", {})
        if not with_key:
            body = {
                "text": body.get("text", {}),
                "explanation": {},
                "options": [{**o, "correct": False} for o in body.get("options", [])],
            }
        response = attempt.answers.get(key)
        order = attempt.option_order(key)
        chosen = response if isinstance(response, list) else [response]
        right = ""
        if with_key:
            right = (
                _lettered(body, order, [o["id"] for o in body["options"] if o.get("correct")], locale)
                if body.get("options")
                else qtype.correct_summary(body, locale)
            )
        items.append(
            ReviewItem(
                key=key,
                type=qtype.name,
                body=body,
                response=response,
                correct=bool(attempt.results.get(key)),
                your_answer=summarise_answer(attempt, key, locale),
                right_answer=right,
                lesson=snap.get("lesson", ""),
                options=[{**o, "chosen": o["id"] in chosen} for o in displayed_options(body, order)],
                dont_know=response is None,
            )
        )
    return items


#: what a result page may reveal
REVEAL_KEY, REVEAL_WRONG, REVEAL_SCORE = "key", "wrong", "score"


def reveals(attempt: QuizAttempt, quiz: Quiz, status: QuizStatus) -> str:
    """REVEAL_KEY: right answers and explanations; REVEAL_WRONG: which questions were wrong and
    the lesson to review, no right answer; REVEAL_SCORE (pre-tests): the score and per-lesson
    strengths only. Per quiz (`reveal`): pass_or_last (default) shows the key once the trainee
    has passed or has no attempt left; always; never."""
    if attempt.kind != QuizAttempt.FINAL:
        return REVEAL_SCORE
    setting = quiz.reveal or "pass_or_last"
    if setting == "always":
        return REVEAL_KEY
    if setting == "never":
        return REVEAL_WRONG
    return REVEAL_KEY if status.passed or not status.can_attempt else REVEAL_WRONG


@dataclass
class LessonStrength:
    lesson: str
    right: int
    asked: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.asked) if self.asked else 0


def lesson_strengths(attempt: QuizAttempt) -> list[LessonStrength]:
    """Right / asked per lesson, in the order the questions were shown."""
    tally: dict[str, list[int]] = {}
    for key in attempt.question_keys:
        lesson = attempt.snapshot.get(key, {}).get("lesson", "")
        row = tally.setdefault(lesson, [0, 0])
        row[0] += bool(attempt.results.get(key))
        row[1] += 1
    return [LessonStrength(lesson, right, asked) for lesson, (right, asked) in tally.items()]


def missed_lessons(attempt: QuizAttempt) -> set[str]:
    """Slugs of the lessons that teach the questions `attempt` got wrong: the lessons its result
    page names ("Review: …"). A question stored without its lesson names none."""
    return {
        attempt.snapshot.get(key, {}).get("lesson", "")
        for key in attempt.question_keys
        if not attempt.results.get(key)
    } - {""}
