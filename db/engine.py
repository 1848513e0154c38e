"""The one place that creates engines and sessions, for SQLite (default) and PostgreSQL.

SQLite gets WAL, a busy timeout and foreign keys on every connection, and write transactions
start with BEGIN IMMEDIATE: in WAL mode a deferred transaction that reads and then writes fails
at once with "database is locked" when another writer is active (see the engineering notes).

``Database.write_retrying`` runs a write transaction again, whole, when the database refused it
only because of other transactions: SQLite still busy after the busy timeout (its busy handler
is not fair: under many writers one can wait out the whole timeout while newcomers get in), a
PostgreSQL deadlock or serialization failure. Such a transaction was rolled back entirely.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from claims.errors import ClaimreviewError
from db.claim_facts import keep_current
from db.data_version import UNVERSIONED, keep_versioned, read_version
from db.review_days import keep_counted

DEFAULT_DATABASE_URL = "sqlite:///data/claimreview.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 4  # write_retrying: the first try and up to three more
_MODE = "claimreview_mode"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # primary result codes (extended codes add high bits)
_PG_RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
T = TypeVar("T")


class DatabaseUnavailable(ClaimreviewError):
    """The database cannot be opened or used: wrong URL, no server, no driver, no permission."""


ADVICE = "check CLAIMREVIEW_DATABASE_URL and that the database is reachable"


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn the ways a database can fail into one clear ``DatabaseUnavailable``."""
    try:
        yield
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise DatabaseUnavailable(f"Database error: {reason} ({ADVICE}).") from error
    except (OSError, ModuleNotFoundError) as error:
        raise DatabaseUnavailable(f"The database cannot be opened: {error} ({ADVICE}).") from error


def database_url() -> str:
    """The configured database: ``CLAIMREVIEW_DATABASE_URL`` or the default SQLite file."""
    return os.environ.get("CLAIMREVIEW_DATABASE_URL") or DEFAULT_DATABASE_URL


def _without_password(url: str) -> str:
    """The URL with any password masked, for messages (it may not even parse)."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


def make_engine(url: str, **kwargs: Any) -> Engine:
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number fails here, not later)
    except (ArgumentError, ValueError) as error:
        raise DatabaseUnavailable(
            f"{_without_password(url)!r} is not a database URL; use e.g. "
            "sqlite:///data/claimreview.db or postgresql+psycopg://user:password@host/claimreview."
        ) from None if isinstance(error, ValueError) else error
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, **kwargs)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which we do not install.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # UTC sessions: date(submitted_at) and the like mean the same day as on SQLite.
    connect_args = {"options": "-c timezone=UTC", **kwargs.pop("connect_args", {})}
    pool = {name: _pool_setting(variable) for name, variable in POOL_VARIABLES.items()}
    kwargs = {**{name: value for name, value in pool.items() if value is not None}, **kwargs}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


# Connections each process keeps to PostgreSQL (docs/deployment.md): SQLAlchemy's pool holds
# pool_size open and opens up to max_overflow more under load (5 and 10 unless set).
POOL_VARIABLES = {
    "pool_size": "CLAIMREVIEW_DB_POOL_SIZE",
    "max_overflow": "CLAIMREVIEW_DB_MAX_OVERFLOW",
}


def _pool_setting(variable: str) -> int | None:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 1000:
        raise DatabaseUnavailable(
            f"{variable}={raw!r} is not a number of connections; give a whole number from 0 "
            "to 1000, or leave it unset for the default."
        )
    return int(raw)


def _make_sqlite_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_MODE, "write")
        connection.exec_driver_sql("BEGIN" if mode == "read" else "BEGIN IMMEDIATE")

    return engine


def is_retryable(error: BaseException) -> bool:
    """Whether a write failed only because of concurrent transactions, so that running it
    again from the start is right: SQLite busy or locked, a PostgreSQL serialization failure
    or deadlock. Constraint violations and every other error are not."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return getattr(original, "sqlstate", None) in _PG_RETRYABLE


class Database:
    """An engine with its two kinds of session: ``write()`` and ``read()``.

    Thread-safe and meant to be shared (one per process); each action opens its own session.
    """

    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.url = url or database_url()
        with database_errors():
            self.engine = engine or make_engine(self.url)
        reader = self.engine.execution_options(**{_MODE: "read"})
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        keep_current(self._writer)
        keep_counted(self._writer)  # after the facts: its locks come after theirs
        keep_versioned(self._writer)  # last of all: the data version's lock, only for the commit
        self._reader = sessionmaker(reader, expire_on_commit=False)
        self.retries = 0  # transactions write_retrying ran again (a statistic, not exact)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self, *, versioned: bool = True) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on error.

        Its last statement raises the data version (db/data_version.py), so every server
        reads afresh what it changed; ``versioned=False`` for a write that no page shows from
        a cache (login-session bookkeeping)."""
        with self._writer.begin() as session:
            if not versioned:
                session.info[UNVERSIONED] = True
            yield session

    def data_version(self) -> int:
        """The number every committed write raised: equal numbers, equal data."""
        with self.read() as session:
            return read_version(session)

    def write_retrying(self, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """Run ``work(session)`` in a write transaction, as ``write()`` does; when the database
        refuses it only because of concurrent transactions (``is_retryable``), roll back and run
        it again, whole, in a new transaction, up to ``attempts`` times in all, after a short
        random pause. ``work`` must read what it needs inside the session and do nothing
        outside it that a second run would repeat. Other errors pass through at once."""
        attempt = 1
        while True:
            try:
                with self.write() as session:
                    return work(session)
            except DBAPIError as error:
                if attempt >= attempts or not is_retryable(error):
                    raise
            self.retries += 1
            time.sleep(random.uniform(0.0, 0.05 * attempt))
            attempt += 1

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries only (a deferred transaction, never holds the write lock)."""
        # Closing (not rolling back) ends the transaction and keeps loaded objects readable.
        with self._reader() as session:
            yield session

    def refresh_statistics(self) -> None:
        """Let the query planner see the tables' current sizes (after a bulk load, at start).

        Without statistics SQLite may read a million reviews through the date index to find one
        article's two hundred; with them it starts from the article's claims."""
        # A full ANALYZE: sampled statistics (analysis_limit) misled the planner back onto the
        # date index. It reads every index once: about 0.4 s at a million claims.
        with self.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()

    def dispose(self) -> None:
        self.engine.dispose()
