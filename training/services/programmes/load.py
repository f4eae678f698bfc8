"""Everything a programme report reads, in a fixed number of queries whatever the number of
cities, years, cohorts and trainees. The figures (reach, learning, resilience) are arithmetic
on what this loads."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Text, cast, func, select

from training.extensions import db
from training.models import (
    Attendance,
    Certificate,
    City,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    Lesson,
    LessonCompletion,
    Module,
    Programme,
    ProgrammeCity,
    Question,
    Quiz,
    QuizAttempt,
    User,
)
from training.models.base import utcnow


def cohort_year(cohort: Cohort) -> int:
    """The year a cohort counts in: the year it starts, else the year it was created."""
    return cohort.starts_on.year if cohort.starts_on else cohort.created_at.year


# essential -> (questions answered right, questions asked) in one attempt
EssentialTally = dict[int, tuple[int, int]]


class Tested(NamedTuple):
    """A trainee's first pre-test and latest final attempt on a module's quiz (both with at
    least one question): questions right, asked, and the same per Essential. (A named tuple:
    one is made per trainee and module, thousands per report.)"""

    pre_correct: int
    pre_total: int
    pre_by_essential: EssentialTally
    post_correct: int
    post_total: int
    post_by_essential: EssentialTally


def _by_essential(raw: str | None, essential_of: dict[str, int]) -> EssentialTally:
    """An attempt's per-question results (as stored: JSON text, question key -> right) tallied
    per Essential; questions no longer in the quiz are left out."""
    tally: dict[int, tuple[int, int]] = {}
    for key, right in ((json.loads(raw) if raw else None) or {}).items():
        essential = essential_of.get(key)
        if essential is not None:
            r, a = tally.get(essential, (0, 0))
            tally[essential] = (r + 1, a + 1) if right else (r, a + 1)
    return tally


@dataclass
class ProgrammeData:
    programme: Programme
    cities: list[City]
    cohorts: list[Cohort]
    modules: list[Module]  # every active module, in curriculum order
    assigned: dict[int, list[int]]  # cohort id -> module ids assigned
    members: dict[int, list[int]]  # cohort id -> user ids
    organisation: dict[int, str]  # user id -> organisation as typed
    tested: dict[tuple[int, int], Tested]  # (user, module) -> first pre-test and latest final
    passed: set[tuple[int, int]]  # (user, module) with a passed final attempt
    essential_of: dict[int, dict[str, int]]  # module id -> question key -> Essential
    lessons_total: dict[int, int]  # module id -> active lessons
    lessons_done: dict[tuple[int, int], int]  # (user, module) -> active lessons done
    certificates: dict[int, int]  # cohort id -> certificates issued
    sessions: dict[int, int]  # cohort id -> sessions held (dated today or before)
    present: dict[int, int]  # cohort id -> attendance marks "present" at those sessions
    quiz_modules: set[int] = field(default_factory=set)

    @property
    def module_by_id(self) -> dict[int, Module]:
        return {m.id: m for m in self.modules}

    def programme_modules(self) -> list[Module]:
        """Modules assigned in at least one of the programme's cohorts, in curriculum order."""
        used = {m for ids in self.assigned.values() for m in ids}
        return [m for m in self.modules if m.id in used]

    def complete(self, user_id: int, module_id: int) -> bool:
        """All active lessons done and the final quiz passed (as on a trainee's progress page)."""
        total = self.lessons_total.get(module_id, 0)
        lessons_ok = total > 0 and self.lessons_done.get((user_id, module_id), 0) >= total
        if not lessons_ok:
            return False
        if module_id not in self.quiz_modules:
            return True
        return (user_id, module_id) in self.passed


def load_programme(programme: Programme, today: date | None = None) -> ProgrammeData:
    """The programme's cities, cohorts, members and their learning records: 14 queries.

    Cities, cohorts and modules are loaded as objects (the pages show them; the first query
    flushes the session as any ORM query does); everything else is columns, read through the
    session's connection without the ORM's row handling (docs/programmes.md, Speed)."""
    today = today or utcnow().date()
    cities = list(
        db.session.scalars(
            select(City)
            .join(ProgrammeCity, ProgrammeCity.city_id == City.id)
            .where(ProgrammeCity.programme_id == programme.id)
            .order_by(City.name_en)
        )
    )
    city_ids = [c.id for c in cities]
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .where(Cohort.programme_id == programme.id, Cohort.city_id.in_(city_ids))
            .order_by(Cohort.starts_on, Cohort.id)
        )
    )
    cohort_ids = [c.id for c in cohorts]
    modules = list(db.session.scalars(select(Module).where(Module.active).order_by(Module.position)))
    run = db.session.connection().execute
    assigned: dict[int, list[int]] = defaultdict(list)
    members: dict[int, list[int]] = defaultdict(list)
    organisation: dict[int, str] = {}
    if cohort_ids:
        for cohort_id, module_id in run(
            select(CohortModule.cohort_id, CohortModule.module_id)
            .where(CohortModule.cohort_id.in_(cohort_ids))
            .order_by(CohortModule.position)
        ):
            assigned[cohort_id].append(module_id)
        for cohort_id, user_id, org in run(
            select(CohortMember.cohort_id, CohortMember.user_id, User.organisation)
            .join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id.in_(cohort_ids))
        ).all():
            members[cohort_id].append(user_id)
            organisation[user_id] = org or ""
    member_ids = select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohort_ids))
    module_ids = sorted({m for ids in assigned.values() for m in ids})
    tested: dict[tuple[int, int], Tested] = {}
    passed: set[tuple[int, int]] = set()
    essential_of: dict[int, dict[str, int]] = defaultdict(dict)
    lessons_done: dict[tuple[int, int], int] = {}
    quiz_modules: set[int] = set()
    if module_ids:
        for module_id, key, essential in run(
            select(Quiz.module_id, Question.key, Question.essential)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.module_id.in_(module_ids))
        ):
            essential_of[module_id][key] = essential
            quiz_modules.add(module_id)
        first_pre, last_post = _first_pre_and_last_post(run, module_ids, member_ids, passed)
        # Results are tallied once per distinct text and module: attempts with the same answers
        # right and wrong (common: everything right) share one decoding.
        decoded: dict[tuple[int, str | None], EssentialTally] = {}

        def by_essential(module_id: int, raw: str | None) -> EssentialTally:
            found = decoded.get((module_id, raw))
            if found is None:
                found = decoded[module_id, raw] = _by_essential(raw, essential_of.get(module_id, {}))
            return found

        for key, (_, _, pc, pt, pr) in first_pre.items():
            post = last_post.get(key)
            if post is not None:
                _, _, qc, qt, qr = post
                tested[key] = Tested(pc, pt, by_essential(key[1], pr), qc, qt, by_essential(key[1], qr))
        quiz_modules |= set(db.session.scalars(select(Quiz.module_id).where(Quiz.module_id.in_(module_ids))))
        lessons_done = {
            (user_id, module_id): n
            for user_id, module_id, n in run(
                select(LessonCompletion.user_id, Lesson.module_id, func.count(LessonCompletion.id))
                .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
                .where(
                    Lesson.active, Lesson.module_id.in_(module_ids), LessonCompletion.user_id.in_(member_ids)
                )
                .group_by(LessonCompletion.user_id, Lesson.module_id)
            ).all()
        }
    lessons_total = dict(
        run(
            select(Lesson.module_id, func.count(Lesson.id)).where(Lesson.active).group_by(Lesson.module_id)
        ).all()
    )
    certificates: dict[int, int] = {}
    sessions: dict[int, int] = {}
    present: dict[int, int] = {}
    if cohort_ids:
        certificates = dict(
            run(
                select(Certificate.cohort_id, func.count(Certificate.id))
                .where(Certificate.cohort_id.in_(cohort_ids))
                .group_by(Certificate.cohort_id)
            ).all()
        )
        held = (CohortSession.cohort_id.in_(cohort_ids), CohortSession.held_on <= today)
        sessions = dict(
            run(
                select(CohortSession.cohort_id, func.count(CohortSession.id))
                .where(*held)
                .group_by(CohortSession.cohort_id)
            ).all()
        )
        present = dict(
            run(
                select(CohortSession.cohort_id, func.count(Attendance.id))
                .join(Attendance, Attendance.session_id == CohortSession.id)
                .where(*held, Attendance.present)
                .group_by(CohortSession.cohort_id)
            ).all()
        )
    return ProgrammeData(
        programme=programme,
        cities=cities,
        cohorts=cohorts,
        modules=modules,
        assigned=assigned,
        members=members,
        organisation=organisation,
        tested=tested,
        passed=passed,
        essential_of=essential_of,
        lessons_total=lessons_total,
        lessons_done=lessons_done,
        certificates=certificates,
        sessions=sessions,
        present=present,
        quiz_modules=quiz_modules,
    )


# submitted at, id, questions right, asked, results as stored (JSON text)
Attempt = tuple[datetime, int, int, int, str | None]


def _first_pre_and_last_post(
    run, module_ids: list[int], member_ids, passed: set[tuple[int, int]]
) -> tuple[dict[tuple[int, int], Attempt], dict[tuple[int, int], Attempt]]:
    """(user, module) -> the first pre-test and the latest final with at least one question,
    by submission time then id; adds to `passed` the pairs with a passed final. One query.

    The earliest and latest are picked here rather than by an ORDER BY: sorting 12,000 rows
    with their results text spilled to disk on PostgreSQL (docs/programmes.md, Speed)."""
    first_pre: dict[tuple[int, int], Attempt] = {}
    last_post: dict[tuple[int, int], Attempt] = {}
    pretest, final = QuizAttempt.PRETEST, QuizAttempt.FINAL
    for user_id, module_id, kind, correct, total, was_passed, results, at, attempt_id in run(
        select(
            QuizAttempt.user_id,
            Quiz.module_id,
            QuizAttempt.kind,
            QuizAttempt.correct,
            QuizAttempt.total,
            QuizAttempt.passed,
            cast(QuizAttempt.results, Text),  # as stored; decoded by the caller, only where used
            QuizAttempt.submitted_at,
            QuizAttempt.id,
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.module_id.in_(module_ids), QuizAttempt.user_id.in_(member_ids))
    ).all():
        key = (user_id, module_id)
        if kind == pretest:
            if total:
                found = first_pre.get(key)
                if found is None or (at, attempt_id) < found[:2]:
                    first_pre[key] = (at, attempt_id, correct, total, results)
        elif kind == final:
            if was_passed:
                passed.add(key)
            if total:
                found = last_post.get(key)
                if found is None or (at, attempt_id) > found[:2]:
                    last_post[key] = (at, attempt_id, correct, total, results)
    return first_pre, last_post
