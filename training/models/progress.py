"""What a trainee has done: lessons completed and quiz attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.models.base import utcnow
from training.models.content import Lesson, Quiz


class LessonCompletion(db.Model):
    __tablename__ = "lesson_completion"
    # A double click or two tabs record one completion.
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(lazy="raise")


class QuizAttempt(db.Model):
    """A submitted attempt, kept as taken: question keys, answers and the content version."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "kind", "number"),)

    PRETEST = "pretest"
    FINAL = "final"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=FINAL)
    number: Mapped[int] = mapped_column(default=1)
    content_version: Mapped[str] = mapped_column(String(64))
    question_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    # Question bodies as they were when taken, so a later edit never rewrites history.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    correct: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    percent: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the trainee saw: {"seed": ..., "questions": [keys in order], "options": {key: [option
    # ids in displayed order]}}. None for attempts taken before shuffling: the file order.
    layout: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    quiz: Mapped[Quiz] = relationship(lazy="raise")

    def option_order(self, key: str) -> list[str] | None:
        """Option ids of question `key` in the order shown, or None (file order)."""
        return ((self.layout or {}).get("options") or {}).get(key)


class AttemptGrant(db.Model):
    """Extra final-quiz attempts granted to a trainee, with who granted them and why (the audit)."""

    __tablename__ = "attempt_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    extra: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
