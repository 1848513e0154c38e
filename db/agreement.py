"""Inter-rater agreement on submitted reviews, per article and overall (claims/agreement.py
does the statistics; this module reads the ratings)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.agreement import Agreement, PairAgreement, Rating, agreement, pair_matrix, scale_level
from claims.permissions import READ_ALL_REVIEWS, Actor
from claims.scales import default_scales
from db.models import Article, Claim, Review, User


@dataclass(frozen=True)
class ArticleAgreement:
    article_id: int
    title: str
    verdict: Agreement
    certainty: Agreement


@dataclass(frozen=True)
class AgreementSummary:
    verdict: Agreement  # nominal
    certainty: Agreement  # ordinal (GRADE order, "no evidence found" lowest)
    verdict_pairs: list[PairAgreement]  # raters are usernames
    certainty_pairs: list[PairAgreement]
    articles: list[ArticleAgreement]  # every article with a claim rated twice (all-articles view)


def agreement_summary(
    session: Session, actor: Actor, article_id: int | None = None
) -> AgreementSummary:
    """Agreement among reviewers on the checkable claims of one article, or of every article
    that is not archived. Only submitted reviews count."""
    actor.require(READ_ALL_REVIEWS)
    query = (
        select(Claim.id, Claim.article_id, Article.title, User.username, Review.verdict,
               Review.certainty)
        .join(Review, Review.claim_id == Claim.id)
        .join(User, User.id == Review.reviewer_id)
        .join(Article, Article.id == Claim.article_id)
        .where(Review.status == "submitted", Claim.checkable.is_(True))
        .order_by(User.username, Claim.id)  # pairs come out in reviewer-name order
    )  # fmt: skip
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    else:
        query = query.where(Article.archived_at.is_(None))
    rows = session.execute(query).all()
    scales = default_scales()
    verdict_level = scale_level(scales["verdict"])
    certainty_level = scale_level(scales["certainty"])
    verdicts = [Rating(r[0], r[3], r[4]) for r in rows]
    certainties = [Rating(r[0], r[3], r[5]) for r in rows]
    articles: list[ArticleAgreement] = []
    if article_id is None:
        titles: dict[int, str] = {}
        by_article: dict[int, tuple[list[Rating], list[Rating]]] = {}
        for row, v, c in zip(rows, verdicts, certainties, strict=True):
            titles[row[1]] = row[2]
            lists = by_article.setdefault(row[1], ([], []))
            lists[0].append(v)
            lists[1].append(c)
        for aid in sorted(by_article):
            v_agreement = agreement(by_article[aid][0], verdict_level)
            if v_agreement.items:
                c_agreement = agreement(by_article[aid][1], certainty_level)
                articles.append(ArticleAgreement(aid, titles[aid], v_agreement, c_agreement))
    return AgreementSummary(
        verdict=agreement(verdicts, verdict_level),
        certainty=agreement(certainties, certainty_level),
        verdict_pairs=pair_matrix(verdicts),
        certainty_pairs=pair_matrix(certainties),
        articles=articles,
    )
