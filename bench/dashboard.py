"""Server time of the evidence-gap dashboards on a large database.

Fill a database first with the bulk generator, then measure it:

    CLAIMREVIEW_DATABASE_URL=sqlite:///data/big.db .venv/bin/claimreview demo-data --claims 1000000
    CLAIMREVIEW_DATABASE_URL=sqlite:///data/big.db .venv/bin/python bench/dashboard.py

Prints the median time of each query the page runs, and of the whole page (AppTest's script
run, caches cleared before every run, so nothing is served from memory; the page scripts are
compiled once, as on a server), for all articles and for one article. bench/run.py
(bench/dashboards.py) uses ``setup``, ``queries`` and ``page``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

REPEATS = 5
APP = str(Path(__file__).resolve().parent.parent / "review_app" / "app.py")


def median_seconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def setup(article_id: int | None = None) -> tuple[Any, Any, int, int, int]:
    """The configured database, an operator, an editor's user id, the claim count and an
    article (``article_id``, else the last one that has claims)."""
    from sqlalchemy import func, select

    from claims.permissions import Actor
    from db.accounts import create_user
    from db.engine import Database, database_url
    from db.models import Claim, User
    from db.setup import prepare_database

    database = prepare_database(Database(database_url()))
    actor = Actor.operator("bench")
    with database.read() as session:
        claims = session.scalar(select(func.count()).select_from(Claim))
        if article_id is None:
            article_id = session.scalar(select(func.max(Claim.article_id)))
        editor = session.scalar(select(User.id).where(User.username == "bench-editor"))
    if editor is None:
        editor = create_user(database, actor, "bench-editor", ["editor"], password="b" * 16)[0].id
    return database, actor, editor, claims, article_id


def queries(
    database: Any, actor: Any, article_id: int, *, everything: bool = True, one: bool = True
) -> list[tuple[str, Callable[[], object]]]:
    """(name, action) for each query the page runs, for all articles and/or one article."""
    from db import dashboard

    def query(fn: Callable, *args: object) -> Callable[[], object]:
        def run() -> object:
            with database.read() as session:
                return fn(session, actor, *args)

        return run

    every = dashboard.DashboardFilter()
    single = dashboard.DashboardFilter(article_id=article_id)
    rows = []
    if everything:
        rows += [
            ("overview, all articles", query(dashboard.overview, every)),
            ("articles ranked by open gaps", query(dashboard.articles_by_gaps, every)),
            ("reviewer throughput, all", query(dashboard.review_throughput, every)),
            ("filter choices, all", query(dashboard.filter_choices, None)),
            ("article choices", query(dashboard.article_choices)),
            ("claims of a gap (first 200)", query(dashboard.gap_claims, "no_review", every)),
            (
                "overview, a verdict filter",
                query(dashboard.overview, dashboard.DashboardFilter(verdict="misleading")),
            ),
            (
                "overview, a section filter",
                query(dashboard.overview, dashboard.DashboardFilter(section="Side effects")),
            ),
        ]
    if one:
        rows += [
            ("overview, one article", query(dashboard.overview, single)),
            ("reviewer throughput, one article", query(dashboard.review_throughput, single)),
            ("claim map of one article", query(dashboard.claim_map, article_id)),
        ]
    return rows


def page(editor: int, article: int | None) -> Callable[[], tuple[float, float]]:
    """An action that opens the dashboard page with caches cleared; returns its server time
    (wall and CPU seconds: the script runs in a thread of this process)."""
    from review_interaction import compile_once

    from review_app import resources

    compile_once()  # as a server does: the page scripts are compiled once, not per run

    def run() -> tuple[float, float]:
        resources.clear_cached_reads()
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["auth_user_id"] = editor
        if article is not None:
            at.query_params["article"] = str(article)
        at.switch_page("views/dashboard.py")
        started, started_cpu = time.perf_counter(), time.process_time()
        at.run()
        elapsed = time.perf_counter() - started, time.process_time() - started_cpu
        assert not at.exception, [e.value for e in at.exception]
        return elapsed

    return run


def median_page_seconds(
    editor: int, article: int | None, repeats: int = REPEATS
) -> tuple[float, float]:
    """Median (wall, CPU) seconds of the whole page, after one run that is not counted."""
    action = page(editor, article)
    action()  # imports and first connection, not counted
    runs = [action() for _ in range(repeats)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> int:
    database, actor, editor, claims, article_id = setup()
    print(f"{claims:,} claims; one article = article {article_id}")
    print(f"{'measure':<36} {'median':>10}")
    for name, action in queries(database, actor, article_id):
        print(f"{name:<36} {median_seconds(action) * 1000:>8.1f} ms")
    for name, article in (
        ("whole page, all articles", None),
        ("whole page, one article", article_id),
    ):
        wall, cpu = median_page_seconds(editor, article)
        print(f"{name:<36} {wall * 1000:>8.1f} ms  ({cpu * 1000:.1f} ms CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
