"""Evidence-gap figures, computed in SQL: one grouped query per figure, never a claim list
loaded into Python to be counted.

A claim's *current* finding is the editor's decision when there is one; otherwise the
verdict and certainty its submitted reviews agree on (none when they disagree).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session

from claims.permissions import READ_ARTICLES, Actor
from db.models import Citation, Claim, ClaimCue, Decision, Review, ReviewCitation

WEAK_CERTAINTY = ("low", "very_low", "no_evidence")
INDIRECT_DESIGNS = ("preclinical", "preprint")
AFFIRMING = ("accurate", "mostly_accurate")
VERY_WEAK = ("very_low", "no_evidence")

GAPS = {
    "no_review": "Checkable claims with no submitted review",
    "no_citation": "Reviewed claims with no citation",
    "weak_evidence": "Only low or very low certainty, or no evidence found",
    "indirect_only": "Resting only on preclinical studies or preprints",
    "single_source": "Resting on a single source",
    "disagreement": "Reviewers disagree (no decision yet)",
    "clash": "Verdict and certainty clash",
    "cues_unreviewed": "Cues of overclaiming and no review yet",
}


@dataclass(frozen=True)
class Overview:
    claims: int
    checkable: int
    reviewed: int
    decided: int
    gaps: dict[str, int]
    verdicts: dict[str, int]  # current verdict code (or "disagreement"/"unreviewed") -> claims
    certainties: dict[str, int]


def _in_article(claim_id_column, article_id: int | None) -> list:
    """Restrict a per-claim aggregate to one article's claims (all when None)."""
    if article_id is None:
        return []
    return [claim_id_column.in_(select(Claim.id).where(Claim.article_id == article_id))]


def _facts(article_id: int | None) -> Select:
    """One row per checkable claim with what its reviews, citations and decision say."""
    reviews = (
        select(
            Review.claim_id.label("claim_id"),
            func.count().label("reviews"),
            func.count(distinct(Review.verdict)).label("verdicts"),
            func.min(Review.verdict).label("verdict"),
            func.count(distinct(Review.certainty)).label("certainties"),
            func.min(Review.certainty).label("certainty"),
        )
        .where(Review.status == "submitted", *_in_article(Review.claim_id, article_id))
        .group_by(Review.claim_id)
        .subquery()
    )
    sources = (
        select(
            Review.claim_id.label("claim_id"),
            func.count(distinct(ReviewCitation.citation_id)).label("sources"),
            func.count(
                distinct(
                    case(
                        (
                            or_(
                                Citation.study_design.is_(None),
                                Citation.study_design.not_in(INDIRECT_DESIGNS),
                            ),
                            ReviewCitation.citation_id,
                        )
                    )
                )
            ).label("direct_sources"),
        )
        .join(ReviewCitation, ReviewCitation.review_id == Review.id)
        .join(Citation, Citation.id == ReviewCitation.citation_id)
        .where(Review.status == "submitted", *_in_article(Review.claim_id, article_id))
        .group_by(Review.claim_id)
        .subquery()
    )
    cues = (
        select(ClaimCue.claim_id.label("claim_id"))
        .where(ClaimCue.kind != "hedge", *_in_article(ClaimCue.claim_id, article_id))
        .group_by(ClaimCue.claim_id)
        .subquery()
    )
    agreed = and_(reviews.c.verdicts == 1, reviews.c.certainties <= 1)
    verdict = case(
        (Decision.id.is_not(None), Decision.verdict),
        (agreed, reviews.c.verdict),
        else_=None,
    )
    certainty = case(
        (Decision.id.is_not(None), Decision.certainty),
        (agreed, reviews.c.certainty),
        else_=None,
    )
    query = (
        select(
            Claim.id.label("claim_id"),
            Claim.article_id.label("article_id"),
            func.coalesce(reviews.c.reviews, 0).label("reviews"),
            func.coalesce(reviews.c.verdicts, 0).label("verdict_count"),
            func.coalesce(reviews.c.certainties, 0).label("certainty_count"),
            Decision.id.is_not(None).label("decided"),
            verdict.label("verdict"),
            certainty.label("certainty"),
            func.coalesce(sources.c.sources, 0).label("sources"),
            func.coalesce(sources.c.direct_sources, 0).label("direct_sources"),
            cues.c.claim_id.is_not(None).label("has_cues"),
        )
        .outerjoin(reviews, reviews.c.claim_id == Claim.id)
        .outerjoin(sources, sources.c.claim_id == Claim.id)
        .outerjoin(cues, cues.c.claim_id == Claim.id)
        .outerjoin(Decision, Decision.claim_id == Claim.id)
        .where(Claim.checkable.is_(True))
    )
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    return query


def _gap_conditions(facts) -> dict[str, object]:
    c = facts.c
    reviewed = or_(c.reviews > 0, c.decided)
    return {
        "no_review": and_(c.reviews == 0, ~c.decided),
        "no_citation": and_(reviewed, c.sources == 0),
        "weak_evidence": and_(
            reviewed, or_(c.certainty.in_(WEAK_CERTAINTY), c.verdict == "unsupported")
        ),
        "indirect_only": and_(c.sources > 0, c.direct_sources == 0),
        "single_source": c.sources == 1,
        "disagreement": and_(or_(c.verdict_count > 1, c.certainty_count > 1), ~c.decided),
        "clash": and_(c.verdict.in_(AFFIRMING), c.certainty.in_(VERY_WEAK)),
        "cues_unreviewed": and_(c.has_cues, c.reviews == 0, ~c.decided),
    }


def overview(session: Session, actor: Actor, article_id: int | None = None) -> Overview:
    """The evidence-gap figures for one article, or for all articles."""
    actor.require(READ_ARTICLES)
    all_claims = select(func.count()).select_from(Claim)
    if article_id is not None:
        all_claims = all_claims.where(Claim.article_id == article_id)
    facts = _facts(article_id).subquery()
    conditions = _gap_conditions(facts)
    one = literal(1)
    row = session.execute(
        select(
            func.count(),
            func.sum(case((or_(facts.c.reviews > 0, facts.c.decided), one), else_=0)),
            func.sum(case((facts.c.decided, one), else_=0)),
            *(func.sum(case((condition, one), else_=0)) for condition in conditions.values()),
        ).select_from(facts)
    ).one()
    state = case(
        (facts.c.verdict.is_not(None), facts.c.verdict),
        (or_(facts.c.reviews > 0, facts.c.decided), "disagreement"),
        else_="unreviewed",
    )
    verdicts = dict(session.execute(select(state, func.count()).group_by(state)).all())
    certainty_state = func.coalesce(facts.c.certainty, "not_rated")
    certainties = dict(
        session.execute(select(certainty_state, func.count()).group_by(certainty_state)).all()
    )
    return Overview(
        claims=session.scalar(all_claims) or 0,
        checkable=row[0] or 0,
        reviewed=int(row[1] or 0),
        decided=int(row[2] or 0),
        gaps={name: int(value or 0) for name, value in zip(conditions, row[3:], strict=True)},
        verdicts={k: int(v) for k, v in verdicts.items()},
        certainties={k: int(v) for k, v in certainties.items()},
    )


def gap_claims(
    session: Session, actor: Actor, gap: str, article_id: int | None = None, limit: int = 200
) -> list[tuple[int, int, int, str]]:
    """(claim id, article id, ordinal, text) of the claims in one gap, in article order."""
    actor.require(READ_ARTICLES)
    facts = _facts(article_id).subquery()
    condition = _gap_conditions(facts)[gap]
    rows = session.execute(
        select(Claim.id, Claim.article_id, Claim.ordinal, Claim.text)
        .join(facts, facts.c.claim_id == Claim.id)
        .where(condition)
        .order_by(Claim.article_id, Claim.ordinal)
        .limit(limit)
    ).all()
    return [tuple(r) for r in rows]
