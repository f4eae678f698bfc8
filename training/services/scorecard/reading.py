"""Reading a city's scorecard: who may see it, the current assessment, its answers and scores
(also from the worker's kept copy of the questions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import aliased, defer

from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    City,
    Essential,
    ScorecardQuestion,
    User,
)
from training.services import city_access, curriculum_cache

MAX_SCORE = 3
TEXT_LIMITS = {"comments": 4000, "evidence": 4000, "actions": 4000, "responsible": 300, "timescale": 200}


# --- permissions -------------------------------------------------------------------------


def can_view_city_scorecard(user: User, city: City) -> bool:
    """Scorecard answers are sensitive: only the city's members (vouched for, not declared), the
    trainers assigned to the city and admins see them (rules in training/services/city_access.py)."""
    return city_access.can_view_city_scorecard(user, city)


def can_edit_city_scorecard(user: User, city: City) -> bool:
    return city_access.can_edit_city_scorecard(user, city)


# --- reading -----------------------------------------------------------------------------


def get_current_assessment(city: City) -> Assessment | None:
    return db.session.scalar(_CURRENT, {"city_id": city.id})


# Built once: every scorecard page and My learning run it.
_CURRENT = (
    select(Assessment)
    .where(Assessment.city_id == bindparam("city_id"))
    .order_by(Assessment.sequence.desc())
    .limit(1)
)


def get_or_create_assessment(city: City, attempts: int = 3) -> Assessment:
    """The city's current assessment, the first one created if there is none. Also called from a
    page, which reads without a transaction (training/database.py): a colleague who created it
    at the same moment, or (SQLite) held the write lock too long, is answered by reading again."""
    for attempt in range(1, attempts + 1):
        assessment = get_current_assessment(city)
        if assessment is not None:
            return assessment
        db.session.add(Assessment(city_id=city.id, sequence=1))
        try:
            db.session.commit()
        except IntegrityError:  # created at the same moment by a colleague
            db.session.rollback()
        except OperationalError:  # SQLite: "database is locked" after a colleague's write
            db.session.rollback()
            if attempt == attempts:
                raise
    assessment = get_current_assessment(city)
    if assessment is None:
        raise RuntimeError(f"no assessment could be created for city {city.id}")
    return assessment


@dataclass
class QuestionRow:
    question: ScorecardQuestion
    answer: AssessmentAnswer | None

    @property
    def score(self) -> int | None:
        return self.answer.score if self.answer else None


@dataclass
class EssentialRow:
    essential: Essential
    questions: list[QuestionRow] = field(default_factory=list)

    @property
    def max_score(self) -> int:
        return MAX_SCORE * len(self.questions)

    @property
    def score(self) -> int:
        return sum(r.score or 0 for r in self.questions)

    @property
    def answered(self) -> int:
        return sum(1 for r in self.questions if r.score is not None)


@dataclass
class Scorecard:
    assessment: Assessment | None
    essentials: list[EssentialRow]
    # Of a kept card (`get_kept_scorecard`): the memo of the worker's copy of the scorecard it
    # was built from, where the web layer keeps what it draws (training/web/scorecard/kept.py).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def total(self) -> int:
        return sum(e.score for e in self.essentials)

    @property
    def max_score(self) -> int:
        return sum(e.max_score for e in self.essentials)

    @property
    def question_count(self) -> int:
        return sum(len(e.questions) for e in self.essentials)

    @property
    def answered(self) -> int:
        return sum(e.answered for e in self.essentials)

    @property
    def unanswered(self) -> int:
        return self.question_count - self.answered

    def rows(self, ids: list[str] | None = None) -> list[QuestionRow]:
        rows = [r for e in self.essentials for r in e.questions]
        if ids is None:
            return rows
        wanted = set(ids)
        return [r for r in rows if r.question.id in wanted]


QUESTION_TEXTS = (ScorecardQuestion.topic_en, ScorecardQuestion.topic_zh, ScorecardQuestion.text_en,
                  ScorecardQuestion.text_zh, ScorecardQuestion.levels)  # fmt: skip


def get_scorecard(assessment: Assessment | None, *, texts: bool = True) -> Scorecard:
    """Every Essential, question and answer in three queries; without the questions' wording
    when only the scores are wanted (`texts=False`)."""
    essentials = list(db.session.scalars(select(Essential).order_by(Essential.number)))
    query = select(ScorecardQuestion).order_by(ScorecardQuestion.essential_number, ScorecardQuestion.position)
    if not texts:
        query = query.options(*(defer(column, raiseload=True) for column in QUESTION_TEXTS))
    questions = list(db.session.scalars(query))
    answers: dict[str, AssessmentAnswer] = {}
    if assessment is not None:
        answers = {
            a.question_id: a
            for a in db.session.scalars(
                select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment.id)
            )
        }
    return _card(assessment, essentials, questions, answers)


def get_kept_scorecard(assessment: Assessment | None) -> Scorecard:
    """`get_scorecard(assessment)` with the Essentials and questions from the worker's copy of
    the scorecard (frozen, training/services/curriculum_cache.py): one query, the answers. For
    pages that only show the card; what changes it reads `get_scorecard`."""
    essentials, questions, memo = curriculum_cache.kept_scorecard_content()
    answers: dict[str, AssessmentAnswer] = {}
    if assessment is not None:
        answers = {a.question_id: a for a in db.session.scalars(_ANSWERS, {"assessment_id": assessment.id})}
    card = _card(assessment, essentials, questions, answers)
    card.memo = memo
    return card


def get_current_question_rows(
    city: City, ids: list[str] | tuple[str, ...]
) -> tuple[Assessment | None, list[QuestionRow], dict]:
    """The city's current assessment (None when it has none) and only the questions `ids` with
    its answers, in the card's order, the questions from the worker's copy of the scorecard; and
    the copy's memo (see `Scorecard.memo`). One query: the assessment with those answers joined
    to it (the module's answer sheet)."""
    _essentials, questions, memo = curriculum_cache.kept_scorecard_content()
    wanted = set(ids)
    rows = db.session.execute(_CURRENT_WITH_ANSWERS, {"city_id": city.id, "ids": list(wanted)}).all()
    assessment = rows[0][0] if rows else None
    answers = {answer.question_id: answer for _assessment, answer in rows if answer is not None}
    return assessment, [QuestionRow(q, answers.get(q.id)) for q in questions if q.id in wanted], memo


# Built once: every results page runs it.
_ANSWERS = select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == bindparam("assessment_id"))


def get_kept_scores(city: City) -> Scorecard:
    """The scores of the city's current assessment on the worker's copy of the scorecard, in one
    query of the answers' question and score (no assessment: no scores). Each row's `answer` is
    then that pair, not the stored answer: for summaries and advice (My learning), never to
    show or change an answer."""
    essentials, questions, memo = curriculum_cache.kept_scorecard_content()
    scores = {row.question_id: row for row in db.session.execute(_CURRENT_SCORES, {"city_id": city.id})}
    card = _card(None, essentials, questions, scores)
    card.memo = memo
    return card


def get_kept_assessment_scores(assessment: Assessment | None) -> Scorecard:
    """`get_kept_scores` of a given assessment (the results page: the current one or a closed
    snapshot): one query of its answers' question and score."""
    essentials, questions, memo = curriculum_cache.kept_scorecard_content()
    scores = {}
    if assessment is not None:
        rows = db.session.execute(_SCORES, {"assessment_id": assessment.id})
        scores = {row.question_id: row for row in rows}
    card = _card(assessment, essentials, questions, scores)
    card.memo = memo
    return card


_SCORES = select(AssessmentAnswer.question_id, AssessmentAnswer.score).where(
    AssessmentAnswer.assessment_id == bindparam("assessment_id")
)
_LATEST = aliased(Assessment)
_LATEST_SEQUENCE = select(func.max(_LATEST.sequence)).where(_LATEST.city_id == bindparam("city_id"))
_CURRENT_SCORES = (
    select(AssessmentAnswer.question_id, AssessmentAnswer.score)
    .join(Assessment, Assessment.id == AssessmentAnswer.assessment_id)
    .where(
        Assessment.city_id == bindparam("city_id"),
        Assessment.sequence == _LATEST_SEQUENCE.scalar_subquery(),
    )
)


# The city's current assessment (the highest sequence: unique per city), one row for each of
# the answers asked for joined to it, or one row with no answer when it has none of those yet.
_CURRENT_WITH_ANSWERS = (
    select(Assessment, AssessmentAnswer)
    .outerjoin(
        AssessmentAnswer,
        and_(
            AssessmentAnswer.assessment_id == Assessment.id,
            AssessmentAnswer.question_id.in_(bindparam("ids", expanding=True)),
        ),
    )
    .where(
        Assessment.city_id == bindparam("city_id"), Assessment.sequence == _LATEST_SEQUENCE.scalar_subquery()
    )
)


def _card(assessment, essentials, questions, answers) -> Scorecard:
    rows = {e.number: EssentialRow(e) for e in essentials}
    for q in questions:
        if q.essential_number in rows:
            rows[q.essential_number].questions.append(QuestionRow(q, answers.get(q.id)))
    return Scorecard(assessment, list(rows.values()))


def get_question_rows(assessment: Assessment | None, ids: list[str] | tuple[str, ...]) -> list[QuestionRow]:
    """Only the questions `ids` with their answers, in the card's order (Essential, position):
    what `get_scorecard(assessment).rows(ids)` gives, in two queries of those rows alone."""
    if not ids:
        return []
    questions = db.session.scalars(
        select(ScorecardQuestion)
        .where(ScorecardQuestion.id.in_(list(ids)))
        .order_by(ScorecardQuestion.essential_number, ScorecardQuestion.position)
    )
    answers: dict[str, AssessmentAnswer] = {}
    if assessment is not None:
        answers = {
            a.question_id: a
            for a in db.session.scalars(
                select(AssessmentAnswer).where(
                    AssessmentAnswer.assessment_id == assessment.id,
                    AssessmentAnswer.question_id.in_(list(ids)),
                )
            )
        }
    return [QuestionRow(q, answers.get(q.id)) for q in questions]


def get_question(question_id: str) -> ScorecardQuestion | None:
    return db.session.get(ScorecardQuestion, question_id)
