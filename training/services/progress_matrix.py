"""The cohort progress matrix: trainee × module, in a fixed number of queries (five)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from training.extensions import db
from training.models import (
    AttemptGrant,
    Cohort,
    CohortMember,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    QuizAttempt,
    User,
)
from training.models.base import utcnow
from training.services.cohorts import list_members, list_modules
from training.services.name_order import name_key


@dataclass
class Cell:
    lessons_done: int = 0
    lessons_total: int = 0
    best_percent: int | None = None
    passed: bool = False
    has_quiz: bool = True
    last_activity: datetime | None = None
    #: out of final-quiz attempts without a pass: a trainer may grant another (issue 13)
    locked_out: bool = False

    @property
    def complete(self) -> bool:
        lessons = self.lessons_total > 0 and self.lessons_done >= self.lessons_total
        return lessons and (self.passed or not self.has_quiz)

    @property
    def percent(self) -> int:
        steps = self.lessons_total + (1 if self.has_quiz else 0)
        done = min(self.lessons_done, self.lessons_total) + (1 if self.passed else 0)
        return round(100 * done / steps) if steps else 0

    @property
    def heat(self) -> int:
        """0–4 for the colour heat map."""
        return 4 if self.complete else min(3, self.percent // 25)


@dataclass
class MatrixRow:
    user: User
    cells: list[Cell]
    last_activity: datetime | None
    inactive: bool

    @property
    def completed_modules(self) -> int:
        return sum(1 for c in self.cells if c.complete)

    @property
    def percent(self) -> int:
        return round(sum(c.percent for c in self.cells) / len(self.cells)) if self.cells else 0


@dataclass
class ModuleTotals:
    module: Module
    completed: int = 0
    started: int = 0
    mean_percent: int = 0
    mean_best: int | None = None


@dataclass
class Matrix:
    cohort: Cohort
    modules: list[Module]
    rows: list[MatrixRow] = field(default_factory=list)
    totals: list[ModuleTotals] = field(default_factory=list)

    @property
    def inactive_count(self) -> int:
        return sum(1 for r in self.rows if r.inactive)

    @property
    def locked_out_count(self) -> int:
        """Trainees out of attempts at one quiz or more without having passed it."""
        return sum(1 for r in self.rows if any(c.locked_out for c in r.cells))


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def build_cohort_matrix(cohort: Cohort, now: datetime | None = None) -> Matrix:
    now = now or utcnow()
    modules = list_modules(cohort)
    members = list_members(cohort)
    module_ids = [m.id for m in modules]
    matrix = Matrix(cohort=cohort, modules=modules)
    if not members:
        matrix.totals = [ModuleTotals(m) for m in modules]
        return matrix

    members_q = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id).scalar_subquery()
    lesson_totals: dict[int, int] = {}
    has_quiz: set[int] = set()
    done: dict[tuple[int, int], tuple[int, datetime]] = {}
    attempts: dict[tuple[int, int], tuple[int, bool, datetime, bool]] = {}
    if module_ids:
        lesson_totals = dict(
            db.session.execute(
                select(Lesson.module_id, func.count(Lesson.id))
                .where(Lesson.module_id.in_(module_ids), Lesson.active)
                .group_by(Lesson.module_id)
            ).all()
        )
        done = {
            (user_id, module_id): (count, last)
            for user_id, module_id, count, last in db.session.execute(
                select(
                    LessonCompletion.user_id,
                    Lesson.module_id,
                    func.count(LessonCompletion.id),
                    func.max(LessonCompletion.completed_at),
                )
                .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
                .where(
                    Lesson.module_id.in_(module_ids), Lesson.active, LessonCompletion.user_id.in_(members_q)
                )
                .group_by(LessonCompletion.user_id, Lesson.module_id)
            ).all()
        }
        granted = (
            select(func.coalesce(func.sum(AttemptGrant.extra), 0))
            .where(AttemptGrant.user_id == QuizAttempt.user_id, AttemptGrant.quiz_id == Quiz.id)
            .scalar_subquery()
        )
        quiz_rows = db.session.execute(
            select(
                Quiz.module_id,
                QuizAttempt.user_id,
                func.max(QuizAttempt.percent),
                func.max(QuizAttempt.passed.cast(db.Integer)),
                func.max(QuizAttempt.submitted_at),
                func.count(QuizAttempt.id),
                Quiz.max_attempts,
                granted,
            )
            .select_from(Quiz)
            .outerjoin(
                QuizAttempt,
                (QuizAttempt.quiz_id == Quiz.id)
                & (QuizAttempt.kind == QuizAttempt.FINAL)
                & QuizAttempt.user_id.in_(members_q),
            )
            .where(Quiz.module_id.in_(module_ids))
            .group_by(Quiz.module_id, Quiz.id, Quiz.max_attempts, QuizAttempt.user_id)
        ).all()
        for module_id, user_id, best, passed, last, used, allowed, extra in quiz_rows:
            has_quiz.add(module_id)
            if user_id is not None:
                locked = bool(allowed) and not passed and used >= allowed + (extra or 0)
                attempts[(user_id, module_id)] = (best, bool(passed), last, locked)

    threshold = now - timedelta(days=cohort.inactive_days or 7)
    for user in members:
        cells = []
        last_any = None
        for module in modules:
            count, last_lesson = done.get((user.id, module.id), (0, None))
            best, passed, last_quiz, locked = attempts.get((user.id, module.id), (None, False, None, False))
            last = _later(last_lesson, last_quiz)
            last_any = _later(last_any, last)
            cells.append(
                Cell(
                    lessons_done=count,
                    lessons_total=lesson_totals.get(module.id, 0),
                    best_percent=best,
                    passed=passed,
                    has_quiz=module.id in has_quiz,
                    last_activity=last,
                    locked_out=locked,
                )
            )
        inactive = (last_any or user.created_at) < threshold
        matrix.rows.append(MatrixRow(user=user, cells=cells, last_activity=last_any, inactive=inactive))

    for index, module in enumerate(modules):
        cells = [row.cells[index] for row in matrix.rows]
        bests = [c.best_percent for c in cells if c.best_percent is not None]
        matrix.totals.append(
            ModuleTotals(
                module=module,
                completed=sum(1 for c in cells if c.complete),
                started=sum(1 for c in cells if c.lessons_done or c.best_percent is not None),
                mean_percent=round(sum(c.percent for c in cells) / len(cells)) if cells else 0,
                mean_best=round(sum(bests) / len(bests)) if bests else None,
            )
        )
    return matrix


def _sort_keys(locale: str) -> dict:
    def by_name(row):
        return name_key(row.user.name, locale)

    return {
        "name": lambda row: (by_name(row),),
        "progress": lambda row: (-row.percent, by_name(row)),
        "activity": lambda row: (
            row.last_activity is None,
            -(row.last_activity.timestamp() if row.last_activity else 0),
        ),
    }


def sort_and_filter(
    matrix: Matrix, sort: str = "name", only: str = "", locale: str = "en"
) -> list[MatrixRow]:
    """Rows sorted by name (in the reader's order: services/name_order.py), progress or last
    activity; `only` = inactive | incomplete | complete."""
    rows = list(matrix.rows)
    if only == "inactive":
        rows = [r for r in rows if r.inactive]
    elif only == "incomplete":
        rows = [r for r in rows if r.completed_modules < len(matrix.modules)]
    elif only == "complete":
        rows = [r for r in rows if matrix.modules and r.completed_modules == len(matrix.modules)]
    keys = _sort_keys(locale)
    return sorted(rows, key=keys.get(sort, keys["name"]))
