"""SQLAlchemy models, one file per area. Importing this package registers every table."""

from training.models.city import City
from training.models.content import Lesson, Module, Question, Quiz
from training.models.progress import LessonCompletion, QuizAttempt
from training.models.scorecard import (
    AnswerChange,
    Assessment,
    AssessmentAnswer,
    Essential,
    ScorecardQuestion,
)
from training.models.user import Role, User

__all__ = [
    "AnswerChange",
    "Assessment",
    "AssessmentAnswer",
    "City",
    "Essential",
    "Lesson",
    "LessonCompletion",
    "Module",
    "Question",
    "Quiz",
    "QuizAttempt",
    "Role",
    "ScorecardQuestion",
    "User",
]
