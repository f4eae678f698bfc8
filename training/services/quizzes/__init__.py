"""Quizzes: which questions an attempt shows and in which order, grading, retakes, the pre-test,
what a result page may reveal, and extra attempts granted by a trainer (docs/quizzes.md).

An attempt's layout (the questions drawn and each question's options in displayed order) is
derived from a seed that depends on the trainee, the quiz, the kind, the attempt's number and the
content version, keyed with the app's secret: the page shown and the form submitted agree without
any state kept between them, a retake (next number) gets a new layout, and the layout is stored
with the attempt so its review, exports and item analysis show what the trainee saw.

Modules: `status` (attempts used and left, the pre-test, grants counted), `layout` (the
questions drawn and the options' order), `attempts` (grading and storing), `review` (what a
result page shows), `grants` (extra attempts).
"""

from training.services.quizzes.attempts import (
    get_attempt,
    get_attempt_module,
    list_attempts,
    parse_responses,
    passing_attempt,
    submit_attempt,
)
from training.services.quizzes.grants import (
    GrantRefused,
    RetakeOverlap,
    can_grant_attempts,
    grant_attempts,
    list_grants,
    retake_overlap,
)
from training.services.quizzes.layout import (
    LETTERS,
    Layout,
    displayed_options,
    draw_questions,
    letter_of,
    list_questions,
    plan_attempt,
    revealed_keys,
)
from training.services.quizzes.review import (
    REVEAL_KEY,
    REVEAL_SCORE,
    REVEAL_WRONG,
    LessonStrength,
    ReviewItem,
    lesson_strengths,
    missed_lessons,
    reveals,
    review_attempt,
    summarise_answer,
)
from training.services.quizzes.status import (
    GRANTED,
    NoAttemptsLeft,
    PretestClosed,
    QuizStatus,
    Unanswered,
    get_quiz,
    get_status,
    get_status_and_done,
)

__all__ = [
    "GRANTED",
    "GrantRefused",
    "LETTERS",
    "Layout",
    "LessonStrength",
    "NoAttemptsLeft",
    "PretestClosed",
    "QuizStatus",
    "REVEAL_KEY",
    "REVEAL_SCORE",
    "REVEAL_WRONG",
    "RetakeOverlap",
    "ReviewItem",
    "Unanswered",
    "can_grant_attempts",
    "displayed_options",
    "draw_questions",
    "get_attempt",
    "get_attempt_module",
    "get_quiz",
    "get_status",
    "get_status_and_done",
    "grant_attempts",
    "lesson_strengths",
    "missed_lessons",
    "letter_of",
    "list_attempts",
    "list_grants",
    "list_questions",
    "parse_responses",
    "passing_attempt",
    "plan_attempt",
    "retake_overlap",
    "revealed_keys",
    "reveals",
    "review_attempt",
    "submit_attempt",
    "summarise_answer",
]
