"""Modules, lessons and a trainee's progress through them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, literal, null, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from training.database import read_columns
from training.extensions import db
from training.models import Lesson, LessonCompletion, Module, Quiz, QuizAttempt, User
from training.models.base import utcnow
from training.services import curriculum_cache, library, quizzes


@dataclass
class ModuleProgress:
    module: Module | curriculum_cache.ModuleView
    lessons_total: int = 0
    lessons_done: int = 0
    minutes: int = 0
    best_percent: int | None = None
    passed: bool = False
    has_quiz: bool = False
    # Which lessons were done: read only when asked for (catalogue_progress `lesson_ids`).
    done_lesson_ids: frozenset[int] | None = None

    @property
    def percent(self) -> int:
        """Lessons and the quiz each count as one step."""
        steps = self.lessons_total + (1 if self.has_quiz else 0)
        done = self.lessons_done + (1 if self.passed else 0)
        return round(100 * done / steps) if steps else 0

    @property
    def complete(self) -> bool:
        """All lessons done and the quiz passed."""
        lessons_ok = self.lessons_total > 0 and self.lessons_done >= self.lessons_total
        return lessons_ok and (self.passed or not self.has_quiz)

    @property
    def started(self) -> bool:
        return self.lessons_done > 0 or self.best_percent is not None


@dataclass
class LessonRow:
    lesson: Lesson | curriculum_cache.LessonView
    done: bool


@dataclass
class ModulePage:
    """A module as one trainee sees it: its lessons (done or not), its quiz and where they stand."""

    module: curriculum_cache.ModuleView
    lessons: list[LessonRow] = field(default_factory=list)
    quiz: curriculum_cache.QuizView | None = None
    status: quizzes.QuizStatus | None = None
    # Raised by every write to a case study (training/models/library.py): the cards the page
    # shows are the same for the same module copy and revision.
    case_studies_revision: int = 0

    @property
    def progress(self) -> ModuleProgress:
        return ModuleProgress(
            module=self.module,
            lessons_total=len(self.lessons),
            lessons_done=sum(row.done for row in self.lessons),
            minutes=sum(row.lesson.minutes or 0 for row in self.lessons),
            best_percent=self.status.best_percent if self.status else None,
            passed=self.status.passed if self.status else False,
            has_quiz=self.quiz is not None,
        )

    @property
    def next_lesson(self) -> curriculum_cache.LessonView | None:
        for row in self.lessons:
            if not row.done:
                return row.lesson
        return None


def list_modules() -> list[Module]:
    return list(
        db.session.scalars(select(Module).where(Module.active).order_by(Module.position, Module.slug))
    )


def get_module(slug: str) -> Module | None:
    return db.session.scalar(select(Module).where(Module.slug == slug, Module.active))


def list_progress(user: User | None, modules: list[Module] | None = None) -> list[ModuleProgress]:
    """Progress for every module in a fixed number of queries (four), whatever their number."""
    modules = list_modules() if modules is None else modules
    ids = [m.id for m in modules]
    if not ids:
        return []
    lesson_stats = {
        row.module_id: (row.n, row.minutes or 0)
        for row in db.session.execute(
            select(
                Lesson.module_id, func.count(Lesson.id).label("n"), func.sum(Lesson.minutes).label("minutes")
            )
            .where(Lesson.module_id.in_(ids), Lesson.active)
            .group_by(Lesson.module_id)
        )
    }
    quiz_modules = set(db.session.scalars(select(Quiz.module_id).where(Quiz.module_id.in_(ids))))
    return _with_trainee(user, modules, lesson_stats, quiz_modules)


def catalogue_progress(user: User | None, modules=None, *, lesson_ids: bool = False) -> list[ModuleProgress]:
    """Every active module (`modules`, by default the worker's copy of the curriculum), with
    `user`'s progress: one query (lessons done and best quiz attempts), none for anonymous
    visitors. With `lesson_ids`, each row also names the lessons done (`done_lesson_ids`, which
    `next_step` reads) — the same query, a row per lesson done instead of a count per module."""
    if modules is None:
        modules = curriculum_cache.list_modules()
    lesson_stats = {m.id: (len(m.lessons), sum(lesson.minutes or 0 for lesson in m.lessons)) for m in modules}
    quiz_modules = {m.id for m in modules if m.quiz is not None}
    return _with_trainee(user, list(modules), lesson_stats, quiz_modules, lesson_ids)


# Built once (building a statement costs more than running one this small): the lessons done
# per module (rows of part 0), the best final attempt per module (part 1); or, for the pages
# that need to know which lessons were done, one row per lesson done (part 2) instead of part 0.
_LESSONS_DONE = (
    select(
        literal(0).label("part"),
        Lesson.module_id,
        func.count(LessonCompletion.id).label("done"),
        null().label("best"),
        null().label("passed"),
    )
    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    .where(
        LessonCompletion.user_id == bindparam("user_id"),
        Lesson.active,
        Lesson.module_id.in_(bindparam("ids", expanding=True)),
    )
    .group_by(Lesson.module_id)
)
_BEST_ATTEMPTS = (
    select(
        literal(1),
        Quiz.module_id,
        literal(0),
        func.max(QuizAttempt.percent),
        func.max(QuizAttempt.passed.cast(db.Integer)),
    )
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.kind == QuizAttempt.FINAL)
    .group_by(Quiz.module_id)
)
_EACH_LESSON_DONE = (
    select(literal(2), Lesson.module_id, LessonCompletion.lesson_id, null(), null())
    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    .where(
        LessonCompletion.user_id == bindparam("user_id"),
        Lesson.active,
        Lesson.module_id.in_(bindparam("ids", expanding=True)),
    )
)
_PROGRESS = union_all(_LESSONS_DONE, _BEST_ATTEMPTS)
_PROGRESS_BY_LESSON = union_all(_EACH_LESSON_DONE, _BEST_ATTEMPTS)


def _with_trainee(user, modules, lesson_stats, quiz_modules, lesson_ids=False) -> list[ModuleProgress]:
    """The modules' progress rows, with `user`'s lessons done and best final attempts."""
    ids = [m.id for m in modules]
    done: dict[int, int] = {}
    done_ids: dict[int, set[int]] = {}
    attempts: dict[int, tuple[int, bool]] = {}
    if user is not None and user.is_authenticated and ids:
        statement = _PROGRESS_BY_LESSON if lesson_ids else _PROGRESS
        # Rows of columns: run on the session's connection, without the ORM's set-up of a query.
        for part, module_id, value, best, passed in read_columns(statement, {"user_id": user.id, "ids": ids}):
            if part == 0:
                done[module_id] = value
            elif part == 2:
                done_ids.setdefault(module_id, set()).add(value)
            else:
                attempts[module_id] = (best, bool(passed))
        for module_id, lessons in done_ids.items():
            done[module_id] = len(lessons)
    result = []
    for module in modules:
        total, minutes = lesson_stats.get(module.id, (0, 0))
        best, passed = attempts.get(module.id, (None, False))
        result.append(
            ModuleProgress(
                module=module,
                lessons_total=total,
                lessons_done=done.get(module.id, 0),
                minutes=minutes,
                best_percent=best,
                passed=passed,
                has_quiz=module.id in quiz_modules,
                done_lesson_ids=frozenset(done_ids.get(module.id, ())) if lesson_ids else None,
            )
        )
    return result


def list_lessons(module: Module) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson).where(Lesson.module_id == module.id, Lesson.active).order_by(Lesson.position)
        )
    )


def get_module_page(user: User | None, slug: str) -> ModulePage | None:
    """The module page: the module, its quiz and lessons (from the worker's copy of the
    curriculum), which lessons `user` has done, where they stand in the quiz, and the case
    studies' revision (the page's cards are chosen once per revision)."""
    module = curriculum_cache.get_module(slug)
    if module is None:
        return None
    status = None
    if module.quiz is not None and user is not None and user.is_authenticated:
        status, done, revision = quizzes.get_status_and_done(user, module.quiz, module.id)  # one query
    else:
        done, revision = curriculum_cache.done_lesson_ids(user, module), library.get_case_studies_revision()
    return ModulePage(
        module=module,
        lessons=[LessonRow(lesson, lesson.id in done) for lesson in module.lessons],
        quiz=module.quiz,
        status=status,
        case_studies_revision=revision,
    )


def get_lesson(module: Module, slug: str) -> Lesson | None:
    return db.session.scalar(
        select(Lesson).where(Lesson.module_id == module.id, Lesson.slug == slug, Lesson.active)
    )


def neighbours(lessons: Sequence[Lesson], lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    previous = lessons[index - 1] if index > 0 else None
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    return previous, following


def record_lesson_done(user: User, lesson: Lesson) -> bool:
    """Mark a lesson done; True if newly recorded. Two tabs or a double click record one row."""
    table = LessonCompletion.__table__
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(table)
        .values(user_id=user.id, lesson_id=lesson.id, completed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"])
        .returning(table.c.id)
    )
    created = db.session.execute(stmt).scalar() is not None
    db.session.commit()
    return created


@dataclass
class NextStep:
    """Where a trainee picks up across all modules: a lesson, the module's quiz, or the start of a
    module not begun yet (its page offers the pre-test and the first lesson)."""

    module: curriculum_cache.ModuleView
    kind: str  # "start" | "lesson" | "quiz"
    lesson: curriculum_cache.LessonView | None = None


def next_step(rows: Sequence[ModuleProgress]) -> NextStep | None:
    """The next step among `rows` (in the order the trainee should take them, read by
    `catalogue_progress(user, lesson_ids=True)`): the first module begun and not complete, else
    the first not begun; None when every module is complete. No query of its own."""
    pending = [row for row in rows if not row.complete and row.lessons_total]
    if not pending:
        return None
    row = next((r for r in pending if r.started), pending[0])
    module = row.module
    if not row.started:
        return NextStep(module, "start", module.lessons[0] if module.lessons else None)
    if row.done_lesson_ids is None:
        raise ValueError("next_step needs the lessons done: catalogue_progress(user, lesson_ids=True)")
    lesson = next((lesson for lesson in module.lessons if lesson.id not in row.done_lesson_ids), None)
    if lesson is None:
        return NextStep(module, "quiz")
    return NextStep(module, "lesson", lesson)


def is_newcomer(rows: Sequence[ModuleProgress]) -> bool:
    """Nothing begun yet: no lesson done, no quiz taken (the guided start is offered first)."""
    return not any(row.started for row in rows)
