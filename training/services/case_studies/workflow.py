"""The review workflow of a case study: submit, publish (four eyes), send back, archive, reopen.

States: draft → review → published → archived; a published case study with unpublished changes
carries them as `pending` (see training/services/case_studies/editing.py, which saves them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from training.extensions import db
from training.models import CaseStudy, User
from training.models.base import utcnow
from training.services import notifications
from training.services.case_studies.audit import log_event
from training.services.case_studies.data import apply_data, check_ready
from training.services.case_studies.editing import (
    EDITOR_ROLES,
    EditorialError,
    Event,
    in_draft,
    in_review,
    require_editor,
    working_copy,
)


def _commit_transition(user: User, study: CaseStudy, action: str, comment: str = "") -> None:
    log_event(user, study, action, revision=study.version, comment=comment)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        notifications.discard_pending()
        raise EditorialError("stale") from None
    notifications.send_pending()


def _about(user: User, study: CaseStudy) -> dict:
    return {
        "case_study_id": study.id,
        "title_en": study.title_en,
        "title_zh": study.title_zh,
        "by": user.name,
    }


def _tell_reviewers(user: User, study: CaseStudy) -> None:
    """Every editor but the one who submitted it and its last author: they may publish it."""
    authors = {user.id, study.last_author_id}
    reviewers = db.session.scalars(
        select(User).where(
            User.role.in_(EDITOR_ROLES), User.active, User.id.not_in([a for a in authors if a])
        )
    )
    for reviewer in reviewers:
        notifications.notify(reviewer, notifications.REVIEW_REQUESTED, _about(user, study))


def _tell_author(user: User, study: CaseStudy, comment: str) -> None:
    author = db.session.get(User, study.last_author_id) if study.last_author_id else None
    if author is not None and author.id != user.id:
        notifications.notify(author, notifications.SENT_BACK, {**_about(user, study), "comment": comment})


def submit_case_study(user: User, study: CaseStudy) -> None:
    """Send the working copy to review; refused with the problems when it is not complete."""
    require_editor(user)
    if not in_draft(study):
        raise EditorialError("wrong_state")
    problems = check_ready(working_copy(study))
    if problems:
        raise EditorialError("not_ready", problems)
    if study.status == CaseStudy.DRAFT:
        study.status = CaseStudy.REVIEW
    else:
        study.pending = CaseStudy.REVIEW
    study.review_comment = ""
    _tell_reviewers(user, study)
    _commit_transition(user, study, Event.SUBMIT)


def publish_case_study(user: User, study: CaseStudy, seen_version: int) -> None:
    """Publish the revision the reviewer saw (`seen_version`), never a newer one they did not."""
    require_editor(user)
    if not in_review(study):
        raise EditorialError("wrong_state")
    if study.last_author_id == user.id:
        raise EditorialError("four_eyes")
    if seen_version != study.version:
        raise EditorialError("stale")
    data = working_copy(study)
    problems = check_ready(data)
    if problems:
        raise EditorialError("not_ready", problems)
    apply_data(study, data)
    study.status, study.pending, study.review_comment = CaseStudy.PUBLISHED, "", ""
    study.published_version, study.published_at = study.version, utcnow()
    _commit_transition(user, study, Event.PUBLISH)


def send_back_case_study(user: User, study: CaseStudy, comment: str) -> None:
    require_editor(user)
    if not in_review(study):
        raise EditorialError("wrong_state")
    comment = (comment or "").strip()
    if not comment:
        raise EditorialError("comment_required")
    if study.status == CaseStudy.REVIEW:
        study.status = CaseStudy.DRAFT
    else:
        study.pending = CaseStudy.DRAFT
    study.review_comment = comment
    _tell_author(user, study, comment)
    _commit_transition(user, study, Event.SEND_BACK, comment)


def archive_case_study(user: User, study: CaseStudy, comment: str = "") -> None:
    """Take it out of the library. Unpublished changes become its text (nobody sees it now)."""
    require_editor(user)
    if study.status == CaseStudy.ARCHIVED:
        raise EditorialError("wrong_state")
    if study.pending:
        apply_data(study, working_copy(study))
    study.status, study.pending = CaseStudy.ARCHIVED, ""
    _commit_transition(user, study, Event.ARCHIVE, (comment or "").strip())


def reopen_case_study(user: User, study: CaseStudy) -> None:
    require_editor(user)
    if study.status != CaseStudy.ARCHIVED:
        raise EditorialError("wrong_state")
    study.status = CaseStudy.DRAFT
    _commit_transition(user, study, Event.REOPEN)
