"""Ingest: generated articles of realistic size through the product's import path, against the
floor of the same work done raw.

Steps (each in its own process, each on a new SQLite database under the run's folder):
- ``product``: ``db.articles.import_file`` once per article (read, split, one transaction per
  article with its claims, cues, audit event and evidence-gap facts).
- ``raw``: the same reading and splitting (``db.articles.read_and_split``), then the same rows
  (articles, claims, cues, audit events, facts) written by bulk inserts in one transaction,
  without the ORM's unit of work: the floor the import path is measured against.

Run alone: .venv/bin/python bench/ingest.py [ARTICLES]   (default 200)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import textgen
from common import SCALES, Scale, get, row, seconds

TARGET_RATIO = 1.25


def _texts(scale: Scale) -> list[bytes]:
    return [
        t.encode("utf-8")
        for t in textgen.articles(scale.ingest_articles, mean_chars=scale.article_chars)
    ]


def _fresh_database(context: dict[str, Any], name: str) -> Any:
    from db.engine import Database
    from db.setup import prepare_database

    folder = Path(context.get("run_dir") or tempfile.mkdtemp())
    path = folder / name
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return prepare_database(Database(f"sqlite:///{path}"))


def _counts(database: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from db.models import Article, AuditEvent, Claim, ClaimCue, ClaimFact

    with database.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Article, Claim, ClaimCue, AuditEvent, ClaimFact)
        }


def step_product(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from claims.permissions import Actor
    from db.articles import import_file, read_and_split

    texts = _texts(scale)
    database = _fresh_database(context, "ingest-product.db")
    actor = Actor.operator("bench")
    read_and_split(textgen.articles(1, seed=99)[0].encode(), "warm-up.txt")  # loads the data

    def run() -> None:
        for number, data in enumerate(texts, start=1):
            import_file(database, data, f"article-{number}.txt", actor=actor)

    cpu = time.process_time()
    elapsed = seconds(run)
    cpu = time.process_time() - cpu
    counts = _counts(database)
    database.dispose()
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "articles": len(texts),
        "bytes": sum(len(t) for t in texts),
        "counts": counts,
    }


def step_raw(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from claims.permissions import Actor
    from db.articles import (
        article_row,
        claim_row,
        content_hash,
        cue_rows,
        import_event_row,
        read_and_split,
    )
    from db.claim_facts import rebuild_all
    from db.models import Article, AuditEvent, Claim, ClaimCue

    texts = _texts(scale)
    database = _fresh_database(context, "ingest-raw.db")
    actor = Actor.operator("bench")
    read_and_split(textgen.articles(1, seed=99)[0].encode(), "warm-up.txt")
    split: list[tuple[str, Any, Any]] = []

    def read_all() -> None:
        for number, data in enumerate(texts, start=1):
            document, claims = read_and_split(data, f"article-{number}.txt")
            split.append((f"article-{number}.txt", document, claims))

    def write_all() -> None:
        # A new database: ids are known in advance, so no RETURNING round trips are needed.
        # The rows are the import path's own (db.articles' row builders).
        articles, claim_rows, cues, events = [], [], [], []
        claim_id = 0
        for article_id, (filename, document, claims) in enumerate(split, start=1):
            digest = content_hash(document.text)
            articles.append(
                {"id": article_id, **article_row(document, filename, digest, actor.user_id)}
            )
            for ordinal, claim in enumerate(claims, start=1):
                claim_id += 1
                claim_rows.append({"id": claim_id, **claim_row(article_id, ordinal, claim)})
                cues.extend(cue_rows(claim_id, claim))
            events.append(
                import_event_row(
                    article_id, document, claims, filename, digest, actor.user_id, actor.channel
                )
            )
        # A plain Session: no facts bookkeeping at commit; the facts are one INSERT ... SELECT.
        with Session(database.engine) as session, session.begin():
            session.execute(insert(Article.__table__), articles)
            session.execute(insert(Claim.__table__), claim_rows)
            if cues:
                session.execute(insert(ClaimCue.__table__), cues)
            session.execute(insert(AuditEvent.__table__), events)
            rebuild_all(session)

    cpu = time.process_time()
    read_seconds = seconds(read_all)
    write_seconds = seconds(write_all)
    cpu = time.process_time() - cpu
    counts = _counts(database)
    database.dispose()
    return {
        "seconds": read_seconds + write_seconds,
        "cpu_seconds": cpu,
        "read_split_seconds": read_seconds,
        "write_seconds": write_seconds,
        "articles": len(texts),
        "counts": counts,
    }


STEPS = {"product": step_product, "raw": step_raw}


def rows(scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    product = get(measurements, "ingest.product")
    raw = get(measurements, "ingest.raw")
    if not product:
        return []
    ratio = product["seconds"] / raw["seconds"] if raw else None
    same_rows = raw is not None and raw["counts"] == product["counts"]
    return [
        row(
            f"ingest {product['articles']:,} articles",
            product["seconds"],
            "s",
            baseline=raw["seconds"] if raw else None,
            baseline_name="split + 1 bulk transaction",
            target=f"≤{TARGET_RATIO:g}× raw",
            met=None if ratio is None else ratio <= TARGET_RATIO and same_rows,
            peak_mb=product["peak_mb"],
            baseline_peak_mb=raw["peak_mb"] if raw else None,
            articles_per_second=product["articles"] / product["seconds"],
            ratio_in_cpu_time=product["cpu_seconds"] / raw["cpu_seconds"] if raw else None,
            megabytes=product["bytes"] / 1e6,
            rows=product["counts"],
            raw_rows_match=same_rows,
            raw_read_split_seconds=raw["read_split_seconds"] if raw else None,
            raw_write_seconds=raw["write_seconds"] if raw else None,
        )
    ]


def main(articles: int) -> None:
    from dataclasses import replace

    scale = replace(SCALES["small"], ingest_articles=articles)
    with tempfile.TemporaryDirectory() as folder:
        measurements = {
            f"ingest.{name}": {**step(scale, {"run_dir": folder}), "peak_mb": None}
            for name, step in STEPS.items()
        }
    for line in rows(scale, measurements):
        print(line)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
