"""Backup and restore (db/backup.py): a round trip keeps every row; bad files and bad targets are
refused, changing nothing; a backup from an older version is migrated when it is restored.

SQLite only where the API is SQLite's; on PostgreSQL both functions give the pg_dump and
pg_restore commands, and with a server configured (and its tools installed) those commands are
run to check that they do what they say.
"""

from __future__ import annotations

import hashlib
import random
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db import backup as backup_module
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.backup import SAFETY_SUFFIX, backup, inspect_backup, postgres_commands, restore
from db.citations import add_citations
from db.decisions import record_decision
from db.engine import Database
from db.migrate import current_revision, head_revision, upgrade
from db.queries import claim_page
from db.reviews import CitedSource, save_review
from db.setup import prepare_database
from tests.conftest import PostgresServer
from tests.db.test_upgrade import ROWS

OPERATOR = Actor.operator("test")


def _fill(database: Database) -> dict[int, int]:
    """The demo article, two reviewers, reviews with sources, a decision; claim ids by ordinal."""
    demo = import_demo_if_empty(database)
    assert demo is not None
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    raj = actor_for(create_user(database, OPERATOR, "raj", ["reviewer"], password="q" * 12)[0])
    with database.read() as session:
        claims = {c.ordinal: c.id for c in claim_page(session, OPERATOR, demo.article_id)}
    sources = add_citations(database, rita, parse_identifiers("PMID 27557302 NCT01234567")[0])
    first = save_review(
        database, rita, claims[9], verdict="misleading", certainty="low", rationale="µ ≥ 2",
        submit=True, citations=[CitedSource(sources[0].id, "contradicts", "no", "p. 3")],
    )  # fmt: skip
    save_review(database, raj, claims[9], verdict="misleading", certainty="low", submit=True)
    save_review(database, raj, claims[10], verdict="accurate", certainty=None)  # a draft
    record_decision(database, OPERATOR, claims[9], verdict="misleading", certainty="low",
                    reason="other", note="Agreed.", based_on=[first.id])  # fmt: skip
    return claims


def _dump(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (but the data version, which a restore
    moves past every number seen before it)."""
    with database.engine.connect() as connection:
        names = sorted(
            n
            for n in inspect(connection).get_table_names()
            if not n.startswith("sqlite_") and n != "data_version"
        )
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}"'))),
                key=repr,
            )
            for name in names
        }


def _file_state(database: Database) -> dict[str, str]:
    """The database folder's files and the database file's hash (connections closed first)."""
    database.dispose()
    folder = Path(database.engine.url.database).parent
    state = {p.name: "" for p in folder.iterdir()}
    main = Path(database.engine.url.database)
    state[main.name] = hashlib.sha256(main.read_bytes()).hexdigest()
    return state


def _sqlite_path(database: Database) -> Path:
    return Path(database.engine.url.database)


# --- Round trip ----------------------------------------------------------------------------


def test_a_backup_then_a_restore_keeps_every_row(sqlite_database: Database, tmp_path: Path) -> None:
    claims = _fill(sqlite_database)
    before = _dump(sqlite_database)
    target = tmp_path / "backups" / "claimreview.backup"
    target.parent.mkdir()

    result = backup(sqlite_database, target)

    assert result.path == target and result.bytes == target.stat().st_size > 0
    assert result.source == _sqlite_path(sqlite_database)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no partial file
    assert target.stat().st_mode & 0o077 == 0  # it holds password hashes: owner only
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file

    # Work goes on after the backup: a new review, an edit, a new user.
    rita = actor_for(create_user(sqlite_database, OPERATOR, "sam", ["reviewer"])[0])
    save_review(sqlite_database, rita, claims[3], verdict="accurate", certainty="high")
    with sqlite_database.write() as session:
        session.execute(text("UPDATE reviews SET rationale = 'changed' WHERE rationale = 'µ ≥ 2'"))
    after_backup = _dump(sqlite_database)
    assert after_backup != before
    version_before = sqlite_database.data_version()

    restored = restore(sqlite_database, target)

    assert _dump(sqlite_database) == before  # every row, as it was, through the same engine
    # ...under a data version no server has cached reads under: every server reads afresh.
    assert sqlite_database.data_version() > version_before
    assert restored.backup.revision == restored.revision == head_revision(sqlite_database)
    assert (restored.backup.articles, restored.backup.reviews, restored.backup.users) == (1, 3, 2)
    # The safety copy holds the database as it was just before the restore.
    safety = restored.safety_copy
    assert safety is not None and safety.name.startswith(f"claimreview.db{SAFETY_SUFFIX}")
    assert safety.parent == _sqlite_path(sqlite_database).parent
    kept = Database(f"sqlite:///{safety}")
    assert _dump(kept) == after_backup
    kept.dispose()
    with sqlite3.connect(_sqlite_path(sqlite_database)) as live:
        assert live.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert live.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_connection_open_during_the_restore_sees_the_restored_database(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _fill(sqlite_database)
    backup(sqlite_database, tmp_path / "b.db")
    other = Database(sqlite_database.url)  # another process's engine, say the app's
    with other.read() as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == 2
    create_user(sqlite_database, OPERATOR, "late", ["reviewer"])
    with other.read() as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == 3

    restore(sqlite_database, tmp_path / "b.db")

    with other.read() as session:  # its pooled connection, reused
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == 2
    other.dispose()


def test_restore_into_a_database_that_does_not_exist_yet(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _fill(sqlite_database)
    backup(sqlite_database, tmp_path / "b.db")
    fresh = Database(f"sqlite:///{tmp_path / 'new' / 'fresh.db'}")

    result = restore(fresh, tmp_path / "b.db")

    assert result.safety_copy is None  # nothing to keep
    assert _dump(fresh) == _dump(sqlite_database)
    with fresh.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    fresh.dispose()


def test_a_backup_from_an_older_version_is_migrated_when_restored(
    sqlite_database: Database, tmp_path: Path
) -> None:
    old = Database(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old, "0001")
    with old.engine.begin() as connection:
        for table, rows in ROWS.items():
            columns = ", ".join(rows[0])
            values = ", ".join(f":{c}" for c in rows[0])
            connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), rows)
    backup(old, tmp_path / "old.backup")
    old.dispose()

    info = inspect_backup(sqlite_database, tmp_path / "old.backup")
    assert (info.revision, info.claims, info.reviews) == ("0001", 3, 1)
    result = restore(sqlite_database, tmp_path / "old.backup")

    assert result.revision == current_revision(sqlite_database) == head_revision(sqlite_database)
    with sqlite_database.read() as session:
        assert session.execute(text("SELECT rationale FROM reviews")).scalar() == "Trial X."
        # The derived facts, which revision 0001 did not have, now cover every claim.
        assert session.execute(text("SELECT count(*) FROM claim_facts")).scalar() == 3


# --- Backup refusals -------------------------------------------------------------------------


def test_backup_refuses_to_overwrite_a_file_unless_told(
    sqlite_database: Database, tmp_path: Path
) -> None:
    target = tmp_path / "b.db"
    target.write_bytes(b"keep me")

    with pytest.raises(ClaimreviewError, match=r"already exists.*--force") as refused:
        backup(sqlite_database, target)

    assert "\n" not in str(refused.value)
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    backup(sqlite_database, target, overwrite=True)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/b.db", "missing does not exist; create the folder"),
        ("a-file/b.db", "a-file is a file, not a folder"),
        ("a-folder", "a-folder is a folder"),
        ("claimreview.db", "is the database itself"),
        ("claimreview.db-wal", "is the database itself"),
    ],
)
def test_backup_refuses_a_target_it_cannot_or_must_not_write(
    sqlite_database: Database, tmp_path: Path, where: str, says: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-folder").mkdir()
    _fill(sqlite_database)
    before = _dump(sqlite_database)
    listing = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(ClaimreviewError, match=says):
        backup(sqlite_database, tmp_path / where, overwrite=True)

    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert _dump(sqlite_database) == before


def test_backup_refuses_when_there_is_no_database_yet(tmp_path: Path) -> None:
    missing = Database(f"sqlite:///{tmp_path / 'none.db'}")
    with pytest.raises(ClaimreviewError, match=r"no database at .*none\.db"):
        backup(missing, tmp_path / "b.db")
    assert not (tmp_path / "b.db").exists()
    missing.dispose()


def test_a_backup_that_fails_midway_leaves_nothing_under_the_final_name(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(sqlite_database)
    monkeypatch.setattr(backup_module, "PAGES_PER_STEP", 2)
    steps = []

    def crash(done: int, total: int) -> None:
        steps.append(done)
        if len(steps) == 3:
            raise KeyboardInterrupt  # as if the operator pressed Ctrl-C halfway

    with pytest.raises(KeyboardInterrupt):
        backup(sqlite_database, tmp_path / "b.db", progress=crash)

    assert steps[-1] < 10  # it stopped well before the end
    assert sorted(p.name for p in tmp_path.iterdir() if "b.db" in p.name) == []


# --- Restore refusals ------------------------------------------------------------------------


def _unrelated_sqlite(path: Path) -> Path:
    with closing_sqlite(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO notes (body) VALUES ('hello')")
    return path


def _newer_backup(database: Database, path: Path) -> Path:
    backup(database, path)
    with closing_sqlite(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    return path


def _backup_without(table: str):
    def make(database: Database, path: Path) -> Path:
        backup(database, path)
        with closing_sqlite(path) as connection:
            connection.execute("PRAGMA foreign_keys=OFF")
            connection.execute(f"DROP TABLE {table}")
        return path

    return make


def _backup_without_a_column(database: Database, path: Path) -> Path:
    backup(database, path)
    with closing_sqlite(path) as connection:
        connection.execute("ALTER TABLE reviews DROP COLUMN rationale")
    return path


class closing_sqlite:  # used like contextlib.closing
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_exc: object) -> None:
        self.connection.close()


REFUSED = {
    "a missing file": (lambda db, p: p / "nowhere.db", "no such file"),
    "a folder": (lambda db, p: p, "is a folder"),
    "a text file": (
        lambda db, p: (p / "notes.db").write_text("Just some notes.\n" * 200) and p / "notes.db",
        "not a SQLite database",
    ),
    "an empty file": (
        lambda db, p: (p / "empty.db").write_bytes(b"") or p / "empty.db",
        "no alembic_version",
    ),
    "an unrelated SQLite file": (
        lambda db, p: _unrelated_sqlite(p / "other.db"),
        "not one made by claimreview",
    ),
    "a newer version's backup": (
        lambda db, p: _newer_backup(db, p / "newer.db"),
        "revision '9999'.*newer claimreview",
    ),
    "a backup without its reviews table": (
        lambda db, p: _backup_without("reviews")(db, p / "partial.db"),
        "lacks the table.*reviews",
    ),
    "a backup without a column": (
        lambda db, p: _backup_without_a_column(db, p / "column.db"),
        "reviews lacks the column.*rationale",
    ),
    "the database itself": (lambda db, p: _sqlite_path(db), "is the database itself"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_restore_refuses_what_is_not_a_claimreview_backup_and_changes_nothing(
    sqlite_database: Database, tmp_path: Path, case: str
) -> None:
    make, says = REFUSED[case]
    _fill(sqlite_database)
    elsewhere = tmp_path / "given"
    elsewhere.mkdir()
    path = make(sqlite_database, elsewhere)
    rows = _dump(sqlite_database)
    files = _file_state(sqlite_database)

    with pytest.raises(ClaimreviewError, match=says) as refused:
        inspect_backup(sqlite_database, path)
    with pytest.raises(ClaimreviewError, match=says) as refused:
        restore(sqlite_database, path)

    message = str(refused.value)
    assert "\n" not in message and "changed" in message, message
    assert _file_state(sqlite_database) == files  # no safety copy, the same bytes
    assert _dump(sqlite_database) == rows


def _damage(data: bytes, trial: int, rnd: random.Random) -> bytes:
    damaged = bytearray(data)
    page = rnd.randrange(1, len(data) // 4096)
    match trial % 4:
        case 0:  # cut short
            damaged = damaged[: rnd.randrange(100, len(damaged))]
        case 1:  # a run of random bytes
            offset = rnd.randrange(0, len(damaged) - 64)
            damaged[offset : offset + 64] = rnd.randbytes(64)
        case 2:  # scattered bytes
            for _ in range(20):
                damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        case _:  # a whole page
            damaged[page * 4096 : (page + 1) * 4096] = rnd.randbytes(4096)
    return bytes(damaged)


def test_a_damaged_backup_is_refused_with_a_clear_message_or_read(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """Seeded damage of every kind: the check refuses (ClaimreviewError, one line) or, where
    the damage is inside a value that SQLite cannot tell from data, accepts; nothing escapes."""
    _fill(sqlite_database)
    good = tmp_path / "good.db"
    backup(sqlite_database, good)
    data = good.read_bytes()
    rnd = random.Random(20260102)
    outcomes: dict[str, int] = {}
    for trial in range(80):
        bad = tmp_path / f"bad-{trial}.db"
        bad.write_bytes(_damage(data, trial, rnd))
        try:
            inspect_backup(sqlite_database, bad)
            outcome = "accepted"
        except ClaimreviewError as error:
            assert "\n" not in str(error) and "nothing was changed" in str(error), error
            outcome = "refused"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("refused", 0) >= 40, outcomes

    # A page of noise in the middle of the file: refused by restore, the database untouched.
    bad = tmp_path / "bad.db"
    damaged = bytearray(data)
    damaged[8 * 4096 : 9 * 4096] = random.Random(7).randbytes(4096)
    bad.write_bytes(bytes(damaged))
    rows = _dump(sqlite_database)
    files = _file_state(sqlite_database)

    with pytest.raises(ClaimreviewError, match=r"damaged|not a SQLite database"):
        restore(sqlite_database, bad)

    assert _file_state(sqlite_database) == files
    assert _dump(sqlite_database) == rows


def test_restore_refuses_a_backup_with_another_page_size(
    sqlite_database: Database, tmp_path: Path
) -> None:
    big_pages = tmp_path / "big-pages.db"
    with closing_sqlite(big_pages) as connection:
        connection.execute("PRAGMA page_size=8192")
        connection.execute("VACUUM")
    other = prepare_database(Database(f"sqlite:///{big_pages}"))
    backup(other, tmp_path / "b.db")
    other.dispose()
    files = _file_state(sqlite_database)

    with pytest.raises(ClaimreviewError, match=r"8192-byte pages.*4096-byte pages"):
        restore(sqlite_database, tmp_path / "b.db")

    assert _file_state(sqlite_database) == files


# --- PostgreSQL ----------------------------------------------------------------------------


def test_postgresql_gets_the_pg_dump_and_pg_restore_commands_without_the_password(
    tmp_path: Path,
) -> None:
    url = "postgresql+psycopg://rita:s3cret@db.example.org:5433/claims?sslmode=require"
    database = Database(url)  # no connection is made
    target = tmp_path / "team backup.dump"

    for action in (backup, restore):
        with pytest.raises(ClaimreviewError) as guided:
            action(database, target)
        message = str(guided.value)
        assert "s3cret" not in message
        assert "PGPASSWORD" in message
        assert "pg_dump -Fc --file='" in message and "pg_restore --clean" in message
        assert "'postgresql://rita@db.example.org:5433/claims?sslmode=require'" in message
        assert f"'{target}'" in message  # quoted for the shell: the name has a space
        assert "claimreview migrate" in message
    with pytest.raises(ClaimreviewError, match="pg_dump"):
        inspect_backup(database, target)
    assert not target.exists()
    database.dispose()


def test_the_postgresql_commands_back_up_and_restore(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """Runs the printed commands against the configured server (needs pg_dump/pg_restore)."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    name = f"{postgres_server.prefix}_dump"
    postgres_server.create(name, template=postgres_server.template)
    database = Database(postgres_server.url_for(name))
    try:
        _fill(database)
        before = _dump(database)
        dump, load = postgres_commands(database.url, tmp_path / "team.dump")
        done = subprocess.run(shlex.split(dump), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        create_user(database, OPERATOR, "late", ["reviewer"])
        database.dispose()
        done = subprocess.run(shlex.split(load), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        prepare_database(database)  # what `claimreview migrate` does
        assert _dump(database) == before
    finally:
        database.dispose()
        postgres_server.drop(name)
