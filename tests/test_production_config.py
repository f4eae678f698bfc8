"""The production configuration: gunicorn.conf.py, the engine and rate-limit settings, the logs."""

from __future__ import annotations

import importlib.util
import json
import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from training import create_app
from training.config import finish_config
from training.logging_setup import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


def _gunicorn_conf(monkeypatch, **env):
    for key in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_PRELOAD", "HOST", "PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    default = _gunicorn_conf(monkeypatch)
    assert default.bind == "127.0.0.1:8000" and default.workers >= 3 and default.preload_app
    assert default.worker_class == "sync" and default.timeout == 30 and default.control_socket_disable
    custom = _gunicorn_conf(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:9000",
        WEB_CONCURRENCY="4",
        GUNICORN_THREADS="8",
        GUNICORN_PRELOAD="0",
    )
    assert custom.bind == "0.0.0.0:9000" and custom.workers == 4
    assert custom.worker_class == "gthread" and custom.threads == 8 and not custom.preload_app


def test_the_access_log_is_json_without_personal_data(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    config = SimpleNamespace(
        access_log_format=conf.access_log_format,
        accesslog="-",
        errorlog="-",
        loglevel="info",
        logconfig=None,
        logconfig_dict={},
        logconfig_json=None,
        syslog=False,
        syslog_addr=None,
        syslog_prefix=None,
        syslog_facility="user",
        disable_redirect_access_to_syslog=False,
        capture_output=False,
        user=0,
        group=0,
        umask=0,
        logger_class=conf.AccessLogger,
        env={},
    )
    logger = conf.AccessLogger.__new__(conf.AccessLogger)
    logger.cfg = config
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/auth/reset/SECRET.TOKEN?x=1",
        "PATH_INFO": '/auth/reset/SECRET.TOKEN"',
        "QUERY_STRING": "email=li.wei@example.org",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_REFERER": "https://example.org/?email=li.wei@example.org",
        "academy.user_id": "42",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("Cookie", "session=abc")])
    atoms = conf.JsonAtoms(logger.atoms(response, request, environ, timedelta(milliseconds=12)))
    line = conf.access_log_format % atoms
    entry = json.loads(line)
    assert entry["path"] == "/auth/reset/…" and entry["user_id"] == "42" and entry["status"] == "200"
    assert entry["method"] == "GET" and entry["ms"] == "12" and entry["bytes"] == "1234"
    for secret in ("SECRET", "li.wei", "203.0.113.9", "Mozilla", "session=abc"):
        assert secret not in line


def test_postgresql_connections_fail_fast_and_are_recycled():
    config = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db", "SQLALCHEMY_ENGINE_OPTIONS": {}}
    finish_config(config)
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_recycle"] == 1800 and options["connect_args"]["connect_timeout"] == 5
    assert "pool_pre_ping" not in options  # checked by training/database.py, without a round trip
    sqlite = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "SQLALCHEMY_ENGINE_OPTIONS": {}}
    finish_config(sqlite)
    assert "connect_args" not in sqlite["SQLALCHEMY_ENGINE_OPTIONS"]


def test_redis_url_is_the_rate_limit_storage():
    config = {"REDIS_URL": "redis://127.0.0.1:6379/3", "RATELIMIT_STORAGE_URI": "memory://"}
    finish_config(config)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] and config["RATELIMIT_SWALLOW_ERRORS"]


@pytest.fixture
def root_logger():
    """The root logger as it was: a production app installs its handler there."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_production_without_redis_logs_a_warning_and_uses_memory(monkeypatch, caplog, root_logger, capsys):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_URL", "https://academy.example.org")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        app = create_app("production")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://" and app.config["LOG_FORMAT"] == "json"
    assert "REDIS_URL is not set" in caplog.text
    # The production handler writes one JSON object a line to stderr.
    logging.getLogger("training.test").warning("hello %s", "there")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert {"logger": "training.test", "message": "hello there"}.items() <= lines[-1].items()


@pytest.mark.parametrize("with_request", [False, True])
def test_json_log_lines(app, with_request):
    record = logging.LogRecord("training", logging.ERROR, __file__, 1, "it broke: %s", ("boom",), None)
    if with_request:
        with app.test_request_context("/learn/", method="POST"):
            line = JsonFormatter().format(record)
    else:
        line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert (
        entry["message"] == "it broke: boom" and entry["level"] == "ERROR" and entry["logger"] == "training"
    )
    assert ("method" in entry) is with_request


def test_reset_links_never_reach_the_logs():
    record = logging.LogRecord(
        "flask.app", logging.ERROR, __file__, 1, "Exception on /auth/reset/IjQx.abc-DEF [POST]", (), None
    )
    assert "IjQx" not in JsonFormatter().format(record)
    assert "/auth/reset/…" in JsonFormatter().format(record)


def test_flask_backup_copies_a_live_sqlite_database(tmp_path):
    import sqlite3

    from training.config import TestConfig
    from training.extensions import db
    from training.models import City

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.add(City(name_en="Backup City", name_zh="备份市"))
        db.session.commit()
        target = tmp_path / "backup.sqlite3"
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT name_zh FROM city").fetchall() == [("备份市",)]
        copy.close()
        db.engine.dispose()
    memory = create_app({**config, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    refused = memory.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.sqlite3")])
    assert refused.exit_code == 1 and "pg_dump" in refused.output


@pytest.mark.parametrize("proxies, expected", [(0, False), (1, True)])
def test_forwarded_https_is_trusted_only_behind_a_configured_proxy(proxies, expected):
    from training.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": proxies})
    response = app.test_client().get(
        "/static/css/academy.css", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"}
    )
    assert ("Strict-Transport-Security" in response.headers) is expected
    response.close()


def test_the_curriculum_cache_autocommit_reads_and_pings_follow_the_environment(monkeypatch):
    from training.config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    defaults = ProductionConfig.from_env()
    assert defaults["CONTENT_CACHE_SECONDS"] == 5 and defaults["DATABASE_AUTOCOMMIT_READS"] is True
    assert defaults["DATABASE_PING_AFTER"] == 30
    monkeypatch.setenv("CONTENT_CACHE_SECONDS", "0")
    monkeypatch.setenv("DATABASE_AUTOCOMMIT_READS", "0")
    monkeypatch.setenv("DATABASE_PING_AFTER", "0")
    changed = ProductionConfig.from_env()
    assert changed["CONTENT_CACHE_SECONDS"] == 0 and changed["DATABASE_AUTOCOMMIT_READS"] is False
    assert changed["DATABASE_PING_AFTER"] == 0


def test_production_without_a_mail_server_warns_that_nobody_can_register(monkeypatch, caplog, root_logger):
    """Registration is confirmed by email (docs/security-accounts.md): without SMTP it cannot end."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_URL", "https://academy.example.org")
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app("production")
    assert "MAIL_SERVER is not set: no email is sent, so nobody can finish registering" in caplog.text
    caplog.clear()
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    with caplog.at_level(logging.WARNING):
        create_app("production")
    assert "MAIL_SERVER is not set" not in caplog.text
