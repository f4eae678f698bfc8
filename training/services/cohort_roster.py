"""Who is in a cohort, and what happens when that changes: members whose profile names another
city than the cohort's (a trainer is warned and may confirm them), a trainee leaving, a trainer
removing someone. A person's own learning records (lessons, attempts, certificates) are theirs
and are never touched here; their workshop ratings are kept but excluded from the spread."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from training.extensions import db
from training.models import Assessment, City, Cohort, CohortMember, Rating, User
from training.models.base import utcnow
from training.services.cohorts import can_manage_cohort, is_member, remove_member


class NotAllowed(Exception):
    pass


# --- members from another city ---------------------------------------------------------------


@dataclass(frozen=True)
class OtherCityMember:
    user: User
    city: City  # the city their profile names
    confirmed: bool  # a trainer confirmed them: no warning any more


def list_other_city_members(cohort: Cohort) -> list[OtherCityMember]:
    """Members whose profile names a city other than the cohort's, in one query. As members of
    the cohort they belong to the cohort's city delegation and rate the cohort city's scorecard."""
    rows = db.session.execute(
        select(User, City, CohortMember.other_city_confirmed_at)
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(City, City.id == User.city_id)
        .where(CohortMember.cohort_id == cohort.id, User.city_id != cohort.city_id)
        .order_by(User.name, User.id)
    ).all()
    return [OtherCityMember(user=u, city=c, confirmed=at is not None) for u, c, at in rows]


def confirm_other_city_member(actor: User, cohort: Cohort, user_id: int) -> bool:
    """A trainer keeps someone of another city in the cohort (overrides the warning). False when
    the person is not a member."""
    if not can_manage_cohort(actor, cohort):
        raise NotAllowed()
    result = db.session.execute(
        update(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
        .values(other_city_confirmed_at=utcnow())
    )
    db.session.commit()
    return bool(result.rowcount)


# --- leaving and removal -----------------------------------------------------------------------


def _exclude_ratings(cohort: Cohort, user_id: int, reason: str) -> int:
    """Mark the person's ratings of the cohort city's assessments as excluded (kept, not counted),
    unless another cohort of the same city still counts them as a delegate."""
    still_delegate = db.session.scalar(
        select(CohortMember.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id == user_id, Cohort.city_id == cohort.city_id, Cohort.id != cohort.id)
        .limit(1)
    )
    if still_delegate is not None:
        return 0
    assessments = select(Assessment.id).where(Assessment.city_id == cohort.city_id)
    result = db.session.execute(
        update(Rating)
        .where(Rating.user_id == user_id, Rating.assessment_id.in_(assessments), Rating.excluded_at.is_(None))
        .values(excluded_at=utcnow(), excluded_reason=reason)
    )
    return result.rowcount or 0


def leave_cohort(user: User, cohort: Cohort) -> int:
    """A trainee leaves a cohort. Their learning records stay theirs; their workshop ratings are
    kept and excluded from the spread. Returns how many ratings were excluded."""
    if not is_member(user, cohort):
        raise NotAllowed()
    excluded = _exclude_ratings(cohort, user.id, "left")
    remove_member(cohort, user.id, user)  # commits
    return excluded


def remove_from_cohort(actor: User, cohort: Cohort, user_id: int) -> int:
    """A trainer (or admin) removes someone. As for leaving: learning records kept; workshop
    ratings kept, marked and excluded from the spread. Returns how many ratings were excluded."""
    if not can_manage_cohort(actor, cohort):
        raise NotAllowed()
    excluded = _exclude_ratings(cohort, user_id, "removed")
    remove_member(cohort, user_id, actor)  # commits
    return excluded


@dataclass(frozen=True)
class FormerRater:
    user: User
    reason: str  # "removed" or "left"
    ratings: int


def list_excluded_raters(assessment: Assessment, member_ids: set[int]) -> list[FormerRater]:
    """Former delegates whose ratings of this assessment are kept but not counted (one query)."""
    found: dict[int, list] = {}
    for rating, user in db.session.execute(
        select(Rating, User)
        .join(User, User.id == Rating.user_id)
        .where(Rating.assessment_id == assessment.id, Rating.excluded_at.is_not(None))
        .order_by(User.name, User.id)
    ):
        if user.id in member_ids:
            continue  # back in the cohort: their ratings count again
        entry = found.setdefault(user.id, [user, rating.excluded_reason, 0])
        entry[2] += 1
    return [FormerRater(user=u, reason=r, ratings=n) for u, r, n in found.values()]
