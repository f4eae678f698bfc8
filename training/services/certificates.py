"""Certificates: issued once per member and cohort when every assigned module is complete.

A certificate keeps a snapshot of what it says (name, cohort, city, modules, date), so a later
rename never rewrites it. Its code is 12 characters from an alphabet without 0/O/1/I/L, stored
without dashes and shown grouped ("ABCD-EFGH-JKLM"); anyone holding the code can verify it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import segno
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import Certificate, Cohort, Module, Role, User
from training.models.base import pick, utcnow
from training.services import notifications
from training.services.cohorts import CODE_ALPHABET, can_manage_cohort, is_member, list_modules
from training.services.learning import list_progress
from training.services.progress_matrix import build_cohort_matrix

CODE_LENGTH = 12
CODE_GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person typed or a link carried, as stored: upper case, no dashes or spaces."""
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def format_code(code: str) -> str:
    """'ABCDEFGHJKMN' -> 'ABCD-EFGH-JKMN', for display and for the verification URL."""
    code = normalise_code(code)
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


# --- issuing -------------------------------------------------------------------------------


def get_user_certificate(user: User, cohort: Cohort) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.cohort_id == cohort.id)
    )


def issue_if_complete(user: User, cohort: Cohort) -> Certificate | None:
    """The member's certificate for this cohort: the one already issued, a new one when they
    have completed every assigned module (all lessons done, quiz passed), else None.

    Non-members and cohorts without assigned modules get nothing. Safe to call after every
    lesson or quiz: two concurrent calls still leave one certificate (unique user + cohort).
    """
    existing = get_user_certificate(user, cohort)
    if existing is not None:
        return existing
    modules = list_modules(cohort)
    if not modules or not is_member(user, cohort):
        return None
    if not all(progress.complete for progress in list_progress(user, modules)):
        return None
    certificate, _ = _create(user, cohort, modules)
    db.session.commit()
    notifications.send_pending()
    return certificate


def issue_certificates(cohort: Cohort) -> list[Certificate]:
    """Issue a certificate to every member who has completed all assigned modules and has none
    yet. Returns only the newly issued ones (empty on a second call): queries do not grow with
    the number of members, apart from one insert per new certificate."""
    matrix = build_cohort_matrix(cohort)
    if not matrix.modules:
        return []
    holders = set(db.session.scalars(select(Certificate.user_id).where(Certificate.cohort_id == cohort.id)))
    issued = []
    for row in matrix.rows:
        if row.user.id in holders or not row.user.active or not all(cell.complete for cell in row.cells):
            continue
        certificate, created = _create(row.user, cohort, matrix.modules)
        if created:
            issued.append(certificate)
    db.session.commit()
    notifications.send_pending()
    return issued


def _snapshot(user: User, cohort: Cohort, modules: list[Module], issued_on: str) -> dict[str, Any]:
    return {
        "name": user.name,
        "cohort": cohort.name,
        "city": {"en": cohort.city.name_en, "zh": cohort.city.name_zh},
        "modules": [{"en": m.title_en, "zh": m.title_zh} for m in modules],
        "date": issued_on,
    }


def _create(user: User, cohort: Cohort, modules: list[Module]) -> tuple[Certificate, bool]:
    """Insert inside a savepoint; True when this call created it. A unique-constraint clash means
    either another request issued this certificate first (return theirs) or the random code was
    taken (draw again)."""
    issued_at = utcnow()
    snapshot = _snapshot(user, cohort, modules, issued_at.date().isoformat())
    for _ in range(5):
        certificate = Certificate(
            code=new_code(), user_id=user.id, cohort_id=cohort.id, issued_at=issued_at, snapshot=snapshot
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing = get_user_certificate(user, cohort)
            if existing is not None:
                return existing, False
            continue
        notifications.notify(
            user,
            notifications.CERTIFICATE_ISSUED,
            {"code": certificate.code, "cohort": cohort.name, "cohort_id": cohort.id},
        )
        return certificate, True
    raise RuntimeError("could not draw a unique certificate code")


# --- reading -------------------------------------------------------------------------------


def get_certificate(code: str) -> Certificate | None:
    """By code as typed or linked: dashes, spaces and lower case are accepted."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def list_certificates(user: User) -> list[Certificate]:
    """The user's certificates, newest first."""
    return list(db.session.scalars(_CERTIFICATES, {"user_id": user.id}))


# Built once: My learning runs it.
_CERTIFICATES = (
    select(Certificate)
    .where(Certificate.user_id == bindparam("user_id"))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)


@dataclass(frozen=True)
class CertificateView:
    """What a certificate says, in one language, ready for a template."""

    code: str  # grouped, "ABCD-EFGH-JKLM"
    name: str
    cohort: str
    city: str
    modules: list[str]
    issued_on: str  # ISO date


def describe_certificate(certificate: Certificate, locale: str) -> CertificateView:
    """Everything the public verification page shows, from the snapshot only."""
    snap = certificate.snapshot or {}
    city = snap.get("city") or {}
    return CertificateView(
        code=format_code(certificate.code),
        name=snap.get("name", ""),
        cohort=snap.get("cohort", ""),
        city=pick(city.get("en"), city.get("zh"), locale),
        modules=[pick(m.get("en"), m.get("zh"), locale) for m in snap.get("modules", [])],
        issued_on=snap.get("date", ""),
    )


# --- permissions and the QR code -------------------------------------------------------------


def can_view_certificate(user: User, certificate: Certificate) -> bool:
    """The full certificate page (downloads, links to progress): the owner, a trainer of the
    cohort, an admin.

    The public verification page (/certificates/<code>) needs no permission: it shows only what
    `describe_certificate` returns (name, cohort, city, modules, date), which the holder chose to
    share by handing out the code.
    """
    if not user.is_authenticated:
        return False
    if user.id == certificate.user_id or user.role == Role.ADMIN:
        return True
    cohort = db.session.get(Cohort, certificate.cohort_id)
    return cohort is not None and can_manage_cohort(user, cohort)


def qr_svg(url: str, title: str | None = None) -> str:
    """A QR code for `url` as inline SVG: no XML declaration, no fixed size (it scales with its
    viewBox to the box CSS gives it), a white quiet zone, and a <title> for screen readers."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=1, border=4, omitsize=True, title=title or url, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def issue_for_user(user: User) -> list[Certificate]:
    """After progress is recorded: issue any certificate the user has now earned in their cohorts."""
    from training.services.cohorts import list_memberships

    issued = []
    for cohort in list_memberships(user):
        if get_user_certificate(user, cohort) is None:
            certificate = issue_if_complete(user, cohort)
            if certificate is not None:
                issued.append(certificate)
    return issued
