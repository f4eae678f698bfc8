"""Modules with their quiz and lessons kept in each worker's memory, for the module and lesson pages.

The curriculum changes only through `flask content sync`, usually in another process, and each
sync that changes something raises the number in `content_revision`. A worker reads that number
at most once every CONTENT_CACHE_SECONDS (default 5) and forgets what it holds when it moved: a
synced lesson shows everywhere within those seconds, and a lesson page otherwise reads only the
user and their done marks from the database (a module page reads the quiz status in the same
query, and the case studies' revision: editors change case studies in the browser, so the cards
chosen from them are kept per revision, not with the curriculum). 0 turns the cache off (the
test suite, whose tests each roll their writes back).

What is kept are frozen copies (`ModuleView`, `LessonView`), never ORM objects: those belong to
one session and one thread. Each lesson and module copy has a `memo`, where the web layer keeps
the pages it draws from that copy (training/web/chrome.py `kept_page`): they live and go with the copy, so a
sync that replaces the copy replaces them too.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields

from flask import current_app
from sqlalchemy import bindparam, select

from training.database import read_columns
from training.extensions import db
from training.models import (
    ContentRevision,
    Essential,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    ScorecardQuestion,
    User,
)
from training.models.base import ModuleText, Summarised, Titled, TitledText
from training.models.scorecard import QuestionText

EXTENSION = "academy.curriculum_cache"


@dataclass(frozen=True)
class LessonView(TitledText):
    id: int
    slug: str
    minutes: int
    title_en: str
    title_zh: str
    html_en: str
    html_zh: str
    sources: tuple[dict[str, str], ...]
    # Not a field of the lesson: what has been drawn from this copy (see the module docstring).
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass(frozen=True)
class QuizView:
    id: int
    pass_mark: int
    max_attempts: int
    pretest_questions: int


@dataclass(frozen=True)
class ModuleView(ModuleText):
    id: int
    slug: str
    position: int
    topic: str
    title_en: str
    title_zh: str
    summary_en: str
    summary_zh: str
    objectives: dict[str, tuple[str, ...]]
    essentials: tuple[int, ...]
    scorecard_questions: tuple[str, ...]
    case_studies: tuple[str, ...]
    sources: tuple[dict[str, str], ...]
    quiz: QuizView | None
    lessons: tuple[LessonView, ...]
    # Not a field of the module: the module pages drawn from this copy (as a lesson's `memo`).
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def lesson(self, slug: str) -> LessonView | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


@dataclass(frozen=True)
class EssentialView(Titled, Summarised):
    number: int
    title_en: str
    title_zh: str
    summary_en: str
    summary_zh: str


@dataclass(frozen=True)
class ScorecardQuestionView(QuestionText):
    id: str
    essential_number: int
    position: int
    topic_en: str
    topic_zh: str
    text_en: str
    text_zh: str
    levels: dict[str, dict[str, str]]
    help_en: str
    help_zh: str


class CurriculumCache:
    """The whole active curriculum (a few modules, a few dozen lessons), loaded in two queries
    on first use and again after a sync changed it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._modules: tuple[ModuleView, ...] | None = None
        self._by_slug: dict[str, ModuleView] = {}
        self._scorecard: tuple | None = None
        self._catalogue_memo: dict = {}
        self._revision: int | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def module(self, slug: str) -> ModuleView | None:
        if self.seconds <= 0:
            return _load(slug)
        self._ensure_current()
        return self._by_slug.get(slug)

    def modules(self) -> tuple[ModuleView, ...]:
        if self.seconds <= 0:
            return _load_all()
        return self._ensure_current()

    def _ensure_current(self) -> tuple[ModuleView, ...]:
        now = time.monotonic()
        if now - self._checked >= self.seconds:
            revision = db.session.scalar(_REVISION)
            with self._lock:
                if revision != self._revision:
                    self._modules, self._scorecard, self._revision = None, None, revision
                self._checked = now
        modules = self._modules
        if modules is None:
            modules = _load_all()
            with self._lock:
                self._modules, self._by_slug = modules, {m.slug: m for m in modules}
                self._catalogue_memo = {}
        return modules

    def catalogue(self) -> tuple[tuple[ModuleView, ...], dict]:
        if self.seconds <= 0:
            return _load_all(), {}
        modules = self._ensure_current()
        return modules, self._catalogue_memo

    def scorecard(self) -> tuple[tuple[EssentialView, ...], tuple[ScorecardQuestionView, ...], dict]:
        if self.seconds <= 0:
            return (*_load_scorecard(), {})
        self._ensure_current()
        kept = self._scorecard
        if kept is None:
            kept = (*_load_scorecard(), {})
            with self._lock:
                self._scorecard = kept
        return kept


def init_curriculum_cache(app) -> None:
    app.extensions[EXTENSION] = CurriculumCache(float(app.config.get("CONTENT_CACHE_SECONDS", 5)))


def get_module(slug: str) -> ModuleView | None:
    """An active module, its quiz and its active lessons in order, as frozen copies."""
    return current_app.extensions[EXTENSION].module(slug)


def list_modules() -> tuple[ModuleView, ...]:
    """Every active module in catalogue order, as frozen copies."""
    return current_app.extensions[EXTENSION].modules()


def kept_catalogue() -> tuple[tuple[ModuleView, ...], dict]:
    """`list_modules()` and a `memo` that lives and goes with this copy of the curriculum, where
    the web layer keeps the catalogue pages it draws from it. Empty on every call when the cache
    is off (CONTENT_CACHE_SECONDS 0)."""
    return current_app.extensions[EXTENSION].catalogue()


def scorecard_content() -> tuple[tuple[EssentialView, ...], tuple[ScorecardQuestionView, ...]]:
    """The scorecard's Essentials in order and its questions in the card's order (Essential,
    position), with their wording, as frozen copies; synced with the curriculum."""
    essentials, questions, _memo = current_app.extensions[EXTENSION].scorecard()
    return essentials, questions


def kept_scorecard_content() -> tuple[tuple[EssentialView, ...], tuple[ScorecardQuestionView, ...], dict]:
    """`scorecard_content()` and its `memo`: a dict that lives and goes with this copy of the
    scorecard (a sync that replaces the copy replaces it too), where the web layer keeps what it
    draws from the copy (training/web/scorecard/kept.py). Empty on every call when the cache is
    off (CONTENT_CACHE_SECONDS 0)."""
    return current_app.extensions[EXTENSION].scorecard()


def _load_scorecard() -> tuple[tuple[EssentialView, ...], tuple[ScorecardQuestionView, ...]]:
    essentials = tuple(_copy(EssentialView, e) for e in db.session.scalars(_ESSENTIALS))
    questions = tuple(
        _copy(ScorecardQuestionView, q, levels={k: dict(v) for k, v in (q.levels or {}).items()})
        for q in db.session.scalars(_QUESTIONS)
    )
    return essentials, questions


def _load(slug: str) -> ModuleView | None:
    row = db.session.execute(_MODULES.where(Module.slug == bindparam("slug")), {"slug": slug}).first()
    if row is None:
        return None
    return _view(*row, db.session.scalars(_LESSONS, {"module_id": row[0].id}))


def _load_all() -> tuple[ModuleView, ...]:
    lessons: dict[int, list[Lesson]] = {}
    for lesson in db.session.scalars(_ALL_LESSONS):
        lessons.setdefault(lesson.module_id, []).append(lesson)
    rows = db.session.execute(_MODULES)
    return tuple(_view(module, quiz, lessons.get(module.id, ())) for module, quiz in rows)


def _view(module: Module, quiz: Quiz | None, lessons) -> ModuleView:
    return _copy(
        ModuleView,
        module,
        objectives={lang: tuple(items) for lang, items in (module.objectives or {}).items()},
        essentials=tuple(module.essentials or ()),
        scorecard_questions=tuple(module.scorecard_questions or ()),
        case_studies=tuple(module.case_studies or ()),
        sources=tuple(dict(source) for source in module.sources or ()),
        quiz=_copy(QuizView, quiz) if quiz else None,
        lessons=tuple(
            _copy(LessonView, lesson, sources=tuple(dict(source) for source in lesson.sources or ()))
            for lesson in lessons
        ),
    )


def _copy(view, row, **converted):
    """A frozen `view` of an ORM `row`: every field of the view read from the row by name, except
    those given already `converted` (lists and dicts made immutable, nested copies)."""
    plain = {f.name: getattr(row, f.name) for f in fields(view) if f.init and f.name not in converted}
    return view(**plain, **converted)


def done_lesson_ids(user: User | None, module: ModuleView) -> set[int]:
    """Which of the module's lessons `user` has done: one small query (none when anonymous)."""
    if user is None or not user.is_authenticated or not module.lessons:
        return set()
    return set(read_columns(_DONE, {"user_id": user.id, "module_id": module.id}).scalars())


# Built once: building a statement costs more than running one this small.
_REVISION = select(ContentRevision.number).where(ContentRevision.id == 1)
_MODULES = (
    select(Module, Quiz)
    .outerjoin(Quiz, Quiz.module_id == Module.id)
    .where(Module.active)
    .order_by(Module.position, Module.slug)
)
_LESSONS = (
    select(Lesson)
    .where(Lesson.module_id == bindparam("module_id"), Lesson.active)
    .order_by(Lesson.position, Lesson.id)
)
_ALL_LESSONS = select(Lesson).where(Lesson.active).order_by(Lesson.module_id, Lesson.position, Lesson.id)
_ESSENTIALS = select(Essential).order_by(Essential.number)
_QUESTIONS = select(ScorecardQuestion).order_by(
    ScorecardQuestion.essential_number, ScorecardQuestion.position
)
# By module rather than by a list of lesson ids: an IN list is written out anew for each query.
_DONE = (
    select(LessonCompletion.lesson_id)
    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    .where(
        LessonCompletion.user_id == bindparam("user_id"),
        Lesson.module_id == bindparam("module_id"),
        Lesson.active,
    )
)
