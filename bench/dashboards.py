"""Dashboards: server time of the evidence-gap page on the run's copy of the generated database.

Steps (each in its own process), with bench/dashboard.py's ``page`` and ``queries``:
- ``overview``: the page for all articles, caches cleared before every run.
- ``article``: the page for one generated article (reviews, cues, decisions).
Each also times the page's queries alone (in the row's details) to show where the time goes.
``overview_postgresql`` and ``article_postgresql`` do the same on the PostgreSQL copy of the
database (bench/benchdb.py), when a server is configured; their rows set each figure beside
SQLite's.
"""

from __future__ import annotations

import os
from typing import Any

from common import Scale, get, median_seconds, quiet_streamlit, row

TARGET_MS = 200.0


def _measure(
    scale: Scale, context: dict[str, Any], *, one_article: bool, on: str = ""
) -> dict[str, Any]:
    """The page's time on the run's SQLite database, or with ``on="postgres_"`` on PostgreSQL."""
    if f"{on}database_url" not in context:
        return {"skipped": "no PostgreSQL server (bench/benchdb.py)"}
    os.environ["CLAIMREVIEW_DATABASE_URL"] = context[f"{on}database_url"]
    from dashboard import median_page_seconds, queries, setup

    quiet_streamlit()

    article_id = context[f"{on}dashboard_article_id"]
    database, actor, editor, claims, article_id = setup(article_id)
    query_ms = {
        name: median_seconds(action, scale.page_repeats) * 1000
        for name, action in queries(
            database, actor, article_id, everything=not one_article, one=one_article
        )
    }
    wall, cpu = median_page_seconds(editor, article_id if one_article else None, scale.page_repeats)
    return {
        "ms": wall * 1000,
        "cpu_ms": cpu * 1000,
        "claims": claims,
        "article_id": article_id,
        "queries": query_ms,
    }


def step_overview(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, one_article=False)


def step_article(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, one_article=True)


def step_overview_postgresql(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, one_article=False, on="postgres_")


def step_article_postgresql(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, one_article=True, on="postgres_")


STEPS = {
    "overview": step_overview,
    "article": step_article,
    "overview_postgresql": step_overview_postgresql,
    "article_postgresql": step_article_postgresql,
}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    floor = get(measurements, "interaction.floor")
    result = []
    for step, label in (("overview", "all articles"), ("article", "one article")):
        on_sqlite = get(measurements, f"dashboards.{step}")
        on_postgres = get(measurements, f"dashboards.{step}_postgresql")
        for found, where in ((on_sqlite, "SQLite"), (on_postgres, "PostgreSQL")):
            if not found or "skipped" in found:
                continue
            # SQLite's row against an empty page's rerun; PostgreSQL's beside SQLite's.
            beside = floor if where == "SQLite" else on_sqlite
            slowest = max(found["queries"].items(), key=lambda item: item[1])
            result.append(
                row(
                    f"dashboard, {label}, {found['claims']:,} claims, {where}",
                    found["ms"],
                    "ms",
                    baseline=beside["ms"] if beside else None,
                    baseline_name="empty page rerun" if where == "SQLite" else "SQLite",
                    target=f"<{TARGET_MS:g} ms",
                    met=found["ms"] < TARGET_MS,
                    peak_mb=found["peak_mb"],
                    cpu_ms=found["cpu_ms"],
                    article_id=found["article_id"] if step == "article" else None,
                    slowest_query=f"{slowest[0]}: {slowest[1]:.1f} ms",
                    queries_ms=found["queries"],
                )
            )
    return result
