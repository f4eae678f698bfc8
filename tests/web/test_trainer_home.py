"""The trainer's home (/cohorts/): each cohort with what needs attention, each a link; a fixed
number of queries; and each role landing on its own home."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests import factories
from tests.services.test_certificates import _complete
from tests.services.test_quizzes import _wrong
from training.extensions import db
from training.models import QuizAttempt, Role
from training.models.base import utcnow
from training.services import cohort_sessions, cohorts, learning, quizzes, workshop
from training.services import scorecard as sc
from training.services.trainer_home import build_trainer_home

FINAL = QuizAttempt.FINAL


def _lock_out(user, slug="climate-adaptation"):
    module = learning.get_module(slug)
    quiz = quizzes.get_quiz(module)
    for _ in range(quiz.max_attempts):
        questions = quizzes.list_questions(quiz, FINAL, user)
        quizzes.submit_attempt(user, quiz, FINAL, questions, {q.key: _wrong(q) for q in questions})
    assert quizzes.get_status(user, quiz).locked_out
    return module


def _busy_cohort(trainer, name="Chengdu workshop", city="Chengdu"):
    """A cohort with one of everything that needs attention."""
    cohort = factories.cohort(trainer, city_name=city, name=name)
    tomorrow = date.today() + timedelta(days=1)
    cohort_sessions.add_session(
        cohort, cohort_sessions.SessionValues("Opening day", tomorrow, time(9, 0), time(12, 0))
    )
    cohort_sessions.add_session(  # too far ahead to need attention yet
        cohort, cohort_sessions.SessionValues("Far away", tomorrow + timedelta(days=60), time(9, 0))
    )
    locked = factories.member(cohort, name=f"Locked {name}", city_name=city)
    _lock_out(locked)
    graduate = factories.member(cohort, name=f"Graduate {name}", city_name=city)
    _complete(graduate, "climate-adaptation")
    sleeper = factories.member(cohort, name=f"Sleeper {name}", city_name=city)
    sleeper.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assessment = sc.get_or_create_assessment(cohort.city)
    workshop.save_rating(locked, assessment, sc.get_question("P2.2"), 0)
    workshop.save_rating(graduate, assessment, sc.get_question("P2.2"), 3)
    workshop.save_rating(locked, assessment, sc.get_question("P3.1"), 1)  # 1 vs 2: no disagreement
    workshop.save_rating(graduate, assessment, sc.get_question("P3.1"), 2)
    return cohort, locked, graduate, sleeper


def test_the_home_lists_what_needs_attention_each_a_link(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort, locked, graduate, sleeper = _busy_cohort(trainer)
    quiet = factories.cohort(trainer, name="Quiet cohort")
    login(trainer)
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "What needs your attention" in page
    assert "Opening day" in page and "Far away" not in page
    assert "09:00–12:00 (China Standard Time, UTC+8)" in page
    assert f"/cohorts/{cohort.id}/sessions#session-" in page
    assert f"/cohorts/{cohort.id}/?only=inactive" in page
    assert f"/cohorts/{cohort.id}/trainees/{sleeper.id}" in page
    assert f"/quizzes/climate-adaptation/grant/{locked.id}" in page
    assert f"/scorecard/cohort/{cohort.id}/?essential=2" in page
    assert f"/scorecard/cohort/{cohort.id}/?essential=3" not in page
    assert "1 certificate ready to issue" in page and graduate.name in page
    assert f'href="/cohorts/{cohort.id}/#certificates">1 certificate ready' in page  # the issue button
    assert f'id="attention-{quiet.id}"' not in page  # nothing to say about it
    assert "Quiet cohort" in page  # but it is listed with the others


def test_agreeing_and_issuing_clear_the_items(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort, locked, graduate, sleeper = _busy_cohort(trainer)
    [item] = build_trainer_home(trainer)
    assert [d.essential for d in item.disagreements] == [2]
    assert [u.id for u in item.ready] == [graduate.id]
    assert [(u.id, m.slug) for u, m in item.locked_out] == [(locked.id, "climate-adaptation")]
    assert sleeper.id in {u.id for u in item.inactive}
    assessment = sc.get_current_assessment(cohort.city)
    answer = sc.get_scorecard(assessment).rows()
    version = next((r.answer.version for r in answer if r.question.id == "P2.2" and r.answer), 0)
    workshop.record_agreed(trainer, assessment, sc.get_question("P2.2"), 2, "", version)
    from training.services import certificates

    certificates.issue_certificates(cohort)
    [item] = build_trainer_home(trainer)
    assert item.disagreements == [] and item.ready == []


def test_a_removed_delegate_no_longer_counts_in_the_disagreement(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort, locked, graduate, sleeper = _busy_cohort(trainer)
    cohorts.remove_member(cohort, locked.id, trainer)
    [item] = build_trainer_home(trainer)
    assert item.disagreements == []


def test_the_home_takes_a_fixed_number_of_queries(client, login, count_queries):
    trainer = factories.user(Role.TRAINER)
    _busy_cohort(trainer, name="First")
    login(trainer)
    client.get("/cohorts/")
    with count_queries() as small:
        assert client.get("/cohorts/").status_code == 200
    for n in range(3):
        _busy_cohort(trainer, name=f"More {n}", city="Wuhan" if n % 2 else "Chengdu")
    client.get("/cohorts/")
    with count_queries() as large:
        page = client.get("/cohorts/")
    assert page.status_code == 200 and "More 2" in page.get_data(as_text=True)
    assert large.count == small.count, large.statements


def test_another_trainer_sees_nothing_of_my_cohorts(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort, locked, *_ = _busy_cohort(trainer)
    login(factories.user(Role.TRAINER))
    page = client.get("/cohorts/").get_data(as_text=True)
    assert cohort.name not in page and locked.name not in page


@pytest.mark.parametrize("role, expected", [("trainee", 403), ("editor", 403)])
def test_the_home_is_refused_to_other_roles(client, login, role, expected):
    login(factories.user(role))
    assert client.get("/cohorts/").status_code == expected


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/cohorts/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- each role lands on its home ---------------------------------------------------------------

HOMES = {
    "trainee": "/learn/my",
    "trainer": "/cohorts/",
    "editor": "/case-studies/editor/?status=review",
    "admin": "/admin/",
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_after_login_from_the_site_home_and_the_header(client, role):
    user = factories.user(role)
    response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(HOMES[role])
    assert client.get("/").headers["Location"].endswith(HOMES[role])
    page = client.get("/learn/").get_data(as_text=True)
    assert f'class="brand" href="{HOMES[role].replace("&", "&amp;")}"' in page


def test_a_next_link_still_wins_over_the_home(client):
    user = factories.user("trainer")
    response = client.post(
        "/auth/login?next=/learn/glossary", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"].endswith("/learn/glossary")


def test_logged_out_the_brand_links_to_the_public_home(client):
    assert 'class="brand" href="/"' in client.get("/learn/").get_data(as_text=True)


def test_the_chinese_home_uses_full_width_punctuation(client, login):
    """After a full-width colon no space, and a Chinese sentence ends with 。 (not '.')."""
    trainer = factories.user(Role.TRAINER)
    trainer.locale = "zh"
    db.session.commit()
    _busy_cohort(trainer)
    login(trainer)
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "管理员为您指派的城市：<strong>成都</strong>。" in page
    assert "培训场次：<a " in page
