"""SQLAlchemy models, one file per area. Importing this package registers every table."""

from training.models.city import City
from training.models.cohort import (
    Attendance,
    Certificate,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    CohortTrainer,
)
from training.models.content import ContentRevision, Lesson, Module, Question, Quiz
from training.models.invitation import CohortInvitation
from training.models.library import CaseStudy, GlossaryTerm
from training.models.membership import CityMembership, CityRequest, TrainerCity
from training.models.notification import EmailOptOut, Notification, OutboundEmail
from training.models.programme import Programme, ProgrammeCity, ProgrammeManager, ScorecardSharing
from training.models.progress import AttemptGrant, LessonCompletion, QuizAttempt
from training.models.scorecard import (
    AnswerChange,
    Assessment,
    AssessmentAnswer,
    Essential,
    Rating,
    ScorecardQuestion,
)
from training.models.user import Role, User

__all__ = [
    "AnswerChange",
    "AttemptGrant",
    "Attendance",
    "Certificate",
    "Cohort",
    "CohortInvitation",
    "CohortMember",
    "CohortModule",
    "CohortSession",
    "CohortTrainer",
    "Assessment",
    "AssessmentAnswer",
    "CaseStudy",
    "ContentRevision",
    "City",
    "CityMembership",
    "CityRequest",
    "EmailOptOut",
    "Essential",
    "GlossaryTerm",
    "Lesson",
    "LessonCompletion",
    "Module",
    "Programme",
    "ProgrammeCity",
    "ProgrammeManager",
    "Notification",
    "OutboundEmail",
    "Question",
    "Quiz",
    "QuizAttempt",
    "Rating",
    "Role",
    "ScorecardQuestion",
    "ScorecardSharing",
    "TrainerCity",
    "User",
]
