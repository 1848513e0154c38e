"""The large database the review and dashboard pages are measured on.

Built once per scale by the bulk generator (``db.demo_data.generate``, not the import path) as
``data/bench-<scale>.db`` and kept: a later run reuses it when it holds the scale's number of
claims. Each run works on a copy in its own folder (deleted afterwards), so the reviews the
interaction steps save never change the kept file.

Where a PostgreSQL server is configured (``CLAIMREVIEW_BENCH_POSTGRES_URL``, else
``CLAIMREVIEW_TEST_POSTGRES_URL``: a server where the bench may create databases), the same
database is built there too, as ``claimreview_bench_<scale>``, kept and reused the same way. Only
the dashboards read it (they write nothing but their editor's account), so it needs no copy.
"""

from __future__ import annotations

import os
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


POSTGRES_VARIABLES = ("CLAIMREVIEW_BENCH_POSTGRES_URL", "CLAIMREVIEW_TEST_POSTGRES_URL")


def postgres_server_url() -> str | None:
    return next((os.environ[v] for v in POSTGRES_VARIABLES if os.environ.get(v)), None)


def _progress() -> Any:
    shown: set[int] = set()

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // total
        if tenth not in shown:
            shown.add(tenth)
            print(f"  generated {done:,} of {total:,} claims", file=sys.stderr, flush=True)

    return progress


def _last_generated_article(database: Any) -> int | None:
    from sqlalchemy import func, select

    from db.models import Article

    with database.read() as session:
        # The last generated article (synthetic ones have no file name): the one-article page.
        return session.scalar(select(func.max(Article.id)).where(Article.source_filename.is_(None)))


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def step_build(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:

    from claims.permissions import Actor
    from db.demo_data import CLAIMS_PER_ARTICLE, generate
    from db.engine import Database
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
        generate(database, Actor.operator("bench"), scale.database_claims, progress=_progress())
        claims, generated = _claims(database), True
    build_seconds = time.perf_counter() - started
    article_id = _last_generated_article(database)
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


def step_build_postgresql(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from claims.permissions import Actor
    from db.demo_data import CLAIMS_PER_ARTICLE, generate
    from db.engine import Database
    from db.setup import prepare_database

    server = postgres_server_url()
    if not server:
        return {"skipped": f"no PostgreSQL server: set {POSTGRES_VARIABLES[0]}"}
    name = f"claimreview_bench_{scale.name}"
    server_url = make_url(server).set(drivername="postgresql+psycopg")
    url = server_url.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    exists = text("SELECT 1 FROM pg_database WHERE datname = :name")
    with admin.connect() as connection:
        if not connection.scalar(exists, {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    started, generated = time.perf_counter(), False
    database = prepare_database(Database(url))
    claims = _claims(database)
    wanted = round(scale.database_claims / CLAIMS_PER_ARTICLE) * CLAIMS_PER_ARTICLE
    if claims != wanted:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        database = prepare_database(Database(url))
        generate(database, Actor.operator("bench"), scale.database_claims, progress=_progress())
        database.refresh_statistics()
        claims, generated = _claims(database), True
    article_id = _last_generated_article(database)
    with database.read() as session:
        size = session.scalar(text("SELECT pg_database_size(current_database())"))
    database.dispose()
    admin.dispose()
    return {
        "generated": generated,
        "seconds": time.perf_counter() - started,
        "claims": claims,
        "size_mb": size / 1e6,
        "template": name,
        "context": {
            "postgres_database_url": url,
            "postgres_dashboard_article_id": article_id,
        },
    }


STEPS = {"build": step_build, "build_postgresql": step_build_postgresql}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for step, where in (("build", "SQLite"), ("build_postgresql", "PostgreSQL")):
        found = get(measurements, f"benchdb.{step}")
        if not found or "skipped" in found:
            continue
        how = "generated" if found["generated"] else "reused"
        result.append(
            row(
                f"setup: {found['claims']:,}-claim database on {where} ({how})",
                found["seconds"],
                "s",
                target="(setup, not a target)",
                peak_mb=found["peak_mb"],
                database=found["template"],
                size_mb=found["size_mb"],
                copy_seconds=found.get("copy_seconds"),
            )
        )
    return result
