"""Search everything the desk has reviewed: claims, rationales, sources and decisions.

Each database's own full-text index (db/search_index.py) finds and ranks the entries; this
module keeps to the rules of who may read what. A claim's own text and an editor's decision
are open to every reader. A review is found by its own reviewer, by those who may see every
review, and by other reviewers only as readable_reviews (db/reviews.py) would show it: when
submitted, and under blind review only once they have submitted their own review of the
claim. A reviewer therefore never learns of another's open review through the search.

The index finds the matching entries (within one article by the index itself, when the filter
names one); the rules and the other filters then keep what the reader may see, and the best
entry of each claim ranks the claim. A search that matches more than ``RANKED`` entries (a word
in every third claim) ranks only the newest ``CANDIDATES`` and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    distinct,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.permissions import READ_ALL_REVIEWS, READ_ARTICLES, Actor
from claims.search import SearchQuery, marks
from db.models import (
    Article,
    ArticleAssignment,
    Claim,
    ClaimAssignment,
    Decision,
    Review,
    SearchEntry,
    User,
)
from db.search_index import FTS_TABLE, SETTLED

RANKED = 5000  # a search matching up to this many entries ranks and filters every one
CANDIDATES = 2000  # else the newest this many are ranked and filtered
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search: claims with this verdict or certainty (an editor's decision, or a
    review the reader may see), reviewed by this reviewer, in this article, or in articles
    published in this date range."""

    verdicts: tuple[str, ...] = ()
    certainties: tuple[str, ...] = ()
    reviewer_id: int | None = None
    article_id: int | None = None
    published_from: date | None = None
    published_to: date | None = None


@dataclass(frozen=True)
class SearchHit:
    claim_id: int
    article_id: int
    article_title: str
    ordinal: int
    text: str
    section: str | None
    published_on: date | None
    score: float  # higher ranks first; comparable within one search only
    found_in: tuple[str, ...]  # "claim", "review", "decision": where the words were found
    decision_verdict: str | None = None
    decision_certainty: str | None = None
    my_verdict: str | None = None
    my_certainty: str | None = None
    matched: tuple[str, ...] = field(default=())  # the bodies of the matching reviews/notes


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    more: bool  # the search found more claims than it shows
    # False: so many entries matched that only the newest were ranked and filtered
    complete: bool = True


def _blind(article: type[Article]) -> ColumnElement[bool]:
    """db.assignments.blind_under, in SQL: "on", or "auto" with two or more reviewers assigned
    to the article or any of its claims (counted among users, so each subquery correlates)."""
    # Correlated by name: these sit two subqueries below the query that joins the article.
    whole = (
        select(ArticleAssignment.reviewer_id)
        .where(ArticleAssignment.article_id == article.id)
        .correlate(article)
    )
    some = (
        select(ClaimAssignment.reviewer_id)
        .where(ClaimAssignment.article_id == article.id)
        .correlate(article)
    )
    reviewers = (
        select(func.count(User.id))
        .where(or_(User.id.in_(whole), User.id.in_(some)))
        .correlate(article)
        .scalar_subquery()
    )
    return or_(article.blind_review == "on", and_(article.blind_review == "auto", reviewers >= 2))


def _open_to(actor: Actor, review: Any) -> ColumnElement[bool]:
    """Whether ``review`` (an alias of reviews, of the claim in the outer query) is one the
    actor may read, as db.reviews.readable_reviews decides (see the module's docstring)."""
    if actor.can(READ_ALL_REVIEWS):
        return true()
    mine_submitted = exists().where(
        Review.claim_id == review.c.claim_id,
        Review.reviewer_id == actor.user_id,
        Review.status == "submitted",
    )
    return or_(
        review.c.reviewer_id == actor.user_id,
        and_(review.c.status == "submitted", or_(~_blind(Article), mine_submitted)),
    )


def _visible(actor: Actor) -> ColumnElement[bool]:
    """A claim's own entry and a decision's are open to every reader; a review's as above."""
    review = Review.__table__.alias("readable")
    readable = select(review.c.id).where(
        review.c.id == SearchEntry.review_id, _open_to(actor, review)
    )
    return or_(SearchEntry.kind != "review", readable.exists())


def _with_finding(actor: Actor, column_name: str, codes: tuple[str, ...]) -> ColumnElement[bool]:
    """The claim's decision has one of ``codes``, or a review the actor may read does."""
    decided = exists().where(
        Decision.claim_id == Claim.id, getattr(Decision, column_name).in_(codes)
    )
    review = Review.__table__.alias("found")
    found = select(review.c.id).where(
        review.c.claim_id == Claim.id,
        getattr(review.c, column_name).in_(codes),
        _open_to(actor, review),
    )
    return or_(decided, found.exists())


def _by_reviewer(actor: Actor, reviewer_id: int) -> ColumnElement[bool]:
    """The claim has a review by ``reviewer_id`` that the actor may read."""
    review = Review.__table__.alias("by")
    return (
        select(review.c.id)
        .where(
            review.c.claim_id == Claim.id,
            review.c.reviewer_id == reviewer_id,
            _open_to(actor, review),
        )
        .exists()
    )


def _matching(session: Session, query: SearchQuery, article_id: int | None) -> tuple[Any, Any]:
    """(entries matching, their rank: higher is better), by the database's own index, within
    one article when ``article_id`` is given."""
    if session.get_bind().dialect.name == "postgresql":
        ts = func.to_tsquery(literal_column("'english'"), bindparam("q", query.tsquery()))
        document = literal_column("search_entries.document")
        scoped = [document.op("@@")(ts), SearchEntry.kind != SETTLED]
        if article_id is not None:
            scoped.append(SearchEntry.article_id == article_id)
        return select(SearchEntry.id.label("entry_id")).where(*scoped), func.ts_rank(document, ts)
    fts = table(FTS_TABLE, column("rowid"), column("rank"))
    expression = f"body : ({query.fts5()}) NOT kind : {SETTLED}"
    if article_id is not None:
        expression = f'article_id : "{int(article_id)}" AND {expression}'
    matching = select(fts.c.rowid.label("entry_id")).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam("q", expression))
    )
    return matching, -fts.c.rank


def _candidates(
    session: Session, query: SearchQuery, article_id: int | None
) -> tuple[Select, bool]:
    """(entry id, score) of the entries to filter and rank, and whether they are all the
    entries that match. Up to ``RANKED`` matches are all ranked; beyond that ranking every
    match would take seconds (a word in a third of a million claims), and the newest
    ``CANDIDATES`` of them are ranked instead."""
    matching, score = _matching(session, query, article_id)
    bounded = select(func.count()).select_from(matching.limit(RANKED + 1).subquery())
    complete = (session.scalar(bounded) or 0) <= RANKED
    if complete:
        return matching.add_columns(score.label("score")), True
    # The newest: by claim on PostgreSQL (an index read backwards stops after enough matches),
    # by entry on SQLite (FTS5 walks its matches in rowid order).
    if session.get_bind().dialect.name == "postgresql":
        newest = SearchEntry.claim_id.desc()
    else:
        newest = matching.selected_columns.entry_id.desc()
    return matching.add_columns(score.label("score")).order_by(newest).limit(CANDIDATES), False


def search_claims(
    session: Session,
    actor: Actor,
    query: SearchQuery,
    filters: SearchFilters | None = None,
    limit: int = DEFAULT_LIMIT,
) -> SearchResults:
    """The claims whose text, section, readable reviews (rationale, sources' titles and
    authors) or decision note match ``query``, best first; archived articles left out."""
    actor.require(READ_ARTICLES)
    if query.empty:
        raise ClaimreviewError(
            "Type at least one word to search for (common words such as 'the' or 'not' are "
            "not searched on their own)."
        )
    filters = filters or SearchFilters()
    if (
        filters.published_from is not None
        and filters.published_to is not None
        and filters.published_from > filters.published_to
    ):
        raise ClaimreviewError(
            "The 'published from' date is after the 'published until' date: swap them or clear one."
        )
    if limit < 1:
        raise ClaimreviewError("Ask for at least one result.")
    candidates, complete = _candidates(session, query, filters.article_id)
    found = candidates.subquery()
    conditions = [_visible(actor), Article.archived_at.is_(None)]
    if filters.article_id is not None:
        conditions.append(Claim.article_id == filters.article_id)
    if filters.published_from is not None:
        conditions.append(Article.published_on >= filters.published_from)
    if filters.published_to is not None:
        conditions.append(Article.published_on <= filters.published_to)
    if filters.verdicts:
        conditions.append(_with_finding(actor, "verdict", filters.verdicts))
    if filters.certainties:
        conditions.append(_with_finding(actor, "certainty", filters.certainties))
    if filters.reviewer_id is not None:
        conditions.append(_by_reviewer(actor, filters.reviewer_id))
    # One row per claim, summed up by the database: its best entry's score and where it
    # matched; only the page's claims leave it.
    score = func.max(found.c.score).label("score")
    if session.get_bind().dialect.name == "postgresql":
        kinds = func.string_agg(distinct(SearchEntry.kind), literal_column("','"))
    else:
        kinds = func.group_concat(distinct(SearchEntry.kind))
    ranked = session.execute(
        select(SearchEntry.claim_id, score, kinds.label("kinds"))
        .join(found, found.c.entry_id == SearchEntry.id)
        .join(Claim, Claim.id == SearchEntry.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(*conditions)
        .group_by(SearchEntry.claim_id)
        .order_by(score.desc(), SearchEntry.claim_id)
        .limit(limit + 1)
    ).all()
    shown = ranked[:limit]
    details = _details(session, actor, [row.claim_id for row in shown])
    matched = _matched_text(session, actor, query, shown)
    hits = [
        SearchHit(
            **details[row.claim_id],
            score=row.score,
            found_in=tuple(k for k in ("claim", "review", "decision") if k in row.kinds.split(",")),
            matched=matched.get(row.claim_id, ()),
        )
        for row in shown
        if row.claim_id in details
    ]
    return SearchResults(hits, more=len(ranked) > limit, complete=complete)


def _matched_text(
    session: Session, actor: Actor, query: SearchQuery, shown: list[Any]
) -> dict[int, tuple[str, ...]]:
    """The readable reviews' and decisions' texts of the shown claims that matched, to quote
    beside each claim (its own text is shown anyway)."""
    wanted = [row.claim_id for row in shown if set(row.kinds.split(",")) - {"claim"}]
    if not wanted:
        return {}
    rows = session.execute(
        select(SearchEntry.claim_id, SearchEntry.body)
        .join(Claim, Claim.id == SearchEntry.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(
            SearchEntry.claim_id.in_(wanted),
            SearchEntry.kind.in_(("review", "decision")),
            _visible(actor),
        )
        .order_by(SearchEntry.id)
    ).all()
    matched: dict[int, list[str]] = {}
    for claim_id, body in rows:
        if marks(body, query):
            matched.setdefault(claim_id, []).append(body)
    return {claim_id: tuple(bodies) for claim_id, bodies in matched.items()}


def _details(session: Session, actor: Actor, claim_ids: list[int]) -> dict[int, dict]:
    if not claim_ids:
        return {}
    rows = session.execute(
        select(
            Claim.id, Claim.article_id, Article.title, Claim.ordinal, Claim.text, Claim.section,
            Article.published_on, Decision.verdict, Decision.certainty,
        )
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(Decision, Decision.claim_id == Claim.id)
        .where(Claim.id.in_(claim_ids))
    ).all()  # fmt: skip
    mine: dict[int, tuple[str | None, str | None]] = {}
    if actor.user_id is not None:
        mine = {
            claim_id: (verdict, certainty)
            for claim_id, verdict, certainty in session.execute(
                select(Review.claim_id, Review.verdict, Review.certainty).where(
                    Review.claim_id.in_(claim_ids), Review.reviewer_id == actor.user_id
                )
            )
        }
    return {
        row[0]: {
            "claim_id": row[0],
            "article_id": row[1],
            "article_title": row[2],
            "ordinal": row[3],
            "text": row[4],
            "section": row[5],
            "published_on": row[6],
            "decision_verdict": row[7],
            "decision_certainty": row[8],
            "my_verdict": mine.get(row[0], (None, None))[0],
            "my_certainty": mine.get(row[0], (None, None))[1],
        }
        for row in rows
    }
