"""CLAIMREVIEW_READ_DATABASE_URL: dashboards and exports read from a PostgreSQL read replica,
never from one further behind than allowed (issue 18). The primary itself, or an older copy of
it on the same server, stands in for the replica."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from claims.permissions import Actor
from db.articles import import_file
from db.dashboard import DashboardFilter, overview
from db.engine import (
    MAX_LAG_VARIABLE,
    REPLICA_APPLICATION,
    Database,
    DatabaseUnavailable,
    read_max_lag,
)
from db.setup import prepare_database
from tests.conftest import PostgresServer

EDITOR = Actor.operator("test")
ARTICLE = b"Statins and memory\n\nStatins do not harm memory in adults over 65.\n"


@pytest.fixture
def primary(postgres_server: PostgresServer) -> Iterator[tuple[PostgresServer, str]]:
    name = f"{postgres_server.prefix}_primary"
    postgres_server.create(name, template=postgres_server.template)
    yield postgres_server, name
    postgres_server.drop(name)


def _claims_seen(database: Database, source) -> int:
    with database.read_from(source) as session:
        return overview(session, EDITOR, DashboardFilter()).claims


def test_a_current_replica_serves_the_reads_and_refuses_writes(primary) -> None:
    server, name = primary
    url = server.url_for(name)
    database = Database(url, read_url=url)  # the primary standing in for its replica
    import_file(database, ARTICLE, "statins.txt", actor=EDITOR)
    on_replica = []
    event.listen(database.replica, "before_cursor_execute", lambda *a: on_replica.append(a[2]))

    source = database.read_source(database.data_version(), max_lag=0)
    assert source.on_replica and source.behind_seconds == 0 and source.problem is None
    assert _claims_seen(database, source) >= 1
    assert any("claim_facts" in statement or "article" in statement for statement in on_replica)

    # A write sent there by mistake fails: replica sessions are read-only transactions.
    with pytest.raises(DBAPIError, match="read-only"), database.read_from(source) as session:
        session.execute(text("UPDATE data_version SET version = version + 1"))
    with server.admin.connect() as connection:
        names = connection.scalars(
            text("SELECT application_name FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        ).all()
    assert REPLICA_APPLICATION in names  # an operator sees which connections read the replica
    database.dispose()


def test_a_replica_behind_the_primary_serves_only_within_the_allowed_lag(primary) -> None:
    server, name = primary
    # The "replica": a copy of the primary as it was before the article below was imported.
    lagging = f"{server.prefix}_lagging"
    server.create(lagging, template=name)
    database = Database(server.url_for(name), read_url=server.url_for(lagging))
    try:
        import_file(database, ARTICLE, "statins.txt", actor=EDITOR)
        version = database.data_version()

        strict = database.read_source(version, max_lag=0)
        assert not strict.on_replica and strict.version == version
        assert "behind the primary" in strict.problem and "read from the primary" in strict.problem
        assert _claims_seen(database, strict) >= 1  # the primary: nothing missing

        lenient = database.read_source(version, max_lag=86_400)
        assert lenient.on_replica and lenient.version < version
        assert lenient.behind_seconds > 0  # said on the page
        assert _claims_seen(database, lenient) == 0  # the stated staleness: not there yet
    finally:
        database.dispose()
        server.drop(lagging)


def test_an_unreachable_replica_leaves_reads_on_the_primary(primary) -> None:
    server, name = primary
    unreachable = server.url.set(port=1, database=name).render_as_string(hide_password=False)
    database = Database(server.url_for(name), read_url=unreachable)
    source = database.read_source(database.data_version(), max_lag=10)
    assert not source.on_replica
    assert source.problem.startswith("The read replica failed")
    assert _claims_seen(database, source) == 0
    # For the next half-minute it is not tried again: no page waits on it.
    connects = []
    event.listen(database.replica, "connect", lambda *a: connects.append(1))
    assert database.read_source(database.data_version()).problem == source.problem
    assert connects == []
    database.dispose()


def test_a_replica_is_refused_beside_sqlite_and_must_be_postgresql(
    primary, sqlite_database: Database
) -> None:
    with pytest.raises(DatabaseUnavailable, match="names a PostgreSQL read replica, but the"):
        Database(sqlite_database.url, read_url=sqlite_database.url)
    server, name = primary
    with pytest.raises(DatabaseUnavailable, match="is not a PostgreSQL URL"):
        Database(server.url_for(name), read_url=sqlite_database.url)


def test_a_wrong_allowed_lag_stops_a_server_with_a_replica_at_start(
    primary, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, name = primary
    monkeypatch.setenv(MAX_LAG_VARIABLE, "soon")
    with pytest.raises(DatabaseUnavailable, match="is not a number of seconds"):
        Database(server.url_for(name), read_url=server.url_for(name))
    Database(server.url_for(name)).dispose()  # without a replica the setting is not read


def test_the_allowed_lag_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_LAG_VARIABLE, raising=False)
    assert read_max_lag() == 10
    monkeypatch.setenv(MAX_LAG_VARIABLE, "2.5")
    assert read_max_lag() == 2.5
    for wrong in ("soon", "-1", "1e9"):
        monkeypatch.setenv(MAX_LAG_VARIABLE, wrong)
        with pytest.raises(DatabaseUnavailable, match="is not a number of seconds"):
            read_max_lag()


def test_the_replica_setting_is_read_with_the_database_setting(
    monkeypatch: pytest.MonkeyPatch, primary
) -> None:
    server, name = primary
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", server.url_for(name))
    monkeypatch.setenv("CLAIMREVIEW_READ_DATABASE_URL", server.url_for(name))
    database = prepare_database(Database())
    assert database.replica is not None
    database.dispose()
    assert Database(server.url_for(name)).replica is None  # a URL given in code stands alone
