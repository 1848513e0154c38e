"""Exports: one generated article to HTML, PDF, DOCX and XLSX (``claims.exports.export``).

Steps (each in its own process):
- ``prepare``: a new database with one article of the scale's size, made by the bulk generator
  (about a third of its claims reviewed, some twice, with cited sources and some decisions).
- one step per format: the bundle is read once (``db.queries.article_bundle``, its time in the
  details), then ``export(bundle, fmt)`` is timed: the first call, then the median of repeats.
  The baseline is the JSON export of the same bundle (the data serialized, nothing laid out).
"""

from __future__ import annotations

import statistics
from functools import partial
from pathlib import Path
from typing import Any

from common import Scale, get, median_seconds, row, seconds

FORMATS = {"html": "HTML", "pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX"}
TARGETS_S = {"html": 0.5, "pdf": 3.0}


def step_prepare(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from claims.permissions import Actor
    from db import demo_data
    from db.engine import Database
    from db.models import Article, Claim, Review
    from db.setup import prepare_database

    path = Path(context["run_dir"]) / "export.db"
    database = prepare_database(Database(f"sqlite:///{path}"))
    # One article of the wanted size: the generator writes articles of CLAIMS_PER_ARTICLE.
    demo_data.CLAIMS_PER_ARTICLE = scale.export_claims
    demo_data.generate(database, Actor.operator("bench"), scale.export_claims)
    with database.read() as session:
        article_id = session.scalar(select(func.max(Article.id)))
        claims = session.scalar(select(func.count()).select_from(Claim))
        reviews = session.scalar(select(func.count()).select_from(Review))
    database.dispose()
    return {
        "claims": claims,
        "reviews": reviews,
        "context": {"export_url": f"sqlite:///{path}", "export_article_id": article_id},
    }


def _export(fmt: str, scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from claims.exports import export
    from claims.permissions import Actor
    from db.engine import Database
    from db.queries import article_bundle

    database = Database(context["export_url"])
    bundle: dict[str, Any] = {}

    def read() -> None:
        with database.read() as session:
            bundle.update(
                article_bundle(session, Actor.operator("bench"), context["export_article_id"])
            )

    bundle_seconds = seconds(read)
    database.dispose()
    output: list[str | bytes] = []
    first = seconds(lambda: output.append(export(bundle, fmt)))
    times = [seconds(lambda: export(bundle, fmt)) for _ in range(scale.export_repeats)]
    return {
        "format": fmt,
        "claims": len(bundle["claims"]),
        "reviews": sum(len(c["reviews"]) for c in bundle["claims"]),
        "seconds": statistics.median(times),
        "first_seconds": first,
        "json_seconds": median_seconds(lambda: export(bundle, "json"), scale.export_repeats),
        "bundle_seconds": bundle_seconds,
        "bytes": len(output[0]),
    }


STEPS = {"prepare": step_prepare, **{fmt: partial(_export, fmt) for fmt in FORMATS}}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for fmt, label in FORMATS.items():
        found = get(measurements, f"exports.{fmt}")
        if not found:
            continue
        target = TARGETS_S.get(fmt)
        result.append(
            row(
                f"export {label}, {found['claims']:,} claims",
                found["seconds"],
                "s",
                baseline=found["json_seconds"],
                baseline_name="JSON export, same bundle",
                target=f"<{target:g} s" if target else "(no target)",
                met=found["seconds"] < target if target else None,
                peak_mb=found["peak_mb"],
                first_call_seconds=found["first_seconds"],
                bundle_read_seconds=found["bundle_seconds"],
                reviews=found["reviews"],
                output_bytes=found["bytes"],
            )
        )
    return result
