"""What must hold in a database after concurrent saves or a crash; each check returns problems.

Every function reads through a read session and returns a list of human-readable problems
(empty: all holds), so a suite can count failures, record them as figures and assert once.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC
from itertools import pairwise
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload

from db.claim_facts import COUNT_COLUMNS, live_facts
from db.engine import Database
from db.models import (
    Article,
    ArticleFact,
    ArticleTotal,
    AuditEvent,
    Claim,
    ClaimFact,
    Decision,
    Review,
    ReviewDay,
)

MAX_PROBLEMS = 20  # per check: enough to see a pattern, not a wall of text


def review_snapshot(review: Review) -> dict[str, Any]:
    """A review as its audit event's ``after`` records it (db.reviews._snapshot)."""
    return {
        "verdict": review.verdict,
        "certainty": review.certainty,
        "rationale": review.rationale,
        "status": review.status,
        "grade": json.loads(review.grade) if review.grade else None,
        "citations": [
            {
                "citation_id": c.citation_id,
                "stance": c.stance,
                "quote": c.quote,
                "locator": c.locator,
            }
            for c in review.citations
        ],
    }


def review_events(session: Session) -> dict[int, list[AuditEvent]]:
    """Every review's audit events, oldest first."""
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    query = select(AuditEvent).where(AuditEvent.entity_type == "review").order_by(AuditEvent.id)
    for event in session.scalars(query):
        events[event.entity_id].append(event)
    return events


def sqlite_integrity(database: Database) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` on a fresh connection of its own."""
    if database.dialect != "sqlite":
        return []
    path = make_url(database.url).database
    connection = sqlite3.connect(path, timeout=30)
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    problems = [] if integrity == ["ok"] else [f"integrity_check: {integrity[:5]}"]
    if foreign:
        problems.append(f"foreign_key_check: {len(foreign)} rows, e.g. {foreign[:3]}")
    return problems


def facts_problems(database: Database) -> list[str]:
    """claim_facts and article_facts equal a fresh computation from the reviews."""
    columns = (
        ClaimFact.claim_id,
        ClaimFact.article_id,
        ClaimFact.section,
        ClaimFact.verdict_state,
        ClaimFact.certainty_state,
        *(getattr(ClaimFact, c) for c in COUNT_COLUMNS),
    )
    keys = (ClaimFact.article_id, ClaimFact.verdict_state, ClaimFact.certainty_state)
    with database.read() as session:
        stored = {r[0]: tuple(r) for r in session.execute(select(*columns))}
        live = live_facts(literal(True)).subquery()
        computed = {r[0]: tuple(r) for r in session.execute(select(live))}
        sums = {
            tuple(r[:3]): tuple(int(v) for v in r[3:])
            for r in session.execute(
                select(
                    ArticleFact.article_id,
                    ArticleFact.verdict_state,
                    ArticleFact.certainty_state,
                    *(getattr(ArticleFact, c) for c in COUNT_COLUMNS),
                )
            )
        }
        summed = {
            tuple(r[:3]): tuple(int(v) for v in r[3:])
            for r in session.execute(
                select(*keys, *(func.sum(getattr(ClaimFact, c)) for c in COUNT_COLUMNS)).group_by(
                    *keys
                )
            )
        }
    problems = []
    missing = computed.keys() - stored.keys()
    extra = stored.keys() - computed.keys()
    if missing:
        problems.append(f"claim_facts lacks {len(missing)} claims, e.g. {sorted(missing)[:5]}")
    if extra:
        problems.append(f"claim_facts has {len(extra)} claims that do not exist")
    differ = [c for c in computed.keys() & stored.keys() if computed[c] != stored[c]]
    problems += [
        f"claim {c}: stored facts {stored[c]} != computed {computed[c]}"
        for c in sorted(differ)[:MAX_PROBLEMS]
    ]
    if sums != summed:
        wrong = sorted(k for k in sums.keys() | summed.keys() if sums.get(k) != summed.get(k))
        problems += [
            f"article_facts {k}: stored {sums.get(k)} != summed {summed.get(k)}"
            for k in wrong[:MAX_PROBLEMS]
        ]
    with database.read() as session:
        totals = {
            r[0]: tuple(int(v) for v in r[1:])
            for r in session.execute(
                select(ArticleTotal.article_id, *(getattr(ArticleTotal, c) for c in COUNT_COLUMNS))
            )
        }
    totalled: dict[int, tuple[int, ...]] = {}
    for (article_id, _verdict, _certainty), counts in summed.items():
        before = totalled.get(article_id, (0,) * len(counts))
        totalled[article_id] = tuple(a + b for a, b in zip(before, counts, strict=True))
    wrong_totals = sorted(
        k for k in totals.keys() | totalled.keys() if totals.get(k) != totalled.get(k)
    )
    problems += [
        f"article_totals {k}: stored {totals.get(k)} != summed {totalled.get(k)}"
        for k in wrong_totals[:MAX_PROBLEMS]
    ]
    return problems + review_day_problems(database)


def review_day_problems(database: Database) -> list[str]:
    """review_days equals the submitted reviews counted per reviewer and day."""
    with database.read() as session:
        stored = {
            (r, str(d)): n
            for r, d, n in session.execute(
                select(ReviewDay.reviewer_id, ReviewDay.day, ReviewDay.reviews)
            )
        }
        # Counted here in Python from each review's time, apart from the SQL that keeps them.
        counted: dict[tuple[int, str], int] = {}
        for reviewer, submitted in session.execute(
            select(Review.reviewer_id, Review.submitted_at).where(
                Review.status == "submitted", Review.submitted_at.is_not(None)
            )
        ):
            key = (reviewer, str(submitted.astimezone(UTC).date()))
            counted[key] = counted.get(key, 0) + 1
    wrong = sorted(k for k in stored.keys() | counted.keys() if stored.get(k) != counted.get(k))
    return [
        f"review_days {k}: stored {stored.get(k)} != counted {counted.get(k)}"
        for k in wrong[:MAX_PROBLEMS]
    ]


def review_problems(database: Database) -> list[str]:
    """Every review is whole and its audit trail accounts for every version of it.

    A submitted review has a verdict, a certainty and a submission time. Its audit events are
    exactly one per save (so as many as its version), only the first has no ``before``, each one's
    ``before`` is the previous one's ``after``, and the last one's ``after`` is the row as
    stored, citations included."""
    problems: list[str] = []
    with database.read() as session:
        events = review_events(session)
        reviews = session.scalars(
            select(Review).options(selectinload(Review.citations)).order_by(Review.id)
        ).all()
        for review in reviews:
            trail = events.get(review.id, [])
            if review.status == "submitted" and (
                review.verdict is None or review.certainty is None or review.submitted_at is None
            ):
                problems.append(f"review {review.id} is submitted but incomplete")
            if review.status not in ("draft", "submitted"):
                problems.append(f"review {review.id} has status {review.status!r}")
            if len(trail) != review.version:
                problems.append(
                    f"review {review.id}: version {review.version} but {len(trail)} audit events"
                )
            if not trail:
                continue
            # A review's first save creates it ("create", or "submit" when submitted at once).
            if trail[0].before is not None or any(e.before is None for e in trail[1:]):
                problems.append(f"review {review.id}: a save other than its first created it")
            for previous, event in pairwise(trail):
                if event.before != previous.after:
                    problems.append(
                        f"review {review.id}: event {event.id} starts from a state the trail "
                        f"never recorded (a lost update)"
                    )
            if trail[-1].after != review_snapshot(review):
                problems.append(f"review {review.id}: stored row differs from its last event")
        orphans = sorted(events.keys() - {r.id for r in reviews})
        if orphans:
            problems.append(f"audit events for reviews that do not exist: {orphans[:5]}")
    return problems[: MAX_PROBLEMS * 2]


def article_problems(database: Database, expected_claims: dict[str, int]) -> list[str]:
    """Every article has all its claims: as many as its import event says and, where the
    importer noted it beforehand, as many as it split the text into."""
    problems: list[str] = []
    with database.read() as session:
        counts = dict(
            session.execute(select(Claim.article_id, func.count()).group_by(Claim.article_id)).all()
        )
        imports: dict[int, list[AuditEvent]] = defaultdict(list)
        for event in session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "article", AuditEvent.action == "import"
            )
        ):
            imports[event.entity_id].append(event)
        for article_id, digest in session.execute(select(Article.id, Article.content_hash)):
            have = counts.get(article_id, 0)
            events = imports.get(article_id, [])
            if len(events) != 1:
                problems.append(f"article {article_id}: {len(events)} import events")
            elif (events[0].after or {}).get("claims") != have:
                problems.append(
                    f"article {article_id}: {have} claims, its import recorded "
                    f"{(events[0].after or {}).get('claims')}"
                )
            if digest in expected_claims and expected_claims[digest] != have:
                problems.append(
                    f"article {article_id}: {have} claims, the importer split "
                    f"{expected_claims[digest]}"
                )
            if have == 0:
                problems.append(f"article {article_id} has no claims")
        ordinals = session.execute(
            select(Claim.article_id, func.min(Claim.ordinal), func.max(Claim.ordinal)).group_by(
                Claim.article_id
            )
        ).all()
        for article_id, low, high in ordinals:
            if low != 1 or high != counts[article_id]:
                problems.append(f"article {article_id}: claim ordinals {low}..{high}")
    return problems[: MAX_PROBLEMS * 2]


def unanimity_problems(database: Database, article_id: int) -> list[str]:
    """On an article that accepts unanimous reviews (and assigns nobody), a claim has an
    automatic decision exactly when two or more submitted reviews all give one finding, and
    the decision gives that finding."""
    problems = []
    with database.read() as session:
        submitted: dict[int, set[tuple[str | None, str | None]]] = defaultdict(set)
        count: dict[int, int] = defaultdict(int)
        rows = session.execute(
            select(Review.claim_id, Review.verdict, Review.certainty)
            .join(Claim, Claim.id == Review.claim_id)
            .where(Claim.article_id == article_id, Review.status == "submitted")
        )
        for claim_id, verdict, certainty in rows:
            submitted[claim_id].add((verdict, certainty))
            count[claim_id] += 1
        decisions = {
            d.claim_id: d
            for d in session.scalars(
                select(Decision).join(Claim).where(Claim.article_id == article_id)
            )
        }
        checkable = session.scalars(
            select(Claim.id).where(Claim.article_id == article_id, Claim.checkable.is_(True))
        ).all()
        for claim_id in checkable:
            agree = count[claim_id] >= 2 and len(submitted[claim_id]) == 1
            decision = decisions.get(claim_id)
            if agree and decision is None:
                problems.append(f"claim {claim_id}: {count[claim_id]} agreeing, no decision")
            elif decision is not None and not agree:
                problems.append(
                    f"claim {claim_id}: automatic decision stands over findings "
                    f"{sorted(map(str, submitted[claim_id]))}"
                )
            elif (
                decision is not None
                and {(decision.verdict, decision.certainty)} != submitted[claim_id]
            ):
                problems.append(f"claim {claim_id}: decision differs from the agreed finding")
    return problems
