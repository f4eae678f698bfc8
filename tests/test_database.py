"""Engine settings: on SQLite, only work that may write takes the write lock up front."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, event

from training import database
from training.database import configure_engine, expect_reads_only, restore


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
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE"]
    engine.dispose()


def test_a_reading_transaction_does_not_hold_up_a_writer(tmp_path):
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
            assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0  # its snapshot
    finally:
        restore(token)
    engine.dispose()


def test_requests_declare_reads_only_for_get_and_head_only(app):
    for method, reads_only in (("POST", False), ("DELETE", False), ("GET", True), ("HEAD", True)):
        with app.test_request_context("/", method=method):
            app.preprocess_request()
            assert database._write_lock_up_front.get() is not reads_only, method
    assert database._write_lock_up_front.get() is True  # restored after each request
