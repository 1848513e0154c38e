"""Accepting unanimous reviews as the decision, where an article asks for it.

Runs inside the transaction that submitted a review (or turned the setting on). A claim is
settled when at least two reviews are submitted, every reviewer assigned to the claim is among
them, and all agree on both verdict and certainty. A decision made this way (no editor, reason
"unanimous") is withdrawn again if a later submitted review disagrees, so the claim returns to
the adjudication backlog (also when the setting has been turned off since); an editor's own
decision is never touched.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.audit import record_event
from db.models import (
    Article,
    ArticleAssignment,
    Claim,
    ClaimAssignment,
    Decision,
    DecisionReview,
    Review,
)


def _assigned_to(session: Session, claim: Claim) -> set[int]:
    whole = select(ArticleAssignment.reviewer_id).where(
        ArticleAssignment.article_id == claim.article_id
    )
    some = select(ClaimAssignment.reviewer_id).where(ClaimAssignment.claim_id == claim.id)
    return set(session.scalars(whole)) | set(session.scalars(some))


def _snapshot(decision: Decision, review_ids: list[int]) -> dict[str, object]:
    return {
        "verdict": decision.verdict,
        "certainty": decision.certainty,
        "reason": decision.reason,
        "note": decision.note,
        "based_on_reviews": review_ids,
    }


def settle_unanimous(
    session: Session, claim: Claim, article: Article
) -> Literal["accepted", "withdrawn"] | None:
    """Accept or withdraw the automatic decision on ``claim``; returns what it did."""
    if session.get_bind().dialect.name == "postgresql":
        # Two agreeing reviews submitted at once: the second transaction must see the first.
        session.execute(
            select(Claim.id).where(Claim.id == claim.id).with_for_update(key_share=True)
        )  # FOR NO KEY UPDATE: inserts that only reference the claim (reviews, facts) go on
    # The decision's kind first, as plain columns: most saves end here (an editor's decision
    # stands; with no decision, nothing is accepted unless the article asks for it).
    found = session.execute(
        select(Decision.id, Decision.editor_id, Decision.reason).where(
            Decision.claim_id == claim.id
        )
    ).first()
    automatic = found is not None and found.editor_id is None and found.reason == "unanimous"
    if found is not None and not automatic:
        return None
    if found is None and not article.auto_accept_unanimous:
        return None
    decision = session.get(Decision, found.id) if found is not None else None
    reviews = session.scalars(
        select(Review)
        .where(Review.claim_id == claim.id, Review.status == "submitted")
        .order_by(Review.id)
    ).all()
    findings = {(r.verdict, r.certainty) for r in reviews}
    still_agree = len(reviews) >= 2 and len(findings) == 1
    # Accepting needs the setting, a checkable claim and every assigned reviewer's review.
    # Withdrawing does not: agreeing reviews that stop agreeing never stay "decided".
    agree = (
        article.auto_accept_unanimous
        and claim.checkable
        and still_agree
        and _assigned_to(session, claim) <= {r.reviewer_id for r in reviews}
    )
    review_ids = [r.id for r in reviews]
    if decision is None and agree:
        verdict, certainty = next(iter(findings))
        decision = Decision(
            claim_id=claim.id,
            editor_id=None,
            verdict=verdict,
            certainty=certainty,
            reason="unanimous",
            note=f"Accepted automatically: all {len(reviews)} submitted reviews agree.",
            based_on=[DecisionReview(review_id=i) for i in review_ids],
        )
        session.add(decision)
        session.flush()
        record_event(
            session, action="auto_accept", entity_type="decision", entity_id=decision.id,
            actor_id=None, channel="system", article_id=claim.article_id, claim_id=claim.id,
            after=_snapshot(decision, review_ids),
        )  # fmt: skip
        return "accepted"
    if automatic and not still_agree:
        before = _snapshot(decision, sorted(d.review_id for d in decision.based_on))
        decision_id = decision.id
        session.delete(decision)
        session.flush()
        record_event(
            session, action="withdraw", entity_type="decision", entity_id=decision_id,
            actor_id=None, channel="system", article_id=claim.article_id, claim_id=claim.id,
            before=before,
        )  # fmt: skip
        return "withdrawn"
    return None


def settle_article(session: Session, article: Article) -> int:
    """Settle every claim of the article that has two submitted reviews or more (after its
    rules or its reviewers changed); returns how many decisions that made."""
    twice = (
        select(Review.claim_id)
        .join(Claim, Claim.id == Review.claim_id)
        .where(Claim.article_id == article.id, Review.status == "submitted")
        .group_by(Review.claim_id)
        .having(func.count() >= 2)
    )
    claims = session.scalars(select(Claim).where(Claim.id.in_(twice)).order_by(Claim.ordinal))
    return sum(settle_unanimous(session, claim, article) == "accepted" for claim in claims.all())
