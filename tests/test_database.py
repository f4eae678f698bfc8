"""Engine settings: on SQLite, only work that may write takes the write lock up front."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from tests.conftest import _make_database
from training import create_app, database
from training.config import TestConfig
from training.database import configure_engine, expect_reads_only, restore
from training.extensions import db


def _begins(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_sqlite_takes_the_write_lock_up_front_unless_only_reads_are_expected(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}")
    configure_engine(engine)
    seen = _begins(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")
    token = expect_reads_only(True)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        restore(token)
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")
    # reads only: no transaction at all (each statement on its own)
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
    engine.dispose()


def test_a_page_reading_does_not_hold_up_a_writer(tmp_path):
    path = tmp_path / "wal.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    token = expect_reads_only(True)
    try:
        with engine.connect() as reader:
            reader.exec_driver_sql("SELECT count(*) FROM t").scalar()  # a page, mid-request
            writer = sqlite3.connect(path, timeout=0)  # no waiting: locked would raise at once
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO t VALUES (1)")
            writer.commit()
            writer.close()
            assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1  # the latest
    finally:
        restore(token)
    engine.dispose()


def test_requests_declare_reads_only_for_get_and_head_only(app):
    for method, reads_only in (("POST", False), ("DELETE", False), ("GET", True), ("HEAD", True)):
        with app.test_request_context("/", method=method):
            app.preprocess_request()
            assert database._write_lock_up_front.get() is not reads_only, method
    assert database._write_lock_up_front.get() is True  # restored after each request


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only (TEST_DATABASE_URL)")
def test_postgresql_pages_read_in_autocommit_and_forms_in_one_transaction(tmp_path_factory):
    """Two statements of a GET are two transactions (no BEGIN/ROLLBACK round trips); those of a
    POST share one, as a write needs."""
    url = _make_database("autocommit", tmp_path_factory)
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, DATABASE_AUTOCOMMIT_READS=True)
    app = create_app(config)
    txid = text("SELECT txid_current()")
    try:
        for method, separate in (("GET", True), ("POST", False), ("HEAD", True)):
            with app.test_request_context("/", method=method):
                app.preprocess_request()
                first, second = db.session.scalar(txid), db.session.scalar(txid)
                assert (first != second) is separate, method
    finally:
        with app.app_context():
            db.engine.dispose()


def _counting_pings(engine) -> list[int]:
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted
    return pings


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only (TEST_DATABASE_URL)")
def test_postgresql_replaces_a_connection_the_server_ended_without_a_round_trip(tmp_path_factory):
    """A pooled connection ended by the server (a restart, a failover) is replaced at checkout,
    before a query can fail on it; one used moments ago is not pinged, one idle for
    `ping_after` seconds is (0: every checkout, as pool_pre_ping)."""
    url = _make_database("checkout", tmp_path_factory)
    engine = create_engine(url, pool_size=1, max_overflow=0)
    configure_engine(engine, ping_after=3600)
    pings = _counting_pings(engine)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        first = _backend(engine)
        assert _backend(engine) == first and pings == []  # reused, no round trip
        with admin.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first})
        second = _backend(engine)  # no error: the ended connection was seen and replaced
        assert second != first and pings == []

        always = create_engine(url, pool_size=1, max_overflow=0)
        configure_engine(always, ping_after=0)
        pinged = _counting_pings(always)
        for _ in range(3):
            _backend(always)
        assert len(pinged) == 2  # every checkout of a pooled connection (the first one is new)
        always.dispose()
    finally:
        engine.dispose()
        admin.dispose()
