"""The city scorecard.

- `reading`: who may see a city's scorecard, the current assessment, its answers and scores (also
  from the worker's kept copy of the questions);
- `answers`: an answer checked and saved with its history; a colleague's save found first is a
  conflict (409), before or at flush; the recent changes;
- `history`: assessments over time, starting a new one, comparing them;
- `xlsx`: the platform's own workbook (export, and import into a new assessment);
- `official` and `official_export`: UNDRR's official preliminary Scorecard tool, read and filled.

The package re-exports `reading` and `answers` (`from training.services import scorecard as sc`;
`sc.save_answer`); the other modules are imported by name.
"""

from training.services.scorecard.answers import (
    AnswerLocked,
    AssessmentClosed,
    InvalidAnswer,
    StaleAnswer,
    answer_matches,
    apply_changes,
    clean_answer,
    commit_or_stale,
    get_or_add_answer,
    list_changes,
    save_answer,
    stale_as_conflict,
)
from training.services.scorecard.reading import (
    MAX_SCORE,
    QUESTION_TEXTS,
    TEXT_LIMITS,
    EssentialRow,
    QuestionRow,
    Scorecard,
    can_edit_city_scorecard,
    can_view_city_scorecard,
    get_current_assessment,
    get_current_question_rows,
    get_kept_assessment_scores,
    get_kept_scorecard,
    get_kept_scores,
    get_or_create_assessment,
    get_question,
    get_question_rows,
    get_scorecard,
)

__all__ = [
    "AnswerLocked",
    "AssessmentClosed",
    "EssentialRow",
    "InvalidAnswer",
    "MAX_SCORE",
    "QUESTION_TEXTS",
    "QuestionRow",
    "Scorecard",
    "StaleAnswer",
    "TEXT_LIMITS",
    "answer_matches",
    "apply_changes",
    "can_edit_city_scorecard",
    "can_view_city_scorecard",
    "clean_answer",
    "commit_or_stale",
    "get_current_assessment",
    "get_current_question_rows",
    "get_kept_assessment_scores",
    "get_kept_scorecard",
    "get_kept_scores",
    "get_or_add_answer",
    "get_or_create_assessment",
    "get_question",
    "get_question_rows",
    "get_scorecard",
    "list_changes",
    "save_answer",
    "stale_as_conflict",
]
