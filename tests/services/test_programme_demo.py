"""The demo programme: made by `flask setup` (make run), never by `flask setup --no-demo`
(make serve); filled enough that the page shows figures; made once."""

from __future__ import annotations

import flask_migrate

from training.services.programmes.demo import CITIES, get_demo_programme
from training.services.programmes.report import build_report


def test_setup_without_demo_makes_no_programme_and_with_demo_makes_it_once(app, db_session, monkeypatch):
    from training.cli import _setup

    monkeypatch.setattr(flask_migrate, "upgrade", lambda *a, **k: None)  # the test database is migrated
    _setup(app, demo=False)
    assert get_demo_programme() is None
    _setup(app, demo=True)
    programme = get_demo_programme()
    assert programme is not None and programme.is_demo
    _setup(app, demo=True)  # again: nothing new
    report = build_report(programme)
    assert report.city_count == 3 and report.years == [2024, 2025]
    assert report.reach.total.trainees == len(CITIES) * 2 * 8
    assert report.learning.overall.overall.shown  # enough trainees for figures
    # one city by name, one anonymised, one private
    labels = [c.label("en") for c in report.resilience.cities]
    assert labels[0] == "Lanxi (demo)" and labels[1].startswith("City ") and report.resilience.private == 1
