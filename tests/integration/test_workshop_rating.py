"""Three delegates rate the same Essential at the same moment, on gunicorn with three workers and
the database of this run (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set).

Each opened the sheet before anyone saved, so each form carries the same version of the city's
answers. All three ratings are stored — and none of the three is told in red that nothing was
saved (the false failure of issue 16): the delegate's own rating is what they saved; the city's
shared answer that a colleague wrote at the same moment is shown as information, not as an error.
"""

from __future__ import annotations

import threading

import pytest
import requests

from tests.integration.conftest import csrf_token, database_app
from training.extensions import db
from training.models import Rating, Role, User
from training.services import accounts, cities, cohorts
from training.services import scorecard as sc

pytestmark = pytest.mark.integration
PASSWORD = "three-delegates-one-essential"
DELEGATES = 3


def _seed(url: str) -> tuple[int, list[str]]:
    app = database_app(url)
    with app.app_context():
        city = cities.list_cities()[0]
        trainer = accounts.register_user(
            name="Trainer", email="trainer@example.org", password=PASSWORD, city=None, role=Role.TRAINER
        )
        from tests import factories

        factories.assign(trainer, city.name_en)
        cohort = cohorts.create_cohort(
            trainer,
            cohorts.CohortValues(
                name="Workshop",
                city=city,
                starts_on=None,
                ends_on=None,
                module_ids=[],
                trainer_ids=[trainer.id],
            ),
        )
        emails = []
        for i in range(DELEGATES):
            email = f"delegate{i}@example.org"
            user = accounts.register_user(name=f"Delegate {i}", email=email, password=PASSWORD, city=city)
            cohorts.add_member(cohort, user)
            emails.append(email)
        sc.get_or_create_assessment(city)
        city_id = city.id
        db.engine.dispose()
    return city_id, emails


def test_three_delegates_rating_at_once_all_saved_none_told_it_failed(fresh_database, start_server):
    url = fresh_database("workshop_rating")
    city_id, emails = _seed(url)
    server = start_server(url, workers=DELEGATES)
    sheet = f"{server.url}/scorecard/city/{city_id}/essential/1"
    browsers, forms = [], []
    for email in emails:
        browser = requests.Session()
        token = csrf_token(browser.get(server.url + "/auth/login", timeout=10).text)
        login = browser.post(
            server.url + "/auth/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 302, login.text[:500]
        page = browser.get(sheet, timeout=10)
        assert page.status_code == 200
        browsers.append(browser)
        forms.append(csrf_token(page.text))  # every delegate opened the sheet before anyone saved

    barrier = threading.Barrier(DELEGATES)
    answers: list[requests.Response | Exception | None] = [None] * DELEGATES

    def rate(i: int) -> None:
        data = {"csrf_token": forms[i], "after": "stay"}
        for qid in ("P1.1", "P1.2", "P1.3"):
            data[f"{qid}-score"] = str(i)  # three different opinions
            data[f"{qid}-version"] = "0"
        barrier.wait(timeout=20)
        try:
            answers[i] = browsers[i].post(sheet, data=data, timeout=30)
        except requests.RequestException as exc:  # noqa: PERF203 - reported below
            answers[i] = exc

    threads = [threading.Thread(target=rate, args=(i,)) for i in range(DELEGATES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    for i, answer in enumerate(answers):
        assert isinstance(answer, requests.Response), answer
        html = answer.text
        assert answer.status_code == 200, (i, answer.status_code, html[:300])
        assert "It was not saved" not in html and "error-summary" not in html, i
        assert "Your ratings are saved" in html or "Your answers are saved" in html, i

    app = database_app(url)
    with app.app_context():
        rows = db.session.query(User.email, Rating.question_id, Rating.score).join(
            User, User.id == Rating.user_id
        )
        ratings = {(email, qid): score for email, qid, score in rows}
        db.engine.dispose()
    assert ratings == {(email, qid): i for i, email in enumerate(emails) for qid in ("P1.1", "P1.2", "P1.3")}
