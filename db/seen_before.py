"""Claims the desk has seen before: earlier claims of other articles that say the same thing.

Health myths come back article after article; a reviewer should meet last month's finding on
the same claim, with its sources, before searching again. The candidates are claims with a
finding (an editor's decision, or submitted reviews), found by the full-text index's "settled"
entries (db/search_index.py) for any of the claim's content words; claims.matching re-ranks
them by a measure that handles paraphrase and tells a negated claim apart ("opposite").

What is offered keeps to who may read what: a decision is open to every reader, reviews only
as db.reviews.readable_reviews shows them. Under blind review, a reviewer who has not yet
submitted their own review of the claim is offered only final decisions: other reviewers'
verdicts on the same claim elsewhere would otherwise lead them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, column, func, literal_column, select, table
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.matching import OPPOSITE, SAME, rank, search_terms
from claims.permissions import READ_ALL_REVIEWS, READ_ARTICLES, Actor
from db.assignments import blind_under
from db.citations import citation_info
from db.models import (
    Article,
    Citation,
    Claim,
    ClaimFact,
    Decision,
    DecisionReview,
    Review,
    SearchEntry,
)
from db.reviews import readable_reviews
from db.search_index import FTS_TABLE, SETTLED

CANDIDATES = 30  # earlier claims the index offers the matcher
TERMS = 8  # the claim's words the index is asked about, rarest first
RANKED = 5000  # entries ranked at most, for the candidates
COUNTS_KEPT_SECONDS = 600.0
COUNTS_KEPT = 20_000
SHOWN = 3


@dataclass(frozen=True)
class EarlierSource:
    citation_id: int
    label: str  # Vancouver style where the library knows the details, else "PMID 123"
    identifier: str
    kind: str
    stance: str | None


@dataclass(frozen=True)
class EarlierClaim:
    claim_id: int
    article_id: int
    article_title: str
    ordinal: int
    text: str
    similarity: float
    relation: str  # claims.matching.SAME or OPPOSITE (RELATED ones are not offered)
    verdict: str | None  # the decision's, or the one the readable reviews agree on
    certainty: str | None
    decided: bool  # an editor's decision (else: submitted reviews)
    reviews: int  # the readable submitted reviews the finding rests on
    sources: tuple[EarlierSource, ...]


def _matching(session: Session, expression: str, ranked: bool = True) -> Any:
    """Entries (entry id, score: higher is better) matching a query written as FTS5 text for
    SQLite (``"a" OR "b"``), turned into to_tsquery text on PostgreSQL. Entries of every kind:
    the index answers a plain word query fastest, and the few matches are then narrowed to
    settled claims by the join."""
    if session.get_bind().dialect.name == "postgresql":
        text = expression.replace('"', "'").replace(" OR ", " | ").replace(" AND ", " & ")
        ts = func.to_tsquery(literal_column("'english'"), bindparam("q", text))
        document = literal_column("search_entries.document")
        score = func.ts_rank(document, ts)
        columns = [SearchEntry.id.label("entry_id")] + ([score.label("score")] if ranked else [])
        return select(*columns).where(SearchEntry.kind == SETTLED, document.op("@@")(ts))
    fts = table(FTS_TABLE, column("rowid"), column("rank"))
    # A count must not select the rank: FTS5 would score every row it counts.
    columns = [fts.c.rowid.label("entry_id")] + ([(-fts.c.rank).label("score")] if ranked else [])
    return select(*columns).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam("q", f"body : ({expression})"))
    )


_COUNTS: dict[tuple[str, str], tuple[float, int]] = {}  # (database, query) -> (when, count)


def _count(session: Session, expression: str) -> int:
    """How many entries match, counted no further than ``RANKED`` + 1. Kept for
    ``COUNTS_KEPT_SECONDS``: a word's frequency in thousands of claims hardly moves in
    minutes, it only chooses the query's shape, and counting a common word costs ~10 ms."""
    key = (str(session.get_bind().url), expression)
    now = time.monotonic()
    kept = _COUNTS.get(key)
    if kept is not None and now - kept[0] < COUNTS_KEPT_SECONDS:
        return kept[1]
    matching = _matching(session, expression, ranked=False).limit(RANKED + 1).subquery()
    count = session.scalar(select(func.count()).select_from(matching)) or 0
    if count:  # a word no claim has yet may be in the next decision's claim
        if len(_COUNTS) >= COUNTS_KEPT:
            _COUNTS.clear()
        _COUNTS[key] = (now, count)
    return count


def _query_terms(session: Session, text: str) -> str | None:
    """The candidates' query: an OR of the claim's rarest words, as many as keep the entries to
    rank within ``RANKED`` (ranking every claim that shares a common word would take longer
    than the page may). When even the rarest word is that common, its words together (AND),
    as few as bring the matches within ``RANKED``."""
    counted = []
    for order, term in enumerate(search_terms(text, limit=TERMS)):
        count = _count(session, f'"{term}"')
        if count:
            counted.append((count, order, term))
    if not counted:
        return None
    counted.sort()
    chosen, total = [], 0
    for count, _, term in counted:
        if chosen and total + count > RANKED:
            break
        chosen.append(term)
        total += count
    if total <= RANKED or len(counted) == 1:
        return " OR ".join(f'"{term}"' for term in chosen)
    together = [counted[0][2]]
    for _, _, term in counted[1:]:
        together.append(term)
        expression = " AND ".join(f'"{t}"' for t in together)
        if _count(session, expression) <= RANKED:
            break
    return expression


def _candidates(session: Session, text: str, article_id: int) -> list[tuple[int, str]]:
    """(claim id, text) of settled claims of other articles sharing words with ``text``."""
    expression = _query_terms(session, text)
    if expression is None:
        return []
    found = _matching(session, expression).subquery()
    best = (
        select(SearchEntry.claim_id, found.c.score)
        .join(found, found.c.entry_id == SearchEntry.id)
        .where(SearchEntry.kind == SETTLED, SearchEntry.article_id != article_id)
        .order_by(found.c.score.desc())
        .limit(CANDIDATES * 2)
        .subquery()
    )
    rows = session.execute(
        select(Claim.id, Claim.text)
        .join(best, best.c.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.archived_at.is_(None))
        .order_by(best.c.score.desc())
        .limit(CANDIDATES)
    ).all()
    return [(claim_id, claim_text) for claim_id, claim_text in rows]


def _decisions_only(session: Session, actor: Actor, claim_id: int) -> bool:
    """Whether blind review limits what this reader is offered for this claim to decisions."""
    if actor.can(READ_ALL_REVIEWS):
        return False
    found = session.execute(
        select(Claim.article_id, Article.blind_review)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.id == claim_id)
    ).first()
    if found is None or not blind_under(session, found.article_id, found.blind_review):
        return False
    mine = session.scalar(
        select(Review.status).where(
            Review.claim_id == claim_id, Review.reviewer_id == actor.user_id
        )
    )
    return mine != "submitted"


def _sources(session: Session, cited: list[tuple[int, str | None]]) -> tuple[EarlierSource, ...]:
    """The sources cited, each once (its first stance), in the order first cited."""
    stances: dict[int, str | None] = {}
    for citation_id, stance in cited:
        stances.setdefault(citation_id, stance)
    if not stances:
        return ()
    found = {
        c.id: citation_info(c)
        for c in session.scalars(select(Citation).where(Citation.id.in_(list(stances))))
    }
    return tuple(
        EarlierSource(
            citation_id=i,
            label=found[i].vancouver()
            if found[i].title
            else f"{found[i].kind.upper()} {found[i].identifier}",
            identifier=found[i].identifier,
            kind=found[i].kind,
            stance=stance,
        )
        for i, stance in stances.items()
        if i in found
    )


def _finding(
    session: Session, actor: Actor, claim_id: int, only_decisions: bool
) -> tuple[str | None, str | None, bool, int, tuple[EarlierSource, ...]] | None:
    """(verdict, certainty, decided, reviews, sources) of an earlier claim, as the actor may
    read them; None when nothing of it may be offered."""
    decision = session.scalar(select(Decision).where(Decision.claim_id == claim_id))
    if decision is not None:
        based_on = set(
            session.scalars(
                select(DecisionReview.review_id).where(DecisionReview.decision_id == decision.id)
            )
        )
        # The decision's own reviews (read here without the reader's limits: a decision and
        # what it rests on are open to all), else every submitted review of the claim.
        rows = session.execute(
            select(Review.id, Review.status).where(Review.claim_id == claim_id)
        ).all()
        resting = [
            i for i, status in rows if (i in based_on if based_on else status == "submitted")
        ]
        cited = [
            (link.citation_id, link.stance)
            for review in session.scalars(select(Review).where(Review.id.in_(resting)))
            for link in review.citations
        ]
        return (
            decision.verdict, decision.certainty, True, len(resting), _sources(session, cited)
        )  # fmt: skip
    if only_decisions:
        return None
    submitted = [
        r for r in readable_reviews(session, actor, claim_id).reviews if r.status == "submitted"
    ]
    if not submitted:
        return None
    fact = session.get(ClaimFact, claim_id)
    verdicts = {r.verdict for r in submitted}
    certainties = {r.certainty for r in submitted}
    verdict = verdicts.pop() if len(verdicts) == 1 else None
    certainty = certainties.pop() if len(certainties) == 1 else None
    if fact is not None and fact.verdict_state == "disagreement":
        verdict = None
    cited = [(c.citation_id, c.stance) for r in submitted for c in r.citations]
    return verdict, certainty, False, len(submitted), _sources(session, cited)


def seen_before(
    session: Session, actor: Actor, claim_id: int, limit: int = SHOWN
) -> list[EarlierClaim]:
    """The closest earlier claims of other articles with a finding the actor may read, best
    first: the same claim (paraphrased) or its opposite (negated)."""
    actor.require(READ_ARTICLES)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    elsewhere = select(SearchEntry.id).where(
        SearchEntry.kind == SETTLED, SearchEntry.article_id != claim.article_id
    )
    if session.scalar(elsewhere.limit(1)) is None:
        return []  # no other article has a finding yet: one index probe, not a search
    candidates = _candidates(session, claim.text, claim.article_id)
    if not candidates:
        return []
    only_decisions = _decisions_only(session, actor, claim_id)
    offered: list[EarlierClaim] = []
    for match in rank(claim.text, candidates, limit=len(candidates)):
        if match.relation not in (SAME, OPPOSITE):
            continue
        finding = _finding(session, actor, match.key, only_decisions)
        if finding is None:
            continue
        verdict, certainty, decided, reviews, sources = finding
        earlier = session.get(Claim, match.key)
        offered.append(
            EarlierClaim(
                claim_id=match.key,
                article_id=earlier.article_id,
                article_title=earlier.article.title,
                ordinal=earlier.ordinal,
                text=match.text,
                similarity=match.similarity,
                relation=match.relation,
                verdict=verdict,
                certainty=certainty,
                decided=decided,
                reviews=reviews,
                sources=sources,
            )
        )
        if len(offered) == limit:
            break
    return offered


def seen_before_in_article(session: Session, actor: Actor, article_id: int) -> list[int]:
    """The article's checkable claims with an earlier claim (same or opposite) on offer to the
    actor, in order: "N of this article's claims were seen before". One full-text query and
    one re-ranking per claim, a few milliseconds each."""
    actor.require(READ_ARTICLES)
    claim_ids = session.scalars(
        select(Claim.id)
        .where(Claim.article_id == article_id, Claim.checkable.is_(True))
        .order_by(Claim.ordinal)
    ).all()
    return [c for c in claim_ids if seen_before(session, actor, c, limit=1)]
