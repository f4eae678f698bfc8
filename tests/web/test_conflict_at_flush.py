"""A version conflict met at the flush is answered like one found before it, and every error page
is drawn from a rolled-back session. Real requests on a database of its own (committed data,
several connections), on SQLite and on PostgreSQL.

The workshop burst of issue 20 met both at once: two delegates of a city saved the same
question in the same instant, the loser's UPDATE found the version changed (StaleDataError, at
an autoflush outside the conflict handling) and was answered 500 — and the 500 page itself
failed with PendingRollbackError because the session was not rolled back before drawing it."""

from __future__ import annotations

import contextlib
import threading

import pytest
from flask import abort
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select, update

from tests import factories
from tests.conftest import PASSWORD, _make_database, build_app
from training.extensions import db
from training.models import AnswerChange, AssessmentAnswer, City, User
from training.services import scorecard as sc
from training.services import workshop
from training.services.scorecard import answers as sc_answers

QID = "P1.2"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = build_app(_make_database("flushconflict", tmp_path_factory), PROPAGATE_EXCEPTIONS=False)

    def fail_then(code: int):
        """A write that fails at its flush, then the error: the page must still be drawn."""
        db.session.add(User(name="Twin", email=User.query.first().email, role="trainee"))
        with contextlib.suppress(Exception):
            db.session.flush()
        if code == 500:
            raise RuntimeError("after a failed flush")
        if code == 4000:
            raise CSRFError()
        abort(code)

    app.add_url_rule("/_test/fail-then/<int:code>", "fail_then", fail_then)
    with app.app_context():
        one = factories.user(city_name="Chengdu", name="Delegate One")
        two = factories.user(city_name="Chengdu", name="Delegate Two")
        ids = (one.id, one.email, two.id, two.email, one.city_id)
    yield app, ids
    with app.app_context():
        db.engine.dispose()


def _client(app, email):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _answer(app, city_id) -> AssessmentAnswer | None:
    with app.app_context():
        assessment = sc.get_current_assessment(db.session.get(City, city_id))
        return sc.get_scorecard(assessment).rows([QID])[0].answer if assessment else None


def _changes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AnswerChange.id)))


def test_two_delegates_saving_the_same_question_at_once_one_is_told(live, monkeypatch):
    """Both read the same version; the second UPDATE finds it changed at the flush. On
    PostgreSQL both pass the version check before either writes; SQLite's immediate
    transactions queue the second before it reads (the gate times out), so it meets the
    conflict before the flush — the answer must be the same either way."""
    app, (_one, one_email, _two, two_email, city_id) = live
    before = _answer(app, city_id)
    version = before.version if before else 0
    original = sc_answers.apply_changes
    gate = threading.Barrier(2)

    def slow_apply(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=2)
        return original(*args, **kwargs)

    monkeypatch.setattr(sc_answers, "apply_changes", slow_apply)
    clients = [_client(app, one_email), _client(app, two_email)]
    url = f"/scorecard/city/{city_id}/essential/1"
    start = threading.Barrier(2)
    results: list[object] = [None, None]

    def send(index, score, words):
        start.wait()
        try:
            data = {f"{QID}-score": score, f"{QID}-comments": words, f"{QID}-version": str(version)}
            results[index] = clients[index].post(url, data=data)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each delegate got
            results[index] = exc

    threads = [
        threading.Thread(target=send, args=(0, "1", "first delegate's note")),
        threading.Thread(target=send, args=(1, "3", "second delegate's note")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    # The second delegate's own rating is stored (issue 16: no false "not saved"); they are told
    # so, and shown the colleague's shared answer next to their input (200, not an error).
    assert statuses == [200, 302], [getattr(r, "status_code", r) for r in results]
    loser = next(r for r in results if r.status_code == 200)
    winner_note = "first" if loser is results[1] else "second"
    loser_note = "second" if winner_note == "first" else "first"
    html = loser.get_data(as_text=True)
    # Both answers are shown: the colleague's, now saved, and the delegate's own, kept in the form.
    assert "Your ratings are saved." in html and "It was not saved" not in html
    assert f"{winner_note} delegate&#39;s note" in html
    assert f">{loser_note} delegate&#39;s note</textarea>" in html
    after = _answer(app, city_id)
    assert after.comments == f"{winner_note} delegate's note" and after.version > version


def test_a_conflict_met_at_an_autoflush_is_the_same_conflict(live, monkeypatch):
    """The colleague's UPDATE lands between this request's read and its write (here in the
    request's own transaction, which SQLite's write lock would otherwise forbid): the delegate's
    own rating is kept and they are told so with both answers shown (issue 16), the city's shared
    answer stays the colleague's — on SQLite and on PostgreSQL alike."""
    app, (one, one_email, _two, _two_email, city_id) = live
    client = _client(app, one_email)
    url = f"/scorecard/city/{city_id}/essential/1"
    html = client.get(url).get_data(as_text=True)
    assert f'name="{QID}-version"' in html
    current = _answer(app, city_id)
    version = current.version if current else 0
    original = sc_answers.apply_changes
    changes_before = _changes(app)

    def colleague_first(user, answer, cleaned):
        db.session.execute(
            update(AssessmentAnswer)
            .where(AssessmentAnswer.id == answer.id)
            .values(version=AssessmentAnswer.version + 1, comments="the colleague's words")
            .execution_options(synchronize_session=False)
        )
        return original(user, answer, cleaned)

    monkeypatch.setattr(sc_answers, "apply_changes", colleague_first)
    data = {f"{QID}-score": "2", f"{QID}-comments": "my own words", f"{QID}-version": str(version)}
    response = client.post(url, data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Your ratings are saved." in html and ">my own words</textarea>" in html
    assert _changes(app) == changes_before  # the shared answer's history has nothing of theirs
    assert _answer(app, city_id).comments != "my own words"


def test_an_agreed_score_meeting_a_conflict_at_the_flush_is_refused(live, monkeypatch):
    app, (one, _e, _two, _e2, city_id) = live
    with app.app_context():
        user = db.session.get(User, one)
        assessment = sc.get_or_create_assessment(db.session.get(City, city_id))
        question = sc.get_question(QID)
        answer, _created = sc.get_or_add_answer(assessment, question)
        db.session.commit()
        version, score = answer.version, answer.score
        db.session.expire_all()  # as after an earlier commit of the same request
        original = sc_answers.apply_changes

        def colleague_first(user, answer, cleaned):
            db.session.execute(
                update(AssessmentAnswer)
                .where(AssessmentAnswer.id == answer.id)
                .values(version=AssessmentAnswer.version + 1)
                .execution_options(synchronize_session=False)
            )
            return original(user, answer, cleaned)

        monkeypatch.setattr(workshop, "apply_changes", colleague_first)
        with pytest.raises(sc.StaleAnswer) as stale:
            workshop.record_agreed(user, assessment, question, score if score is not None else 0, "", version)
        assert stale.value.answer.version == version and not stale.value.answer.agreed


@pytest.mark.parametrize(
    ("code", "status", "title"),
    [
        (400, 400, "Not understood"),
        (403, 403, "Not allowed"),
        (404, 404, "Page not found"),
        (413, 413, "Too large"),
        (429, 429, "Too many requests"),
        (4000, 400, "Your session has expired"),
        (500, 500, "Something went wrong"),
    ],
)
def test_every_error_page_is_drawn_after_a_failed_flush(live, code, status, title):
    app, (_one, one_email, *_rest) = live
    client = _client(app, one_email)  # a signed-in page: the header reads the account
    response = client.get(f"/_test/fail-then/{code}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert title in html and "Log out" in html, html[:3000]
