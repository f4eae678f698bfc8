"""A hand-built programme whose every figure is computed by hand in tests/services/test_programmes.py.

Cities: Alphaville (shares by name), Betatown (anonymised), Gammaport (private).
Modules: M1 = climate-adaptation (6 lessons), M2 = climate-finance (assigned, never attempted).
Quiz results use two questions of M1: K1 (Essential 2) and K2 (Essential 8); a score of 0/2
has both wrong, 1/2 has K1 right, 2/2 both right.

    cohort  city        year  modules  members (organisation)
    A1      Alphaville  2021  M1, M2   a1..a4 "Water Bureau" (a4 as "water  bureau "), a5 "Finance", a6 ""
    A2      Alphaville  2022  M1       a1 (again), a7 "Housing"
    B1      Betatown    2021  M1       b1..b3 "Emergency Management"
    G1      Gammaport   2022  M1       g1..g5 ""
    X       Alphaville  2021  M1       x1 — not in the programme

M1 pre → final (out of 2): a1 0→2 (and a later pre-test 2/2, an earlier final 0/2), a2 1→2,
a3 1→1, a4 0→1, a5 2→2, a6 pre-test only (1/2), a7 0→2; b1..b3 1→2; g1..g5 0→2; x1 0→2.
Completed M1 (all lessons and a passed final): a1, a2, b1, g1, g2 (a3 has the lessons, no pass).
Certificates: a1 in A1. Sessions held: A1 two (a1..a5 present + a6 absent; a1..a3 present) and
one in the future; B1 one (b1..b3 present).
Scorecards (preliminary): Alphaville #1 P1.1=1 P1.2=2 P5.1=0 (Essential 5 scored 0, Essential 2
not answered), #2 P1.1=2 P1.2=2 P5.1=3 P2.1=1 and a row for P2.2 without a score (a comment only:
not answered); Betatown #1 P3.1=2; Gammaport (private) #1 every question 3 except P10.2=2 → 140 / 141.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests import factories
from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    Attendance,
    Certificate,
    City,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    Lesson,
    LessonCompletion,
    Module,
    Programme,
    ProgrammeCity,
    ProgrammeManager,
    Quiz,
    QuizAttempt,
    Role,
    ScorecardQuestion,
    ScorecardSharing,
    User,
)

K1, K2 = "ada-01-china-warming-rate", "ada-01-ar6-city-risks"
PRIVATE_TOTAL = 140


@dataclass
class World:
    programme: Programme
    manager: User
    cities: dict[str, City]
    m1: Module
    m2: Module
    users: dict[str, User] = field(default_factory=dict)
    cohorts: dict[str, Cohort] = field(default_factory=dict)


@functools.cache
def _password_hash() -> str:
    """One hash for every trainee of the world (hashing is slow on purpose)."""
    return generate_password_hash(factories.PASSWORD)


def _results(right: int) -> dict[str, bool]:
    return {K1: right >= 1, K2: right >= 2}


def _attempt(user: User, quiz: Quiz, kind: str, right: int, at: datetime, number: int = 1) -> None:
    db.session.add(
        QuizAttempt(
            user_id=user.id,
            quiz_id=quiz.id,
            kind=kind,
            number=number,
            content_version="test",
            question_keys=[K1, K2],
            results=_results(right),
            correct=right,
            total=2,
            percent=50 * right,
            passed=kind == QuizAttempt.FINAL and right == 2,
            submitted_at=at,
        )
    )


def _answers(city: City, sequence: int, scores: dict[str, int | None]) -> None:
    assessment = Assessment(city_id=city.id, sequence=sequence, status="closed" if sequence == 1 else "open")
    db.session.add(assessment)
    db.session.flush()
    for question_id, score in scores.items():
        db.session.add(
            AssessmentAnswer(
                assessment_id=assessment.id,
                question_id=question_id,
                score=score,
                comments="" if score is not None else "To discuss with the water bureau.",
            )
        )


def build_world(manager: User | None = None) -> World:
    cities = {name: factories.city(name) for name in ("Alphaville", "Betatown", "Gammaport")}
    m1 = db.session.scalar(select(Module).where(Module.slug == "climate-adaptation"))
    m2 = db.session.scalar(select(Module).where(Module.slug == "climate-finance"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == m1.id))
    manager = manager or factories.user(Role.TRAINEE, city_name=None, name="Programme Manager")
    programme = Programme(name_en="Test programme", name_zh="测试项目", start_year=2021, end_year=2022)
    db.session.add(programme)
    db.session.flush()
    db.session.add_all(ProgrammeCity(programme_id=programme.id, city_id=c.id) for c in cities.values())
    db.session.add(ProgrammeManager(programme_id=programme.id, user_id=manager.id))
    world = World(programme, manager, cities, m1, m2)

    def cohort(key: str, city: str, year: int, modules: list[Module], in_programme: bool = True) -> Cohort:
        c = Cohort(
            name=f"Cohort {key}",
            city_id=cities[city].id,
            starts_on=date(year, 3, 1),
            join_code=f"H19{key}{programme.id}",
            programme_id=programme.id if in_programme else None,
        )
        db.session.add(c)
        db.session.flush()
        db.session.add_all(
            CohortModule(cohort_id=c.id, module_id=m.id, position=i) for i, m in enumerate(modules)
        )
        world.cohorts[key] = c
        return c

    def person(key: str, organisation: str) -> User:
        u = User(
            name=f"Trainee {key}", email=f"h19-{key}-{programme.id}@example.org", organisation=organisation
        )
        u.password_hash = _password_hash()
        db.session.add(u)
        db.session.flush()
        world.users[key] = u
        return u

    a1, a2 = cohort("A1", "Alphaville", 2021, [m1, m2]), cohort("A2", "Alphaville", 2022, [m1])
    b1, g1 = cohort("B1", "Betatown", 2021, [m1]), cohort("G1", "Gammaport", 2022, [m1])
    x = cohort("X", "Alphaville", 2021, [m1], in_programme=False)
    orgs = {"a1": "Water Bureau", "a2": "Water Bureau", "a3": "Water Bureau", "a4": "water  bureau ",
            "a5": "Finance", "a6": "", "a7": "Housing"}  # fmt: skip
    for key, org in orgs.items():
        person(key, org)
    for i in range(1, 4):
        person(f"b{i}", "Emergency Management")
    for i in range(1, 6):
        person(f"g{i}", "")
    person("x1", "Water Bureau")
    u = world.users
    memberships = {a1: ["a1", "a2", "a3", "a4", "a5", "a6"], a2: ["a1", "a7"], b1: ["b1", "b2", "b3"],
                   g1: [f"g{i}" for i in range(1, 6)], x: ["x1"]}  # fmt: skip
    for c, keys in memberships.items():
        db.session.add_all(CohortMember(cohort_id=c.id, user_id=u[k].id) for k in keys)
    t0 = datetime(2021, 3, 2, 9, 0)
    scores = {
        "a1": (0, 2),
        "a2": (1, 2),
        "a3": (1, 1),
        "a4": (0, 1),
        "a5": (2, 2),
        "a7": (0, 2),
        "x1": (0, 2),
    }
    scores |= {f"b{i}": (1, 2) for i in range(1, 4)} | {f"g{i}": (0, 2) for i in range(1, 6)}
    for key, (pre, post) in scores.items():
        _attempt(u[key], quiz, QuizAttempt.PRETEST, pre, t0)
        _attempt(
            u[key], quiz, QuizAttempt.FINAL, post, t0 + timedelta(days=2), number=2 if key == "a1" else 1
        )
    _attempt(u["a1"], quiz, QuizAttempt.PRETEST, 2, t0 + timedelta(days=3), number=2)  # later: not used
    _attempt(u["a1"], quiz, QuizAttempt.FINAL, 0, t0 + timedelta(days=1), number=1)  # earlier: not used
    _attempt(u["a6"], quiz, QuizAttempt.PRETEST, 1, t0)
    lessons = list(db.session.scalars(select(Lesson).where(Lesson.module_id == m1.id, Lesson.active)))
    for key in ("a1", "a2", "a3", "b1", "g1", "g2", "x1"):
        db.session.add_all(LessonCompletion(user_id=u[key].id, lesson_id=lesson.id) for lesson in lessons)
    db.session.add(Certificate(code=f"H19CERT{programme.id}", user_id=u["a1"].id, cohort_id=a1.id))
    s1 = CohortSession(cohort_id=a1.id, title="One", held_on=date(2021, 3, 2))
    s2 = CohortSession(cohort_id=a1.id, title="Two", held_on=date(2021, 3, 9))
    s3 = CohortSession(cohort_id=a1.id, title="Later", held_on=date(2099, 1, 1))
    s4 = CohortSession(cohort_id=b1.id, title="One", held_on=date(2021, 4, 1))
    db.session.add_all([s1, s2, s3, s4])
    db.session.flush()
    marks = [(s1, k, True) for k in ("a1", "a2", "a3", "a4", "a5")] + [(s1, "a6", False)]
    marks += [(s2, k, True) for k in ("a1", "a2", "a3")] + [(s4, k, True) for k in ("b1", "b2", "b3")]
    marks += [(s3, "a1", True)]  # a future session's mark does not count
    db.session.add_all(Attendance(session_id=s.id, user_id=u[k].id, present=p) for s, k, p in marks)
    _answers(cities["Alphaville"], 1, {"P1.1": 1, "P1.2": 2, "P5.1": 0})
    _answers(cities["Alphaville"], 2, {"P1.1": 2, "P1.2": 2, "P5.1": 3, "P2.1": 1, "P2.2": None})
    _answers(cities["Betatown"], 1, {"P3.1": 2})
    everything = dict.fromkeys(db.session.scalars(select(ScorecardQuestion.id)), 3)
    _answers(cities["Gammaport"], 1, everything | {"P10.2": 2})
    for name, level in (("Alphaville", "named"), ("Betatown", "anonymised"), ("Gammaport", "private")):
        db.session.add(ScorecardSharing(city_id=cities[name].id, level=level, capacity="admin"))
    db.session.commit()
    return world
