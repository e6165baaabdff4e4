"""Engine and sessions. SQLite is made fit for concurrent writers (WAL, a busy timeout and
`BEGIN IMMEDIATE`, so two writers queue instead of failing on a lock upgrade)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.core.errors import StoreUnavailable

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# libpq waits for a silent server for as long as the OS keeps the connection (minutes): a
# request must fail (503) soon instead, and /api/health must answer.
POSTGRES_CONNECT_TIMEOUT = 5
WRITER_LOCK_TIMEOUT = 10.0
HOLDS_WRITER = "trustcenter_holds_writer_lock"
# An execution option: this transaction only reads (see `reading`).
READ_ONLY = "trustcenter_read_only"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    # Writers in this process queue on a lock instead of polling SQLite's busy handler, which
    # sleeps in growing steps and made the slowest requests wait seconds under load. A plain
    # Lock (not RLock): FastAPI may end a session in another thread than it began. A thread
    # that waits too long (e.g. it nests transactions) goes on without it: SQLite's own
    # locking still decides, the lock only makes waiting fair.
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # WAL: a reader sees the last commit and neither waits for nor blocks a writer.
            connection.exec_driver_sql("BEGIN")
            return
        if writer.acquire(timeout=WRITER_LOCK_TIMEOUT):
            connection.info[HOLDS_WRITER] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection)
            raise

    def _release(connection: Any) -> None:
        try:
            info = connection.info
        except exc.SQLAlchemyError:  # invalidated: the pool's invalidate event released it
            return
        if info.pop(HOLDS_WRITER, False):
            writer.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    def _release_record(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        # A connection that goes back to the pool or breaks mid-transaction must not keep it.
        if record is not None and record.info.pop(HOLDS_WRITER, False):
            writer.release()

    event.listen(engine, "checkin", _release_record)
    event.listen(engine, "invalidate", _release_record)


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 30)
        kwargs.setdefault("pool_timeout", 60)
        engine = create_engine(url, **kwargs)
        _sqlite_setup(engine)
        return engine
    if "connect_timeout" not in parsed.query:  # the URL's own value wins
        kwargs["connect_args"] = {
            "connect_timeout": POSTGRES_CONNECT_TIMEOUT,
            **kwargs.get("connect_args", {}),
        }
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_timeout", 60)
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any exception."""
    with factory() as session, session.begin():
        yield session


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads. On SQLite it does not queue behind the writers (a privacy
    inquiry's Idempotency-Key lookup must not wait for other inquiries being stored)."""
    with factory() as session:
        session.connection(execution_options={READ_ONLY: True})
        yield session


def database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not reachable" for a health check
        return False
    return True


def store_unavailable(reason: BaseException | str) -> StoreUnavailable:
    """The store could not take or give the data: the same for every resource. Only the
    exception's type is logged: a database error quotes the row's values."""
    logger.error(
        "store unavailable (%s)", reason if isinstance(reason, str) else type(reason).__name__
    )
    return StoreUnavailable("the store is unavailable")
