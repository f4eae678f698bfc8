"""Every figure of the programme report on the hand-built programme of tests/programme_world.py,
with the expected numbers worked out by hand here."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.programme_world import K1, K2, build_world
from training.extensions import db
from training.models import (
    CohortMember,
    Module,
    ProgrammeCity,
    Question,
    Quiz,
    QuizAttempt,
    Role,
    ScorecardSharing,
)
from training.services.programmes import access, sharing
from training.services.programmes.learning import MIN_TRAINEES
from training.services.programmes.load import _by_essential
from training.services.programmes.report import build_report

TODAY = date(2026, 12, 7)


@pytest.fixture
def world(db_session):
    return build_world()


@pytest.fixture
def report(world):
    return build_report(world.programme, TODAY)


def _row(report, city, year):
    return next(r for r in report.reach.rows if r.city.name_en == city and r.year == year)


def test_reach_per_city_and_year(report):
    assert [(r.city.name_en, r.year) for r in report.reach.rows] == [
        ("Alphaville", 2021), ("Alphaville", 2022), ("Betatown", 2021), ("Gammaport", 2022)
    ]  # fmt: skip
    a21 = _row(report, "Alphaville", 2021)
    # a1..a6; "Water Bureau" = "water  bureau ", and "Finance" (a6 gave none); x1's cohort is not in it
    assert (a21.trainees, a21.departments) == (6, 2)
    # (a1, M1) and (a2, M1): a3 did every lesson but did not pass
    assert a21.modules_completed == 2
    assert a21.certificates == 1
    # two sessions held (the 2099 one not yet); present 5 + 3 of 2 × 6 possible
    assert (a21.sessions, a21.present, a21.possible) == (2, 8, 12)
    assert a21.attendance_rate == pytest.approx(8 / 12)
    a22 = _row(report, "Alphaville", 2022)
    # a1 and a7; Water Bureau and Housing; a1's M1 counts again, M1 being assigned in A2 too
    assert (a22.trainees, a22.departments, a22.modules_completed, a22.certificates, a22.sessions) == (
        2,
        2,
        1,
        0,
        0,
    )
    assert a22.attendance_rate is None
    b21 = _row(report, "Betatown", 2021)
    b21_figures = (
        b21.trainees,
        b21.departments,
        b21.modules_completed,
        b21.sessions,
        b21.present,
        b21.possible,
    )
    assert b21_figures == (3, 1, 1, 1, 3, 3)
    g22 = _row(report, "Gammaport", 2022)
    assert (g22.trainees, g22.departments, g22.modules_completed) == (5, 0, 2)


def test_reach_totals_count_each_person_once(report):
    total = report.reach.total
    # a1..a7, b1..b3, g1..g5: a1 is in two cohorts and counts once
    assert total.trainees == 15
    # water bureau, finance, housing, emergency management
    assert total.departments == 4
    # (a1,M1) (a2,M1) (b1,M1) (g1,M1) (g2,M1): a1's counts once
    assert total.modules_completed == 5
    assert (total.certificates, total.sessions, total.present, total.possible) == (1, 3, 11, 15)
    assert report.years == [2021, 2022]


def test_departments_by_modules(report, world):
    assert [m.slug for m in report.reach.modules] == ["climate-adaptation", "climate-finance"]
    rows = [
        (d.name, d.trainees, d.completed[world.m1.id], d.completed[world.m2.id])
        for d in report.reach.departments
    ]
    assert rows == [
        ("Water Bureau", 4, 2, 0),  # a1..a4; a1 and a2 completed M1
        ("Emergency Management", 3, 1, 0),
        ("Finance", 1, 0, 0),
        ("Housing", 1, 0, 0),
        ("", 6, 2, 0),  # a6 and g1..g5 gave none: last; g1 and g2 completed
    ]


def test_learning_gain_per_module_overall(report, world):
    m1 = report.learning.overall.by_module[world.m1.id]
    # Alphaville a1 0→100, a2 50→100, a3 50→50, a4 0→50, a5 100→100, a7 0→100 (a6 has no final);
    # Betatown 3 × 50→100; Gammaport 5 × 0→100: 14 trainees
    assert m1.trainees == 14
    assert m1.mean_pre == pytest.approx((0 + 50 + 50 + 0 + 100 + 0 + 3 * 50 + 5 * 0) / 14)
    assert m1.mean_post == pytest.approx((100 + 100 + 50 + 50 + 100 + 100 + 3 * 100 + 5 * 100) / 14)
    assert m1.gain == pytest.approx(1300 / 14 - 350 / 14)
    m2 = report.learning.overall.by_module[world.m2.id]
    assert (m2.trainees, m2.mean_pre, m2.shown) == (0, None, False)
    overall = report.learning.overall.overall
    assert (overall.trainees, overall.mean_pre, overall.mean_post) == (
        14,
        pytest.approx(25.0),
        pytest.approx(1300 / 14),
    )


def test_learning_gain_per_essential(report):
    e2 = report.learning.overall.by_essential[2]  # K1: right in 1/2 and 2/2
    # pre right: a2 a3 a5, b1..b3 → 6 of 14; post right: all but none… a3 1/2 and a4 1/2 have K1 right too
    assert e2.trainees == 14
    assert e2.mean_pre == pytest.approx(100 * 6 / 14)
    assert e2.mean_post == pytest.approx(100.0)
    e8 = report.learning.overall.by_essential[8]  # K2: right only in 2/2
    # pre: a5 only; post: all but a3 and a4
    assert e8.mean_pre == pytest.approx(100 / 14)
    assert e8.mean_post == pytest.approx(100 * 12 / 14)
    assert report.learning.overall.by_essential[5].trainees == 0


def test_learning_per_city_and_the_small_number_rule(report, world):
    by_city = {c.city.name_en: c.table for c in report.learning.cities}
    alpha = by_city["Alphaville"].by_module[world.m1.id]
    assert alpha.trainees == 6
    assert (alpha.mean_pre, alpha.mean_post) == (pytest.approx(200 / 6), pytest.approx(500 / 6))
    alpha_e2 = by_city["Alphaville"].by_essential[2]  # pre: a2 a3 a5 right; post: all right
    assert (alpha_e2.trainees, alpha_e2.mean_pre, alpha_e2.mean_post) == (
        6,
        pytest.approx(50.0),
        pytest.approx(100.0),
    )
    beta = by_city["Betatown"].by_module[world.m1.id]
    # three trainees: fewer than 5, so nothing is computed — only N
    assert MIN_TRAINEES == 5
    assert (beta.trainees, beta.mean_pre, beta.mean_post, beta.gain, beta.shown, beta.too_few) == (
        3, None, None, None, False, True
    )  # fmt: skip
    gamma = by_city["Gammaport"].by_module[world.m1.id]
    # exactly five: shown
    assert (gamma.trainees, gamma.mean_pre, gamma.mean_post, gamma.shown) == (5, 0.0, 100.0, True)


def _cohort_in(world, city: str, module: Module, members: list[str]) -> None:
    cohort = factories.cohort(city_name=city, name=f"{city} extra", module_ids=[module.id])
    cohort.programme_id = world.programme.id
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=world.users[k].id) for k in members)


def test_a_trainee_taking_a_module_in_two_cities_counts_once_overall(world):
    _cohort_in(world, "Betatown", world.m1, ["a1"])  # a1 (0→100 in Alphaville) in Betatown too
    db.session.commit()
    learning = build_report(world.programme, TODAY).learning
    betatown = next(c.table for c in learning.cities if c.city.name_en == "Betatown")
    assert betatown.by_module[world.m1.id].trainees == 4
    m1 = learning.overall.by_module[world.m1.id]  # as without the second city: 14 trainees, once each
    assert (m1.trainees, m1.mean_pre, m1.mean_post) == (14, pytest.approx(350 / 14), pytest.approx(1300 / 14))
    e2 = learning.overall.by_essential[2]
    assert (e2.trainees, e2.mean_pre) == (14, pytest.approx(100 * 6 / 14))


def test_a_trainee_in_two_cities_with_other_modules_counts_once_in_all_modules(world):
    # a7 (Alphaville, M1 0→2) takes M2 in Gammaport: pre-test 0/1, final 1/1 on an Essential 3 question
    _cohort_in(world, "Gammaport", world.m2, ["a7"])
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == world.m2.id))
    key = db.session.scalar(select(Question.key).where(Question.quiz_id == quiz.id, Question.essential == 3))
    for kind, right, day in ((QuizAttempt.PRETEST, False, 1), (QuizAttempt.FINAL, True, 2)):
        db.session.add(
            QuizAttempt(user_id=world.users["a7"].id, quiz_id=quiz.id, kind=kind, number=1,
                        content_version="t", question_keys=[key], results={key: right},
                        correct=int(right), total=1, percent=100 * right, passed=right,
                        submitted_at=datetime(2022, 4, day))
        )  # fmt: skip
    db.session.commit()
    learning = build_report(world.programme, TODAY).learning
    overall = learning.overall.overall  # 15 trainee–module pairs of 14 trainees
    assert (overall.trainees, overall.mean_pre, overall.mean_post) == (
        14,
        pytest.approx(350 / 15),
        pytest.approx(1400 / 15),
    )
    assert learning.overall.by_module[world.m2.id].trainees == 1
    e3 = learning.overall.by_essential[3]
    assert (e3.trainees, e3.mean_pre, e3.too_few) == (1, None, True)
    assert learning.overall.by_essential[2].trainees == 14


def test_the_first_pre_test_and_latest_final_go_by_time_then_id_not_by_insertion(world):
    """The report picks a trainee's first pre-test and latest final itself (no ORDER BY): an
    earlier pre-test stored later, and two finals at the same moment (the later stored wins)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == world.m1.id))
    g1 = world.users["g1"]  # 0/2 at t0 (2 March 2021, 9:00), 2/2 two days later
    tries = (
        (QuizAttempt.PRETEST, 3, 2, datetime(2021, 3, 1, 9, 0)),  # a day earlier: the first, stored last
        (QuizAttempt.FINAL, 2, 1, datetime(2021, 3, 4, 9, 0)),  # as late as the 2/2 one, stored later: latest
    )
    for kind, number, right, at in tries:
        db.session.add(
            QuizAttempt(user_id=g1.id, quiz_id=quiz.id, kind=kind, number=number, content_version="t",
                        question_keys=[K1, K2], results={K1: right >= 1, K2: right >= 2}, correct=right,
                        total=2, percent=50 * right, passed=right == 2, submitted_at=at)
        )  # fmt: skip
    db.session.commit()
    learning = build_report(world.programme, TODAY).learning
    gamma = next(c.table for c in learning.cities if c.city.name_en == "Gammaport")
    # Gammaport: g1 now 2/2 → 1/2, g2..g5 0/2 → 2/2
    assert fig(gamma.by_module[world.m1.id]) == (5, 20.0, 90.0)
    assert fig(gamma.by_essential[2]) == (5, 20.0, 100.0)  # K1: right in g1's new pre-test and final
    assert fig(gamma.by_essential[8]) == (5, 20.0, 80.0)  # K2: right in g1's new pre-test, not in the final
    m1 = learning.overall.by_module[world.m1.id]
    assert (m1.trainees, m1.mean_pre, m1.mean_post) == (14, pytest.approx(450 / 14), pytest.approx(1250 / 14))


def fig(figure) -> tuple:
    return (figure.trainees, figure.mean_pre, figure.mean_post)


def test_an_attempts_results_count_per_essential_without_questions_gone_from_the_quiz():
    essential_of = {"k1": 2, "k2": 2, "k3": 8}
    assert _by_essential('{"k1": true, "k2": false, "k3": false, "gone": true}', essential_of) == {
        2: (1, 2),
        8: (0, 1),
    }
    assert _by_essential("null", essential_of) == {} and _by_essential(None, essential_of) == {}


def test_resilience_first_and_latest_of_sharing_cities_only(report, world):
    res = report.resilience
    assert res.max_total == 141 and res.maximum[1] == 9 and res.maximum[8] == 27
    assert res.private == 1
    assert [c.city_id for c in res.cities] == [world.cities["Alphaville"].id, world.cities["Betatown"].id]
    alpha, beta = res.cities
    assert alpha.label("en") == "Alphaville" and alpha.letter == ""
    assert (alpha.first.total, alpha.latest.total, alpha.change()) == (3, 8, 5)
    assert (alpha.first.by_essential[1], alpha.latest.by_essential[1], alpha.change(1)) == (3, 4, 1)
    assert (alpha.first.by_essential[5], alpha.latest.by_essential[5], alpha.change(5)) == (0, 3, 3)
    assert (alpha.first.by_essential[2], alpha.latest.by_essential[2]) == (0, 1)
    assert beta.label("en") == "City A" and beta.label("zh") == "城市A"
    assert (beta.first.total, beta.latest.total, beta.change()) == (2, 2, 0)


def test_recommended_against_taken_modules(report):
    alpha = report.resilience.cities[0]
    # latest shares: E2 1/3, E1 4/6, E5 3/3 — the three weakest, in that order
    assert alpha.weakest == [2, 1, 5]
    assert [m.slug for m in alpha.recommended] == [
        "resilient-cities-mcr2030",
        "climate-adaptation",
        "urban-climate-risk-assessment",
        "nature-based-solutions",
    ]
    assert [m.slug for m in alpha.taken] == ["climate-adaptation", "climate-finance"]
    assert [m.slug for m in alpha.recommended_taken] == ["climate-adaptation"]


def test_a_private_city_reads_like_a_city_without_a_scorecard(report, world):
    assert all(c.city_id != world.cities["Gammaport"].id for c in report.resilience.cities)


@pytest.mark.parametrize("level", ["named", "anonymised"])
def test_sharing_a_city_brings_it_in(world, level):
    db.session.add(ScorecardSharing(city_id=world.cities["Gammaport"].id, level=level))
    db.session.commit()
    res = build_report(world.programme, TODAY).resilience
    gamma = next(c for c in res.cities if c.city_id == world.cities["Gammaport"].id)
    assert gamma.latest.total == 140
    assert (gamma.label("en") == "Gammaport") == (level == "named")


def test_anonymous_letters_are_stable_and_follow_no_name_order():
    letters = sharing.anonymous_letters(7, [1, 2, 3, 4])
    assert sorted(letters.values()) == ["A", "B", "C", "D"]
    assert letters == sharing.anonymous_letters(7, [4, 3, 2, 1])
    assert sharing._letters(25) == "Z" and sharing._letters(26) == "AA"


def test_the_report_reads_a_fixed_number_of_queries(world, count_queries):
    with count_queries() as few:
        build_report(world.programme, TODAY)
    # bigger: three more cohorts with members, a fourth city, more sharing cities and scorecards
    for extra in range(3):
        cohort = factories.cohort(city_name="Alphaville", name=f"Extra {extra}")
        cohort.programme_id = world.programme.id
        for _ in range(4):
            factories.member(cohort, city_name="Alphaville")
    delta = factories.city("Deltaville")
    db.session.add(ProgrammeCity(programme_id=world.programme.id, city_id=delta.id))
    db.session.add(ScorecardSharing(city_id=delta.id, level="named"))
    db.session.add(ScorecardSharing(city_id=world.cities["Gammaport"].id, level="anonymised"))
    db.session.commit()
    with count_queries() as many:
        report = build_report(world.programme, TODAY)
    assert report.reach.total.trainees == 15 + 12
    assert few.count == many.count
    assert few.count <= 20


# --- sharing settings -----------------------------------------------------------------------


def test_sharing_is_private_until_set_and_keeps_who_and_when(db_session):
    city = factories.city("Deltaville")
    assert sharing.get_level(city) == "private"
    trainer = factories.user(Role.TRAINER, city_name="Deltaville")
    sharing.set_sharing(trainer, city, "anonymised")
    admin = factories.user(Role.ADMIN, city_name=None)
    sharing.set_sharing(admin, city, "named")
    assert sharing.get_level(city) == "named"
    history = sharing.sharing_history(city)
    assert [(h.level, h.capacity, h.set_by) for h in history] == [
        ("named", "admin", admin.name), ("anonymised", "trainer", trainer.name)
    ]  # fmt: skip
    assert all(h.set_at is not None for h in history)


def test_only_the_lead_the_citys_trainer_or_an_admin_set_sharing(db_session):
    city = factories.city("Deltaville")
    trainee = factories.user(Role.TRAINEE, city_name="Deltaville")  # a member, not the lead
    other_trainer = factories.user(Role.TRAINER, city_name="Epsilon")
    editor = factories.user(Role.EDITOR, city_name="Deltaville")
    for person in (trainee, other_trainer, editor):
        with pytest.raises(sharing.NotAllowed):
            sharing.set_sharing(person, city, "named")
    cohort = factories.cohort(city_name="Deltaville")
    lead = factories.member(cohort, city_name="Deltaville")
    from training.models import CohortMember

    db.session.scalar(select(CohortMember).where(CohortMember.user_id == lead.id)).is_lead = True
    db.session.commit()
    assert sharing.set_sharing(lead, city, "named").capacity == "lead"
    with pytest.raises(ValueError):
        sharing.set_sharing(lead, city, "public")


# --- who sees a programme -------------------------------------------------------------------


def test_who_sees_a_programme(world):
    admin = factories.user(Role.ADMIN, city_name=None)
    trainer = factories.user(Role.TRAINER, city_name="Alphaville")  # trains one of its cities
    trainee = world.users["a1"]
    other = factories.user(Role.TRAINER, city_name=None)
    from training.models import Programme, ProgrammeManager

    elsewhere = Programme(name_en="Other", start_year=2020, end_year=2020)
    db.session.add(elsewhere)
    db.session.flush()
    db.session.add(ProgrammeManager(programme_id=elsewhere.id, user_id=other.id))
    db.session.commit()
    assert access.can_view_programme(world.manager, world.programme)
    assert access.can_view_programme(admin, world.programme)
    for person in (trainer, trainee, other):
        assert not access.can_view_programme(person, world.programme)
    assert access.list_programmes_for(other) == [elsewhere]
    assert access.list_programmes_for(trainee) == []
    assert world.programme in access.list_programmes_for(admin)


def test_only_admins_create_programmes_and_fields_are_checked(world):
    admin = factories.user(Role.ADMIN, city_name=None)
    values = access.ProgrammeValues("", "", 2023, 2019, [], ["nobody@example.org"], [])
    with pytest.raises(access.InvalidProgramme) as caught:
        access.save_programme(admin, None, values)
    assert set(caught.value.errors) == {"name_en", "end_year", "city_ids", "managers"}
    with pytest.raises(access.NotAllowed):
        access.save_programme(world.manager, None, values)
    alpha = world.cities["Alphaville"]
    beta_cohort = world.cohorts["B1"]
    wrong = access.ProgrammeValues("New", "", 2020, 2021, [alpha.id], [], [beta_cohort.id])
    with pytest.raises(access.InvalidProgramme) as caught:
        access.save_programme(admin, None, wrong)
    assert caught.value.errors == {"cohort_ids": "other_city"}
    x = world.cohorts["X"]
    made = access.save_programme(
        admin,
        None,
        access.ProgrammeValues("New", "新", 2020, 2021, [alpha.id], [world.manager.email], [x.id]),
    )
    assert [c.name_en for c in access.list_cities(made)] == ["Alphaville"]
    assert access.list_managers(made) == [world.manager]
    assert x.programme_id == made.id
    assert db.session.scalar(select(Module).limit(1)) is not None
