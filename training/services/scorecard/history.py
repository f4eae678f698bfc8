"""Assessments over time: dated snapshots, a new assessment from the last one, comparison of two,
the trend per Essential, and the action plan recorded with the answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import Assessment, AssessmentAnswer, City, Essential, Role, ScorecardQuestion, User
from training.models.base import utcnow
from training.services.city_access import NotAllowed, can_edit_city_scorecard, is_delegation_lead
from training.services.scorecard.reading import MAX_SCORE, get_current_assessment, get_scorecard

COPIED_FIELDS = ("score", "comments", "evidence", "actions", "responsible", "timescale")


def list_assessments(city: City) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment).where(Assessment.city_id == city.id).order_by(Assessment.sequence)
        )
    )


def get_assessment(city: City, assessment_id: int) -> Assessment | None:
    assessment = db.session.get(Assessment, assessment_id)
    return assessment if assessment is not None and assessment.city_id == city.id else None


def can_start_assessment(user: User, city: City, source: str = "copy") -> bool:
    """A new assessment is started by a trainer assigned to the city or an admin; an imported
    workbook (source "import") may also come from the city's delegation lead."""
    if not getattr(user, "is_authenticated", False) or not can_edit_city_scorecard(user, city):
        return False
    if user.role in (Role.TRAINER, Role.ADMIN):
        return True
    return source == "import" and is_delegation_lead(user, city)


def start_new_assessment(user: User, city: City, source: str = "copy") -> Assessment:
    """Close the current assessment and open the next one, starting from its answers.

    The copied answers are a starting point: they are not agreed yet (a new workshop agrees them).
    Raises NotAllowed unless `can_start_assessment`."""
    if not can_start_assessment(user, city, source):
        raise NotAllowed()
    last = get_current_assessment(city)
    new = Assessment(
        city_id=city.id,
        sequence=(last.sequence + 1) if last else 1,
        created_by_id=user.id,
        source=source if last else "",
    )
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:  # a colleague started one at the same moment: use theirs
        db.session.rollback()
        current = get_current_assessment(city)
        assert current is not None
        return current
    if last is not None:
        last.status, last.closed_at = Assessment.CLOSED, utcnow()
        if source == "copy":
            new.profile = dict(last.profile or {})
            for answer in db.session.scalars(
                select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == last.id)
            ):
                values = {f: getattr(answer, f) for f in COPIED_FIELDS}
                db.session.add(
                    AssessmentAnswer(
                        assessment_id=new.id, question_id=answer.question_id, updated_by_id=user.id, **values
                    )
                )
    db.session.commit()
    return new


# --- comparing two assessments -------------------------------------------------------------------


@dataclass
class Difference:
    question: ScorecardQuestion
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        if self.delta is None:
            return "new" if self.before is None and self.after is not None else "none"
        return "up" if self.delta > 0 else ("down" if self.delta < 0 else "same")


@dataclass
class Comparison:
    before: Assessment
    after: Assessment
    rows: list[Difference]
    totals: tuple[int, int]

    def count(self, direction: str) -> int:
        return sum(1 for r in self.rows if r.direction == direction)


def compare(before: Assessment, after: Assessment) -> Comparison:
    first, second = get_scorecard(before), get_scorecard(after)
    later = {r.question.id: r.score for r in second.rows()}
    rows = [Difference(r.question, r.score, later.get(r.question.id)) for r in first.rows()]
    return Comparison(before, after, rows, (first.total, second.total))


# --- the trend per Essential -------------------------------------------------------------------


@dataclass
class TrendPoint:
    assessment: Assessment
    total: int
    by_essential: dict[int, int]


@dataclass
class Trend:
    essentials: list[Essential]
    maxima: dict[int, int]
    points: list[TrendPoint]


def build_trend(city: City) -> Trend:
    """Every assessment's score per Essential, in four queries whatever the number of snapshots."""
    assessments = list_assessments(city)
    essentials = list(db.session.scalars(select(Essential).order_by(Essential.number)))
    questions = {q.id: q.essential_number for q in db.session.scalars(select(ScorecardQuestion))}
    maxima: dict[int, int] = {}
    for number in questions.values():
        maxima[number] = maxima.get(number, 0) + MAX_SCORE
    sums: dict[int, dict[int, int]] = {a.id: {} for a in assessments}
    if assessments:
        for assessment_id, question_id, score in db.session.execute(
            select(
                AssessmentAnswer.assessment_id, AssessmentAnswer.question_id, AssessmentAnswer.score
            ).where(AssessmentAnswer.assessment_id.in_([a.id for a in assessments]))
        ):
            if score is not None and question_id in questions:
                bucket = sums[assessment_id]
                number = questions[question_id]
                bucket[number] = bucket.get(number, 0) + score
    points = [TrendPoint(a, sum(sums[a.id].values()), sums[a.id]) for a in assessments]
    return Trend(essentials=essentials, maxima=maxima, points=points)


# --- the action plan -----------------------------------------------------------------------------


@dataclass
class Action:
    question: ScorecardQuestion
    score: int | None
    actions: str
    responsible: str
    timescale: str


SORTS = ("essential", "timescale", "score")


def action_plan(assessment: Assessment | None, sort: str = "essential") -> list[Action]:
    """The actions recorded with the answers, one row per question that has any."""
    if assessment is None:
        return []
    items = [
        Action(r.question, r.score, r.answer.actions, r.answer.responsible, r.answer.timescale)
        for r in get_scorecard(assessment).rows()
        if r.answer is not None and (r.answer.actions or r.answer.responsible or r.answer.timescale)
    ]
    if sort == "timescale":
        items.sort(key=lambda a: (not a.timescale, a.timescale.lower(), a.question.essential_number))
    elif sort == "score":
        items.sort(key=lambda a: (a.score is None, a.score if a.score is not None else 0))
    return items
