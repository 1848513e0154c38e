"""SQLite as a multi-user database: pragmas on every connection, writers that queue, not fail."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from db.audit import record_event
from db.engine import Database
from db.models import AuditEvent


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(
    sqlite_database: Database,
) -> None:
    with sqlite_database.read() as session:
        assert session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert session.scalar(text("PRAGMA foreign_keys")) == 1
        assert session.scalar(text("PRAGMA busy_timeout")) >= 5000


def test_concurrent_read_then_write_transactions_all_land(database: Database) -> None:
    """8 threads each read a count and then write: no 'database is locked', nothing lost."""
    errors: list[Exception] = []

    def worker(worker_id: int) -> None:
        for _ in range(15):
            try:
                with database.write() as session:
                    seen = session.scalar(select(func.count()).select_from(AuditEvent))
                    record_event(
                        session,
                        action="test",
                        entity_type="worker",
                        entity_id=worker_id,
                        after={"seen": seen},
                    )
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 8 * 15


def test_reading_while_a_write_is_open_does_not_wait(sqlite_database: Database) -> None:
    with sqlite_database.write() as writer:
        record_event(writer, action="test", entity_type="x", entity_id=1)
        writer.flush()
        with sqlite_database.read() as reader:  # WAL: readers see the last commit at once
            assert reader.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_every_committed_write_raises_the_data_version_and_nothing_else_does(
    database: Database,
) -> None:
    from db.models import Organisation

    first = database.data_version()
    with database.read() as session:
        session.get(Organisation, 1)
    assert database.data_version() == first  # reads leave it
    with database.write() as session:
        session.merge(Organisation(id=1, name="Health Desk"))
    second = database.data_version()
    assert second > first
    with pytest.raises(RuntimeError), database.write() as session:
        session.merge(Organisation(id=1, name="Never saved"))
        raise RuntimeError("the save fails")
    assert database.data_version() == second  # a rolled-back write changes nothing


def test_a_login_noted_as_still_in_use_leaves_the_data_version(database: Database) -> None:
    """Every signed-in browser notes its session once a minute; no cached page shows it, so
    the servers need not read everything again."""
    from datetime import timedelta

    from claims.permissions import Actor
    from db.accounts import create_user, resume_session, start_session
    from db.models import LoginSession

    user, _ = create_user(database, Actor.operator("test"), "nell", ["reviewer"],
                          password="p" * 12)  # fmt: skip
    token = start_session(database, user.id)
    with database.read() as session:
        seen = session.scalar(select(LoginSession.last_seen_at))
    before = database.data_version()
    assert resume_session(database, token, now=seen + timedelta(minutes=5)) is not None
    assert database.data_version() == before
    with database.read() as session:
        assert session.scalar(select(LoginSession.last_seen_at)) > seen  # noted all the same


def test_the_postgresql_pool_follows_its_settings_and_refuses_nonsense(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Servers x connections must fit PostgreSQL's max_connections: the pool is a setting."""
    from db.engine import DatabaseUnavailable, make_engine

    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to
    default = make_engine(url)
    assert (default.pool.size(), default.pool._max_overflow) == (5, 10)
    monkeypatch.setenv("CLAIMREVIEW_DB_POOL_SIZE", "3")
    monkeypatch.setenv("CLAIMREVIEW_DB_MAX_OVERFLOW", "2")
    small = make_engine(url)
    assert (small.pool.size(), small.pool._max_overflow) == (3, 2)
    monkeypatch.setenv("CLAIMREVIEW_DB_POOL_SIZE", "many")
    with pytest.raises(DatabaseUnavailable, match="CLAIMREVIEW_DB_POOL_SIZE='many'"):
        make_engine(url)
