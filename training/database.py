"""Engine settings per database: SQLite gets WAL, foreign keys, a busy timeout and immediate
transactions for writes; PostgreSQL checks pooled connections before use."""

from __future__ import annotations

import select
import time
from contextvars import ContextVar, Token

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

# Whether a SQLite transaction takes the write lock when it begins (see `_on_begin`). The web
# layer turns it off for the requests that only read (GET, HEAD); everything else keeps it.
_write_lock_up_front: ContextVar[bool] = ContextVar("sqlite_write_lock_up_front", default=True)


def expect_reads_only(reads_only: bool) -> Token:
    """Declare what the work about to start does; `restore` with the token when it ends."""
    return _write_lock_up_front.set(not reads_only)


def restore(token: Token) -> None:
    _write_lock_up_front.reset(token)


def configure_engine(engine: Engine, ping_after: float = 30.0) -> None:
    if engine.dialect.name == "postgresql":
        _check_before_use(engine, ping_after)
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


# --- PostgreSQL: pooled connections checked before use -------------------------------------

_RETURNED = "academy.returned_at"


def _check_before_use(engine: Engine, ping_after: float) -> None:
    """A connection the server ended (a restart, a failover, an idle timeout) is replaced when it
    is taken from the pool, instead of failing the request that took it.

    SQLAlchemy's pool_pre_ping does this with a round trip to the server at every checkout: a
    third of a lesson page's database time. Here a connection is first looked at without one: a
    server that ends a connection says so and closes it, so an idle connection with something to
    read has been ended. A connection idle for `ping_after` seconds or more is pinged as well
    (0: every time, as pool_pre_ping). Raising DisconnectionError makes the pool open a new one,
    as the SQLAlchemy documentation describes for custom pessimistic checks."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None:
            return  # opened for this checkout
        if _ended_by_server(dbapi_connection):
            raise exc.DisconnectionError("the server ended this connection")
        if time.monotonic() - returned >= ping_after:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise exc.DisconnectionError("the connection did not answer a ping") from error


def _ended_by_server(dbapi_connection) -> bool:
    """True when an idle connection is closed or has something to read — which, with no query
    running, can only be the server's goodbye (or the end of the stream)."""
    if dbapi_connection.closed:
        return True
    try:
        fd = dbapi_connection.fileno()
        if not hasattr(select, "poll"):  # Windows: select() is limited to low descriptors
            return bool(select.select([fd], [], [], 0)[0])
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))  # readable, hung up or in error: ended either way
    except (OSError, ValueError):
        return True


# --- reading columns ---------------------------------------------------------------------------


def read_columns(statement, params: dict):
    """The rows of a Core `statement` of columns (no ORM entity), run on the session's connection.

    `db.session.execute` would set the statement up as an ORM query first — about 30 µs a query,
    as much as running a small one — for rows that hold no object. Pending changes are flushed
    first, as the session's autoflush would."""
    from training.extensions import db

    db.session.flush()
    return db.session.connection().execute(statement, params)
