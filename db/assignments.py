"""Who reviews what: editors assign articles (or some of their claims) to reviewers, set an
article's review rules (blind review, accepting unanimous reviews), and each reviewer works
through a queue of assigned claims, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, literal, or_, select, union, union_all
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.permissions import ASSIGN_REVIEWS, READ_ARTICLES, REVIEW_CLAIMS, Actor
from db.audit import record_event
from db.engine import Database
from db.models import (
    Article,
    ArticleAssignment,
    Claim,
    ClaimAssignment,
    Review,
    User,
    UserRole,
)
from db.unanimity import settle_article

BLIND_MODES = {
    "auto": "Turns on when a second reviewer is assigned",
    "on": "On",
    "off": "Off",
}


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise ClaimreviewError(f"There is no article {article_id}.")
    return article


def assigned_reviewers(session: Session, article_id: int) -> set[int]:
    """Everyone assigned the whole article or any of its claims."""
    whole = select(ArticleAssignment.reviewer_id).where(ArticleAssignment.article_id == article_id)
    some = select(ClaimAssignment.reviewer_id).where(ClaimAssignment.article_id == article_id)
    return set(session.scalars(union(whole, some)))  # one query: read on every review page run


def is_blind(session: Session, article: Article) -> bool:
    """Whether reviewers of this article see others' reviews only after submitting their own."""
    return blind_under(session, article.id, article.blind_review)


def blind_under(session: Session, article_id: int, setting: str) -> bool:
    """``is_blind`` from the article's id and its ``blind_review`` setting alone."""
    if setting == "on":
        return True
    if setting == "off":
        return False
    return len(assigned_reviewers(session, article_id)) >= 2


def _reviewers_by_id(session: Session, reviewer_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(reviewer_ids))
    rows = session.execute(
        select(User.id, User.username, User.is_active)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(wanted), UserRole.role == "reviewer")
    ).all()
    found = {uid: name for uid, name, active in rows if active}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ClaimreviewError(
            f"User {missing[0]} is not an active reviewer; give them the reviewer role (Users "
            "page) before assigning them claims."
        )
    return found


def assign(
    database: Database,
    actor: Actor,
    article_id: int,
    reviewer_ids: Sequence[int],
    claim_ids: Sequence[int] | None = None,
) -> int:
    """Assign the article (``claim_ids`` None) or those of its claims to each reviewer.
    Returns how many new assignments were made; existing ones are kept as they were."""
    actor.require(ASSIGN_REVIEWS)
    if not reviewer_ids:
        raise ClaimreviewError("Choose at least one reviewer to assign.")
    if claim_ids is not None and not claim_ids:
        raise ClaimreviewError("Choose at least one claim, or assign the whole article.")
    with database.write() as session:
        _article(session, article_id)
        names = _reviewers_by_id(session, reviewer_ids)
        if claim_ids is not None:
            found = set(
                session.scalars(
                    select(Claim.id).where(Claim.id.in_(claim_ids), Claim.article_id == article_id)
                )
            )
            stray = [c for c in claim_ids if c not in found]
            if stray:
                raise ClaimreviewError(f"Claim {stray[0]} is not a claim of article {article_id}.")
        added = 0
        for reviewer_id in sorted(names):
            if claim_ids is None:
                if session.get(ArticleAssignment, (article_id, reviewer_id)) is not None:
                    continue
                session.add(
                    ArticleAssignment(
                        article_id=article_id, reviewer_id=reviewer_id, assigned_by_id=actor.user_id
                    )
                )
                new_claims: list[int] = []
            else:
                have = set(
                    session.scalars(
                        select(ClaimAssignment.claim_id).where(
                            ClaimAssignment.reviewer_id == reviewer_id,
                            ClaimAssignment.claim_id.in_(claim_ids),
                        )
                    )
                )
                new_claims = sorted(set(claim_ids) - have)
                if not new_claims:
                    continue
                session.add_all(
                    ClaimAssignment(
                        claim_id=c,
                        reviewer_id=reviewer_id,
                        article_id=article_id,
                        assigned_by_id=actor.user_id,
                    )
                    for c in new_claims
                )
            added += 1 if claim_ids is None else len(new_claims)
            record_event(
                session,
                action="assign",
                entity_type="assignment",
                entity_id=reviewer_id,
                actor_id=actor.user_id,
                channel=actor.channel,
                article_id=article_id,
                after={
                    "reviewer": names[reviewer_id],
                    "scope": "article" if claim_ids is None else "claims",
                    "claims": new_claims,
                },
            )
        article = _article(session, article_id)
        if article.blind_review == "auto" and len(assigned_reviewers(session, article_id)) >= 2:
            # "auto" turns blind review on for good: taking a reviewer off later must not
            # show the others' reviews to the one who stays.
            article.blind_review = "on"
            record_event(
                session, action="set_review_rules", entity_type="article", entity_id=article_id,
                actor_id=actor.user_id, channel=actor.channel, article_id=article_id,
                before={"blind_review": "auto"}, after={"blind_review": "on"},
            )  # fmt: skip
        return added


def unassign(database: Database, actor: Actor, article_id: int, reviewer_id: int) -> int:
    """Take the article and any of its claims away from a reviewer. Their reviews stay."""
    actor.require(ASSIGN_REVIEWS)
    with database.write() as session:
        _article(session, article_id)
        whole = session.execute(
            delete(ArticleAssignment).where(
                ArticleAssignment.article_id == article_id,
                ArticleAssignment.reviewer_id == reviewer_id,
            )
        ).rowcount
        some = session.execute(
            delete(ClaimAssignment).where(
                ClaimAssignment.article_id == article_id, ClaimAssignment.reviewer_id == reviewer_id
            )
        ).rowcount
        if not whole and not some:
            raise ClaimreviewError("That reviewer has no assignment in this article.")
        name = session.scalar(select(User.username).where(User.id == reviewer_id))
        record_event(
            session,
            action="unassign",
            entity_type="assignment",
            entity_id=reviewer_id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=article_id,
            before={"reviewer": name, "article": bool(whole), "claims": some},
        )
        # Those who stay may all agree now that the silent reviewer is gone.
        settle_article(session, _article(session, article_id))
        return whole + some


@dataclass(frozen=True)
class ReviewRules:
    blind_review: str  # a key of BLIND_MODES
    blind_now: bool  # what "auto" amounts to today
    auto_accept_unanimous: bool


def review_rules(session: Session, actor: Actor, article_id: int) -> ReviewRules:
    actor.require(READ_ARTICLES)
    article = _article(session, article_id)
    return ReviewRules(
        article.blind_review, is_blind(session, article), article.auto_accept_unanimous
    )


def set_review_rules(
    database: Database,
    actor: Actor,
    article_id: int,
    *,
    blind_review: str | None = None,
    auto_accept_unanimous: bool | None = None,
) -> int:
    """Change an article's review rules. Turning on auto-accept settles the claims whose
    reviews already agree; returns how many decisions that made."""
    actor.require(ASSIGN_REVIEWS)
    if blind_review is not None and blind_review not in BLIND_MODES:
        raise ClaimreviewError(
            f"{blind_review!r} is not a blind-review setting; use {', '.join(BLIND_MODES)}."
        )
    with database.write() as session:
        article = _article(session, article_id)
        before = {"blind_review": article.blind_review,
                  "auto_accept_unanimous": article.auto_accept_unanimous}  # fmt: skip
        if blind_review is not None:
            article.blind_review = blind_review
        if auto_accept_unanimous is not None:
            article.auto_accept_unanimous = auto_accept_unanimous
        after = {"blind_review": article.blind_review,
                 "auto_accept_unanimous": article.auto_accept_unanimous}  # fmt: skip
        if before == after:
            return 0
        record_event(
            session,
            action="set_review_rules",
            entity_type="article",
            entity_id=article_id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=article_id,
            before=before,
            after=after,
        )
        if article.auto_accept_unanimous and not before["auto_accept_unanimous"]:
            return settle_article(session, article)
        return 0


@dataclass(frozen=True)
class AssignmentRow:
    reviewer_id: int
    reviewer: str
    whole_article: bool
    claims: int  # claims assigned (all checkable claims for a whole-article assignment)
    submitted: int  # of those, how many they have submitted a review of
    assigned_at: datetime


def article_assignments(session: Session, actor: Actor, article_id: int) -> list[AssignmentRow]:
    actor.require(ASSIGN_REVIEWS)
    scope = _assigned_claims().subquery()
    rows = session.execute(
        select(
            scope.c.reviewer_id,
            User.username,
            func.max(scope.c.whole),
            func.count(func.distinct(scope.c.claim_id)),
            func.count(func.distinct(Review.claim_id)),
            func.min(scope.c.assigned_at),
        )
        .join(User, User.id == scope.c.reviewer_id)
        .outerjoin(
            Review,
            and_(
                Review.claim_id == scope.c.claim_id,
                Review.reviewer_id == scope.c.reviewer_id,
                Review.status == "submitted",
            ),
        )
        .where(scope.c.article_id == article_id)
        .group_by(scope.c.reviewer_id, User.username)
        .order_by(User.username)
    ).all()
    return [
        AssignmentRow(rid, name, bool(whole), claims, submitted, at)
        for rid, name, whole, claims, submitted, at in rows
    ]


def _assigned_claims():
    """(reviewer_id, claim_id, article_id, assigned_at, whole) for every assigned claim."""
    through_article = (
        select(
            ArticleAssignment.reviewer_id.label("reviewer_id"),
            Claim.id.label("claim_id"),
            Claim.article_id.label("article_id"),
            ArticleAssignment.assigned_at.label("assigned_at"),
            literal(1).label("whole"),
        )
        .join(Claim, Claim.article_id == ArticleAssignment.article_id)
        .where(Claim.checkable.is_(True))
    )
    one_by_one = (
        select(
            ClaimAssignment.reviewer_id,
            ClaimAssignment.claim_id,
            ClaimAssignment.article_id,
            ClaimAssignment.assigned_at,
            literal(0),
        )
        .join(Claim, Claim.id == ClaimAssignment.claim_id)
        .where(Claim.checkable.is_(True))  # a claim marked not checkable leaves the queue
    )
    return union_all(through_article, one_by_one)


@dataclass(frozen=True)
class QueueRow:
    claim_id: int
    article_id: int
    article_title: str
    ordinal: int
    text: str
    assigned_at: datetime
    draft: bool  # the reviewer has started a draft


def reviewer_queue(session: Session, actor: Actor, limit: int = 200) -> tuple[int, list[QueueRow]]:
    """The actor's assigned claims not yet submitted, oldest assignment first: (total, rows)."""
    actor.require(REVIEW_CLAIMS)
    scope = _assigned_claims().subquery()
    mine = (
        select(scope.c.claim_id, func.min(scope.c.assigned_at).label("assigned_at"))
        .where(scope.c.reviewer_id == actor.user_id)
        .group_by(scope.c.claim_id)
        .subquery()
    )
    review = and_(Review.claim_id == mine.c.claim_id, Review.reviewer_id == actor.user_id)
    open_claims = (
        select(mine.c.claim_id, mine.c.assigned_at, Review.status)
        .outerjoin(Review, review)
        .where(or_(Review.id.is_(None), Review.status != "submitted"))
        .subquery()
    )
    base = (
        select(
            Claim.id,
            Claim.article_id,
            Article.title,
            Claim.ordinal,
            Claim.text,
            open_claims.c.assigned_at,
            open_claims.c.status,
        )
        .join(open_claims, open_claims.c.claim_id == Claim.id)
        .join(Article, Article.id == Claim.article_id)
        .where(Article.archived_at.is_(None))
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(open_claims.c.assigned_at, Claim.article_id, Claim.ordinal).limit(limit)
    ).all()
    return total, [
        QueueRow(cid, aid, title, ordinal, text, at, status == "draft")
        for cid, aid, title, ordinal, text, at, status in rows
    ]


def active_reviewers(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, username) of every active user with the reviewer role."""
    actor.require(ASSIGN_REVIEWS)
    rows = session.execute(
        select(User.id, User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "reviewer", User.is_active.is_(True))
        .order_by(User.username)
    ).all()
    return [(uid, name) for uid, name in rows]
