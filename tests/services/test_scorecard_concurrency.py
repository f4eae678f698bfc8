"""Real concurrency on a database of its own (committed data, several connections): two delegates
saving at the same moment both keep their ratings, and two agreed scores recorded from the same
form version never overwrite each other silently. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import threading

import pytest

from tests.conftest import _make_database, build_app
from training.extensions import db
from training.models import Assessment, Rating, Role, User
from training.services import accounts, cities, workshop
from training.services import scorecard as sc


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = build_app(_make_database("concurrency", tmp_path_factory))
    with app.app_context():
        city = cities.list_cities()[0]
        ids = []
        for i, role in enumerate((Role.TRAINEE, Role.TRAINEE, Role.TRAINER, Role.TRAINER)):
            user = accounts.register_user(
                name=f"U{i}",
                email=f"u{i}@example.org",
                password="Concurrency-test-2026!",
                city=city,
                role=role,
            )
            ids.append(user.id)
        assessment_id = sc.get_or_create_assessment(city).id
    yield app, ids, assessment_id
    with app.app_context():
        db.engine.dispose()


def _run_together(app, *jobs):
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = job()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_delegates_saving_at_once_both_keep_their_ratings(live):
    app, (one, two, _t1, _t2), assessment_id = live

    def rate(user_id, score):
        def job():
            user = db.session.get(User, user_id)
            assessment = db.session.get(Assessment, assessment_id)
            return workshop.save_rating(user, assessment, sc.get_question("P8.3"), score).score

        return job

    assert _run_together(app, rate(one, 1), rate(two, 3)) == [1, 3]
    with app.app_context():
        scores = {
            r.user_id: r.score
            for r in db.session.query(Rating).filter_by(assessment_id=assessment_id, question_id="P8.3")
        }
    assert scores == {one: 1, two: 3}


def test_two_agreed_scores_from_the_same_version_one_wins_the_other_is_told(live, monkeypatch):
    app, (_one, _two, t1, t2), assessment_id = live
    original = workshop.apply_changes
    gate = threading.Barrier(2)

    def slow_apply(*args, **kwargs):
        # On PostgreSQL both have read the same version before either writes. SQLite's immediate
        # transactions queue the second writer before it reads, so the gate times out there.
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=2)
        return original(*args, **kwargs)

    monkeypatch.setattr(workshop, "apply_changes", slow_apply)

    with app.app_context():
        sc.save_answer(
            db.session.get(User, t1),
            db.session.get(Assessment, assessment_id),
            sc.get_question("P9.2"),
            {"score": "1"},
        )
        version = sc.get_scorecard(db.session.get(Assessment, assessment_id)).rows(["P9.2"])[0].answer.version

    def agree_at(user_id, score):
        def job():
            user = db.session.get(User, user_id)
            assessment = db.session.get(Assessment, assessment_id)
            return workshop.record_agreed(user, assessment, sc.get_question("P9.2"), score, "", version).score

        return job

    results = _run_together(app, agree_at(t1, 2), agree_at(t2, 3))
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, sc.StaleAnswer)]
    assert len(winners) == 1 and len(losers) == 1, results
    with app.app_context():
        answer = sc.get_scorecard(db.session.get(Assessment, assessment_id)).rows(["P9.2"])[0].answer
    assert answer.score == winners[0] and answer.agreed
    assert losers[0].answer.score == winners[0]  # the loser is shown what won
