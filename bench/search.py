"""Search: server time of a search over the run's 1,000,000-claim database, SQLite and PostgreSQL.

The queries are taken from the generated claims themselves (a sample of 200): the sample's most
frequent word (a search that matches a large share of every claim), a word the sample has
once, two words of one claim, a quoted phrase of one claim, the common word within one article,
and the two-word search as a reviewer (whose blind-review rules add their checks); and "seen
before" (db/seen_before.py) for three claims of one article, as the review page asks (stored
matches), the dashboard's recurring claims, and matching one new claim against every claim (what
an import on the page waits for per claim, and the background matcher does; no target: it is
off the review's click path). Each is the median of ``Scale.page_repeats`` runs in a read
session, as the pages and ``claimreview`` call them. Target: under 100 ms each, on both
databases.

Steps: ``sqlite``, ``postgresql`` (skipped without a server; see bench/benchdb.py).
Run alone: .venv/bin/python bench/run.py --only benchdb,search
"""

from __future__ import annotations

import collections
import random
import time
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
    figures.update(_seen_before(scale, database, editor, article_id))
    database.dispose()
    return {"claims": claims, "entries": entries, "queries": figures}


def _seen_before(
    scale: Scale, database: Any, editor: Any, article_id: int
) -> dict[str, dict[str, Any]]:
    """ "Seen before" as the review page asks for it (stored matches), a new claim matched
    against every claim (what an import waits for, and the background matcher does), and the
    dashboard's recurring claims."""
    from sqlalchemy import select

    import db.claim_matches
    from db.claim_matches import find_matches, recurring_claims
    from db.models import Claim, ClaimMatch
    from db.seen_before import seen_before

    figures: dict[str, dict[str, Any]] = {}
    with database.read() as session:
        ids = session.scalars(
            select(Claim.id).where(Claim.article_id == article_id, Claim.checkable.is_(True))
            .order_by(Claim.ordinal)
        ).all()  # fmt: skip
        with_matches = session.scalars(
            select(ClaimMatch.claim_id).where(ClaimMatch.claim_id.in_(ids)).distinct().limit(2)
        ).all()
    for claim_id in [*with_matches, ids[0]]:

        def offered(claim_id: int = claim_id) -> Any:
            with database.read() as session:
                return seen_before(session, editor, claim_id)

        found = offered()
        figures[f"seen before (stored), claim {claim_id}"] = {
            "ms": median_seconds(offered, scale.page_repeats) * 1000,
            "hits": len(found),
            "more": False,
        }
    # Matching new claims: the last claims of the article searched again one by one, in a read
    # session as the matcher searches (nothing stored: the kept database stays as built).
    timings, stored = [], 0
    for number, claim_id in enumerate(ids[-scale.page_repeats :]):
        if number == 0:
            db.claim_matches._COUNTS.clear()  # the first one as a server's first
        with database.read() as session:
            claim = session.get(Claim, claim_id)
            began = time.perf_counter()
            stored += len(find_matches(session, claim))
            timings.append(time.perf_counter() - began)
    timings.sort()
    figures["matching a new claim against every claim"] = {
        "ms": timings[len(timings) // 2] * 1000,
        "slowest_ms": timings[-1] * 1000,
        "hits": stored,
        "more": False,
        "target": None,
    }
    for label, of in (("all articles", None), ("one article", article_id)):

        def recurring(of: int | None = of) -> Any:
            with database.read() as session:
                return recurring_claims(session, editor, article_id=of)

        found = recurring()
        figures[f"recurring claims, {label}"] = {
            "ms": median_seconds(recurring, scale.page_repeats) * 1000,
            "hits": len(found),
            "more": False,
        }
    return figures


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
                    target=f"<{TARGET_MS:g} ms" if figure.get("target", 1) else "",
                    met=figure["ms"] < TARGET_MS if figure.get("target", 1) else None,
                    peak_mb=found.get("peak_mb"),
                    results=figure["hits"],
                    more=figure["more"],
                    complete=figure.get("complete"),
                    entries=found["entries"],
                )
            )
    return result
