"""Backup and restore of a SQLite database while reviewers keep working; pg_dump for PostgreSQL.

``backup`` copies the database's file to a new file with SQLite's online backup API. The copy is
taken from one read transaction, so it is the database exactly as it was when that transaction
began (every commit before it, none after), and in WAL mode writers are never blocked by it.
It is copied in steps of ``PAGES_PER_STEP`` pages, reporting progress (and letting Ctrl-C stop
it) between steps; as every step reads that one snapshot, the copy never has to restart however
busy the writers are.
It is written under a temporary name in the target's folder, checked (``PRAGMA integrity_check``)
and renamed only when complete: a crash never leaves a half backup under the final name.

``restore`` checks that a file is a claimreview database (SQLite, an ``alembic_version`` this
version knows, the tables and columns of that revision, ``PRAGMA quick_check``) and refuses
anything else before it changes anything. It then keeps a safety copy of the current database
(``<db>.before-restore-<timestamp>``), copies the backup's pages into the live database with the
same API in the other direction (in one write transaction, so every open connection sees either
the old database or the restored one, never a mix), and runs ``prepare_database``: a backup
from an older version is migrated, and the derived facts are rebuilt if they need it.

PostgreSQL has its own tools for this: both functions raise a ``ClaimreviewError`` giving the
``pg_dump`` and ``pg_restore`` commands for the configured database (password left out).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from claims.errors import ClaimreviewError
from db.data_version import move_past
from db.engine import SQLITE_BUSY_TIMEOUT_MS, Database, DatabaseUnavailable

PAGES_PER_STEP = 1024  # 4 MiB at SQLite's default page size
SAFETY_SUFFIX = ".before-restore-"
UNCHANGED = "nothing was changed"

Progress = Callable[[int, int], None]  # (pages copied, pages in all)


@dataclass(frozen=True)
class BackupResult:
    path: Path  # the backup file written
    source: Path  # the database file it copies
    bytes: int
    pages: int
    seconds: float


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, as checked by ``inspect_backup``."""

    path: Path
    revision: str  # its schema revision (Alembic); older ones are migrated on restore
    articles: int
    claims: int
    reviews: int
    users: int
    bytes: int


@dataclass(frozen=True)
class RestoreResult:
    database: Path  # the live database file, now holding the backup's content
    backup: BackupInfo
    safety_copy: Path | None  # the database as it was before; None when there was none
    revision: str | None  # the schema revision after prepare_database
    seconds: float


# --- Backup ----------------------------------------------------------------------------------


def backup(
    database: Database,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> BackupResult:
    """Copy the database to the new file ``path`` while others keep reading and writing.

    Refuses an existing file (unless ``overwrite``), a folder, a target in a missing folder and
    the database's own files. Returns where it wrote, how much, and how long it took.
    """
    source = _sqlite_file(database, "backup", path)
    if not source.is_file() or source.stat().st_size == 0:
        raise ClaimreviewError(
            f"There is no database at {source} yet (CLAIMREVIEW_DATABASE_URL); nothing to back up."
        )
    target = _backup_target(Path(path), source, overwrite=overwrite)
    return _copy(source, target, overwrite=overwrite, progress=progress, check=True)


def _backup_target(target: Path, source: Path, *, overwrite: bool) -> Path:
    if target.is_dir():
        raise ClaimreviewError(
            f"{target} is a folder; give the name of the backup file to create in it, "
            f"e.g. {target / 'claimreview-backup.db'}."
        )
    folder = target.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ClaimreviewError(
            f"{folder} {what}; create the folder first or choose another place for the backup."
        )
    if _is_database_file(target, source):
        raise ClaimreviewError(
            f"{target} is the database itself (or one of its journal files); back it up to "
            "another file."
        )
    if target.exists() and not overwrite:
        raise ClaimreviewError(
            f"{target} already exists; {UNCHANGED}. Give a new file name, or replace it on "
            "purpose (claimreview backup --force)."
        )
    return target


def _is_database_file(candidate: Path, database: Path) -> bool:
    """Whether ``candidate`` names the database file or its -wal, -shm or -journal file."""
    suffixes = ("", "-wal", "-shm", "-journal")
    names = [database.with_name(database.name + suffix) for suffix in suffixes]
    resolved = candidate.resolve()
    for name in names:
        if resolved == name.resolve():
            return True
        with suppress(OSError):
            if candidate.exists() and name.exists() and os.path.samefile(candidate, name):
                return True
    return False


def _copy(
    source: Path,
    target: Path,
    *,
    overwrite: bool,
    progress: Progress | None,
    check: bool,
) -> BackupResult:
    """The online copy: one read transaction on ``source``, page steps into a temporary file
    beside ``target``, an integrity check, then a rename."""
    started = time.perf_counter()
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )  # readable by its owner only: a backup holds password hashes
    except OSError as error:
        raise ClaimreviewError(
            f"{target.parent}: cannot write a backup there ({error.strerror})."
        ) from error
    os.close(handle)
    partial = Path(name)
    try:
        with closing(_connect(source)) as src, closing(_connect(partial)) as dst:
            # The snapshot: the backup reads it in every step, so no commit made after this
            # point is copied, and none made before is missed (and the copy never restarts).
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()

            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            src.execute("COMMIT")
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            # One self-contained file: no -wal beside it when it is copied elsewhere.
            dst.execute("PRAGMA journal_mode=DELETE")
            if check:
                problems = _integrity_problems(dst, "integrity_check")
                if problems:
                    raise ClaimreviewError(
                        f"The copy of {source} fails SQLite's integrity check ({problems}): the "
                        "database itself is probably damaged; no backup was written. Keep the "
                        "database as it is and restore an earlier backup, or report the problem."
                    )
        _fsync(partial)
        _place(partial, target, overwrite=overwrite)
    except sqlite3.Error as error:
        raise ClaimreviewError(
            f"Backing up {source} to {target} failed ({error}); no backup was written."
        ) from error
    except OSError as error:
        raise ClaimreviewError(
            f"{target}: cannot write the backup ({error.strerror}); no backup was written."
        ) from error
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(
        path=target,
        source=source,
        bytes=target.stat().st_size,
        pages=pages,
        seconds=time.perf_counter() - started,
    )


def _place(partial: Path, target: Path, *, overwrite: bool) -> None:
    """Give the finished copy its final name, atomically; never replace a file by surprise."""
    if overwrite:
        os.replace(partial, target)
    else:
        try:
            os.link(partial, target)  # fails if the name was taken meanwhile
        except FileExistsError as error:
            raise ClaimreviewError(
                f"{target} appeared while the backup ran; {UNCHANGED}. Give a new file name."
            ) from error
        except OSError:  # a file system without hard links
            if target.exists():
                raise ClaimreviewError(f"{target} already exists; {UNCHANGED}.") from None
            os.replace(partial, target)
    _fsync(target.parent)


def _fsync(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. a folder on Windows: nothing to sync
        return
    try:
        with suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- Restore ---------------------------------------------------------------------------------


def inspect_backup(database: Database, path: str | os.PathLike[str]) -> BackupInfo:
    """Check that ``path`` is a backup this version can restore; say what it holds."""
    live = _sqlite_file(database, "restore", path)
    source = _restore_source(Path(path), live)
    with closing(_open_backup(source)) as src:
        return _check_backup(src, source)


def restore(database: Database, path: str | os.PathLike[str]) -> RestoreResult:
    """Replace the database's content with the backup at ``path``, keeping a safety copy.

    Refuses a file that is not a claimreview backup before it changes anything. The live
    database is written in one transaction: connections open elsewhere (the app) see the old
    content or the restored one, never a mix; their writes wait for the restore.
    """
    started = time.perf_counter()
    live = _sqlite_file(database, "restore", path)
    source = _restore_source(Path(path), live)
    existing = live.is_file() and live.stat().st_size > 0
    seen = _data_version(database) if existing else 0
    with closing(_open_backup(source)) as src:
        # One read transaction: what is checked is what is copied, even if the file changes.
        src.execute("BEGIN")
        info = _check_backup(src, source)
        safety = _keep_safety_copy(src, source, live) if existing else None
        try:
            with closing(_connect(live)) as dst:
                src.backup(dst, pages=-1)  # one step: the live database changes at once
                with suppress(sqlite3.Error):  # readers may hold the WAL; it shrinks later
                    dst.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as error:
            kept = f"; the database as it was is kept in {safety}" if safety else ""
            raise DatabaseUnavailable(
                f"Restoring {source} into {live} failed ({error}){kept}."
            ) from error
        src.execute("COMMIT")
    revision = _prepare(database, live, safety)
    # The restored data under a number no server has cached reads under (its own may be lower).
    with database.write() as session:
        move_past(session, seen)
    return RestoreResult(
        database=live,
        backup=info,
        safety_copy=safety,
        revision=revision,
        seconds=time.perf_counter() - started,
    )


def _data_version(database: Database) -> int:
    """The live database's data version; 0 when it has none yet (older, or damaged)."""
    try:
        return database.data_version()
    except SQLAlchemyError:
        return 0


def _keep_safety_copy(src: sqlite3.Connection, source: Path, live: Path) -> Path:
    """Copy the live database aside before it is replaced (even a damaged one: no check)."""
    try:
        _check_page_size(src, source, live)
    except sqlite3.Error as error:
        raise DatabaseUnavailable(
            f"{live} cannot be opened to restore into ({error}); {UNCHANGED}. Move it (with "
            "its -wal and -shm files) aside and restore again."
        ) from error
    try:
        return _copy(live, _safety_path(live), overwrite=False, progress=None, check=False).path
    except ClaimreviewError as error:
        raise ClaimreviewError(
            f"No safety copy of the database could be kept, so it was not restored: {error}"
        ) from error


def _prepare(database: Database, live: Path, safety: Path | None) -> str | None:
    """Migrate the restored database and rebuild its facts; report where the old one is."""
    from db.migrate import current_revision
    from db.setup import prepare_database

    try:
        prepare_database(database)
        return current_revision(database)
    except ClaimreviewError as error:
        kept = f" The database as it was before is kept in {safety}." if safety else ""
        raise DatabaseUnavailable(
            f"The backup was copied into {live}, but preparing it failed: {error}{kept}"
        ) from error


def _restore_source(source: Path, live: Path) -> Path:
    if not source.exists():
        raise ClaimreviewError(f"{source}: no such file; check the path ({UNCHANGED}).")
    if source.is_dir():
        raise ClaimreviewError(
            f"{source} is a folder; give the backup file made by `claimreview backup` "
            f"({UNCHANGED})."
        )
    if _is_database_file(source, live):
        raise ClaimreviewError(f"{source} is the database itself, not a backup of it; {UNCHANGED}.")
    return source


def _open_backup(source: Path) -> sqlite3.Connection:
    """The backup file, read-only (opening it never changes it)."""
    try:
        connection = sqlite3.connect(
            f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
    except sqlite3.Error as error:
        raise ClaimreviewError(f"{source} cannot be opened ({error}); {UNCHANGED}.") from error
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # A damaged file may hold names that are not UTF-8: read them, then refuse the file.
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    return connection


def _check_backup(src: sqlite3.Connection, source: Path) -> BackupInfo:
    """Refuse, with the reason, anything but an intact claimreview database we can migrate."""
    try:
        tables = {
            row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except (sqlite3.DatabaseError, UnicodeError) as error:
        raise ClaimreviewError(
            f"{source} is not a SQLite database ({error}); give a file made by "
            f"`claimreview backup` ({UNCHANGED})."
        ) from error
    try:
        return _check_claimreview_backup(src, source, tables)
    except (sqlite3.DatabaseError, UnicodeError) as error:  # "disk image is malformed"
        raise ClaimreviewError(
            f"{source} is damaged ({error}); restore another backup ({UNCHANGED})."
        ) from error


def _check_claimreview_backup(
    src: sqlite3.Connection, source: Path, tables: set[str]
) -> BackupInfo:
    from db.migrate import head_revision

    if "alembic_version" not in tables:
        raise ClaimreviewError(
            f"{source} is a SQLite database but not one made by claimreview (it has no "
            f"alembic_version table); {UNCHANGED}."
        )
    revisions = [row[0] for row in src.execute("SELECT version_num FROM alembic_version")]
    if len(revisions) != 1:
        raise ClaimreviewError(
            f"{source} records {len(revisions)} schema revisions instead of one; it is not a "
            f"claimreview backup ({UNCHANGED})."
        )
    revision = revisions[0]
    expected = _schema_at(revision)
    if expected is None:
        raise ClaimreviewError(
            f"{source} is at schema revision {revision!r}, which this version does not know "
            f"(the latest it knows is {head_revision(Database('sqlite://'))}); it was probably "
            f"made by a newer claimreview: upgrade claimreview first ({UNCHANGED})."
        )
    missing = sorted(set(expected) - tables)
    if missing:
        raise ClaimreviewError(
            f"{source} lacks the table(s) {', '.join(missing)} of schema revision {revision}; "
            f"it is not a complete claimreview database ({UNCHANGED})."
        )
    for table, columns in expected.items():
        have = {row[1] for row in src.execute(f'PRAGMA table_info("{table}")')}
        lacking = sorted(columns - have)
        if lacking:
            raise ClaimreviewError(
                f"{source}: the table {table} lacks the column(s) {', '.join(lacking)} of "
                f"schema revision {revision}; it is not a claimreview backup ({UNCHANGED})."
            )
    problems = _integrity_problems(src, "quick_check")
    if problems:
        raise ClaimreviewError(
            f"{source} is damaged (SQLite's quick_check: {problems}); restore another backup "
            f"({UNCHANGED})."
        )

    def count(table: str) -> int:
        return src.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    return BackupInfo(
        path=source,
        revision=revision,
        articles=count("articles"),
        claims=count("claims"),
        reviews=count("reviews"),
        users=count("users"),
        bytes=source.stat().st_size,
    )


@cache
def _schema_at(revision: str) -> dict[str, frozenset[str]] | None:
    """The tables (with their columns) a database has at ``revision``: built once, in memory,
    by the migrations themselves. None for a revision this version does not know."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from db.migrate import alembic_config, upgrade

    scratch = Database("sqlite://")
    try:
        try:
            ScriptDirectory.from_config(alembic_config(scratch)).get_revision(revision)
        except CommandError:
            return None
        upgrade(scratch, revision)
        with scratch.engine.connect() as connection:
            raw = connection.connection.driver_connection
            names = [
                row[0]
                for row in raw.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                name: frozenset(row[1] for row in raw.execute(f'PRAGMA table_info("{name}")'))
                for name in names
            }
    finally:
        scratch.dispose()


def _check_page_size(src: sqlite3.Connection, source: Path, live: Path) -> None:
    """SQLite cannot copy between page sizes into a WAL database: say so before changing
    anything (it would fail with "attempt to write a readonly database")."""
    with closing(_connect(live)) as dst:
        wal = dst.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        live_size = dst.execute("PRAGMA page_size").fetchone()[0]
    size = src.execute("PRAGMA page_size").fetchone()[0]
    if wal and size != live_size:
        raise ClaimreviewError(
            f"{source} uses {size}-byte pages and {live} {live_size}-byte pages, which SQLite "
            f"cannot restore over while the database is in WAL mode; {UNCHANGED}. Stop the app, "
            f"move {live} (with its -wal and -shm files) aside, and restore again."
        )


def _safety_path(live: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = live.with_name(f"{live.name}{SAFETY_SUFFIX}{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = live.with_name(f"{live.name}{SAFETY_SUFFIX}{stamp}-{number}")
    return candidate


# --- Shared ----------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return connection


def _integrity_problems(connection: sqlite3.Connection, pragma: str) -> str:
    """'' when SQLite's check passes, else its first findings."""
    rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}(5)")]
    return "" if rows == ["ok"] else "; ".join(" ".join(str(r).split()) for r in rows)


def _sqlite_file(database: Database, action: str, path: str | os.PathLike[str]) -> Path:
    """The database's file; for PostgreSQL, the guidance to use its own tools instead."""
    if database.dialect != "sqlite":
        raise ClaimreviewError(postgres_guidance(database.url, action, Path(path)))
    name = make_url(database.url).database
    if name in (None, "", ":memory:") or name.startswith("file::memory:"):
        raise ClaimreviewError(f"An in-memory database has no file to {action}.")
    return Path(name)


def postgres_commands(url: str, path: str | os.PathLike[str]) -> tuple[str, str]:
    """The pg_dump and pg_restore commands for the database at ``url`` (without its password):
    a custom-format dump taken from one snapshot while others keep working, and its restore
    (dropping what is there first, all or nothing)."""
    given = make_url(url)
    libpq = URL.create(  # .set(password=None) would keep the password
        "postgresql", given.username, None, given.host, given.port, given.database, given.query
    )
    target = shlex.quote(libpq.render_as_string(hide_password=False))
    file = shlex.quote(os.fspath(path))
    dump = f"pg_dump -Fc --file={file} {target}"
    load = (
        f"pg_restore --clean --if-exists --no-owner --single-transaction --dbname={target} {file}"
    )
    return dump, load


def postgres_guidance(url: str, action: str, path: Path) -> str:
    dump, load = postgres_commands(url, path)
    has_password = make_url(url).password is not None
    password = (
        " The password is left out: give it with PGPASSWORD or ~/.pgpass." if has_password else ""
    )
    return (
        f"claimreview {action} copies SQLite files; this database is PostgreSQL, whose own "
        f"tools do it (pg_dump -Fc reads one consistent snapshot while reviewers keep working)."
        f"{password}\n"
        f"  back up:  {dump}\n"
        f"  restore:  {load}\n"
        "            claimreview migrate   # brings an older backup's schema up to date"
    )
