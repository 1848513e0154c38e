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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from claims.errors import ClaimreviewError
from db.claim_facts import keep_current
from db.data_version import UNVERSIONED, keep_versioned, read_version, read_version_and_clock
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


READ_URL_VARIABLE = "CLAIMREVIEW_READ_DATABASE_URL"
MAX_LAG_VARIABLE = "CLAIMREVIEW_READ_MAX_LAG_SECONDS"
DEFAULT_MAX_LAG_SECONDS = 10.0
REPLICA_APPLICATION = "claimreview-replica-reads"
REPLICA_RETRY_SECONDS = 30.0  # after a replica failed, reads go to the primary this long


def read_database_url() -> str | None:
    """The PostgreSQL read replica for dashboards and exports, when one is configured."""
    return os.environ.get(READ_URL_VARIABLE, "").strip() or None


def read_max_lag() -> float:
    """How far behind the primary (seconds) the replica may be and still serve dashboards."""
    raw = os.environ.get(MAX_LAG_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_LAG_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise DatabaseUnavailable(
            f"{MAX_LAG_VARIABLE}={raw!r} is not a number of seconds; give one from 0 to 86400, "
            f"or leave it unset for {DEFAULT_MAX_LAG_SECONDS:g}."
        )
    return seconds


@dataclass(frozen=True)
class ReadSource:
    """Where a run's dashboards or exports are read: the replica or the primary, the data
    version of what they will see, and at most how many seconds it is behind the primary."""

    on_replica: bool
    version: int
    behind_seconds: float = 0.0
    problem: str | None = None  # why the replica was passed over, for the page to say


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

    def __init__(
        self, url: str | None = None, engine: Engine | None = None, read_url: str | None = None
    ) -> None:
        self.url = url or database_url()
        if url is None and engine is None:
            read_url = read_url or read_database_url()  # both from the environment
        with database_errors():
            self.engine = engine or make_engine(self.url)
        self.replica = self._replica_engine(read_url) if read_url else None
        self.max_lag = read_max_lag() if read_url else 0.0  # a wrong setting fails at start
        self._replica_down_until, self._replica_problem = 0.0, ""
        self._replica_reader = (
            sessionmaker(self.replica.execution_options(**{_MODE: "read"}), expire_on_commit=False)
            if self.replica is not None
            else None
        )
        reader = self.engine.execution_options(**{_MODE: "read"})
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        keep_current(self._writer)
        keep_counted(self._writer)  # after the facts: its locks come after theirs
        keep_versioned(self._writer)  # last of all: the data version's lock, only for the commit
        self._reader = sessionmaker(reader, expire_on_commit=False)
        self.retries = 0  # transactions write_retrying ran again (a statistic, not exact)

    def _replica_engine(self, read_url: str) -> Engine:
        if self.dialect != "postgresql":
            raise DatabaseUnavailable(
                f"{READ_URL_VARIABLE} names a PostgreSQL read replica, but the database is "
                f"{self.dialect}: unset {READ_URL_VARIABLE}, or move the team to PostgreSQL "
                "(docs/deployment.md)."
            )
        try:
            backend = make_url(read_url).get_backend_name()
        except ArgumentError:
            backend = None
        if backend != "postgresql":
            raise DatabaseUnavailable(
                f"{READ_URL_VARIABLE}={_without_password(read_url)!r} is not a PostgreSQL URL; "
                "it must name a PostgreSQL read replica of CLAIMREVIEW_DATABASE_URL."
            )
        with database_errors():
            replica = make_engine(
                read_url,
                # A write sent there by mistake fails loudly, even where the "replica" is the
                # primary itself (as in the tests).
                connect_args={
                    "options": "-c timezone=UTC -c default_transaction_read_only=on",
                    "application_name": REPLICA_APPLICATION,  # told apart in pg_stat_activity
                    "connect_timeout": 3,  # a host that drops packets must not hold pages
                },
            )
        return replica

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def read_source(self, primary_version: int, max_lag: float | None = None) -> ReadSource:
        """Where to read dashboards or exports: the replica, unless it is unreachable or may be
        more than ``max_lag`` seconds (default ``self.max_lag``; 0: not at all) behind
        ``primary_version`` (the primary's data version, read this run); else the primary.

        The data version is the primary's clock at the last write (db/data_version.py), so a
        replica whose version is below the primary's has missed writes made since its own last
        one: its data are at most "the primary's clock now - its version" old."""
        lag = self.max_lag if max_lag is None else max_lag
        if self._replica_reader is None:
            return ReadSource(on_replica=False, version=primary_version)
        if time.monotonic() < self._replica_down_until:
            return ReadSource(False, primary_version, problem=self._replica_problem)
        try:
            with self._replica_reader() as session:
                version = read_version(session)
        except (SQLAlchemyError, OSError) as error:
            return ReadSource(False, primary_version, problem=self.replica_failed(error))
        if version >= primary_version:
            return ReadSource(on_replica=True, version=version)
        with self.read() as session:
            _, now = read_version_and_clock(session)
        behind = max(0.0, (now - version) / 1_000_000)
        if lag == 0 or behind > lag:
            return ReadSource(
                on_replica=False,
                version=primary_version,
                problem=f"The read replica is up to {behind:.0f} s behind the primary (more than "
                f"the {lag:g} s allowed); read from the primary.",
            )
        return ReadSource(on_replica=True, version=version, behind_seconds=behind)

    def replica_failed(self, error: BaseException) -> str:
        """Note that the replica failed: for the next half-minute reads go to the primary
        without trying it (an unreachable host would hold every page for the connect timeout).
        Returns what to tell the reader."""
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        self._replica_problem = f"The read replica failed ({reason}); read from the primary."
        self._replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return self._replica_problem

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

    @contextmanager
    def read_from(self, source: ReadSource) -> Iterator[Session]:
        """A read session on the replica when ``source`` says so, else on the primary."""
        if not source.on_replica or self._replica_reader is None:
            with self.read() as session:
                yield session
            return
        with self._replica_reader() as session:
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
        if self.replica is not None:
            self.replica.dispose()
