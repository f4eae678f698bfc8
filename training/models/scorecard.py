"""The Disaster Resilience Scorecard (preliminary level) and cities' assessments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.models.base import pick, utcnow
from training.models.city import City


class Essential(db.Model):
    __tablename__ = "essential"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200))
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")

    def title(self, locale: str) -> str:
        return pick(self.title_en, self.title_zh, locale)

    def summary(self, locale: str) -> str:
        return pick(self.summary_en, self.summary_zh, locale)


class QuestionText:
    """A scorecard question's wording in a language (the model or its frozen copy,
    training/services/curriculum_cache.py)."""

    def topic(self, locale: str) -> str:
        return pick(self.topic_en, self.topic_zh, locale)  # type: ignore[attr-defined]

    def text(self, locale: str) -> str:
        return pick(self.text_en, self.text_zh, locale)  # type: ignore[attr-defined]

    def help(self, locale: str) -> str:
        return pick(self.help_en, self.help_zh, locale)  # type: ignore[attr-defined]

    def level(self, score: int, locale: str) -> str:
        entry = self.levels.get(str(score), {})  # type: ignore[attr-defined]
        return pick(entry.get("en"), entry.get("zh"), locale)


class ScorecardQuestion(QuestionText, db.Model):
    __tablename__ = "scorecard_question"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)  # "P1.1"
    essential_number: Mapped[int] = mapped_column(ForeignKey("essential.number"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    topic_en: Mapped[str] = mapped_column(String(200))
    topic_zh: Mapped[str] = mapped_column(String(200))
    text_en: Mapped[str] = mapped_column(Text)
    text_zh: Mapped[str] = mapped_column(Text)
    levels: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON)  # {"0": {"en","zh"}, ...}
    # Local examples that illustrate the levels (the levels themselves follow the official tool).
    help_en: Mapped[str] = mapped_column(Text, default="")
    help_zh: Mapped[str] = mapped_column(Text, default="")


class Assessment(db.Model):
    """A dated snapshot of a city's self-assessment. The newest one is open for answers; starting
    a new one copies the last one's answers and closes it, so the city keeps its history."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("city_id", "sequence"),)

    OPEN, CLOSED = "open", "closed"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    sequence: Mapped[int] = mapped_column(default=1)
    level: Mapped[str] = mapped_column(String(20), default="preliminary")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(40), default="")  # "", "copy", "import"
    # The city profile of the official tool's Info sheet at the time of this assessment
    # (training/services/city_profile.py names the fields): {"population": "…", …}.
    profile: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    city: Mapped[City] = relationship(lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN


class AssessmentAnswer(db.Model):
    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    FIELDS = ("score", "comments", "evidence", "actions", "responsible", "timescale")

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("scorecard_question.id"))
    score: Mapped[int | None] = mapped_column(default=None)
    comments: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(300), default="")
    timescale: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The agreed city score of a workshop: recorded by a trainer or the delegation lead.
    agreed: Mapped[bool] = mapped_column(default=False)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None] = mapped_column(default=None)
    agreed_note: Mapped[str] = mapped_column(Text, default="")
    # Optimistic locking: SQLAlchemy increments it on every UPDATE and refuses (StaleDataError) an
    # UPDATE whose row changed since it was read; forms also carry it to refuse stale saves.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Rating(db.Model):
    """One delegate's own rating of a question, in workshop mode. Each delegate has their own row,
    so two delegates saving at the same moment both keep their ratings."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("scorecard_question.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    score: Mapped[int | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A delegate removed from (or who left) the workshop's cohort: the rating is kept, marked,
    # and no longer counted in the spread. Cleared when they rate again as a member.
    excluded_at: Mapped[datetime | None] = mapped_column(default=None)
    excluded_reason: Mapped[str] = mapped_column(String(20), default="")


class AnswerChange(db.Model):
    """Who changed which answer when, and what changed (old and new values)."""

    __tablename__ = "answer_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("assessment_answer.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
