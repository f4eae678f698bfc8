"""Scorecard workshop mode: each delegate rates on their own, the group sees the spread, and a
trainer or the delegation lead records the agreed city score."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    Cohort,
    CohortMember,
    Rating,
    Role,
    ScorecardQuestion,
    User,
)
from training.models.base import utcnow
from training.services.city_access import can_edit_city_scorecard, can_view_city_scorecard
from training.services.cohort_roster import FormerRater, list_excluded_raters
from training.services.cohorts import can_manage_cohort, is_member, list_members
from training.services.scorecard import (
    MAX_SCORE,
    AssessmentClosed,
    StaleAnswer,
    apply_changes,
    get_or_add_answer,
    get_scorecard,
    stale_as_conflict,
)

COMMENT_LIMIT = 2000
DISAGREEMENT_SPREAD = 2  # ratings two or more points apart


# --- permissions -------------------------------------------------------------------------


def is_lead(user: User, cohort: Cohort) -> bool:
    return (
        db.session.scalar(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id, CohortMember.is_lead
            )
        )
        is not None
    )


def can_view_workshop(user: User, cohort: Cohort) -> bool:
    """The delegation (members), its trainers and admins — and only those who may see the
    city's scorecard (a membership revoked by the city ends the workshop too)."""
    if not (can_manage_cohort(user, cohort) or (user.is_authenticated and is_member(user, cohort))):
        return False
    return can_view_city_scorecard(user, cohort.city)


def can_record_agreed(user: User, cohort: Cohort) -> bool:
    """A trainer of the cohort, an admin, or the delegation lead named by a trainer (still a
    member of the city)."""
    if can_manage_cohort(user, cohort):
        return can_edit_city_scorecard(user, cohort.city)
    return (
        user.is_authenticated
        and user.role != Role.EDITOR
        and is_lead(user, cohort)
        and can_edit_city_scorecard(user, cohort.city)
    )


def set_lead(cohort: Cohort, user_id: int, lead: bool) -> None:
    db.session.execute(
        update(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
        .values(is_lead=lead)
    )
    db.session.commit()


def lead_ids(cohort: Cohort) -> set[int]:
    return set(
        db.session.scalars(
            select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id, CohortMember.is_lead)
        )
    )


# --- individual ratings ----------------------------------------------------------------------


class InvalidRating(ValueError):
    pass


def save_rating(
    user: User, assessment: Assessment, question: ScorecardQuestion, score: object, comment: str = ""
) -> Rating:
    """A delegate's own rating; saving again replaces their own, never a colleague's."""
    if not assessment.is_open:
        raise AssessmentClosed()
    if score in (None, ""):
        value = None
    else:
        try:
            value = int(score)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise InvalidRating("score") from exc
        if not 0 <= value <= MAX_SCORE:
            raise InvalidRating("score")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise InvalidRating("comment")
    query = select(Rating).where(
        Rating.assessment_id == assessment.id, Rating.question_id == question.id, Rating.user_id == user.id
    )
    rating = db.session.scalar(query)
    if rating is None:
        rating = Rating(assessment_id=assessment.id, question_id=question.id, user_id=user.id)
        try:
            with db.session.begin_nested():
                db.session.add(rating)
        except IntegrityError:  # the same delegate in two tabs
            rating = db.session.scalar(query)
    rating.score, rating.comment, rating.updated_at = value, comment, utcnow()
    rating.excluded_at, rating.excluded_reason = None, ""  # rating again as a delegate counts again
    db.session.commit()
    return rating


def get_ratings(user: User, assessment: Assessment) -> dict[str, Rating]:
    ratings = db.session.scalars(_RATINGS, {"assessment_id": assessment.id, "user_id": user.id})
    return {r.question_id: r for r in ratings}


# Built once: every answer sheet runs it.
_RATINGS = select(Rating).where(
    Rating.assessment_id == bindparam("assessment_id"), Rating.user_id == bindparam("user_id")
)


# --- the workshop view -----------------------------------------------------------------------


@dataclass
class Spread:
    question: ScorecardQuestion
    answer: AssessmentAnswer | None
    ratings: list[tuple[User, int | None, str]] = field(default_factory=list)

    @property
    def scores(self) -> list[int]:
        return [s for _u, s, _c in self.ratings if s is not None]

    @property
    def counts(self) -> list[int]:
        """How many delegates gave 0, 1, 2 and 3."""
        return [self.scores.count(level) for level in range(MAX_SCORE + 1)]

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def spread(self) -> int | None:
        return max(self.scores) - min(self.scores) if self.scores else None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


@dataclass
class Workshop:
    cohort: Cohort
    assessment: Assessment
    members: list[User]
    rows: list[Spread]
    # Former delegates (removed, or who left) whose ratings are kept but not counted.
    former: list[FormerRater] = field(default_factory=list)

    @property
    def rated_by(self) -> int:
        """Delegates who rated at least one question."""
        return len({u.id for row in self.rows for u, s, _c in row.ratings if s is not None})

    @property
    def agreed(self) -> int:
        return sum(1 for r in self.rows if r.answer is not None and r.answer.agreed)


def build_workshop(cohort: Cohort, assessment: Assessment) -> Workshop:
    """Every question with who rated what, in a fixed number of queries."""
    members = list_members(cohort)
    card = get_scorecard(assessment)
    ids = [m.id for m in members]
    by_question: dict[str, dict[int, Rating]] = {}
    if ids:
        for rating in db.session.scalars(
            select(Rating).where(Rating.assessment_id == assessment.id, Rating.user_id.in_(ids))
        ):
            by_question.setdefault(rating.question_id, {})[rating.user_id] = rating
    rows = []
    for row in card.rows():
        got = by_question.get(row.question.id, {})
        ratings = [
            (m, got[m.id].score if m.id in got else None, got[m.id].comment if m.id in got else "")
            for m in members
        ]
        rows.append(Spread(question=row.question, answer=row.answer, ratings=ratings))
    former = list_excluded_raters(assessment, set(ids))
    return Workshop(cohort=cohort, assessment=assessment, members=members, rows=rows, former=former)


def record_agreed(
    user: User,
    assessment: Assessment,
    question: ScorecardQuestion,
    score: object,
    note: str,
    expected_version: int,
) -> AssessmentAnswer:
    """Record the agreed city score. Refused with StaleAnswer when someone changed the answer
    since the form was loaded — an agreed score is never overwritten silently."""
    if not assessment.is_open:
        raise AssessmentClosed()
    try:
        value = int(score)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidRating("score") from exc
    if not 0 <= value <= MAX_SCORE:
        raise InvalidRating("score")
    note = (note or "").strip()
    if len(note) > COMMENT_LIMIT:
        raise InvalidRating("note")
    answer, created = get_or_add_answer(assessment, question)
    if not created and answer.version != expected_version:
        db.session.rollback()
        raise StaleAnswer(answer)
    user_id = user.id  # read before any change: an expired user is not reloaded mid-write
    with stale_as_conflict(answer):
        apply_changes(user, answer, {"score": value})
        answer.agreed, answer.agreed_note = True, note
        answer.agreed_by_id, answer.agreed_at = user_id, utcnow()
        db.session.commit()
    return answer
