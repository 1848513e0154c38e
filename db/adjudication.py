"""What an editor needs to adjudicate: the claims whose submitted reviews disagree (or every
reviewed claim), and one claim's reviews side by side with their cited sources."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from claims.grade import GradeAssessment
from claims.permissions import READ_ALL_REVIEWS, Actor
from db.citations import citation_info
from db.models import Article, Claim, ClaimFact, Decision, Review, ReviewCitation, User
from db.reviews import get_claim, stored_grade


@dataclass(frozen=True)
class BacklogRow:
    claim_id: int
    article_id: int
    ordinal: int
    section: str | None
    text: str
    finding: str  # the claim's current finding: a verdict code, "disagreement", ...
    decided: bool


def adjudication_backlog(
    session: Session,
    actor: Actor,
    article_id: int | None = None,
    *,
    every_reviewed_claim: bool = False,
    limit: int = 500,
) -> tuple[int, list[BacklogRow]]:
    """Claims whose submitted reviews disagree and have no decision yet (or, with
    ``every_reviewed_claim``, every claim with a submitted review or a decision), in article
    order: (total, the first ``limit`` rows)."""
    actor.require(READ_ALL_REVIEWS)
    wanted = ClaimFact.reviewed == 1 if every_reviewed_claim else ClaimFact.disagreement == 1
    query = (
        select(Claim.id, Claim.article_id, Claim.ordinal, Claim.section, Claim.text,
               ClaimFact.verdict_state, ClaimFact.decided)
        .join(ClaimFact, ClaimFact.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .where(wanted, Article.archived_at.is_(None))
    )  # fmt: skip
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Claim.article_id, Claim.ordinal).limit(limit)).all()
    return total, [BacklogRow(*row[:6], decided=bool(row[6])) for row in rows]


@dataclass(frozen=True)
class SourceUsed:
    citation_id: int
    reference: str  # Vancouver style
    kind: str
    identifier: str
    study_design: str | None
    stance: str | None
    quote: str
    locator: str
    flags: tuple[str, ...] = ()  # codes of claims.sources.flags: retracted, preprint...


@dataclass(frozen=True)
class ReviewSide:
    review_id: int
    reviewer: str
    verdict: str | None
    certainty: str | None
    rationale: str
    submitted_at: object
    sources: list[SourceUsed]
    grade: GradeAssessment | None = None  # the certainty rated by GRADE's domains


@dataclass(frozen=True)
class DecisionSide:
    verdict: str
    certainty: str | None
    reason: str | None
    note: str
    editor: str | None  # None: accepted automatically
    based_on: list[int]
    version: int


@dataclass(frozen=True)
class ClaimForAdjudication:
    claim_id: int
    article_id: int
    ordinal: int
    section: str | None
    text: str
    reviews: list[ReviewSide]
    decision: DecisionSide | None


def claim_for_adjudication(session: Session, actor: Actor, claim_id: int) -> ClaimForAdjudication:
    """A claim's submitted reviews side by side, each with its sources, and its decision."""
    actor.require(READ_ALL_REVIEWS)
    claim = get_claim(session, claim_id)
    reviews = session.scalars(
        select(Review)
        .where(Review.claim_id == claim_id, Review.status == "submitted")
        .options(
            selectinload(Review.citations).joinedload(ReviewCitation.citation),
            selectinload(Review.reviewer),
        )
        .order_by(Review.submitted_at, Review.id)
    ).all()
    sides = [
        ReviewSide(
            review_id=r.id,
            reviewer=r.reviewer.username,
            verdict=r.verdict,
            certainty=r.certainty,
            grade=stored_grade(r.grade),
            rationale=r.rationale,
            submitted_at=r.submitted_at,
            sources=[
                SourceUsed(
                    citation_id=link.citation_id,
                    reference=citation_info(link.citation).vancouver(),
                    kind=link.citation.kind,
                    identifier=link.citation.identifier,
                    study_design=link.citation.study_design,
                    flags=citation_info(link.citation).flags,
                    stance=link.stance,
                    quote=link.quote,
                    locator=link.locator,
                )
                for link in sorted(r.citations, key=lambda link: link.position)
            ],
        )
        for r in reviews
    ]
    decision = session.scalar(
        select(Decision)
        .where(Decision.claim_id == claim_id)
        .options(selectinload(Decision.based_on))
    )
    decided = None
    if decision is not None:
        editor = (
            session.scalar(select(User.username).where(User.id == decision.editor_id))
            if decision.editor_id is not None
            else None
        )
        decided = DecisionSide(
            verdict=decision.verdict,
            certainty=decision.certainty,
            reason=decision.reason,
            note=decision.note,
            editor=editor,
            based_on=sorted(d.review_id for d in decision.based_on),
            version=decision.version,
        )
    return ClaimForAdjudication(
        claim.id, claim.article_id, claim.ordinal, claim.section, claim.text, sides, decided
    )
