"""Small factories for tests: users, cities, attempts."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from training.extensions import db
from training.models import City, Module, Quiz, Role, User

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def city(name_en: str = "Chengdu") -> City:
    found = db.session.scalar(select(City).where(City.name_en == name_en))
    if found:
        return found
    c = City(name_en=name_en, name_zh=name_en, country_en="China", country_zh="中国")
    db.session.add(c)
    db.session.commit()
    return c


def user(
    role: str | Role = Role.TRAINEE,
    city_name: str | None = "Chengdu",
    member: bool | None = None,
    assigned: bool | None = None,
    **kw,
) -> User:
    """A user whose profile says `city_name`. Most tests mean "a person of that city": a trainee
    is then also a vouched member of the city (`member`, default True for trainees) and a
    trainer is assigned to it (`assigned`, default True for trainers). Pass member=False /
    assigned=False for someone who only declares the city."""
    n = next(_seq)
    u = User(
        name=kw.pop("name", f"User {n}"),
        email=kw.pop("email", f"user{n}-{role}@example.org"),
        role=str(role),
        city=city(city_name) if city_name else None,
        locale=kw.pop("locale", "en"),
        **kw,
    )
    u.set_password(PASSWORD)
    db.session.add(u)
    db.session.commit()
    if city_name and (member if member is not None else str(role) == Role.TRAINEE):
        member_of(u, city_name)
    if city_name and str(role) == Role.TRAINER and (assigned if assigned is not None else True):
        assign(u, city_name)
    return u


def member_of(u: User, city_name: str = "Chengdu", how: str = "admin", granted_by: User | None = None):
    """Make `u` a vouched member of the city (as if an admin granted it)."""
    from training.services import city_access

    membership = city_access._add_membership(
        city(city_name), u, how, granted_by.id if granted_by else None, None
    )
    db.session.commit()
    return membership


def assign(trainer: User, city_name: str = "Chengdu"):
    """Assign a trainer to the city (as an admin would)."""
    from training.services import trainer_cities

    assignment = trainer_cities._add_assignment(trainer, city(city_name), "admin", None)
    db.session.commit()
    return assignment


def adaptation() -> tuple[Module, Quiz]:
    module = db.session.scalar(select(Module).where(Module.slug == "climate-adaptation"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    return module, quiz


def cohort(trainer: User | None = None, city_name: str = "Chengdu", name: str = "Chengdu workshop", **kw):
    """A cohort of `city_name` trained by `trainer` (new if None), assigned the adaptation module."""
    from training.services import cohorts

    trainer = trainer or user(Role.TRAINER, city_name=None)
    if trainer.role == Role.TRAINER:
        assign(trainer, city_name)
    module, _quiz = adaptation()
    values = cohorts.CohortValues(
        name=name,
        city=city(city_name),
        starts_on=None,
        ends_on=None,
        module_ids=kw.pop("module_ids", [module.id]),
        trainer_ids=[trainer.id],
    )
    return cohorts.create_cohort(trainer, values)


def member(cohort_obj, **kw) -> User:
    from training.services import cohorts

    u = user(**kw)
    cohorts.add_member(cohort_obj, u)
    return u
