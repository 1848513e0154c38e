"""Dashboards: server time of the evidence-gap page on the run's copy of the generated database.

Steps (each in its own process), with bench/dashboard.py's ``page`` and ``queries``:
- ``overview``: the page for all articles, caches cleared before every run.
- ``article``: the page for one generated article (reviews, cues, decisions).
Each also times the page's queries alone (in the row's details) to show where the time goes.
"""

from __future__ import annotations

import os
from typing import Any

from common import Scale, get, median_seconds, quiet_streamlit, row

TARGET_MS = 200.0


def _measure(scale: Scale, context: dict[str, Any], *, one_article: bool) -> dict[str, Any]:
    os.environ["CLAIMREVIEW_DATABASE_URL"] = context["database_url"]
    from dashboard import median_page_seconds, queries, setup

    quiet_streamlit()

    article_id = context["dashboard_article_id"]
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


STEPS = {"overview": step_overview, "article": step_article}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    floor = get(measurements, "interaction.floor")
    result = []
    for step, label in (("overview", "all articles"), ("article", "one article")):
        found = get(measurements, f"dashboards.{step}")
        if not found:
            continue
        slowest = max(found["queries"].items(), key=lambda item: item[1])
        result.append(
            row(
                f"dashboard, {label}, {found['claims']:,} claims",
                found["ms"],
                "ms",
                baseline=floor["ms"] if floor else None,
                baseline_name="empty page rerun",
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
