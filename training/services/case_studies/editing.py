"""Editing case studies in the browser: create and save (every save is a revision, guarded by an
optimistic lock), the review workflow with the four-eyes rule, restore, and the editorial log.

States: draft → review → published → archived. The columns of a case study hold what trainees
see. While it is not published they follow every save. Once published, saves are kept as
revisions and mark the case study as having unpublished changes (`pending` = draft, then
review); the live text changes only when another editor publishes those changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from training.extensions import db
from training.models import CaseStudy, User
from training.models.base import utcnow
from training.models.library import CaseStudyRevision, EditorialEvent
from training.services.case_studies import images
from training.services.case_studies.audit import log_event
from training.services.case_studies.data import (
    Problem,
    apply_data,
    check_slug,
    clean_data,
    snapshot,
)
from training.services.case_studies.diff import FieldDiff, diff_data
from training.services.case_studies.search import search_clause

EDITOR_ROLES = ("editor", "admin")
HEAVY = (CaseStudy.body_en, CaseStudy.body_zh, CaseStudy.html_en, CaseStudy.html_zh, CaseStudy.search_text)
Event = EditorialEvent


class EditorialError(Exception):
    """code: not_allowed | invalid | reserved | slug_taken | wrong_state | four_eyes | stale |
    not_ready | comment_required | not_found"""

    def __init__(self, code: str, problems: list[Problem] | None = None):
        super().__init__(code)
        self.code = code
        self.problems = problems or []


@dataclass
class RevisionRow:
    revision: CaseStudyRevision
    author: str  # "" when made from the files


@dataclass
class SaveConflict(Exception):
    """Someone saved since the form was opened: nothing was saved. `theirs` is what they changed
    since the version the form started from; `yours` is how the sent text differs from theirs."""

    study: CaseStudy
    base_version: int
    latest: RevisionRow | None
    theirs: list[FieldDiff] = field(default_factory=list)
    yours: list[FieldDiff] = field(default_factory=list)


# --- policy ----------------------------------------------------------------------------------


def can_edit_case_studies(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role in EDITOR_ROLES)


def in_draft(study: CaseStudy) -> bool:
    return study.status == CaseStudy.DRAFT or (
        study.status == CaseStudy.PUBLISHED and study.pending == CaseStudy.DRAFT
    )


def in_review(study: CaseStudy) -> bool:
    return study.status == CaseStudy.REVIEW or (
        study.status == CaseStudy.PUBLISHED and study.pending == CaseStudy.REVIEW
    )


def can_publish_case_study(user: User | None, study: CaseStudy) -> bool:
    """Four eyes: an editor or admin other than the author of the latest revision."""
    return can_edit_case_studies(user) and in_review(study) and study.last_author_id != user.id


def available_actions(user: User | None, study: CaseStudy) -> list[str]:
    if not can_edit_case_studies(user):
        return []
    actions = []
    if in_draft(study):
        actions.append("submit")
    if in_review(study):
        actions += (["publish"] if can_publish_case_study(user, study) else []) + ["send-back"]
    actions.append("reopen" if study.status == CaseStudy.ARCHIVED else "archive")
    return actions


def require_editor(user: User | None) -> None:
    if not can_edit_case_studies(user):
        raise EditorialError("not_allowed")


# --- reading ---------------------------------------------------------------------------------


def get_case_study(case_study_id: int) -> CaseStudy | None:
    return db.session.get(CaseStudy, case_study_id)


def get_case_study_by_slug(slug: str) -> CaseStudy | None:
    return db.session.scalar(select(CaseStudy).where(CaseStudy.slug == slug))


@dataclass
class EditorRow:
    study: CaseStudy
    author: str


def list_all_case_studies(query: str = "", status: str = "") -> list[EditorRow]:
    """Every case study in every state for the editors, newest change first; one query."""
    stmt = (
        select(CaseStudy, User.name)
        .outerjoin(User, User.id == CaseStudy.last_author_id)
        .options(*(defer(c) for c in HEAVY))
        .order_by(CaseStudy.updated_at.desc(), CaseStudy.id.desc())
    )
    if status == "pending":
        stmt = stmt.where(CaseStudy.pending != "")
    elif status in CaseStudy.STATES:
        stmt = stmt.where(CaseStudy.status == status)
    clause = search_clause(query)
    if clause is not None:
        stmt = stmt.where(clause)
    return [EditorRow(study, name or "") for study, name in db.session.execute(stmt)]


def get_revision(study: CaseStudy, number: int) -> CaseStudyRevision | None:
    return db.session.scalar(
        select(CaseStudyRevision).where(
            CaseStudyRevision.case_study_id == study.id, CaseStudyRevision.number == number
        )
    )


def list_revisions(study: CaseStudy) -> list[RevisionRow]:
    rows = db.session.execute(
        select(CaseStudyRevision, User.name)
        .outerjoin(User, User.id == CaseStudyRevision.author_id)
        .options(defer(CaseStudyRevision.data))
        .where(CaseStudyRevision.case_study_id == study.id)
        .order_by(CaseStudyRevision.number.desc())
    )
    return [RevisionRow(rev, name or "") for rev, name in rows]


def working_copy(study: CaseStudy) -> dict[str, Any]:
    """The latest saved content: what editors edit and reviewers publish."""
    revision = get_revision(study, study.version) if study.id else None
    return clean_data(revision.data) if revision else snapshot(study)


# --- writing ---------------------------------------------------------------------------------


def ensure_base_revision(study: CaseStudy) -> None:
    """Case studies synced before revisions existed: their text becomes revision `version`."""
    if get_revision(study, study.version) is None:
        db.session.add(
            CaseStudyRevision(
                case_study_id=study.id,
                number=study.version,
                kind=CaseStudyRevision.SYNC,
                data=snapshot(study),
                created_at=study.updated_at,
            )
        )


def add_revision(
    study: CaseStudy,
    data: dict,
    author: User | None,
    kind: str,
    note: str = "",
    restored_from: int | None = None,
    first: bool = False,
) -> CaseStudyRevision:
    """The next revision (or, for a new case study, the `first`); its number becomes the case
    study's version, the optimistic lock."""
    if study.id is None:
        db.session.flush()
    if not first:
        ensure_base_revision(study)
        study.version += 1
    revision = CaseStudyRevision(
        case_study_id=study.id,
        number=study.version,
        kind=kind,
        restored_from=restored_from,
        author_id=author.id if author else None,
        note=(note or "").strip()[:300],
        data=clean_data(data),
    )
    db.session.add(revision)
    study.last_author_id = author.id if author else None
    return revision


def create_case_study(
    user: User, slug: str, data: dict, note: str = "", upload: bytes | None = None
) -> CaseStudy:
    """A new draft with its first revision. Raises EditorialError, or ImageRejected for `upload`."""
    require_editor(user)
    slug = (slug or "").strip()
    problem = check_slug(slug)
    if problem:
        raise EditorialError(problem)
    if get_case_study_by_slug(slug) is not None:
        raise EditorialError("slug_taken")
    study = CaseStudy(
        slug=slug,
        status=CaseStudy.DRAFT,
        managed_by=CaseStudy.EDITORS,
        created_by_id=user.id,
        version=1,
    )
    data = clean_data(data)
    apply_data(study, data)
    db.session.add(study)
    try:
        db.session.flush()
        if upload:
            data["cover_image"] = images.store_image(user, study, upload).name
            apply_data(study, data)
        add_revision(study, data, user, CaseStudyRevision.EDIT, note, first=True)
        log_event(user, study, Event.CREATE, revision=1, comment=note)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EditorialError("slug_taken") from None
    except images.ImageRejected:
        db.session.rollback()
        raise
    return study


def upload_image(user: User, study: CaseStudy, raw: bytes):
    """Keep an uploaded image for this case study (not yet its cover). Raises ImageRejected."""
    require_editor(user)
    image = images.store_image(user, study, raw)
    db.session.commit()
    return image


def _conflict(study: CaseStudy, base_version: int, data: dict) -> SaveConflict:
    current = working_copy(study)
    base = get_revision(study, base_version)
    latest = next(iter(list_revisions(study)), None)
    return SaveConflict(
        study=study,
        base_version=base_version,
        latest=latest,
        theirs=diff_data(base.data if base else current, current),
        yours=diff_data(current, data),
    )


def save_case_study(
    user: User,
    study: CaseStudy,
    data: dict,
    base_version: int,
    note: str = "",
    kind: str = CaseStudyRevision.EDIT,
    restored_from: int | None = None,
) -> CaseStudyRevision | None:
    """Save the editor's text as a new revision. `base_version` is the version the form was
    opened on: if someone saved since, nothing is saved and SaveConflict is raised (also when the
    two saves race: the UPDATE is guarded by the version). None when nothing changed."""
    require_editor(user)
    data = clean_data(data)
    if base_version != study.version:
        raise _conflict(study, base_version, data)
    if data == working_copy(study):
        return None
    study_id = study.id
    revision = add_revision(study, data, user, kind, note, restored_from)
    if study.status == CaseStudy.PUBLISHED:
        study.pending = study.pending or CaseStudy.DRAFT
        study.updated_at = utcnow()
    else:
        apply_data(study, data)
    study.managed_by = CaseStudy.EDITORS
    action = Event.RESTORE if kind == CaseStudyRevision.RESTORE else Event.SAVE
    log_event(user, study, action, revision=revision.number, comment=note)
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        fresh = db.session.get(CaseStudy, study_id, populate_existing=True)
        raise _conflict(fresh, base_version, data) from None
    return revision


def restore_revision(
    user: User, study: CaseStudy, number: int, base_version: int
) -> CaseStudyRevision | None:
    """Make an old revision's content the newest revision (nothing in between is lost)."""
    old = get_revision(study, number)
    if old is None:
        raise EditorialError("not_found")
    return save_case_study(
        user, study, old.data, base_version, kind=CaseStudyRevision.RESTORE, restored_from=number
    )
