"""Enrolment at workshop scale: a trainer imports a list of officials (name, email, department,
city) into a cohort, and every row becomes an invitation (cohort_invitations' rules of consent).

1. `read` (enrolment_file) turns pasted text, a CSV or a workbook into rows.
2. `check_rows` gives each row its problems — errors (missing name, bad email, unknown city,
   duplicate row) and a warning for a city other than the cohort's, which the trainer may
   override row by row. Nothing is stored.
3. `import_rows` stores every invitation of a list with no error (and every warning overridden)
   in one transaction, or nothing at all, and returns what the web layer needs to mail them.
4. The invited person answers as for any invitation; one with no account opens it from the
   invitation (`open_account_and_join`): password set, name and department prefilled from the
   list, and they are in the cohort — and a member of its city, through `cohorts.add_member`.

The trainer's view of a row never depends on whether its address has an account (consent rules,
docs/cohort-invitations.md): existing accounts are invited too and join when they accept.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from training.extensions import db
from training.models import City, Cohort, CohortInvitation, User
from training.models.base import utcnow
from training.services import accounts, cohort_invitations
from training.services.cohort_invitations import Issued, NotAllowed, hash_token
from training.services.enrolment_file import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ListRefused,
    RawList,
    RawRow,
    read_file,
    read_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "CheckedList",
    "CheckedRow",
    "ListRefused",
    "NotAllowed",
    "Problem",
    "can_enrol",
    "check_rows",
    "import_rows",
    "open_account_and_join",
    "read_file",
    "read_text",
]

LIMITS = {"name": 120, "email": 254, "department": 200}


@dataclass(frozen=True)
class Problem:
    """One problem of one row: `column` (name, email, department, city, or '' for the row) and
    `code`: missing, too_long, invalid, unknown_city, duplicate (`ref` = the first row),
    other_city (a warning)."""

    column: str
    code: str
    ref: int | None = None


@dataclass
class CheckedRow:
    raw: RawRow
    email: str  # normalised
    city: City | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    overridden: bool = False

    @property
    def number(self) -> int:
        return self.raw.number

    @property
    def key(self) -> str:
        """What the override checkbox of this row carries: its number and address."""
        return f"{self.raw.number}:{self.email}"

    @property
    def blocked(self) -> bool:
        return bool(self.errors) or (bool(self.warnings) and not self.overridden)


@dataclass
class CheckedList:
    cohort: Cohort
    rows: list[CheckedRow]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(row.blocked for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def warning_count(self) -> int:
        return sum(1 for row in self.rows if row.warnings and not row.errors)

    @property
    def digest(self) -> str:
        """Stands for exactly these rows (not the overrides, ticked on the preview itself): the
        import stores only a list the trainer saw in a preview."""
        parts = [str(self.cohort.id)]
        for row in self.rows:
            raw = row.raw
            parts.append("\x1f".join((str(raw.number), raw.name, raw.email, raw.department, raw.city)))
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:32]


def can_enrol(user: User, cohort: Cohort) -> bool:
    return cohort_invitations.can_invite(user, cohort)


# --- checking, nothing stored ----------------------------------------------------------------


def _city_index() -> dict[str, City]:
    """Every city by its English and Chinese name, loosely ("Wuhan", "wuhan city", "武汉", "武汉市")."""
    index: dict[str, City] = {}
    for city in db.session.scalars(select(City).order_by(City.id)):
        for name in (city.name_en, city.name_zh):
            if name:
                index.setdefault(_city_key(name), city)
    return index


def _city_key(text: str) -> str:
    key = " ".join(text.lower().split())
    for suffix in (" city", " shi", "市"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)].strip()
    return key


def _check_email(text: str) -> tuple[str, Problem | None]:
    if not text:
        return "", Problem("email", "missing")
    if len(text) > LIMITS["email"]:
        return text.lower(), Problem("email", "too_long")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return text.lower(), Problem("email", "invalid")
    return accounts.normalise_email(checked.normalized), None


def check_rows(cohort: Cohort, raw: RawList, overrides: Collection[str] = frozenset()) -> CheckedList:
    """Each row with its errors and warnings; `overrides` holds the `key`s of the rows whose other
    city the trainer accepted. Reads the cities once; stores nothing."""
    cities = _city_index()
    seen: dict[str, int] = {}
    rows: list[CheckedRow] = []
    for item in raw.rows:
        email, email_problem = _check_email(item.email)
        row = CheckedRow(item, email, None)
        if not item.name:
            row.errors.append(Problem("name", "missing"))
        elif len(item.name) > LIMITS["name"]:
            row.errors.append(Problem("name", "too_long"))
        if email_problem is not None:
            row.errors.append(email_problem)
        elif email in seen:
            row.errors.append(Problem("email", "duplicate", ref=seen[email]))
        else:
            seen[email] = item.number
        if len(item.department) > LIMITS["department"]:
            row.errors.append(Problem("department", "too_long"))
        if item.city:
            row.city = cities.get(_city_key(item.city))
            if row.city is None:
                row.errors.append(Problem("city", "unknown_city"))
            elif row.city.id != cohort.city_id:
                row.warnings.append(Problem("city", "other_city"))
        else:
            row.city = cohort.city  # no city given: the cohort's
        row.overridden = bool(row.warnings) and row.key in overrides
        rows.append(row)
    members = cohort_invitations.member_addresses(
        cohort, [row.email for row in rows if row.email and not row.errors]
    )
    for row in rows:
        if row.email in members and not row.errors:
            row.errors.append(Problem("email", "member"))  # joined already: no invitation to send
    return CheckedList(cohort, rows)


# --- importing: all or nothing ---------------------------------------------------------------


def import_rows(checked: CheckedList, actor: User, *, now: datetime | None = None) -> list[Issued]:
    """Record an invitation for every row, in one transaction, and return them with their tokens
    (to mail). Refuses the whole list (ListRefused('not_ready')) when a row has an error or a
    warning not overridden. An address with a pending invitation to the cohort gets a new token
    and expiry, as `cohort_invitations.invite` does. Raises NotAllowed."""
    cohort = checked.cohort
    if not can_enrol(actor, cohort):
        raise NotAllowed()
    if not checked.ok:
        raise ListRefused("not_ready")
    now = now or utcnow()
    emails = [row.email for row in checked.rows]
    try:
        pending = _pending_by_email(cohort, emails, now)
        locales = _locales_by_email(emails)
        issued = []
        for row in checked.rows:
            invitation = pending.get(row.email)
            if invitation is None:
                invitation = CohortInvitation(cohort_id=cohort.id, email=row.email)
                db.session.add(invitation)
            token = secrets.token_urlsafe(cohort_invitations.TOKEN_BYTES)
            invitation.invited_by_id = actor.id
            invitation.token_hash = hash_token(token)
            invitation.created_at = now
            invitation.expires_at = now + cohort_invitations.VALID_FOR
            invitation.name = row.raw.name
            invitation.department = row.raw.department
            invitation.city_id = row.city.id if row.city is not None else None
            first = locales.get(row.email, actor.locale)
            first = first if first in ("en", "zh") else "en"
            issued.append(Issued(invitation, token, (first, "zh" if first == "en" else "en")))
        db.session.flush()
        ids = [one.invitation.id for one in issued]
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _reload(ids)
    return issued


def _reload(ids: list[int]) -> None:
    """Load the committed (hence expired) invitations back in one query per 500, instead of
    one each when the emails read them."""
    for start in range(0, len(ids), 500):
        list(
            db.session.scalars(
                select(CohortInvitation).where(CohortInvitation.id.in_(ids[start : start + 500]))
            )
        )


def _chunks(values: list[str], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _pending_by_email(cohort: Cohort, emails: list[str], now: datetime) -> dict[str, CohortInvitation]:
    found: dict[str, CohortInvitation] = {}
    for chunk in _chunks(emails):
        for invitation in db.session.scalars(
            select(CohortInvitation).where(
                CohortInvitation.cohort_id == cohort.id,
                CohortInvitation.email.in_(chunk),
                CohortInvitation.accepted_at.is_(None),
                CohortInvitation.declined_at.is_(None),
                CohortInvitation.revoked_at.is_(None),
                CohortInvitation.expires_at > now,
            )
        ):
            found[invitation.email] = invitation
    return found


def _locales_by_email(emails: list[str]) -> dict[str, str]:
    """The language of the accounts among these addresses (for the email's order of languages,
    as `cohort_invitations.invite` chooses it); one query per 500 addresses."""
    found: dict[str, str] = {}
    for chunk in _chunks(emails):
        for email, locale in db.session.execute(select(User.email, User.locale).where(User.email.in_(chunk))):
            found[email] = locale
    return found


# --- the invited person without an account ---------------------------------------------------


def has_account(invitation: CohortInvitation) -> bool:
    return bool(db.session.scalar(select(func.count(User.id)).where(User.email == invitation.email)))


def can_open_account(invitation: CohortInvitation | None, *, now: datetime | None = None) -> bool:
    """A pending invitation whose address has no account yet: the page that opens one applies."""
    if invitation is None or invitation.status(now or utcnow()) != "pending":
        return False
    return not has_account(invitation)


def prefill(invitation: CohortInvitation) -> dict:
    """What the account form starts with: the list's name, department and city (else the cohort's)."""
    city = db.session.get(City, invitation.city_id) if invitation.city_id else None
    return {
        "name": invitation.name,
        "department": invitation.department,
        "city": city or invitation.cohort.city,
    }


def open_account_and_join(
    invitation: CohortInvitation | None,
    *,
    name: str,
    department: str,
    city: City | None,
    locale: str,
    password: str,
    now: datetime | None = None,
) -> User:
    """Create the account of the invited address (the invitation email proved it) and accept the
    invitation: the person is in the cohort, and a member of its city as `cohorts.add_member`
    grants. Raises InvitationRefused (unknown, expired, revoked, declined, accepted),
    accounts.WeakPassword, or accounts.EmailTaken when the address has an account by now."""
    now = now or utcnow()
    if invitation is None:
        raise cohort_invitations.InvitationRefused("unknown")
    status = invitation.status(now)
    if status != "pending":
        raise cohort_invitations.InvitationRefused(status)
    user = accounts.register_user(
        name=name,
        email=invitation.email,
        password=password,
        city=city,
        organisation=department,
        locale=locale if locale in ("en", "zh") else "en",
    )
    cohort_invitations.accept_invitation(invitation, user, now=now)
    return user
