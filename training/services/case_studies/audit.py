"""The editorial log: every action on a case study (create, save, submit, publish, send back,
archive, reopen, restore, import) with who and when. Admins read all of it; editors see the
entries of the case study they work on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from training.extensions import db
from training.models import CaseStudy, User
from training.models.library import EditorialEvent


def can_view_editorial_log(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == "admin")


def log_event(user: User | None, study: CaseStudy, action: str, revision=None, comment: str = "") -> None:
    db.session.add(
        EditorialEvent(
            case_study_id=study.id,
            slug=study.slug,
            user_id=user.id if user else None,
            action=action,
            revision=revision,
            comment=comment,
        )
    )


@dataclass
class EventRow:
    event: EditorialEvent
    user: str


def list_events(study: CaseStudy | None = None, limit: int = 100, offset: int = 0) -> list[EventRow]:
    """The editorial log, newest first: for one case study, or all of it (admins)."""
    stmt = (
        select(EditorialEvent, User.name)
        .outerjoin(User, User.id == EditorialEvent.user_id)
        .order_by(EditorialEvent.created_at.desc(), EditorialEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if study is not None:
        stmt = stmt.where(EditorialEvent.case_study_id == study.id)
    return [EventRow(event, name or "") for event, name in db.session.execute(stmt)]
