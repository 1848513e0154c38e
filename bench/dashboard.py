"""Server time of the evidence-gap dashboards on a large database.

Fill a database first with the bulk generator, then measure it:

    CLAIMREVIEW_DATABASE_URL=sqlite:///data/big.db .venv/bin/claimreview demo-data --claims 1000000
    CLAIMREVIEW_DATABASE_URL=sqlite:///data/big.db .venv/bin/python bench/dashboard.py

Prints the median time of each query the page runs, and of the whole page (AppTest's script
run, caches cleared before every run, so nothing is served from memory), for all articles and
for one article.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPEATS = 5


def median_seconds(action: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    from sqlalchemy import func, select

    from claims.permissions import Actor
    from db import dashboard
    from db.accounts import create_user
    from db.engine import Database, database_url
    from db.models import Claim, User
    from db.setup import prepare_database
    from review_app import resources

    database = prepare_database(Database(database_url()))
    actor = Actor.operator("bench")
    with database.read() as session:
        claims = session.scalar(select(func.count()).select_from(Claim))
        article_id = session.scalar(select(func.max(Claim.article_id)))
        editor = session.scalar(select(User.id).where(User.username == "bench-editor"))
    if editor is None:
        editor = create_user(database, actor, "bench-editor", ["editor"], password="b" * 16)[0].id
    print(f"{claims:,} claims; one article = article {article_id}")
    everything = dashboard.DashboardFilter()
    one = dashboard.DashboardFilter(article_id=article_id)

    def query(fn: Callable, *args: object) -> Callable[[], object]:
        def run() -> object:
            with database.read() as session:
                return fn(session, actor, *args)

        return run

    rows = [
        ("overview, all articles", query(dashboard.overview, everything)),
        ("overview, one article", query(dashboard.overview, one)),
        ("articles ranked by open gaps", query(dashboard.articles_by_gaps, everything)),
        ("reviewer throughput, all", query(dashboard.review_throughput, everything)),
        ("reviewer throughput, one article", query(dashboard.review_throughput, one)),
        ("filter choices, all", query(dashboard.filter_choices, None)),
        ("article choices", query(dashboard.article_choices)),
        ("claims of a gap (first 200)", query(dashboard.gap_claims, "no_review", everything)),
        ("claim map of one article", query(dashboard.claim_map, article_id)),
        (
            "overview, a verdict filter",
            query(dashboard.overview, dashboard.DashboardFilter(verdict="misleading")),
        ),
        (
            "overview, a section filter",
            query(dashboard.overview, dashboard.DashboardFilter(section="Side effects")),
        ),
    ]
    app = str(Path(__file__).resolve().parent.parent / "review_app" / "app.py")

    def page(article: int | None) -> Callable[[], object]:
        def run() -> object:
            resources.clear_cached_reads()
            at = AppTest.from_file(app, default_timeout=120)
            at.session_state["auth_user_id"] = editor
            if article is not None:
                at.query_params["article"] = str(article)
            at.switch_page("views/dashboard.py")
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            return at

        return run

    page(None)()  # imports and first connection, not counted
    rows += [
        ("whole page, all articles", page(None)),
        ("whole page, one article", page(article_id)),
    ]
    print(f"{'measure':<36} {'median':>10}")
    for name, action in rows:
        print(f"{name:<36} {median_seconds(action) * 1000:>8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
