"""Search: server time of a search over the run's 1,000,000-claim database, SQLite and PostgreSQL.

The queries are taken from the generated claims themselves (a sample of 200): the sample's most
frequent word (a search that matches a large share of every claim), a word the sample has
once, two words of one claim, a quoted phrase of one claim, the common word within one article,
and the two-word search as a reviewer (whose blind-review rules add their checks); and "seen
before" (db/seen_before.py) for three claims of one article, as the review page asks: at first
look (no word counted yet since the server started) and once its words' counts are kept. Each
is the
median of ``Scale.page_repeats`` runs of ``db.search.search_claims`` in a read session, as the
Search page and ``claimreview search`` call it. Target: under 100 ms each, on both databases.

Steps: ``sqlite``, ``postgresql`` (skipped without a server; see bench/benchdb.py).
Run alone: .venv/bin/python bench/run.py --only benchdb,search
"""

from __future__ import annotations

import collections
import random
from typing import Any

from common import Scale, get, median_seconds, row

TARGET_MS = 100.0


def _queries(database: Any, article_id: int) -> dict[str, tuple[str, int | None]]:
    from sqlalchemy import func, select

    from claims.search import STOP_WORDS, words_of
    from db.models import Claim

    with database.read() as session:
        top = session.scalar(select(func.max(Claim.id)))
        rng = random.Random(7)
        ids = [rng.randint(1, top) for _ in range(200)]
        texts = session.scalars(select(Claim.text).where(Claim.id.in_(ids))).all()
    words = collections.Counter(
        w for t in texts for w in set(words_of(t)) if w not in STOP_WORDS and len(w) > 3
    )
    common = words.most_common(1)[0][0]
    rare = next(w for w, n in reversed(words.most_common()) if n == 1)
    claim = next(t for t in texts if len([w for w in words_of(t) if w not in STOP_WORDS]) >= 4)
    content = [w for w in words_of(claim) if w not in STOP_WORDS and len(w) > 3]
    pair = " ".join(content[:2])
    phrase = '"' + " ".join(words_of(claim)[:3]) + '"'
    return {
        f"common word ({common})": (common, None),
        f"rare word ({rare})": (rare, None),
        f"two words ({pair})": (pair, None),
        f"phrase ({phrase})": (phrase, None),
        f"common word in one article ({common})": (common, article_id),
        f"two words as a reviewer ({pair})": (pair, None),
    }


def _measure(scale: Scale, context: dict[str, Any], on: str) -> dict[str, Any]:
    if f"{on}database_url" not in context:
        return {"skipped": "no PostgreSQL server (bench/benchdb.py)"}
    from sqlalchemy import func, select

    from claims.permissions import Actor
    from claims.search import parse_query
    from db.accounts import actor_for, create_user
    from db.engine import Database
    from db.models import Claim, SearchEntry
    from db.search import SearchFilters, search_claims

    database = Database(context[f"{on}database_url"])
    operator = Actor.operator("bench")
    name = f"bench-search-{on or 'sqlite'}"
    try:
        user, _ = create_user(database, operator, name, ["reviewer"], password="bench password")
    except Exception:  # made by an earlier run of the kept database
        from db.accounts import list_users

        user = next(u for u in list_users(database, operator) if u.username == name)
    reviewer, editor = actor_for(user), Actor.operator("bench-editor")
    with database.read() as session:
        claims = session.scalar(select(func.count()).select_from(Claim))
        entries = session.scalar(select(func.count()).select_from(SearchEntry))
    figures: dict[str, dict[str, Any]] = {}
    article_id = context[f"{on}dashboard_article_id"]
    for label, (text, article) in _queries(database, article_id).items():
        actor = reviewer if "reviewer" in label else editor
        query, filters = parse_query(text), SearchFilters(article_id=article)

        def run(actor: Actor = actor, query: Any = query, filters: Any = filters) -> Any:
            with database.read() as session:
                return search_claims(session, actor, query, filters)

        found = run()
        figures[label] = {
            "ms": median_seconds(run, scale.page_repeats) * 1000,
            "hits": len(found.hits),
            "more": found.more,
            "complete": found.complete,
        }
    # "Seen before" for claims of the dashboard article, as the review page asks for it.
    from db.seen_before import seen_before

    with database.read() as session:
        claim_ids = session.scalars(
            select(Claim.id).where(Claim.article_id == article_id).order_by(Claim.ordinal).limit(5)
        ).all()
    import db.seen_before

    for claim_id in claim_ids[:3]:

        def offered(claim_id: int = claim_id, cold: bool = False) -> Any:
            if cold:  # as the first claim with these words since the server started
                db.seen_before._COUNTS.clear()
            with database.read() as session:
                return seen_before(session, editor, claim_id)

        found = offered()
        for state, cold in (("first look", True), ("words counted", False)):
            figures[f"seen before, claim {claim_id}, {state}"] = {
                "ms": median_seconds(lambda c=cold: offered(cold=c), scale.page_repeats) * 1000,
                "hits": len(found),
                "more": False,
            }
    database.dispose()
    return {"claims": claims, "entries": entries, "queries": figures}


def step_sqlite(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, "")


def step_postgresql(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _measure(scale, context, "postgres_")


STEPS = {"sqlite": step_sqlite, "postgresql": step_postgresql}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for step, where in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        found = get(measurements, f"search.{step}")
        if not found or "skipped" in found:
            continue
        for label, figure in found["queries"].items():
            result.append(
                row(
                    f"search, {label}, {found['claims']:,} claims, {where}",
                    figure["ms"],
                    "ms",
                    target=f"<{TARGET_MS:g} ms",
                    met=figure["ms"] < TARGET_MS,
                    peak_mb=found.get("peak_mb"),
                    results=figure["hits"],
                    more=figure["more"],
                    complete=figure.get("complete"),
                    entries=found["entries"],
                )
            )
    return result
