"""`claimreview backup` and `claimreview restore`, run through the installed console script."""

from __future__ import annotations

import os
import pty
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

SCRIPT = shutil.which("claimreview", path=str(Path(sys.executable).parent))
ARTICLES = {
    "first.txt": "Statins lower LDL cholesterol. Daily aspirin always prevents strokes.",
    "second.txt": "Vitamin D cures depression. Exercise improves sleep in older adults.",
}


def _env(db_url: str) -> dict[str, str]:
    return {**os.environ, "CLAIMREVIEW_DATABASE_URL": db_url}


def run(*args: str, db_url: str, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    """Run the console script; standard input is a pipe (not a terminal) unless None."""
    assert SCRIPT, "the claimreview console script is not installed in this environment"
    return subprocess.run(
        [SCRIPT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(db_url),
        timeout=120,
    )


def run_at_terminal(*args: str, db_url: str, answer: str) -> subprocess.CompletedProcess[str]:
    """Run the console script with a terminal as standard input, typing ``answer``."""
    assert SCRIPT
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [SCRIPT, *args],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(db_url),
        )
        os.close(terminal)
        os.write(controller, answer.encode() + b"\n")
        out, err = process.communicate(timeout=120)
    finally:
        os.close(controller)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def site(tmp_path: Path) -> dict[str, Path | str]:
    """A SQLite database holding the first article, and the second article's file."""
    for name, body in ARTICLES.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    database = tmp_path / "data" / "claimreview.db"
    url = f"sqlite:///{database}"
    done = run("import", str(tmp_path / "first.txt"), db_url=url)
    assert done.returncode == 0, done.stderr
    return {"url": url, "database": database, "folder": tmp_path}


def _titles(url: str) -> list[str]:
    """The articles' titles, read straight from the file (quicker than `claimreview articles`)."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM articles ORDER BY id")]


def test_backup_then_restore_yes_brings_the_database_back(site: dict) -> None:
    url, folder = site["url"], site["folder"]
    target = folder / "backups" / "monday.db"
    target.parent.mkdir()

    done = run("backup", str(target), db_url=url)

    assert done.returncode == 0, done.stderr
    assert f"Backed up {site['database']} to {target}" in done.stderr
    assert "integrity check passed" in done.stderr
    assert done.stdout == ""
    assert target.is_file()
    before = _titles(url)
    assert run("import", str(folder / "second.txt"), db_url=url).returncode == 0
    assert len(_titles(url)) == len(before) + 1

    done = run("restore", str(target), "--yes", db_url=url)

    assert done.returncode == 0, done.stderr
    assert f"{target}: a claimreview backup at schema revision" in done.stderr
    assert "1 article(s)" in done.stderr
    kept = sorted(site["database"].parent.glob("claimreview.db.before-restore-*"))
    assert len(kept) == 1 and f"Kept the database as it was in {kept[0]}" in done.stderr
    assert f"Restored {site['database']} from {target}" in done.stderr
    assert _titles(url) == before


def test_backup_refuses_to_overwrite_without_force(site: dict) -> None:
    target = site["folder"] / "backup.db"
    target.write_text("an older backup, say")

    done = run("backup", str(target), db_url=site["url"])

    assert done.returncode == 2
    assert done.stderr.startswith("claimreview: error: ") and "already exists" in done.stderr
    assert "--force" in done.stderr and "Traceback" not in done.stderr
    assert target.read_text() == "an older backup, say"
    done = run("backup", str(target), "--force", db_url=site["url"])
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_backup_refuses_a_missing_folder(site: dict) -> None:
    done = run("backup", str(site["folder"] / "nowhere" / "b.db"), db_url=site["url"])
    assert done.returncode == 2
    assert "nowhere does not exist; create the folder first" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_restore_without_yes_refuses_when_no_one_can_be_asked(site: dict) -> None:
    url, folder = site["url"], site["folder"]
    target = folder / "b.db"
    assert run("backup", str(target), db_url=url).returncode == 0
    assert run("import", str(folder / "second.txt"), db_url=url).returncode == 0
    before = _titles(url)

    done = run("restore", str(target), db_url=url)  # stdin is a pipe

    assert done.returncode == 2
    assert "confirm with --yes" in done.stderr and "Nothing was changed" in done.stderr
    assert _titles(url) == before
    assert not list(site["database"].parent.glob("*.before-restore-*"))


def test_restore_asks_at_a_terminal(site: dict) -> None:
    url, folder = site["url"], site["folder"]
    target = folder / "b.db"
    assert run("backup", str(target), db_url=url).returncode == 0
    assert run("import", str(folder / "second.txt"), db_url=url).returncode == 0
    both = _titles(url)

    declined = run_at_terminal("restore", str(target), db_url=url, answer="n")

    assert declined.returncode == 1, declined.stderr
    assert "[y/N]" in declined.stderr and "Nothing was changed." in declined.stderr
    assert _titles(url) == both
    assert not list(site["database"].parent.glob("*.before-restore-*"))

    accepted = run_at_terminal("restore", str(target), db_url=url, answer="y")

    assert accepted.returncode == 0, accepted.stderr
    assert len(_titles(url)) == len(both) - 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"Just a note, not a database.\n" * 100, "is not a SQLite database"),
        (None, "no such file"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(site: dict, content: bytes | None, says: str) -> None:
    path = site["folder"] / "not-a-backup.db"
    if content is not None:
        path.write_bytes(content)
    before = _titles(site["url"])

    done = run("restore", str(path), "--yes", db_url=site["url"])

    assert done.returncode == 2
    assert says in done.stderr and "nothing was changed" in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert _titles(site["url"]) == before


def test_postgresql_gets_the_pg_dump_commands(tmp_path: Path) -> None:
    url = "postgresql+psycopg://team:hunter2@db.internal:5432/claimreview"
    for command in (["backup", str(tmp_path / "team.dump")], ["restore", "team.dump", "--yes"]):
        done = run(*command, db_url=url)
        assert done.returncode == 2, done.stderr
        assert "pg_dump -Fc --file=" in done.stderr and "pg_restore --clean" in done.stderr
        assert "postgresql://team@db.internal:5432/claimreview" in done.stderr
        assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "team.dump").exists()
