"""The case studies' revision (d20a00000001): a column added to content_revision beside the
curriculum's number, which it keeps, and taken away again on downgrade."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import _make_database
from training import create_app
from training.config import TestConfig
from training.extensions import db

BEFORE, AFTER = "d18c00000001", "d20a00000001"


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("content_revision")}


def test_the_case_studies_revision_upgrades_from_zero_and_downgrades_keeping_the_curriculums(
    tmp_path_factory,
):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=_make_database("case_studies_revision", tmp_path_factory))
    app = create_app(config)
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            db.session.execute(text("UPDATE content_revision SET number = 7"))
            db.session.commit()
            assert "case_studies" not in _columns()

            upgrade(revision=AFTER)
            row = db.session.execute(text("SELECT id, number, case_studies FROM content_revision")).all()
            assert [tuple(r) for r in row] == [(1, 7, 0)]
            db.session.execute(text("UPDATE content_revision SET case_studies = case_studies + 1"))
            db.session.commit()

            downgrade(revision=BEFORE)
            assert "case_studies" not in _columns()
            row = db.session.execute(text("SELECT id, number FROM content_revision")).all()
            assert [tuple(r) for r in row] == [(1, 7)]
            db.session.commit()
            upgrade(revision=AFTER)
            assert db.session.execute(text("SELECT case_studies FROM content_revision")).scalar() == 0
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
