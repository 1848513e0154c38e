"""The data version: one number that every write transaction raises before it commits.

Each app server keeps cached reads (review_app/resources.py) keyed on the version it read at
the start of a page run, so a write made anywhere (another server, the command line, a
restore) is read afresh at every server's next run, and nothing waits for a cache to expire.

The number is raised inside the writing transaction, as its last statement: readers see the
new number only with the new data (on PostgreSQL the row's lock is held only for the commit).
Writes that no cached read shows (a login session noted as still in use) leave it alone, so
they do not make every server read everything again.
It is raised to at least the time in microseconds, so a number names one state of the data
even across a restore: writes after restoring an older copy never reuse a number of the
history they replaced (and the restored copy's own number names the state it holds).
"""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

_CLOCK = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
    "postgresql": "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint",
}
_RAISE = {
    "sqlite": text(
        f"UPDATE data_version SET version = max(version + 1, {_CLOCK['sqlite']}) WHERE id = 1"
    ),
    "postgresql": text(
        f"UPDATE data_version SET version = GREATEST(version + 1, {_CLOCK['postgresql']}) "
        "WHERE id = 1"
    ),
}
_RAISE_BY_ONE = text("UPDATE data_version SET version = version + 1 WHERE id = 1")
_READ = text("SELECT version FROM data_version WHERE id = 1")
_MOVE_PAST = text("UPDATE data_version SET version = :version WHERE id = 1 AND version < :version")


UNVERSIONED = "claimreview_unversioned"  # session.info key: a write no cached read shows


def keep_versioned(factory: sessionmaker) -> None:
    """Raise the data version in every write transaction of ``factory``, as the very last
    statement before its commit: registered after the derived tables' own hooks, so its row's
    lock is held only for the commit (taken earlier, two writers could wait on each other)."""
    event.listen(factory, "before_commit", _raise_before_commit)


def _raise_before_commit(session: Session) -> None:
    if not session.info.pop(UNVERSIONED, False):
        raise_version(session)


def raise_version(session: Session) -> None:
    """Mark this transaction's writes for every server."""
    session.execute(_RAISE.get(session.get_bind().dialect.name, _RAISE_BY_ONE))


def read_version(session: Session) -> int:
    return int(session.scalar(_READ) or 0)


def read_version_and_clock(session: Session) -> tuple[int, int]:
    """The version and the database's clock in microseconds (how old the version is)."""
    clock = _CLOCK[session.get_bind().dialect.name]
    row = session.execute(text(f"SELECT version, {clock} FROM data_version WHERE id = 1")).one()
    return int(row[0] or 0), int(row[1])


def move_past(session: Session, version: int) -> None:
    """After a restore: a number above any the servers may have cached reads under."""
    session.execute(_MOVE_PAST, {"version": version + 1})
