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


def user(role: str | Role = Role.TRAINEE, city_name: str | None = "Chengdu", **kw) -> User:
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
    return u


def adaptation() -> tuple[Module, Quiz]:
    module = db.session.scalar(select(Module).where(Module.slug == "climate-adaptation"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    return module, quiz


def cohort(trainer: User | None = None, city_name: str = "Chengdu", name: str = "Chengdu workshop", **kw):
    """A cohort of `city_name` trained by `trainer` (new if None), assigned the adaptation module."""
    from training.services import cohorts

    trainer = trainer or user(Role.TRAINER, city_name=None)
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
