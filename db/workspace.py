"""Reads for the review page: the claim navigator, one claim in its context, the next claim.

Each is one or two indexed queries whatever the article's size: the page shows one claim and
one page of navigator rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from claims.errors import ClaimreviewError
from claims.permissions import READ_ARTICLES, Actor
from db.citations import CitationInfo, citations_in
from db.models import Article, Claim, ClaimCue, Review
from db.reviews import ReviewInfo, review_info

PREVIEW_CHARS = 90
STATUSES = ("unreviewed", "draft", "submitted")


@dataclass(frozen=True)
class NavigatorRow:
    id: int
    ordinal: int
    section: str | None
    preview: str
    checkable: bool
    cues: int
    status: str  # mine: unreviewed | draft | submitted
    verdict: str | None
    certainty: str | None
    needs_second_look: bool


@dataclass(frozen=True)
class CueInfo:
    kind: str
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class ClaimContext:
    id: int
    article_id: int
    ordinal: int
    start: int
    end: int
    text: str
    section: str | None
    checkable: bool
    kind: str
    version: int
    cues: tuple[CueInfo, ...]
    paragraph: str  # the paragraph around the claim, from the article text
    paragraph_start: int  # where the paragraph starts in the article text
    previous_id: int | None
    next_id: int | None
    claims_in_article: int
    my_review: ReviewInfo | None
    cited: dict[int, CitationInfo]  # the library entries my review cites, by id


def _mine(actor: Actor) -> ColumnElement[bool]:
    return and_(Review.claim_id == Claim.id, Review.reviewer_id == actor.user_id)


def review_navigator(
    session: Session,
    actor: Actor,
    article_id: int,
    *,
    status: Sequence[str] = (),
    checkable_only: bool = False,
    with_cues: bool = False,
    verdicts: Sequence[str] = (),
    certainties: Sequence[str] = (),
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[NavigatorRow]]:
    """(how many claims match, one page of them) with the actor's own review status."""
    actor.require(READ_ARTICLES)
    cue_count = (
        select(func.count()).where(ClaimCue.claim_id == Claim.id, ClaimCue.kind != "hedge")
    ).scalar_subquery()
    conditions: list[ColumnElement[bool]] = [Claim.article_id == article_id]
    if checkable_only:
        conditions.append(Claim.checkable.is_(True))
    if with_cues:
        conditions.append(cue_count > 0)
    if verdicts:
        conditions.append(Review.verdict.in_(list(verdicts)))
    if certainties:
        conditions.append(Review.certainty.in_(list(certainties)))
    if status:
        wanted = []
        if "unreviewed" in status:
            wanted.append(Review.id.is_(None))
        for value in ("draft", "submitted"):
            if value in status:
                wanted.append(Review.status == value)
        conditions.append(or_(*wanted))
    base = select(Claim).outerjoin(Review, _mine(actor)).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        select(
            Claim.id,
            Claim.ordinal,
            Claim.section,
            func.substr(Claim.text, 1, PREVIEW_CHARS + 1),
            Claim.checkable,
            cue_count,
            Review.status,
            Review.verdict,
            Review.certainty,
            Review.needs_second_look,
        )
        .outerjoin(Review, _mine(actor))
        .where(*conditions)
        .order_by(Claim.ordinal)
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [
        NavigatorRow(
            id=row[0],
            ordinal=row[1],
            section=row[2],
            preview=row[3] if len(row[3]) <= PREVIEW_CHARS else row[3][:PREVIEW_CHARS] + "…",
            checkable=row[4],
            cues=row[5],
            status=row[6] or "unreviewed",
            verdict=row[7],
            certainty=row[8],
            needs_second_look=bool(row[9]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Progress:
    """Where the actor stands on an article's checkable claims."""

    checkable: int
    submitted: int
    drafts: int


def my_progress(session: Session, actor: Actor, article_id: int) -> Progress:
    actor.require(READ_ARTICLES)
    checkable, submitted, drafts = session.execute(
        select(
            func.count(),
            func.count(case((Review.status == "submitted", 1))),
            func.count(case((Review.status == "draft", 1))),
        )
        .select_from(Claim)
        .outerjoin(Review, _mine(actor))
        .where(Claim.article_id == article_id, Claim.checkable.is_(True))
    ).one()
    return Progress(checkable=checkable, submitted=submitted, drafts=drafts)


def position_of(session: Session, actor: Actor, claim_id: int) -> tuple[int, int] | None:
    """(article id, ordinal) of a claim, or None."""
    actor.require(READ_ARTICLES)
    row = session.execute(select(Claim.article_id, Claim.ordinal).where(Claim.id == claim_id))
    found = row.first()
    return (found[0], found[1]) if found else None


def claim_context(session: Session, actor: Actor, claim_id: int) -> ClaimContext:
    actor.require(READ_ARTICLES)
    # Joined loads: one query each for the claim with its cues and my review with its sources.
    claim = (
        session.scalars(select(Claim).where(Claim.id == claim_id).options(joinedload(Claim.cues)))
        .unique()
        .first()
    )
    if claim is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    # The paragraph: from the blank line before the claim to the blank line after it, read
    # in a window around the claim rather than the whole article.
    window = 4000
    lo = max(0, claim.start - window)
    hi = claim.end + window
    around = session.scalar(
        select(func.substr(Article.text, lo + 1, hi - lo)).where(Article.id == claim.article_id)
    )
    rel_start, rel_end = claim.start - lo, claim.end - lo
    cut = around.rfind("\n\n", 0, rel_start)
    paragraph_start = 0 if cut < 0 else cut + 2
    cut = around.find("\n\n", rel_end)
    paragraph_end = len(around) if cut < 0 else cut
    # The claims before and after, and how many there are, in one pass over the article's.
    count, previous_id, next_id = session.execute(
        select(
            func.count(),
            func.max(case((Claim.ordinal == claim.ordinal - 1, Claim.id))),
            func.max(case((Claim.ordinal == claim.ordinal + 1, Claim.id))),
        ).where(Claim.article_id == claim.article_id)
    ).one()
    review = (
        session.scalars(
            select(Review)
            .where(Review.claim_id == claim.id, Review.reviewer_id == actor.user_id)
            .options(joinedload(Review.citations), joinedload(Review.reviewer))
        )
        .unique()
        .first()
    )
    cited: dict[int, CitationInfo] = {}
    if review is not None and review.citations:
        cited = citations_in(session, [link.citation_id for link in review.citations])
    return ClaimContext(
        id=claim.id,
        article_id=claim.article_id,
        ordinal=claim.ordinal,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        section=claim.section,
        checkable=claim.checkable,
        kind=claim.kind,
        version=claim.version,
        cues=tuple(CueInfo(c.kind, c.start, c.end, c.text, c.reason) for c in claim.cues),
        paragraph=around[paragraph_start:paragraph_end],
        paragraph_start=lo + paragraph_start,
        previous_id=previous_id,
        next_id=next_id,
        claims_in_article=count or 0,
        my_review=review_info(review) if review is not None else None,
        cited=cited,
    )


def next_unreviewed(
    session: Session, actor: Actor, article_id: int, after_ordinal: int
) -> int | None:
    """The next checkable claim without my submitted review, after the given one (wrapping)."""
    actor.require(READ_ARTICLES)
    open_claims = (
        select(Claim.id, Claim.ordinal)
        .outerjoin(Review, _mine(actor))
        .where(
            Claim.article_id == article_id,
            Claim.checkable.is_(True),
            (Review.id.is_(None)) | (Review.status != "submitted"),
        )
        .order_by(Claim.ordinal)
        .limit(1)
    )
    after = session.execute(open_claims.where(Claim.ordinal > after_ordinal)).first()
    if after is not None:
        return after[0]
    wrapped = session.execute(open_claims.where(Claim.ordinal < after_ordinal)).first()
    return wrapped[0] if wrapped is not None else None


__all__ = [
    "STATUSES",
    "ClaimContext",
    "CueInfo",
    "NavigatorRow",
    "Progress",
    "claim_context",
    "my_progress",
    "next_unreviewed",
    "position_of",
    "review_navigator",
]
