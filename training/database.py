"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout and immediate
transactions for writes; PostgreSQL checks pooled connections before use."""

from __future__ import annotations

from contextvars import ContextVar, Token

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Whether a SQLite transaction takes the write lock when it begins (see `_on_begin`). The web
# layer turns it off for the requests that only read (GET, HEAD); everything else keeps it.
_write_lock_up_front: ContextVar[bool] = ContextVar("sqlite_write_lock_up_front", default=True)


def expect_reads_only(reads_only: bool) -> Token:
    """Declare what the work about to start does; `restore` with the token when it ends."""
    return _write_lock_up_front.set(not reads_only)


def restore(token: Token) -> None:
    _write_lock_up_front.reset(token)


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
        # between; concurrent writers queue on the busy timeout instead (as Rails does). Pages
        # that only read open no transaction at all: each statement reads the latest committed
        # state on its own (as on PostgreSQL, see DATABASE_AUTOCOMMIT_READS), never waits for a
        # writer in WAL mode, and two workers serve pages side by side.
        if _write_lock_up_front.get():
            conn.exec_driver_sql("BEGIN IMMEDIATE")
