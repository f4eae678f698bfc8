"""Extra attempts granted by a trainer or an admin, with the reason kept, and how much of the
next attempt the trainee has already seen answered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from training.extensions import db
from training.models import AttemptGrant, Quiz, QuizAttempt, Role, User
from training.models.cohort import CohortMember, CohortTrainer
from training.services.quizzes.layout import plan_attempt, revealed_keys


class GrantRefused(Exception):
    pass


def can_grant_attempts(actor: User, trainee: User) -> bool:
    """An admin, or a trainer of a cohort the trainee belongs to."""
    if not actor.is_authenticated:
        return False
    if actor.role == Role.ADMIN:
        return True
    if actor.role != Role.TRAINER:
        return False
    shared = (
        select(CohortTrainer.id)
        .join(CohortMember, CohortMember.cohort_id == CohortTrainer.cohort_id)
        .where(CohortTrainer.user_id == actor.id, CohortMember.user_id == trainee.id)
    )
    return db.session.scalar(shared.limit(1)) is not None


def grant_attempts(actor: User, trainee: User, quiz: Quiz, extra: int, reason: str) -> AttemptGrant:
    """Give `trainee` `extra` more final attempts, recorded with who and why."""
    reason = (reason or "").strip()
    if not can_grant_attempts(actor, trainee):
        raise PermissionError("not this trainee's trainer")
    if not reason:
        raise GrantRefused("a reason is required")
    if not 1 <= extra <= 10:
        raise GrantRefused("between 1 and 10 attempts")
    grant = AttemptGrant(
        user_id=trainee.id, quiz_id=quiz.id, extra=extra, reason=reason, granted_by_id=actor.id
    )
    db.session.add(grant)
    db.session.commit()
    return grant


def list_grants(trainee: User, quiz: Quiz) -> list[tuple[AttemptGrant, str]]:
    """The audit trail: each grant with the name of who granted it, oldest first."""
    rows = db.session.execute(
        select(AttemptGrant, User.name)
        .outerjoin(User, User.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == trainee.id, AttemptGrant.quiz_id == quiz.id)
        .order_by(AttemptGrant.granted_at, AttemptGrant.id)
    ).all()
    return [(grant, name or "") for grant, name in rows]


@dataclass
class RetakeOverlap:
    """The next attempt's questions whose correct answers this trainee has already been shown."""

    revealed: int  # how many of the next attempt's questions
    total: int  # questions in the next attempt


def retake_overlap(trainee: User, quiz: Quiz) -> RetakeOverlap | None:
    """For the grant form: None when the trainee has not been shown this quiz's key or when the
    pool can give the next attempt questions whose key they have not seen; otherwise how many
    of the questions the next attempt would draw had their key revealed to them."""
    revealed = revealed_keys(trainee, quiz)
    if not revealed:
        return None
    questions = plan_attempt(trainee, quiz, QuizAttempt.FINAL).questions
    overlap = sum(q.key in revealed for q in questions)
    return RetakeOverlap(revealed=overlap, total=len(questions)) if overlap else None
