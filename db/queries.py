"""Read queries: what pages, the command line and exports show. Aggregates run in SQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, func, select
from sqlalchemy.orm import Session, selectinload

from claims.permissions import EXPORT_REPORTS, READ_ARTICLES, Actor
from db.models import Article, AuditEvent, Claim, ClaimCue, Decision, Review, ReviewCitation
from db.reports import organisation_data, report_options


@dataclass(frozen=True)
class ArticleSummary:
    id: int
    title: str
    source_format: str
    imported_at: datetime
    claims: int
    checkable: int
    reviewed: int  # claims with at least one submitted review
    reviewed_by_me: int  # claims with the acting user's submitted review
    archived: bool


def article_titles(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, title) of every article not archived, newest first: what a picker needs, without
    the per-article counts that cost a pass over every claim."""
    actor.require(READ_ARTICLES)
    rows = session.execute(
        select(Article.id, Article.title)
        .where(Article.archived_at.is_(None))
        .order_by(Article.id.desc())
    ).all()
    return [(article_id, title) for article_id, title in rows]


def list_articles(
    session: Session,
    actor: Actor,
    *,
    search: str | None = None,
    include_archived: bool = False,
) -> list[ArticleSummary]:
    actor.require(READ_ARTICLES)
    claim_counts = (
        select(
            Claim.article_id.label("article_id"),
            func.count().label("claims"),
            func.sum(case((Claim.checkable, 1), else_=0)).label("checkable"),
        )
        .group_by(Claim.article_id)
        .subquery()
    )
    reviewed_counts = (
        select(
            Claim.article_id.label("article_id"),
            func.count(func.distinct(Review.claim_id)).label("reviewed"),
            func.count(
                func.distinct(case((Review.reviewer_id == actor.user_id, Review.claim_id)))
            ).label("mine"),
        )
        .join(Review, Review.claim_id == Claim.id)
        .where(Review.status == "submitted")
        .group_by(Claim.article_id)
        .subquery()
    )
    query = (
        select(
            Article.id,
            Article.title,
            Article.source_format,
            Article.imported_at,
            Article.archived_at,
            func.coalesce(claim_counts.c.claims, 0),
            func.coalesce(claim_counts.c.checkable, 0).cast(Integer),
            func.coalesce(reviewed_counts.c.reviewed, 0),
            func.coalesce(reviewed_counts.c.mine, 0),
        )
        .outerjoin(claim_counts, claim_counts.c.article_id == Article.id)
        .outerjoin(reviewed_counts, reviewed_counts.c.article_id == Article.id)
        .order_by(Article.imported_at.desc(), Article.id.desc())
    )
    if search:
        query = query.where(Article.title.ilike(f"%{_escape_like(search)}%", escape="\\"))
    if not include_archived:
        query = query.where(Article.archived_at.is_(None))
    return [
        ArticleSummary(
            id=row[0],
            title=row[1],
            source_format=row[2],
            imported_at=row[3],
            archived=row[4] is not None,
            claims=int(row[5]),
            checkable=int(row[6]),
            reviewed=int(row[7]),
            reviewed_by_me=int(row[8]),
        )
        for row in session.execute(query)
    ]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_article(session: Session, actor: Actor, article_id: int) -> Article | None:
    actor.require(READ_ARTICLES)
    return session.get(Article, article_id)


def _claim_filter(
    article_id: int,
    *,
    checkable_only: bool = False,
    cue_kinds: Sequence[str] = (),
    only: Sequence[int] | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Claim.article_id == article_id]
    if only is not None:
        conditions.append(Claim.id.in_(list(only)))
    if checkable_only:
        conditions.append(Claim.checkable.is_(True))
    if cue_kinds:
        conditions.append(
            select(ClaimCue.id)
            .where(ClaimCue.claim_id == Claim.id, ClaimCue.kind.in_(list(cue_kinds)))
            .exists()
        )
    return conditions


def claim_page(
    session: Session,
    actor: Actor,
    article_id: int,
    *,
    offset: int = 0,
    limit: int = 100,
    checkable_only: bool = False,
    cue_kinds: Sequence[str] = (),
    only: Sequence[int] | None = None,
) -> list[Claim]:
    """One page of an article's claims in order, with their cues, optionally filtered (``only``:
    these claims of it)."""
    actor.require(READ_ARTICLES)
    conditions = _claim_filter(
        article_id, checkable_only=checkable_only, cue_kinds=cue_kinds, only=only
    )
    return list(
        session.scalars(
            select(Claim)
            .where(*conditions)
            .order_by(Claim.ordinal)
            .offset(offset)
            .limit(limit)
            .options(selectinload(Claim.cues))
        )
    )


def count_claims(
    session: Session,
    article_id: int,
    *,
    checkable_only: bool = False,
    cue_kinds: Sequence[str] = (),
    only: Sequence[int] | None = None,
) -> int:
    """How many claims match; a count reveals nothing a reader of the article list lacks."""
    conditions = _claim_filter(
        article_id, checkable_only=checkable_only, cue_kinds=cue_kinds, only=only
    )
    return session.scalar(select(func.count()).select_from(Claim).where(*conditions)) or 0


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_bundle(session: Session, actor: Actor, article_id: int) -> dict[str, Any] | None:
    """Everything known about an article, as plain JSON-ready data (for exports)."""
    actor.require(EXPORT_REPORTS)
    article = session.get(Article, article_id)
    if article is None:
        return None
    claims = list(
        session.scalars(
            select(Claim)
            .where(Claim.article_id == article_id)
            .order_by(Claim.ordinal)
            .options(
                selectinload(Claim.cues),
                selectinload(Claim.reviews)
                .selectinload(Review.citations)
                .joinedload(ReviewCitation.citation),
                selectinload(Claim.reviews).joinedload(Review.reviewer),
                selectinload(Claim.decision).selectinload(Decision.based_on),
                selectinload(Claim.decision).joinedload(Decision.editor),
            )
        )
    )
    citations: dict[int, dict[str, Any]] = {}
    claim_rows = []
    for claim in claims:
        reviews = []
        for review in sorted(claim.reviews, key=lambda r: r.id):
            for link in review.citations:
                c = link.citation
                citations.setdefault(
                    c.id,
                    {
                        "id": c.id,
                        "kind": c.kind,
                        "identifier": c.identifier,
                        "title": c.title,
                        "authors": c.authors,
                        "journal": c.journal,
                        "year": c.year,
                        "volume": c.volume,
                        "issue": c.issue,
                        "pages": c.pages,
                        "study_design": c.study_design,
                        "url": c.url,
                        "doi": c.doi,
                        "pmid": c.pmid,
                        "pmcid": c.pmcid,
                        "flags": [f for f in (c.flags or "").split(",") if f],
                    },
                )
            reviews.append(
                {
                    "id": review.id,
                    "reviewer": review.reviewer.username,
                    "verdict": review.verdict,
                    "certainty": review.certainty,
                    "rationale": review.rationale,
                    "status": review.status,
                    "grade": json.loads(review.grade) if review.grade else None,
                    "needs_second_look": review.needs_second_look,
                    "created_at": _iso(review.created_at),
                    "updated_at": _iso(review.updated_at),
                    "submitted_at": _iso(review.submitted_at),
                    "citations": [
                        {
                            "citation_id": link.citation_id,
                            "stance": link.stance,
                            "quote": link.quote,
                            "locator": link.locator,
                        }
                        for link in review.citations
                    ],
                }
            )
        decision = claim.decision
        claim_rows.append(
            {
                "id": claim.id,
                "ordinal": claim.ordinal,
                "start": claim.start,
                "end": claim.end,
                "text": claim.text,
                "section": claim.section,
                "checkable": claim.checkable,
                "kind": claim.kind,
                "cues": [
                    {
                        "kind": cue.kind,
                        "start": cue.start,
                        "end": cue.end,
                        "text": cue.text,
                        "reason": cue.reason,
                    }
                    for cue in claim.cues
                ],
                "reviews": reviews,
                "decision": None
                if decision is None
                else {
                    "verdict": decision.verdict,
                    "certainty": decision.certainty,
                    "reason": decision.reason,
                    "note": decision.note,
                    "decided_at": _iso(decision.decided_at),
                    "decided_by": decision.editor.username if decision.editor else None,
                    "based_on_reviews": sorted(d.review_id for d in decision.based_on),
                },
            }
        )
    return {
        "article": {
            "id": article.id,
            "title": article.title,
            "source_url": article.source_url,
            "author": article.author,
            "medical_reviewer": article.medical_reviewer,
            "published_on": _iso(article.published_on),
            "source_format": article.source_format,
            "source_filename": article.source_filename,
            "content_hash": article.content_hash,
            "imported_at": _iso(article.imported_at),
            "text": article.text,
            "key_takeaways": article.key_takeaways or "",
            "report_settings": report_options(session, article_id).to_mapping(),
            "blind_review": article.blind_review,
            "auto_accept_unanimous": article.auto_accept_unanimous,
        },
        "claims": claim_rows,
        "citations": sorted(citations.values(), key=lambda c: c["id"]),
        "audit": _audit_summary(session, article_id),
        # Printed on the report; not part of the article (JSON exports leave it out).
        "organisation": organisation_data(session),
    }


def _audit_summary(session: Session, article_id: int) -> dict[str, Any]:
    """How much was recorded about the article, by action, and over which period."""
    rows = session.execute(
        select(
            AuditEvent.entity_type,
            AuditEvent.action,
            func.count(),
            func.min(AuditEvent.occurred_at),
            func.max(AuditEvent.occurred_at),
        )
        .where(AuditEvent.article_id == article_id)
        .group_by(AuditEvent.entity_type, AuditEvent.action)
        .order_by(AuditEvent.entity_type, AuditEvent.action)
    ).all()
    firsts = [r[3] for r in rows if r[3] is not None]
    lasts = [r[4] for r in rows if r[4] is not None]
    return {
        "events": sum(r[2] for r in rows),
        "by_action": {f"{r[0]} {r[1]}": r[2] for r in rows},
        "first_event_at": _iso(min(firsts)) if firsts else None,
        "last_event_at": _iso(max(lasts)) if lasts else None,
    }
