from __future__ import annotations

import pytest

from tests import factories
from training import create_app
from training.config import ProductionConfig


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_URL", "https://academy.example.org")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert ProductionConfig.ENV_NAME == "production"


def test_database_url_uses_psycopg3(monkeypatch):
    from training.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_cli_set_role(app, db_session):
    user = factories.user()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-role", user.email, "trainer"])
    assert result.exit_code == 0 and "is now trainer" in result.output
    assert user.role == "trainer"
    missing = runner.invoke(args=["users", "set-role", "ghost@example.org", "admin"])
    assert missing.exit_code == 1
    bad = runner.invoke(args=["users", "set-role", user.email, "king"])
    assert bad.exit_code != 0


def test_cli_content_check_on_real_content(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0 and "OK:" in result.output


def test_cli_content_check_prints_every_problem(app, tmp_path):
    (tmp_path / "modules" / "broken").mkdir(parents=True)
    (tmp_path / "modules" / "broken" / "module.yaml").write_text("topic: nonsense\n", encoding="utf-8")
    (tmp_path / "quizzes").mkdir()
    old = app.config["CONTENT_ROOT"]
    app.config["CONTENT_ROOT"] = str(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["content", "check"])
    finally:
        app.config["CONTENT_ROOT"] = old
    assert result.exit_code == 1
    assert "modules/broken/module.yaml: topic:" in result.output
    assert "modules/broken/module.yaml: title: must be a mapping" in result.output
    assert "quizzes/broken.yaml: (file): is missing" in result.output


def test_cli_sync_is_idempotent(app, db_session):
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0 and "Content already up to date." in result.output
