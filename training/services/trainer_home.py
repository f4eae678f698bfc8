"""The trainer's home: each cohort they train with what needs their attention today — coming
sessions, trainees inactive for the cohort's number of days, trainees locked out of a quiz
(out of attempts without a pass), scorecard Essentials where the delegation disagrees and no
agreed score is recorded, certificates ready to issue.

Built for all of the trainer's cohorts at once in a fixed number of queries (twelve at most),
whatever the number of cohorts, trainees and attempts. The rules are those of the cohort pages:
inactivity and lock-outs as in services/progress_matrix.py, disagreement as in
services/workshop.py (ratings of current members two or more points apart), completion as for
certificates (services/certificates.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    AttemptGrant,
    Certificate,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    QuizAttempt,
    Rating,
    Role,
    ScorecardQuestion,
    User,
)
from training.models.base import utcnow
from training.services.city_access import list_trainer_cities
from training.services.cohort_sessions import upcoming_sessions
from training.services.cohorts import list_cohorts_for
from training.services.workshop import DISAGREEMENT_SPREAD

UPCOMING_DAYS = 14


@dataclass
class Disagreement:
    essential: int
    questions: int  # questions of this Essential with a disagreement and no agreed score


@dataclass
class CohortAttention:
    cohort: Cohort
    members: int = 0
    upcoming: list[CohortSession] = field(default_factory=list)
    inactive: list[User] = field(default_factory=list)
    locked_out: list[tuple[User, Module]] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    ready: list[User] = field(default_factory=list)  # complete, active, no certificate yet

    @property
    def needs_attention(self) -> bool:
        return bool(self.upcoming or self.inactive or self.locked_out or self.disagreements or self.ready)


@dataclass
class _Progress:
    lessons_done: int = 0
    last: datetime | None = None
    passed: bool = False
    locked: bool = False


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def build_trainer_home(user: User, now: datetime | None = None) -> list[CohortAttention]:
    """The cohorts `user` trains (all of them for an admin), newest first, with what needs
    attention in each."""
    now = now or utcnow()
    cohorts = list_cohorts_for(user)
    if user.role != Role.ADMIN:  # only the cohorts they may open: in the cities they are assigned
        assigned = {c.id for c in list_trainer_cities(user)}
        cohorts = [c for c in cohorts if c.city_id in assigned]
    if not cohorts:
        return []
    by_id = {c.id: CohortAttention(cohort=c) for c in cohorts}
    ids = list(by_id)

    members: dict[int, list[User]] = {cid: [] for cid in ids}
    for cohort_id, member in db.session.execute(
        select(CohortMember.cohort_id, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id.in_(ids))
        .order_by(User.name, User.id)
    ).all():
        members[cohort_id].append(member)
    modules: dict[int, list[Module]] = {cid: [] for cid in ids}
    for cohort_id, module in db.session.execute(
        select(CohortModule.cohort_id, Module)
        .join(Module, Module.id == CohortModule.module_id)
        .where(CohortModule.cohort_id.in_(ids), Module.active)
        .order_by(CohortModule.position)
    ).all():
        modules[cohort_id].append(module)

    user_ids = sorted({u.id for people in members.values() for u in people})
    module_ids = sorted({m.id for mods in modules.values() for m in mods})
    progress = _progress(user_ids, module_ids)
    lesson_totals, has_quiz = _module_facts(module_ids)
    holders = _certificate_holders(ids)

    for cohort_id, attention in by_id.items():
        cohort, mods = attention.cohort, modules[cohort_id]
        attention.members = len(members[cohort_id])
        threshold = now - timedelta(days=cohort.inactive_days or 7)
        for member in members[cohort_id]:
            last, complete = None, bool(mods)
            for module in mods:
                p = progress.get((member.id, module.id), _Progress())
                last = _later(last, p.last)
                if p.locked:
                    attention.locked_out.append((member, module))
                total = lesson_totals.get(module.id, 0)
                done = total > 0 and p.lessons_done >= total
                if not (done and (p.passed or module.id not in has_quiz)):
                    complete = False
            if (last or member.created_at) < threshold:
                attention.inactive.append(member)
            if complete and member.active and (cohort_id, member.id) not in holders:
                attention.ready.append(member)

    for session in upcoming_sessions(ids, now, UPCOMING_DAYS):
        by_id[session.cohort_id].upcoming.append(session)
    for cohort_id, disagreements in _disagreements(cohorts).items():
        by_id[cohort_id].disagreements = disagreements
    return list(by_id.values())


def _progress(user_ids: list[int], module_ids: list[int]) -> dict[tuple[int, int], _Progress]:
    """(user, module) -> lessons done, last activity, passed, locked out: two queries."""
    found: dict[tuple[int, int], _Progress] = {}
    if not user_ids or not module_ids:
        return found
    for user_id, module_id, count, last in db.session.execute(
        select(
            LessonCompletion.user_id,
            Lesson.module_id,
            func.count(LessonCompletion.id),
            func.max(LessonCompletion.completed_at),
        )
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(Lesson.module_id.in_(module_ids), Lesson.active, LessonCompletion.user_id.in_(user_ids))
        .group_by(LessonCompletion.user_id, Lesson.module_id)
    ).all():
        found[(user_id, module_id)] = _Progress(lessons_done=count, last=last)
    granted = (
        select(func.coalesce(func.sum(AttemptGrant.extra), 0))
        .where(AttemptGrant.user_id == QuizAttempt.user_id, AttemptGrant.quiz_id == Quiz.id)
        .scalar_subquery()
    )
    for module_id, user_id, passed, last, used, allowed, extra in db.session.execute(
        select(
            Quiz.module_id,
            QuizAttempt.user_id,
            func.max(QuizAttempt.passed.cast(db.Integer)),
            func.max(QuizAttempt.submitted_at),
            func.count(QuizAttempt.id),
            Quiz.max_attempts,
            granted,
        )
        .join(QuizAttempt, QuizAttempt.quiz_id == Quiz.id)
        .where(
            Quiz.module_id.in_(module_ids),
            QuizAttempt.kind == QuizAttempt.FINAL,
            QuizAttempt.user_id.in_(user_ids),
        )
        .group_by(Quiz.module_id, Quiz.id, Quiz.max_attempts, QuizAttempt.user_id)
    ).all():
        p = found.setdefault((user_id, module_id), _Progress())
        p.passed = bool(passed)
        p.last = _later(p.last, last)
        p.locked = bool(allowed) and not passed and used >= allowed + (extra or 0)
    return found


def _module_facts(module_ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """Active lessons per module, and the modules that have a quiz: two queries."""
    if not module_ids:
        return {}, set()
    totals = dict(
        db.session.execute(
            select(Lesson.module_id, func.count(Lesson.id))
            .where(Lesson.module_id.in_(module_ids), Lesson.active)
            .group_by(Lesson.module_id)
        ).all()
    )
    quizzes = set(db.session.scalars(select(Quiz.module_id).where(Quiz.module_id.in_(module_ids))))
    return totals, quizzes


def _certificate_holders(cohort_ids: list[int]) -> set[tuple[int, int]]:
    return {
        (cohort_id, user_id)
        for cohort_id, user_id in db.session.execute(
            select(Certificate.cohort_id, Certificate.user_id).where(Certificate.cohort_id.in_(cohort_ids))
        ).all()
    }


def _disagreements(cohorts: list[Cohort]) -> dict[int, list[Disagreement]]:
    """Per cohort, the Essentials with questions whose current members' ratings are two or
    more points apart in the city's open assessment, and no agreed score: three queries."""
    city_ids = sorted({c.city_id for c in cohorts})
    current: dict[int, Assessment] = {}
    for assessment in db.session.scalars(
        select(Assessment).where(Assessment.city_id.in_(city_ids)).order_by(Assessment.sequence)
    ):
        current[assessment.city_id] = assessment  # the last one wins: the newest
    open_ids = [a.id for a in current.values() if a.is_open]
    if not open_ids:
        return {}
    agreed = {
        (assessment_id, question_id)
        for assessment_id, question_id in db.session.execute(
            select(AssessmentAnswer.assessment_id, AssessmentAnswer.question_id).where(
                AssessmentAnswer.assessment_id.in_(open_ids), AssessmentAnswer.agreed
            )
        ).all()
    }
    rows = db.session.execute(
        select(
            CohortMember.cohort_id,
            Rating.assessment_id,
            Rating.question_id,
            ScorecardQuestion.essential_number,
            func.max(Rating.score) - func.min(Rating.score),
        )
        .join(CohortMember, CohortMember.user_id == Rating.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(Assessment, (Assessment.id == Rating.assessment_id) & (Assessment.city_id == Cohort.city_id))
        .join(ScorecardQuestion, ScorecardQuestion.id == Rating.question_id)
        .where(
            CohortMember.cohort_id.in_([c.id for c in cohorts]),
            Rating.assessment_id.in_(open_ids),
            Rating.score.is_not(None),
        )
        .group_by(
            CohortMember.cohort_id,
            Rating.assessment_id,
            Rating.question_id,
            ScorecardQuestion.essential_number,
        )
    ).all()
    counts: dict[int, dict[int, int]] = {}
    for cohort_id, assessment_id, question_id, essential, spread in rows:
        if spread is None or spread < DISAGREEMENT_SPREAD or (assessment_id, question_id) in agreed:
            continue
        per_essential = counts.setdefault(cohort_id, {})
        per_essential[essential] = per_essential.get(essential, 0) + 1
    return {
        cohort_id: [Disagreement(essential=e, questions=n) for e, n in sorted(per_essential.items())]
        for cohort_id, per_essential in counts.items()
    }
