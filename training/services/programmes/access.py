"""Who may see a programme, and creating or editing one (administrators only).

Managers are a link table, not a role: a trainer (or anyone) may also follow a programme, and
one person may manage several. Administrators see every programme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from training.extensions import db
from training.models import City, Cohort, Programme, ProgrammeCity, ProgrammeManager, User
from training.services.accounts import normalise_email

MIN_YEAR, MAX_YEAR = 2000, 2100


class NotAllowed(Exception):
    pass


class InvalidProgramme(ValueError):
    """Field name -> message, shown next to the field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _signed_in(user: User | None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_create_programmes(user: User | None) -> bool:
    return _signed_in(user) and user.is_admin  # type: ignore[union-attr]


def can_edit_programme(user: User | None, programme: Programme) -> bool:
    return can_create_programmes(user)


def is_manager(user: User | None, programme: Programme) -> bool:
    if not _signed_in(user):
        return False
    found = db.session.scalar(
        select(ProgrammeManager.id).where(
            ProgrammeManager.programme_id == programme.id,
            ProgrammeManager.user_id == user.id,  # type: ignore[union-attr]
        )
    )
    return found is not None


def can_view_programme(user: User | None, programme: Programme) -> bool:
    """Administrators and the programme's managers; nobody else (trainers of its cities
    included: they see their cities' data where they always did)."""
    if not _signed_in(user):
        return False
    return user.is_admin or is_manager(user, programme)  # type: ignore[union-attr]


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def manages_any(user: User | None) -> bool:
    """Whether `user` manages at least one programme."""
    if not _signed_in(user):
        return False
    query = select(ProgrammeManager.id).where(ProgrammeManager.user_id == user.id).limit(1)  # type: ignore[union-attr]
    return db.session.scalar(query) is not None


def list_programmes_for(user: User | None) -> list[Programme]:
    """Every programme for an administrator, the ones they manage for anyone else."""
    if not _signed_in(user):
        return []
    query = select(Programme).order_by(Programme.start_year.desc(), Programme.name_en)
    if not user.is_admin:  # type: ignore[union-attr]
        query = query.join(ProgrammeManager, ProgrammeManager.programme_id == Programme.id).where(
            ProgrammeManager.user_id == user.id  # type: ignore[union-attr]
        )
    return list(db.session.scalars(query))


def list_cities(programme: Programme) -> list[City]:
    return list(
        db.session.scalars(
            select(City)
            .join(ProgrammeCity, ProgrammeCity.city_id == City.id)
            .where(ProgrammeCity.programme_id == programme.id)
            .order_by(City.name_en)
        )
    )


def list_managers(programme: Programme) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ProgrammeManager, ProgrammeManager.user_id == User.id)
            .where(ProgrammeManager.programme_id == programme.id)
            .order_by(User.name)
        )
    )


def list_cohorts(programme: Programme) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.programme_id == programme.id).order_by(Cohort.starts_on, Cohort.name)
        )
    )


def list_cohorts_of_cities(city_ids: list[int]) -> list[Cohort]:
    """Cohorts a programme of these cities may take in (the edit form's choices)."""
    if not city_ids:
        return []
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.city_id.in_(city_ids)).order_by(Cohort.city_id, Cohort.starts_on)
        )
    )


@dataclass
class ProgrammeValues:
    name_en: str
    name_zh: str
    start_year: int | None
    end_year: int | None
    city_ids: list[int] = field(default_factory=list)
    manager_emails: list[str] = field(default_factory=list)
    cohort_ids: list[int] = field(default_factory=list)


def _check(values: ProgrammeValues) -> tuple[list[City], list[User], list[Cohort]]:
    errors: dict[str, str] = {}
    if not values.name_en.strip():
        errors["name_en"] = "required"
    for name in ("start_year", "end_year"):
        year = getattr(values, name)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            errors[name] = "year"
    if "start_year" not in errors and "end_year" not in errors and values.end_year < values.start_year:  # type: ignore[operator]
        errors["end_year"] = "before_start"
    cities = (
        list(db.session.scalars(select(City).where(City.id.in_(values.city_ids)))) if values.city_ids else []
    )
    if not cities:
        errors["city_ids"] = "required"
    emails = sorted({normalise_email(e) for e in values.manager_emails if e.strip()})
    managers = list(db.session.scalars(select(User).where(User.email.in_(emails)))) if emails else []
    unknown = sorted(set(emails) - {u.email for u in managers})
    if unknown:
        errors["managers"] = "unknown:" + ", ".join(unknown)
    city_ids = {c.id for c in cities}
    cohorts = (
        list(db.session.scalars(select(Cohort).where(Cohort.id.in_(values.cohort_ids))))
        if values.cohort_ids
        else []
    )
    if any(c.city_id not in city_ids for c in cohorts):
        errors["cohort_ids"] = "other_city"
    if errors:
        raise InvalidProgramme(errors)
    return cities, managers, cohorts


def save_programme(actor: User, programme: Programme | None, values: ProgrammeValues) -> Programme:
    """Create (`programme` None) or update a programme with its cities, managers and cohorts.
    Administrators only. Raises InvalidProgramme with an error code per field."""
    if not can_create_programmes(actor):
        raise NotAllowed
    cities, managers, cohorts = _check(values)
    if programme is None:
        programme = Programme(created_by_id=actor.id, start_year=0, end_year=0, name_en="")
        db.session.add(programme)
    programme.name_en = values.name_en.strip()
    programme.name_zh = values.name_zh.strip()
    programme.start_year, programme.end_year = values.start_year, values.end_year  # type: ignore[assignment]
    db.session.flush()
    db.session.execute(delete(ProgrammeCity).where(ProgrammeCity.programme_id == programme.id))
    db.session.add_all(ProgrammeCity(programme_id=programme.id, city_id=c.id) for c in cities)
    kept = {m.id for m in managers}
    existing = {
        row.user_id: row
        for row in db.session.scalars(
            select(ProgrammeManager).where(ProgrammeManager.programme_id == programme.id)
        )
    }
    for user_id, row in existing.items():
        if user_id not in kept:
            db.session.delete(row)
    db.session.add_all(
        ProgrammeManager(programme_id=programme.id, user_id=m.id, granted_by_id=actor.id)
        for m in managers
        if m.id not in existing
    )
    chosen = {c.id for c in cohorts}
    for cohort in list_cohorts(programme):
        if cohort.id not in chosen:
            cohort.programme_id = None
    for cohort in cohorts:
        cohort.programme_id = programme.id
    db.session.commit()
    return programme
