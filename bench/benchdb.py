"""The large database the review and dashboard pages are measured on.

Built once per scale by the bulk generator (``db.demo_data.generate``, not the import path) as
``data/bench-<scale>.db`` and kept: a later run reuses it when it holds the scale's number of
claims. Each run works on a copy in its own folder (deleted afterwards), so the reviews the
interaction steps save never change the kept file.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from common import DATA, Scale, get, row


def template_path(scale: Scale) -> Path:
    return DATA / f"bench-{scale.name}.db"


def _claims(database: Any) -> int:
    from sqlalchemy import func, select

    from db.models import Claim

    with database.read() as session:
        return session.scalar(select(func.count()).select_from(Claim)) or 0


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def step_build(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from claims.permissions import Actor
    from db.demo_data import CLAIMS_PER_ARTICLE, generate
    from db.engine import Database
    from db.models import Article
    from db.setup import prepare_database

    template = template_path(scale)
    generated, started = False, time.perf_counter()
    database, claims = None, 0
    if template.exists():
        try:
            database = prepare_database(Database(f"sqlite:///{template}"))
            claims = _claims(database)
        except Exception as error:  # unreadable, or made by another schema: build it again
            print(f"  {template} cannot be reused ({error}); building it again", file=sys.stderr)
    wanted = round(scale.database_claims / CLAIMS_PER_ARTICLE) * CLAIMS_PER_ARTICLE
    if claims != wanted:
        if database:
            database.dispose()
        _remove(template)
        database = prepare_database(Database(f"sqlite:///{template}"))

        shown: set[int] = set()

        def progress(done: int, total: int) -> None:
            tenth = done * 10 // total
            if tenth not in shown:
                shown.add(tenth)
                print(f"  generated {done:,} of {total:,} claims", file=sys.stderr, flush=True)

        generate(database, Actor.operator("bench"), scale.database_claims, progress=progress)
        claims, generated = _claims(database), True
    build_seconds = time.perf_counter() - started
    with database.read() as session:
        # The last generated article (synthetic ones have no file name): the one-article page.
        article_id = session.scalar(
            select(func.max(Article.id)).where(Article.source_filename.is_(None))
        )
    database.dispose()
    with sqlite3.connect(template) as connection:  # fold the WAL in, so one file is the copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    working = Path(context["run_dir"]) / "work.db"
    _remove(working)
    started = time.perf_counter()
    shutil.copyfile(template, working)
    return {
        "generated": generated,
        "seconds": build_seconds,
        "copy_seconds": time.perf_counter() - started,
        "claims": claims,
        "size_mb": template.stat().st_size / 1e6,
        "template": str(template),
        "context": {
            "database_url": f"sqlite:///{working}",
            "database_claims": claims,
            "dashboard_article_id": article_id,
        },
    }


STEPS = {"build": step_build}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    found = get(measurements, "benchdb.build")
    if not found:
        return []
    how = "generated" if found["generated"] else "reused"
    return [
        row(
            f"setup: {found['claims']:,}-claim database ({how})",
            found["seconds"],
            "s",
            target="(setup, not a target)",
            peak_mb=found["peak_mb"],
            file=found["template"],
            size_mb=found["size_mb"],
            copy_seconds=found["copy_seconds"],
        )
    ]
