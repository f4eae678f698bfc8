"""The curriculum as synced from `modules/` and `quizzes/` (see training/content/)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.models.base import ModuleText, TitledText


class Module(ModuleText, db.Model):
    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    topic: Mapped[str] = mapped_column(String(20))
    essentials: Mapped[list[int]] = mapped_column(JSON, default=list)
    scorecard_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    title_en: Mapped[str] = mapped_column(String(200), default="")
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    case_studies: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", lazy="raise"
    )


class Lesson(TitledText, db.Model):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=10)
    title_en: Mapped[str] = mapped_column(String(200), default="")
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    html_en: Mapped[str] = mapped_column(Text, default="")
    html_zh: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    version: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="lessons", lazy="raise")


class Quiz(db.Model):
    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), unique=True)
    pass_mark: Mapped[int] = mapped_column(default=70)
    max_attempts: Mapped[int] = mapped_column(default=0)
    pretest_questions: Mapped[int] = mapped_column(default=0)
    # Questions per final attempt drawn from the pool (0: all), the strata of the draw, and what
    # a result page reveals (docs/quizzes.md).
    draw: Mapped[int] = mapped_column(default=0)
    stratify: Mapped[str] = mapped_column(String(20), default="lesson")
    reveal: Mapped[str] = mapped_column(String(20), default="pass_or_last")
    version: Mapped[str] = mapped_column(String(64), default="")

    module: Mapped[Module] = relationship(lazy="raise")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", lazy="raise"
    )


class Question(db.Model):
    """One quiz question. `key` is the stable id from the YAML file."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))
    essential: Mapped[int] = mapped_column(default=1)
    lesson_slug: Mapped[str] = mapped_column(String(120), default="")
    # text, options, answer and explanation in both languages, as validated by the loader
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)

    quiz: Mapped[Quiz] = relationship(back_populates="questions", lazy="raise")


class ContentRevision(db.Model):
    """One row: a number that every `flask content sync` which changed something raises, so
    that each worker knows when the curriculum it keeps in memory is out of date
    (training/services/curriculum_cache.py); and `case_studies`, raised by every write to a
    case study in the same transaction (training/models/library.py), under which the module
    page keeps the case-study cards it chose (training/web/learn/views.py)."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(default=0)
    case_studies: Mapped[int] = mapped_column(default=0, server_default="0")
