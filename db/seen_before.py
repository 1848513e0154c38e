"""Claims the desk has seen before: earlier claims of other articles that say the same thing.

Health myths come back article after article; a reviewer should meet last month's finding on
the same claim, with its sources, before searching again. Which claims say the same thing (or
the opposite: a negated claim is told apart) is found once per claim and stored
(db/claim_matches.py); this module offers those of the stored matches that have a finding (an
editor's decision, or submitted reviews). A claim still waiting in the matching queue (just
imported, or reworded) is matched on the spot, without storing.

What is offered keeps to who may read what: a decision is open to every reader, reviews only
as db.reviews.readable_reviews shows them. Under blind review, a reviewer who has not yet
submitted their own review of the claim is offered only final decisions: other reviewers'
verdicts on the same claim elsewhere would otherwise lead them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.permissions import READ_ALL_REVIEWS, READ_ARTICLES, Actor
from db.assignments import blind_under
from db.citations import citation_info
from db.claim_matches import (
    Found,
    find_matches,
    is_queued,
    queued,
    stored_matches,
    with_stored_match,
)
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
from db.search_index import SETTLED

SHOWN = 3
QUEUED_CHECKED = 50  # an article's claims still queued that its count searches on the spot


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


def _matches(session: Session, claim: Claim) -> list[Found]:
    """The claim's matches with a finding: stored, or found now while the claim is queued."""
    if is_queued(session, claim.id):
        found = find_matches(session, claim)
        archived = set(
            session.scalars(
                select(Article.id).where(
                    Article.id.in_({f.other_article_id for f in found}),
                    Article.archived_at.is_not(None),
                )
            )
        )
        found = [f for f in found if f.other_article_id not in archived]
    else:
        found = stored_matches(session, claim.id)
    if not found:
        return []
    settled = set(
        session.scalars(
            select(SearchEntry.claim_id).where(
                SearchEntry.claim_id.in_([f.other_claim_id for f in found]),
                SearchEntry.kind == SETTLED,
            )
        )
    )
    return [f for f in found if f.other_claim_id in settled]


def seen_before(
    session: Session, actor: Actor, claim_id: int, limit: int = SHOWN
) -> list[EarlierClaim]:
    """The closest earlier claims of other articles with a finding the actor may read, best
    first: the same claim (paraphrased) or its opposite (negated)."""
    actor.require(READ_ARTICLES)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    matches = _matches(session, claim)
    if not matches:
        return []
    only_decisions = _decisions_only(session, actor, claim_id)
    offered: list[EarlierClaim] = []
    for match in matches:
        finding = _finding(session, actor, match.other_claim_id, only_decisions)
        if finding is None:
            continue
        verdict, certainty, decided, reviews, sources = finding
        earlier = session.get(Claim, match.other_claim_id)
        offered.append(
            EarlierClaim(
                claim_id=earlier.id,
                article_id=earlier.article_id,
                article_title=earlier.article.title,
                ordinal=earlier.ordinal,
                text=earlier.text,
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
    actor, in order: "N of this article's claims were seen before". The stored matches
    narrow them in one query; each one left is then checked as the review page would show
    it. Claims still queued are searched on the spot, the first ``QUEUED_CHECKED`` of them
    only (a 2,000-claim article imported at the command line would hold the page for minutes;
    the rest count once the background matcher has stored them)."""
    actor.require(READ_ARTICLES)
    claim_ids = session.scalars(
        select(Claim.id)
        .where(Claim.article_id == article_id, Claim.checkable.is_(True))
        .order_by(Claim.ordinal)
    ).all()
    possible = with_stored_match(session, claim_ids)
    waiting = set(queued(session, claim_ids, limit=len(claim_ids)))
    possible.update([c for c in claim_ids if c in waiting][:QUEUED_CHECKED])
    return [c for c in claim_ids if c in possible and seen_before(session, actor, c, limit=1)]
