"""Shared fixtures: a fresh, migrated database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when CLAIMREVIEW_TEST_POSTGRES_URL names a server (.ci/run sets it where one runs
locally). If it is set but the server cannot be reached, the run fails rather than skipping.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.engine import Database
from db.setup import prepare_database

# No test reaches the real source services: lookups are off unless a test points them at the
# local stub (tests/sources/stub_server.py), for this process and the servers and commands it
# starts.
os.environ.setdefault("CLAIMREVIEW_OFFLINE", "1")
# AppTest runs the app inside this process: its collector between clicks (review_app/idle_gc.py)
# would collect under the tests' feet. The browser suite's servers turn it back on.
os.environ.setdefault("CLAIMREVIEW_IDLE_GC", "0")

POSTGRES_ENV = "CLAIMREVIEW_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = (
    f"PostgreSQL not configured: set {POSTGRES_ENV}="
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres (a server where you may create "
    "databases) to run the database tests on PostgreSQL too"
)
_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = prepare_database(Database(f"sqlite:///{path}"))
    database.dispose()
    return path


class PostgresServer:
    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"claimreview_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"

    def unreachable_reason(self) -> str | None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:  # any failure to connect means the same to us
            return str(getattr(error, "orig", error)).splitlines()[0]
        return None

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(POSTGRES_SKIP_REASON)
    server = PostgresServer(url)
    reason = server.unreachable_reason()
    if reason:
        # A server we were told to use must answer: fail every PostgreSQL test, never skip.
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {reason}", False)
    server.create(server.template)
    database = prepare_database(Database(server.url_for(server.template)))
    database.dispose()
    yield server
    server.drop(server.template)
    server.admin.dispose()


def _sqlite_database(template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "claimreview.db"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        db = _sqlite_database(request.getfixturevalue("sqlite_template"), tmp_path)
        yield db
        db.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_{next(_counter)}"
    server.create(name, template=server.template)
    db = Database(server.url_for(name))
    yield db
    db.dispose()
    server.drop(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no schema at all, on SQLite and on PostgreSQL (for upgrade tests)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield db
        db.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_{next(_counter)}"
    server.create(name)
    db = Database(server.url_for(name))
    yield db
    db.dispose()
    server.drop(name)


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    db = _sqlite_database(sqlite_template, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def demo_text() -> str:
    from db.articles import demo_article_bytes

    return demo_article_bytes().decode("utf-8")
