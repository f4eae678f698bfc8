"""Sync the validated curriculum into the database, idempotently.

Run twice, nothing changes. An edited lesson updates; a removed lesson or question is marked
inactive (never deleted), so earlier attempts and completions stay readable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select, update

from training.content.schema import Curriculum
from training.extensions import db
from training.models import ContentRevision, Essential, Lesson, Module, Question, Quiz, ScorecardQuestion
from training.services.library import sync_library
from training.services.search import rebuild_search_index, search_index_is_empty


@dataclass
class SyncReport:
    counts: Counter = field(default_factory=Counter)

    def note(self, what: str, action: str) -> None:
        self.counts[f"{what} {action}"] += 1

    @property
    def changed(self) -> bool:
        return any(not key.endswith("unchanged") for key in self.counts)

    def lines(self) -> list[str]:
        return [f"{key}: {n}" for key, n in sorted(self.counts.items())]


def _source(source) -> dict:
    """A source as the lesson and module pages show it; a copy on a mirror site says so."""
    entry = {"title": source.title, "url": source.url}
    if source.title_zh and source.title_zh != source.title:
        entry["title_zh"] = source.title_zh
    if source.mirror:
        entry["mirror"] = True
    return entry


def _assign(obj, values: dict, report: SyncReport, what: str, is_new: bool) -> None:
    dirty = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            dirty = True
    report.note(what, "created" if is_new else ("updated" if dirty else "unchanged"))


def sync_curriculum(curriculum: Curriculum) -> SyncReport:
    report = SyncReport()
    _sync_scorecard(curriculum, report)
    modules = _sync_modules(curriculum, report)
    _sync_quizzes(curriculum, modules, report)
    sync_library(curriculum, report)
    if report.changed or search_index_is_empty():
        rebuild_search_index()
    if report.changed:
        _raise_revision()
    db.session.commit()
    return report


def _raise_revision() -> None:
    """Tell every worker that the curriculum changed (training/services/curriculum_cache.py)."""
    raised = db.session.execute(update(ContentRevision).values(number=ContentRevision.number + 1))
    if raised.rowcount == 0:
        db.session.add(ContentRevision(id=1, number=1))


def _sync_scorecard(curriculum: Curriculum, report: SyncReport) -> None:
    essentials = {e.number: e for e in db.session.scalars(select(Essential))}
    questions = {q.id: q for q in db.session.scalars(select(ScorecardQuestion))}
    for e in curriculum.essentials:
        obj = essentials.get(e.number)
        if obj is None:
            obj = Essential(number=e.number)
            db.session.add(obj)
        _assign(
            obj,
            {
                "title_en": e.title.get("en", ""),
                "title_zh": e.title.get("zh", ""),
                "summary_en": e.summary.get("en", ""),
                "summary_zh": e.summary.get("zh", ""),
            },
            report,
            "essential",
            e.number not in essentials,
        )
        for q in e.questions:
            qobj = questions.get(q.id)
            if qobj is None:
                qobj = ScorecardQuestion(id=q.id)
                db.session.add(qobj)
            _assign(
                qobj,
                {
                    "essential_number": e.number,
                    "position": q.position,
                    "topic_en": q.topic.get("en", ""),
                    "topic_zh": q.topic.get("zh", ""),
                    "text_en": q.text.get("en", ""),
                    "text_zh": q.text.get("zh", ""),
                    "levels": q.levels,
                    "help_en": q.help.get("en", ""),
                    "help_zh": q.help.get("zh", ""),
                },
                report,
                "scorecard question",
                q.id not in questions,
            )
    db.session.flush()


def _sync_modules(curriculum: Curriculum, report: SyncReport) -> dict[str, Module]:
    existing = {m.slug: m for m in db.session.scalars(select(Module))}
    lessons_by_module: dict[int, dict[str, Lesson]] = {}
    for lesson in db.session.scalars(select(Lesson)):
        lessons_by_module.setdefault(lesson.module_id, {})[lesson.slug] = lesson
    seen = set()
    for m in curriculum.modules:
        seen.add(m.slug)
        obj = existing.get(m.slug)
        if obj is None:
            obj = Module(slug=m.slug)
            db.session.add(obj)
            existing[m.slug] = obj
        _assign(
            obj,
            {
                "position": m.position,
                "topic": m.topic,
                "essentials": list(m.essentials),
                "scorecard_questions": list(m.scorecard_questions),
                "title_en": m.title.get("en", ""),
                "title_zh": m.title.get("zh", ""),
                "summary_en": m.summary.get("en", ""),
                "summary_zh": m.summary.get("zh", ""),
                "objectives": m.objectives,
                "sources": [_source(s) for s in m.sources],
                "case_studies": list(m.case_studies),
                "version": m.version,
                "active": True,
            },
            report,
            "module",
            obj.id is None,
        )
        db.session.flush()
        current = lessons_by_module.get(obj.id, {})
        lesson_slugs = set()
        for lesson in m.lessons:
            lesson_slugs.add(lesson.slug)
            lobj = current.get(lesson.slug)
            if lobj is None:
                lobj = Lesson(module_id=obj.id, slug=lesson.slug)
                db.session.add(lobj)
            _assign(
                lobj,
                {
                    "position": lesson.position,
                    "minutes": lesson.minutes,
                    "title_en": lesson.title.get("en", ""),
                    "title_zh": lesson.title.get("zh", ""),
                    "html_en": lesson.html.get("en", ""),
                    "html_zh": lesson.html.get("zh", ""),
                    "sources": [_source(s) for s in lesson.sources],
                    "version": lesson.version,
                    "active": True,
                },
                report,
                "lesson",
                lesson.slug not in current,
            )
        for slug, lobj in current.items():
            if slug not in lesson_slugs and lobj.active:
                lobj.active = False
                report.note("lesson", "retired")
    for slug, obj in existing.items():
        if slug not in seen and obj.active:
            obj.active = False
            report.note("module", "retired")
    db.session.flush()
    return existing


def _sync_quizzes(curriculum: Curriculum, modules: dict[str, Module], report: SyncReport) -> None:
    quizzes = {q.module_id: q for q in db.session.scalars(select(Quiz))}
    questions_by_quiz: dict[int, dict[str, Question]] = {}
    for q in db.session.scalars(select(Question)):
        questions_by_quiz.setdefault(q.quiz_id, {})[q.key] = q
    for quiz in curriculum.quizzes:
        module = modules[quiz.module]
        obj = quizzes.get(module.id)
        is_new = obj is None
        if obj is None:
            obj = Quiz(module_id=module.id)
            db.session.add(obj)
        _assign(
            obj,
            {
                "pass_mark": quiz.pass_mark,
                "max_attempts": quiz.max_attempts,
                "pretest_questions": quiz.pretest_questions,
                "draw": quiz.draw,
                "stratify": quiz.stratify,
                "reveal": quiz.reveal,
                "version": quiz.version,
            },
            report,
            "quiz",
            is_new,
        )
        db.session.flush()
        current = questions_by_quiz.get(obj.id, {})
        keys = set()
        for position, q in enumerate(quiz.questions, start=1):
            keys.add(q.key)
            qobj = current.get(q.key)
            if qobj is None:
                qobj = Question(quiz_id=obj.id, key=q.key)
                db.session.add(qobj)
            _assign(
                qobj,
                {
                    "position": position,
                    "type": q.type,
                    "essential": q.essential,
                    "lesson_slug": q.lesson,
                    "body": q.body,
                    "active": True,
                },
                report,
                "question",
                q.key not in current,
            )
        for key, qobj in current.items():
            if key not in keys and qobj.active:
                qobj.active = False
                report.note("question", "retired")
    db.session.flush()
