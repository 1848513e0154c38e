"""Evidence-gap figures for the dashboards, read from the facts tables (db/claim_facts.py).

Without claim-level filters every figure is a grouped sum over ``article_facts`` (a few rows per
article); with a section, reviewer or cue filter it sums ``claim_facts`` (one row per claim).
Both carry the same count columns, so one query shape serves both. Archived articles are left
out, as they are from the Articles page. Current findings sum up everyone's reviews, so the
dashboards are for those who may see every review (editors): blind review stays blind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from claims.cues import CUE_KINDS
from claims.permissions import READ_ALL_REVIEWS, Actor
from db.claim_facts import NOT_CHECKABLE
from db.models import (
    GAP_COLUMNS,
    Article,
    ArticleFact,
    ArticleTotal,
    Claim,
    ClaimCue,
    ClaimFact,
    Review,
    ReviewDay,
    User,
)

GAPS = {
    "no_review": "Checkable claims with no submitted review",
    "no_citation": "Reviewed claims with no citation",
    "weak_evidence": "Only low or very low certainty, or no evidence found",
    "indirect_only": "Resting only on preclinical studies or preprints",
    "single_source": "Resting on a single source",
    "disagreement": "Reviewers disagree (no decision yet)",
    "clash": "Verdict and certainty clash",
    "cues_unreviewed": "Cues of overclaiming and no review yet",
    "cites_retracted": "Cites a retracted source",
}
assert tuple(GAPS) == GAP_COLUMNS
THROUGHPUT_WEEKS = 26
OVERVIEW_COUNTS = ("claims", "checkable", "reviewed", "decided", "open_gap", *GAP_COLUMNS)


@dataclass(frozen=True)
class DashboardFilter:
    """What the figures are narrowed to; every field left empty means "all"."""

    article_id: int | None = None
    # Articles dated in this range: the published date when known, else the day imported.
    date_from: date | None = None
    date_to: date | None = None
    section: str | None = None
    reviewer_id: int | None = None  # claims this reviewer submitted a review of
    verdict: str | None = None  # a current verdict code, "disagreement" or "unreviewed"
    certainty: str | None = None  # a certainty code or "not_rated"
    cue_kind: str | None = None

    @property
    def per_claim(self) -> bool:
        """Whether the filter needs one row per claim, not an article's sums."""
        return bool(self.section or self.reviewer_id or self.cue_kind)


EVERYTHING = DashboardFilter()


@dataclass(frozen=True)
class Overview:
    claims: int
    checkable: int
    reviewed: int
    decided: int
    open_gap: int  # checkable claims in at least one gap
    gaps: dict[str, int]
    verdicts: dict[str, int]  # current verdict code (or "disagreement"/"unreviewed") -> claims
    certainties: dict[str, int] = field(default_factory=dict)


def _article_conditions(filters: DashboardFilter, article_id_column) -> list[ColumnElement]:
    """Archived articles out; the article and date filters in (as a semi-join on articles)."""
    conditions: list[ColumnElement] = [Article.archived_at.is_(None)]
    if filters.article_id is not None:
        conditions.append(Article.id == filters.article_id)
    if filters.date_from is not None:
        since = datetime.combine(filters.date_from, time.min, UTC)
        conditions.append(
            or_(
                Article.published_on >= filters.date_from,
                and_(Article.published_on.is_(None), Article.imported_at >= since),
            )
        )
    if filters.date_to is not None:
        before = datetime.combine(filters.date_to + timedelta(days=1), time.min, UTC)
        conditions.append(
            or_(
                Article.published_on <= filters.date_to,
                and_(Article.published_on.is_(None), Article.imported_at < before),
            )
        )
    return [article_id_column.in_(select(Article.id).where(*conditions))]


def _article_ids(filters: DashboardFilter) -> Select:
    """The ids of the articles the filters cover (archived ones never)."""
    (condition,) = _article_conditions(filters, Article.id)
    return select(Article.id).where(condition)


def _conditions(filters: DashboardFilter, source: type) -> list[ColumnElement]:
    """The filters as conditions on ``source``: claim_facts, or article_facts when the filter
    is not per claim."""
    conditions = _article_conditions(filters, source.article_id)
    if filters.verdict:
        conditions.append(source.verdict_state == filters.verdict)
    if filters.certainty:
        conditions.append(source.certainty_state == filters.certainty)
    if filters.section:
        conditions.append(ClaimFact.section == filters.section)
    if filters.reviewer_id is not None:
        conditions.append(
            ClaimFact.claim_id.in_(
                select(Review.claim_id).where(
                    Review.reviewer_id == filters.reviewer_id, Review.status == "submitted"
                )
            )
        )
    if filters.cue_kind:
        conditions.append(
            ClaimFact.claim_id.in_(
                select(ClaimCue.claim_id).where(ClaimCue.kind == filters.cue_kind)
            )
        )
    return conditions


def _source(filters: DashboardFilter) -> type:
    return ClaimFact if filters.per_claim else ArticleFact


def _by_article_only(filters: DashboardFilter) -> bool:
    """Whether the filters narrow only which articles count (article, dates): then the
    per-article totals answer, without the rows per finding."""
    return not filters.per_claim and not filters.verdict and not filters.certainty


def _everything(filters: DashboardFilter) -> bool:
    return filters.article_id is None and not filters.date_from and not filters.date_to


def _findings(session: Session, filters: DashboardFilter) -> list[tuple[str, str, int]]:
    """(verdict state, certainty state, claims) of the articles the filters cover."""
    query = select(
        ArticleFact.verdict_state, ArticleFact.certainty_state, func.sum(ArticleFact.claims)
    ).group_by(ArticleFact.verdict_state, ArticleFact.certainty_state)
    if not _everything(filters):
        return [
            tuple(r)
            for r in session.execute(
                query.where(*_article_conditions(filters, ArticleFact.article_id))
            )
        ]
    # Every article: the finding index in order (no sort), less the few archived articles.
    counts = {(v, c): int(n) for v, c, n in session.execute(query)}
    archived = query.where(
        ArticleFact.article_id.in_(select(Article.id).where(Article.archived_at.is_not(None)))
    )
    for v, c, n in session.execute(archived):
        counts[(v, c)] = counts.get((v, c), 0) - int(n)
    return [(v, c, n) for (v, c), n in counts.items() if n > 0]


def overview(session: Session, actor: Actor, filters: DashboardFilter = EVERYTHING) -> Overview:
    """Totals, gap counts and the verdict and certainty distributions, as filtered."""
    actor.require(READ_ALL_REVIEWS)
    if _by_article_only(filters):
        return _overview_of_articles(session, filters)
    source = _source(filters)
    conditions = _conditions(filters, source)
    # One scan, grouped by finding (a few dozen rows); totals and distributions sum those.
    rows = session.execute(
        select(
            source.verdict_state,
            source.certainty_state,
            *(func.sum(getattr(source, c)) for c in OVERVIEW_COUNTS),
        )
        .where(*conditions)
        .group_by(source.verdict_state, source.certainty_state)
    ).all()
    totals = dict.fromkeys(OVERVIEW_COUNTS, 0)
    for _verdict, _certainty, *sums in rows:
        for name, value in zip(OVERVIEW_COUNTS, sums, strict=True):
            totals[name] += int(value or 0)
    return _overview(totals, [(v, c, sums[0]) for v, c, *sums in rows])


def _overview(totals: dict[str, int], findings: Iterable[tuple[str, str, object]]) -> Overview:
    """The overview of these totals and (verdict state, certainty state, claims) rows."""
    verdicts: dict[str, int] = {}
    certainties: dict[str, int] = {}
    for verdict_state, certainty_state, count in findings:
        claims = int(count or 0)
        if verdict_state != NOT_CHECKABLE and claims:
            verdicts[verdict_state] = verdicts.get(verdict_state, 0) + claims
        if certainty_state != NOT_CHECKABLE and claims:
            certainties[certainty_state] = certainties.get(certainty_state, 0) + claims
    return Overview(
        claims=totals["claims"],
        checkable=totals["checkable"],
        reviewed=totals["reviewed"],
        decided=totals["decided"],
        open_gap=totals["open_gap"],
        gaps={name: totals[name] for name in GAP_COLUMNS},
        verdicts=verdicts,
        certainties=certainties,
    )


def _overview_of_articles(session: Session, filters: DashboardFilter) -> Overview:
    """``overview`` from the per-article totals and the finding distributions."""
    sums = session.execute(
        select(*(func.sum(getattr(ArticleTotal, c)) for c in OVERVIEW_COUNTS)).where(
            *_article_conditions(filters, ArticleTotal.article_id)
        )
    ).one()
    totals = {name: int(value or 0) for name, value in zip(OVERVIEW_COUNTS, sums, strict=True)}
    return _overview(totals, _findings(session, filters))


@dataclass(frozen=True)
class GapClaim:
    claim_id: int
    article_id: int
    ordinal: int
    section: str | None
    text: str


def gap_claims(
    session: Session,
    actor: Actor,
    gap: str,
    filters: DashboardFilter = EVERYTHING,
    limit: int = 200,
) -> list[GapClaim]:
    """The claims in one gap, in article order (the first ``limit`` of them)."""
    actor.require(READ_ALL_REVIEWS)
    if gap not in GAPS:
        raise ValueError(f"unknown gap {gap!r}; known: {', '.join(GAPS)}")
    rows = session.execute(
        select(Claim.id, Claim.article_id, Claim.ordinal, Claim.section, Claim.text)
        .join(ClaimFact, ClaimFact.claim_id == Claim.id)
        .where(getattr(ClaimFact, gap) == 1, *_conditions(filters, ClaimFact))
        # The facts' article, not the claim's (the same): SQLite then walks the facts in
        # article order and stops at the limit, sorting only within an article (4 ms, not
        # 300 ms, at a million claims).
        .order_by(ClaimFact.article_id, Claim.ordinal)
        .limit(limit)
    ).all()
    return [GapClaim(*row) for row in rows]


@dataclass(frozen=True)
class ArticleGaps:
    article_id: int
    title: str
    claims: int
    checkable: int
    reviewed: int
    open_gap: int
    gaps: dict[str, int]


def articles_by_gaps(
    session: Session, actor: Actor, filters: DashboardFilter = EVERYTHING, limit: int = 50
) -> list[ArticleGaps]:
    """Articles with the most checkable claims in an open gap first."""
    actor.require(READ_ALL_REVIEWS)
    counted = ("claims", "checkable", "reviewed", "open_gap", *GAP_COLUMNS)
    if _by_article_only(filters):
        # One row per article already: no grouping of the rows per finding.
        sums = (
            select(
                ArticleTotal.article_id.label("article_id"),
                *(getattr(ArticleTotal, c).label(c) for c in counted),
            )
            .where(*_article_conditions(filters, ArticleTotal.article_id))
            .subquery()
        )
    else:
        source = _source(filters)
        sums = (
            select(
                source.article_id.label("article_id"),
                *(func.sum(getattr(source, c)).label(c) for c in counted),
            )
            .where(*_conditions(filters, source))
            .group_by(source.article_id)
            .subquery()
        )
    rows = session.execute(
        select(sums, Article.title)
        .join(Article, Article.id == sums.c.article_id)
        .order_by(sums.c.open_gap.desc(), sums.c.article_id)
        .limit(limit)
    ).all()
    return [
        ArticleGaps(
            article_id=row.article_id,
            title=row.title,
            claims=int(row.claims),
            checkable=int(row.checkable),
            reviewed=int(row.reviewed),
            open_gap=int(row.open_gap),
            gaps={name: int(getattr(row, name)) for name in GAP_COLUMNS},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class MappedClaim:
    claim_id: int
    ordinal: int
    section: str | None
    verdict_state: str
    certainty_state: str
    open_gaps: tuple[str, ...]
    preview: str


def claim_map(session: Session, actor: Actor, article_id: int) -> list[MappedClaim]:
    """An article's claims in order with their current finding, for the claim map strip."""
    actor.require(READ_ALL_REVIEWS)
    rows = session.execute(
        select(
            Claim.id,
            Claim.ordinal,
            Claim.section,
            ClaimFact.verdict_state,
            ClaimFact.certainty_state,
            func.substr(Claim.text, 1, 120),
            *(getattr(ClaimFact, gap) for gap in GAP_COLUMNS),
        )
        .join(ClaimFact, ClaimFact.claim_id == Claim.id)
        .where(Claim.article_id == article_id)
        .order_by(Claim.ordinal)
    ).all()
    return [
        MappedClaim(
            claim_id=row[0],
            ordinal=row[1],
            section=row[2],
            verdict_state=row[3],
            certainty_state=row[4],
            open_gaps=tuple(gap for gap, flag in zip(GAP_COLUMNS, row[6:], strict=True) if flag),
            preview=row[5],
        )
        for row in rows
    ]


def review_throughput(
    session: Session,
    actor: Actor,
    filters: DashboardFilter = EVERYTHING,
    *,
    weeks: int = THROUGHPUT_WEEKS,
    today: date | None = None,
) -> list[tuple[date, str, int]]:
    """(day, reviewer, reviews submitted that day) over the last ``weeks`` weeks, narrowed by
    the article, date, section and reviewer filters."""
    actor.require(READ_ALL_REVIEWS)
    since = datetime.combine((today or date.today()) - timedelta(weeks=weeks), time.min, UTC)
    day = func.date(Review.submitted_at)
    # Grouped by reviewer id first; names are joined to the few grouped rows afterwards.
    query = (
        select(day, Review.reviewer_id, func.count())
        .where(Review.status == "submitted", Review.submitted_at >= since)
        .group_by(day, Review.reviewer_id)
    )
    if filters.reviewer_id is not None:
        query = query.where(Review.reviewer_id == filters.reviewer_id)

    def as_date(value: object) -> date:  # SQLite's date() gives text
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    counts: dict[tuple[date, int], int] = {}
    if filters.article_id is not None or filters.date_from or filters.date_to or filters.section:
        # From the articles' claims to their reviews (by index), not through every review.
        query = query.join(Claim, Claim.id == Review.claim_id).where(
            Claim.article_id.in_(_article_ids(filters))
        )
        if filters.section:
            query = query.where(Claim.section == filters.section)
        counts = {(as_date(d), r): n for d, r, n in session.execute(query).all()}
    else:
        # Every article: the per-reviewer day counts (db/review_days.py), a row per reviewer
        # and day instead of every review.
        days = select(ReviewDay.day, ReviewDay.reviewer_id, ReviewDay.reviews).where(
            ReviewDay.day >= since.date()
        )
        if filters.reviewer_id is not None:
            days = days.where(ReviewDay.reviewer_id == filters.reviewer_id)
        counts = {(d, r): n for d, r, n in session.execute(days).all()}
        # Archived articles are few: count their reviews apart and take them away (a NOT IN
        # on every review costs five times the count itself).
        archived = query.join(Claim, Claim.id == Review.claim_id).where(
            Claim.article_id.in_(select(Article.id).where(Article.archived_at.is_not(None)))
        )
        for d, r, n in session.execute(archived).all():
            counts[(as_date(d), r)] = counts.get((as_date(d), r), 0) - n
    names = dict(
        session.execute(
            select(User.id, User.username).where(User.id.in_({r for _, r in counts}))
        ).all()
    )
    rows = [(day, names[r], n) for (day, r), n in counts.items() if n > 0]
    return sorted(rows)


@dataclass(frozen=True)
class FilterChoices:
    sections: list[str]
    reviewers: list[tuple[int, str]]
    cue_kinds: list[str]


def filter_choices(session: Session, actor: Actor, article_id: int | None = None) -> FilterChoices:
    """The values the section, reviewer and cue filters can take (within one article, if set)."""
    actor.require(READ_ALL_REVIEWS)
    sections: Select = select(ClaimFact.section).where(ClaimFact.section.is_not(None)).distinct()
    if article_id is not None:
        sections = sections.where(ClaimFact.article_id == article_id)
    elif session.get_bind().dialect.name == "postgresql":
        sections = _distinct_sections_by_skipping()
    submitted = (
        select(Review.id)
        .where(Review.reviewer_id == User.id, Review.status == "submitted")
        .exists()
    )  # per user, by the (reviewer, status) index: users are few, reviews many
    reviewers = (
        select(User.id, func.coalesce(func.nullif(User.display_name, ""), User.username))
        .where(submitted)
        .order_by(User.username)
    )
    return FilterChoices(
        sections=sorted(session.scalars(sections.limit(500))),
        reviewers=[(uid, name) for uid, name in session.execute(reviewers).all()],
        cue_kinds=list(CUE_KINDS),
    )


def _distinct_sections_by_skipping() -> Select:
    """Every section across articles, one index probe per section rather than a pass over a
    million claims' facts (PostgreSQL has no skip scan: 99 ms at a million claims, under 1 ms
    so). SQLite reads the distinct values off the same index by itself."""
    facts = ClaimFact.__table__
    first = select(func.min(facts.c.section).label("section")).where(facts.c.section.is_not(None))
    found = first.cte("sections", recursive=True)
    after = select(func.min(facts.c.section)).where(facts.c.section > found.c.section)
    found = found.union_all(select(after.scalar_subquery()).where(found.c.section.is_not(None)))
    return select(found.c.section).where(found.c.section.is_not(None))


def article_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, title) of every article the dashboards cover, newest first."""
    actor.require(READ_ALL_REVIEWS)
    rows = session.execute(
        select(Article.id, Article.title)
        .where(Article.archived_at.is_(None))
        .order_by(Article.id.desc())
    ).all()
    return [(article_id, title) for article_id, title in rows]
