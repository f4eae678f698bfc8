"""Personal data: a user downloads everything held about them; deleting an account anonymises it
and keeps the statistics."""

import json
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from tests import factories
from tests.conftest import PASSWORD
from tests.services.test_learning import _right
from training.extensions import db
from training.models import (
    AnswerChange,
    Certificate,
    CohortMember,
    LessonCompletion,
    QuizAttempt,
    Role,
    User,
)
from training.services import accounts, certificates, cohorts, learning, privacy, quizzes
from training.services import scorecard as sc


def _trainee_with_history():
    """A trainee in a cohort with a lesson done, a passed quiz, a certificate and a scorecard answer."""
    trainer = factories.user(Role.TRAINER, name="Trainer Tang")
    module, quiz = factories.adaptation()
    cohort = factories.cohort(trainer)
    user = factories.user(name="Liu Yang", email="liu.yang@example.org", organisation="Water bureau")
    cohorts.add_member(cohort, user)
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
    attempt = quizzes.submit_attempt(
        user, quiz, QuizAttempt.FINAL, questions, {q.key: _right(q) for q in questions}
    )
    assert attempt.passed
    assert certificates.issue_if_complete(user, cohort) is not None
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P1.1"), {"score": "2", "comments": "Plan adopted 2021"})
    return user, cohort, trainer


def test_a_user_downloads_everything_held_about_them(client, login, db_session):
    user, cohort, _trainer = _trainee_with_history()
    login(user)
    response = client.get("/auth/profile/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "liu.yang@example.org"
    assert data["profile"]["organisation"] == "Water bureau"
    assert [m["cohort_id"] for m in data["cohort_memberships"]] == [cohort.id]
    assert len(data["lessons_completed"]) == len(learning.list_lessons(factories.adaptation()[0]))
    (attempt,) = data["quiz_attempts"]
    assert attempt["passed"] and attempt["questions"] and all(q["correct"] for q in attempt["questions"])
    assert all(q["your_answer"] is not None for q in attempt["questions"])
    assert data["certificates"][0]["says"]["name"] == "Liu Yang"
    assert data["scorecard_changes"][0]["question"] == "P1.1"
    assert data["scorecard_changes"][0]["changes"]["comments"][1] == "Plan adopted 2021"
    # Rows found through the schema: the answer they last updated.
    assert any(key.startswith("assessment_answer.") for key in data["other_records"])
    # The profile page links to it.
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert "/auth/profile/data.json" in profile and "/auth/profile/delete" in profile


def test_the_export_finds_every_table_that_refers_to_a_user(db_session):
    """A table added later that refers to users is exported without anyone remembering to."""
    referring = {(t.name, c.name) for t, c in privacy._user_columns()}
    assert ("quiz_attempt", "user_id") in referring and ("cohort", "created_by_id") in referring
    trainer = factories.user(Role.TRAINER)
    factories.cohort(trainer)
    data = privacy.export_user_data(trainer)
    assert data["trainer_of_cohorts"] and data["other_records"]["cohort.created_by_id"]
    json.dumps(data)  # plain data


def test_deleting_an_account_anonymises_it_and_keeps_the_statistics(client, login, db_session, caplog):
    user, cohort, _trainer = _trainee_with_history()
    user_id, email = user.id, user.email
    login(user)
    wrong = client.post("/auth/profile/delete", data={"password": "not-my-password", "confirm": "y"})
    assert wrong.status_code == 422 and "This is not your password." in wrong.get_data(as_text=True)
    unticked = client.post("/auth/profile/delete", data={"password": PASSWORD})
    assert unticked.status_code == 422
    assert db.session.get(User, user_id).email == email  # nothing happened yet
    caplog.clear()  # development writes emails (their certificate's) to the log; deletion must not
    with caplog.at_level(logging.INFO):
        response = client.post("/auth/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, user_id)
    assert gone.name == privacy.DELETED_NAME and gone.email.endswith("@deleted.invalid")
    assert gone.organisation == "" and gone.city_id is None and not gone.active
    assert not gone.check_password(PASSWORD)
    assert accounts.get_user_by_email(email) is None and accounts.authenticate(email, PASSWORD) is None
    # Logged out, and the old session cannot come back.
    assert client.get("/learn/my").status_code == 302

    # The statistics keep the anonymous rows; the certificate (it carries the name) is withdrawn.
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model).where(model.user_id == user_id))

    assert count(QuizAttempt) == 1 and count(LessonCompletion) > 0 and count(CohortMember) == 1
    assert count(AnswerChange) == 1 and count(Certificate) == 0
    assert user_id in {m.id for m in cohorts.list_members(cohort)}
    # Nothing personal in the logs: the user id only.
    assert email not in caplog.text and "Liu Yang" not in caplog.text
    assert f"account {user_id} deleted" in caplog.text
    # The same email can register again, as a new person.
    again = accounts.register_user(name="Liu Yang", email=email, password="lotus-pond-morning", city=None)
    assert again.id != user_id


def test_the_last_administrator_cannot_delete_their_account(client, login, db_session):
    db.session.execute(sa.update(User).where(User.role == "admin").values(active=False))
    admin = factories.user(Role.ADMIN)
    login(admin)
    page = client.get("/auth/profile/delete")
    assert "only administrator" in page.get_data(as_text=True)
    response = client.post("/auth/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 200 and db.session.get(User, admin.id).active
    with pytest.raises(privacy.LastAdmin):
        privacy.delete_account(admin)
    second = factories.user(Role.ADMIN)
    assert privacy.can_delete_account(admin) and privacy.can_delete_account(second)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer", "editor", "admin"])
@pytest.mark.parametrize("path", ["/auth/profile/data.json", "/auth/profile/delete"])
def test_the_personal_data_pages_need_a_login(client, login, db_session, role, path):
    if role != "anonymous":
        login(factories.user(role))
    response = client.get(path)
    if role == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 200
