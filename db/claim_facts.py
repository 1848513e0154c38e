"""Evidence-gap facts per claim and per article, kept current inside every write transaction.

Counting gaps live over a million claims takes seconds; reading them from these tables takes
milliseconds. Every session made by ``Database`` notes which claims, reviews, citations and
decisions it changed (``after_flush``) and rewrites their claims' facts and their articles'
sums just before it commits (``before_commit``), in the same transaction, so the figures can
never disagree with what was saved. Bulk writes that bypass the ORM call ``touch_articles``.
An import writes its new article's facts itself (``write_new_article_facts``) and marks the
article current, so the commit does not compute them a second time. The search index
(db/search_index.py) is rewritten for the same claims at the same moments.

A claim's *current* finding is the editor's decision when there is one; otherwise the verdict
and certainty its submitted reviews agree on ("disagreement" when they do not).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    and_,
    bindparam,
    case,
    delete,
    distinct,
    event,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from claims.sources.flags import RETRACTED
from db import claim_matches, search_index
from db.models import (
    GAP_COLUMNS,
    Article,
    ArticleFact,
    ArticleTotal,
    Citation,
    Claim,
    ClaimCue,
    ClaimFact,
    Decision,
    DecisionReview,
    Review,
    ReviewCitation,
)
from db.search_index import chunks as _chunks

WEAK_CERTAINTY = ("low", "very_low", "no_evidence")
INDIRECT_DESIGNS = ("preclinical", "preprint")

AFFIRMING = ("accurate", "mostly_accurate")
VERY_WEAK = ("very_low", "no_evidence")
# The state of a claim that is not checkable (a heading, a question). Not "not_checkable": that
# is a verdict a reviewer may give to a claim the splitter thought checkable.
NOT_CHECKABLE = "not_a_claim"
UNREVIEWED = "unreviewed"  # verdict state of a checkable claim no one has reviewed or decided
NOT_RATED = "not_rated"  # certainty state of a checkable claim without an agreed certainty
HEDGE = "hedge"  # the cue kind that does not count towards "cues_unreviewed"
# Claims' facts rewritten in more articles than this (a widely cited source's design changed)
# have those articles summed afresh: a few statements in all, not one per finding changed.
INCREMENTAL_ARTICLES = 10
COUNT_COLUMNS = ("claims", "checkable", "reviewed", "decided", "open_gap", *GAP_COLUMNS)

_CLAIMS = "claim_facts_claims"
_ARTICLES = "claim_facts_articles"
_REVIEWS = "claim_facts_reviews"
_CITATIONS = "claim_facts_citations"
_SUMMED = "claim_facts_summed_articles"  # articles that lost a claim: only their sums change
_WORDED = "claim_facts_worded"  # claims with new text (or newly checkable): to match again


def live_facts(claim_condition: ColumnElement[bool]) -> Select:
    """One row per claim matching ``claim_condition`` (on ``Claim``), in claim_facts' columns."""
    of_claims = select(Claim.id).where(claim_condition)
    reviews = (
        select(
            Review.claim_id.label("claim_id"),
            func.count().label("reviews"),
            func.count(distinct(Review.verdict)).label("verdicts"),
            func.min(Review.verdict).label("verdict"),
            func.count(distinct(Review.certainty)).label("certainties"),
            func.min(Review.certainty).label("certainty"),
        )
        .where(Review.status == "submitted", Review.claim_id.in_(of_claims))
        .group_by(Review.claim_id)
        .subquery()
    )
    direct = or_(Citation.study_design.is_(None), Citation.study_design.not_in(INDIRECT_DESIGNS))
    # Citation.flags is a comma-separated list of codes (db/source_lookups.py).
    retracted = (literal(",") + Citation.flags + literal(",")).like(f"%,{RETRACTED},%")
    sources = (
        select(
            Review.claim_id.label("claim_id"),
            func.count(distinct(ReviewCitation.citation_id)).label("sources"),
            func.count(distinct(case((direct, ReviewCitation.citation_id)))).label("direct"),
            func.count(distinct(case((retracted, ReviewCitation.citation_id)))).label("retracted"),
        )
        .join(ReviewCitation, ReviewCitation.review_id == Review.id)
        .join(Citation, Citation.id == ReviewCitation.citation_id)
        .where(Review.status == "submitted", Review.claim_id.in_(of_claims))
        .group_by(Review.claim_id)
        .subquery()
    )
    cues = (
        select(ClaimCue.claim_id.label("claim_id"))
        .where(ClaimCue.kind != HEDGE, ClaimCue.claim_id.in_(of_claims))
        .group_by(ClaimCue.claim_id)
        .subquery()
    )
    review_count = func.coalesce(reviews.c.reviews, 0)
    source_count = func.coalesce(sources.c.sources, 0)
    decided = Decision.id.is_not(None)
    reviewed = or_(review_count > 0, decided)
    agreed = and_(reviews.c.verdicts == 1, reviews.c.certainties <= 1)
    verdict = case((decided, Decision.verdict), (agreed, reviews.c.verdict), else_=None)
    certainty = case((decided, Decision.certainty), (agreed, reviews.c.certainty), else_=None)
    gaps: dict[str, ColumnElement[bool]] = {
        "no_review": ~reviewed,
        "no_citation": and_(reviewed, source_count == 0),
        "weak_evidence": and_(
            reviewed, or_(certainty.in_(WEAK_CERTAINTY), verdict == "unsupported")
        ),
        "indirect_only": and_(source_count > 0, func.coalesce(sources.c.direct, 0) == 0),
        "single_source": source_count == 1,
        "disagreement": and_(~decided, or_(reviews.c.verdicts > 1, reviews.c.certainties > 1)),
        "clash": and_(verdict.in_(AFFIRMING), certainty.in_(VERY_WEAK)),
        "cues_unreviewed": and_(cues.c.claim_id.is_not(None), ~reviewed),
        "cites_retracted": func.coalesce(sources.c.retracted, 0) > 0,
    }
    assert tuple(gaps) == GAP_COLUMNS  # inserted by position into claim_facts' columns
    checkable = Claim.checkable.is_(True)
    one, zero = literal(1), literal(0)

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return case((and_(checkable, condition), one), else_=zero)

    verdict_state = case(
        (~checkable, NOT_CHECKABLE),
        (verdict.is_not(None), verdict),
        (reviewed, "disagreement"),
        else_=UNREVIEWED,
    )
    certainty_state = case((~checkable, NOT_CHECKABLE), else_=func.coalesce(certainty, NOT_RATED))
    return (
        select(
            Claim.id.label("claim_id"),
            Claim.article_id.label("article_id"),
            Claim.section.label("section"),
            verdict_state.label("verdict_state"),
            certainty_state.label("certainty_state"),
            one.label("claims"),
            case((checkable, one), else_=zero).label("checkable"),
            flag(reviewed).label("reviewed"),
            flag(decided).label("decided"),
            flag(or_(*gaps.values())).label("open_gap"),
            *(flag(condition).label(name) for name, condition in gaps.items()),
        )
        .outerjoin(reviews, reviews.c.claim_id == Claim.id)
        .outerjoin(sources, sources.c.claim_id == Claim.id)
        .outerjoin(cues, cues.c.claim_id == Claim.id)
        .outerjoin(Decision, Decision.claim_id == Claim.id)
        .where(claim_condition)
    )


_FACT_COLUMNS = (
    "claim_id",
    "article_id",
    "section",
    "verdict_state",
    "certainty_state",
    *COUNT_COLUMNS,
)


def _summed(facts_condition: ColumnElement[bool]) -> Insert:
    """INSERT ... SELECT of the sums of the claim facts matching ``facts_condition``."""
    keys = (ClaimFact.article_id, ClaimFact.verdict_state, ClaimFact.certainty_state)
    return insert(ArticleFact).from_select(
        ("article_id", "verdict_state", "certainty_state", *COUNT_COLUMNS),
        select(*keys, *(func.sum(getattr(ClaimFact, c)) for c in COUNT_COLUMNS))
        .where(facts_condition)
        .group_by(*keys),
    )


def _totalled(sums_condition: ColumnElement[bool]) -> Insert:
    """INSERT ... SELECT of the totals (over every finding) of the articles whose
    ``article_facts`` match ``sums_condition``: one ``article_totals`` row per article."""
    return insert(ArticleTotal).from_select(
        ("article_id", *COUNT_COLUMNS),
        select(ArticleFact.article_id, *(func.sum(getattr(ArticleFact, c)) for c in COUNT_COLUMNS))
        .where(sums_condition)
        .group_by(ArticleFact.article_id),
    )


def write_new_article_facts(session: Session, article_id: int) -> None:
    """Write the claim facts and sums of an article created in this transaction, and mark the
    article current so the commit does not compute them again: the refresh's own statements,
    without its deletes and locks (nothing else can see the new article yet). Call once all
    the article's claims and cues are written; a later write to the same article in this
    transaction is noted and refreshed as usual."""
    connection = session.connection()
    ids = {"ids": [article_id]}
    connection.execute(_INSERT_FACTS_OF_ARTICLES, ids)
    connection.execute(_INSERT_SUMS_OF_ARTICLES, ids)
    connection.execute(_INSERT_TOTALS_OF_ARTICLES, ids)
    search_index.refresh(session, article_ids=[article_id])
    claim_matches.queue_article(session, article_id)
    _mark_current(session, article_id)


def _mark_current(session: Session, article_id: int) -> None:
    """This whole article's facts and sums are current as of now: a refresh that
    ``touch_articles`` asked for earlier in this transaction is not needed. Claims noted or
    touched one by one are still refreshed, and a later touch asks for a refresh again."""
    for key in (_ARTICLES, _SUMMED):
        pending = session.info.get(key)
        if pending:
            pending.discard(article_id)


def refresh(
    session: Session,
    claim_ids: Iterable[int] = (),
    article_ids: Iterable[int] = (),
    summed_articles: Iterable[int] = (),
) -> None:
    """Rewrite the facts of these claims (and of every claim of these articles), and the sums
    of every article they belong to or that is named in ``summed_articles``. Runs in the
    caller's transaction.

    An article named here is summed afresh. One that only had claims' facts rewritten has its
    sums changed by the difference between their old and new facts (unless more than
    ``INCREMENTAL_ARTICLES`` articles changed at once: those are summed afresh too): a review
    saved in a 2,000-claim article then costs what it costs in a 20-claim one (summing the
    article again took 2 ms of every save at 2,000 claims, measured), and a draft, which
    changes no fact, writes no sum."""
    claim_ids, article_ids = set(claim_ids), set(article_ids)
    whole = article_ids | set(summed_articles)  # summed afresh
    if not (claim_ids or whole):
        return
    if session.get_bind().dialect.name == "postgresql":
        affected = set(whole)
        for chunk in _chunks(claim_ids):
            affected.update(session.scalars(select(Claim.article_id).where(Claim.id.in_(chunk))))
            # A deleted claim's article is only known from its old facts.
            affected.update(
                session.scalars(select(ClaimFact.article_id).where(ClaimFact.claim_id.in_(chunk)))
            )
        # Two transactions summing the same article must take turns, or the later one would
        # write sums computed before the earlier one's change was visible.
        session.execute(
            select(Article.id)
            .where(Article.id.in_(sorted(affected)))
            .order_by(Article.id)  # always the same order: no deadlock between two writers
            .with_for_update()
        )
        # A citation whose study design another transaction is changing right now must be
        # read after that change commits, or this claim's facts would keep the old design.
        cited = (
            select(ReviewCitation.citation_id)
            .join(Review, Review.id == ReviewCitation.review_id)
            .join(Claim, Claim.id == Review.claim_id)
        )
        scopes = [Claim.article_id.in_(c) for c in _chunks(article_ids)]
        scopes += [Claim.id.in_(c) for c in _chunks(claim_ids)]
        for scope in scopes:
            session.execute(
                select(Citation.id)
                .where(Citation.id.in_(cited.where(scope)))
                .order_by(Citation.id)
                .with_for_update(read=True)
            )
    session.flush()
    connection = session.connection()  # Core statements with bound ids, not ORM bulk inserts
    for chunk in _chunks(article_ids):
        connection.execute(_DELETE_FACTS_OF_ARTICLES, {"ids": chunk})
        connection.execute(_INSERT_FACTS_OF_ARTICLES, {"ids": chunk})
    # Each finding's change in counts, from the claims' facts as they were and as they are.
    changes: dict[tuple[int, str, str], list[int]] = {}
    for chunk in _chunks(claim_ids):
        for sign, statement in ((-1, _DELETE_FACTS_OF_CLAIMS), (1, _INSERT_FACTS_OF_CLAIMS)):
            for row in connection.execute(statement, {"ids": chunk}):
                counts = changes.setdefault(tuple(row[:3]), [0] * len(COUNT_COLUMNS))
                for at, value in enumerate(row[3:]):
                    counts[at] += sign * value
    changes = {key: c for key, c in changes.items() if key[0] not in whole and any(c)}
    if len({article_id for article_id, *_ in changes}) > INCREMENTAL_ARTICLES:
        whole.update(article_id for article_id, *_ in changes)  # a few statements, not many
    else:
        _add_to_sums(connection, changes)
    for chunk in _chunks(whole):
        connection.execute(_DELETE_SUMS_OF_ARTICLES, {"ids": chunk})
        connection.execute(_INSERT_SUMS_OF_ARTICLES, {"ids": chunk})
        connection.execute(_DELETE_TOTALS_OF_ARTICLES, {"ids": chunk})
        connection.execute(_INSERT_TOTALS_OF_ARTICLES, {"ids": chunk})


def _add_to_sums(connection: Connection, changes: dict[tuple[int, str, str], list[int]]) -> None:
    """Add each finding's change in counts (article, verdict state, certainty state) to the
    article's sums and totals. A finding new to its article gets its row; one left with no
    claim loses it, as summing afresh would leave it out."""
    totals: dict[int, list[int]] = {}
    emptied: set[int] = set()  # articles with a finding that lost claims
    for (article_id, verdict_state, certainty_state), counts in changes.items():
        key = {"k_article": article_id, "k_verdict": verdict_state, "k_certainty": certainty_state}
        added = {f"d_{column}": value for column, value in zip(COUNT_COLUMNS, counts, strict=True)}
        if connection.execute(_ADD_TO_SUMS, key | added).rowcount == 0:
            row = dict(zip(COUNT_COLUMNS, counts, strict=True))
            connection.execute(
                insert(_SUMS),
                {"article_id": article_id, "verdict_state": verdict_state,
                 "certainty_state": certainty_state, **row},
            )  # fmt: skip
        if counts[0] < 0:  # "claims": the finding may have none left
            emptied.add(article_id)
        total = totals.setdefault(article_id, [0] * len(COUNT_COLUMNS))
        for at, value in enumerate(counts):
            total[at] += value
    for article_id, counts in totals.items():
        if not any(counts):
            continue
        added = {f"d_{column}": value for column, value in zip(COUNT_COLUMNS, counts, strict=True)}
        if connection.execute(_ADD_TO_TOTALS, {"k_article": article_id} | added).rowcount == 0:
            row = dict(zip(COUNT_COLUMNS, counts, strict=True))
            connection.execute(insert(_TOTALS), {"article_id": article_id, **row})
    if emptied:
        connection.execute(_DELETE_EMPTY_SUMS, {"ids": sorted(emptied)})
    shrunk = sorted(a for a, counts in totals.items() if counts[0] < 0)  # fewer claims in all
    if shrunk:
        connection.execute(_DELETE_EMPTY_TOTALS, {"ids": shrunk})


# Built once, run with the ids bound: building live_facts' statement and its cache key cost
# more than running it for one claim (about 7 ms of every review save, measured).
_IDS = bindparam("ids", expanding=True)
_FACTS, _SUMS = ClaimFact.__table__, ArticleFact.__table__
_DELETE_FACTS_OF_ARTICLES = delete(_FACTS).where(_FACTS.c.article_id.in_(_IDS))
_INSERT_FACTS_OF_ARTICLES = insert(_FACTS).from_select(
    _FACT_COLUMNS, live_facts(Claim.article_id.in_(_IDS))
)
# Both return each claim's facts (old, then new) for the change in its article's sums.
_CHANGE_COLUMNS = ("article_id", "verdict_state", "certainty_state", *COUNT_COLUMNS)
_DELETE_FACTS_OF_CLAIMS = (
    delete(_FACTS)
    .where(_FACTS.c.claim_id.in_(_IDS))
    .returning(*(_FACTS.c[c] for c in _CHANGE_COLUMNS))
)
_INSERT_FACTS_OF_CLAIMS = (
    insert(_FACTS)
    .from_select(_FACT_COLUMNS, live_facts(Claim.id.in_(_IDS)))
    .returning(*(_FACTS.c[c] for c in _CHANGE_COLUMNS))
)
_DELETE_SUMS_OF_ARTICLES = delete(_SUMS).where(_SUMS.c.article_id.in_(_IDS))
_INSERT_SUMS_OF_ARTICLES = _summed(ClaimFact.article_id.in_(_IDS))
_TOTALS = ArticleTotal.__table__
_DELETE_TOTALS_OF_ARTICLES = delete(_TOTALS).where(_TOTALS.c.article_id.in_(_IDS))
_INSERT_TOTALS_OF_ARTICLES = _totalled(ArticleFact.article_id.in_(_IDS))
_ADD_TO_SUMS = (
    update(_SUMS)
    .where(
        _SUMS.c.article_id == bindparam("k_article"),
        _SUMS.c.verdict_state == bindparam("k_verdict"),
        _SUMS.c.certainty_state == bindparam("k_certainty"),
    )
    .values({c: _SUMS.c[c] + bindparam(f"d_{c}") for c in COUNT_COLUMNS})
)
_ADD_TO_TOTALS = (
    update(_TOTALS)
    .where(_TOTALS.c.article_id == bindparam("k_article"))
    .values({c: _TOTALS.c[c] + bindparam(f"d_{c}") for c in COUNT_COLUMNS})
)
_DELETE_EMPTY_SUMS = delete(_SUMS).where(_SUMS.c.article_id.in_(_IDS), _SUMS.c.claims <= 0)
_DELETE_EMPTY_TOTALS = delete(_TOTALS).where(_TOTALS.c.article_id.in_(_IDS), _TOTALS.c.claims <= 0)


def rebuild_all(session: Session) -> None:
    """Recompute every fact from scratch (after a migration, a restore or a bulk load)."""
    session.execute(delete(ArticleFact))
    session.execute(delete(ClaimFact))
    session.execute(insert(ClaimFact).from_select(_FACT_COLUMNS, live_facts(literal(True))))
    session.execute(_summed(literal(True)))
    _total_all(session)


def _total_all(session: Session) -> None:
    session.execute(delete(ArticleTotal))
    session.execute(_totalled(literal(True)))


def ensure_facts(session: Session) -> bool:
    """Rebuild the facts if they do not cover every claim (a database made before they
    existed, or restored from elsewhere), and the article totals if they do not cover every
    article with facts (a database made before they existed). Returns whether it rebuilt."""
    claims = session.scalar(select(func.count()).select_from(Claim)) or 0
    facts = session.scalar(select(func.count()).select_from(ClaimFact)) or 0
    if claims != facts:
        rebuild_all(session)
        return True
    summed = session.scalar(select(func.count(distinct(ArticleFact.article_id)))) or 0
    totalled = session.scalar(select(func.count()).select_from(ArticleTotal)) or 0
    if summed != totalled:
        _total_all(session)
        return True
    return False


def touch_articles(session: Session, article_ids: Iterable[int]) -> None:
    """Mark whole articles for a refresh at commit (for writes that bypass the ORM)."""
    session.info.setdefault(_ARTICLES, set()).update(article_ids)


def touch_claims(session: Session, claim_ids: Iterable[int]) -> None:
    """Mark claims for a refresh at commit (for writes that bypass the ORM)."""
    session.info.setdefault(_CLAIMS, set()).update(claim_ids)


def _note_changes(session: Session, _flush_context: object) -> None:
    claims = session.info.setdefault(_CLAIMS, set())
    reviews = session.info.setdefault(_REVIEWS, set())
    citations = session.info.setdefault(_CITATIONS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Claim):
            claims.add(obj.id)
            session.info.setdefault(_SUMMED, set()).add(obj.article_id)
            if obj in session.new or (obj in session.dirty and _reworded(obj)):
                session.info.setdefault(_WORDED, set()).add(obj.id)
        elif isinstance(obj, Review | ClaimCue | Decision):
            claims.add(obj.claim_id)
        elif isinstance(obj, ReviewCitation | DecisionReview):
            reviews.add(obj.review_id)
        elif isinstance(obj, Citation) and obj in session.dirty:
            citations.add(obj.id)


def _refresh_before_commit(session: Session) -> None:
    session.flush()  # changes made since the last flush are noted by now
    claims = session.info.pop(_CLAIMS, set())
    articles = session.info.pop(_ARTICLES, set())
    summed = session.info.pop(_SUMMED, set())
    reviews = session.info.pop(_REVIEWS, set())
    citations = session.info.pop(_CITATIONS, set())
    worded = session.info.pop(_WORDED, set())
    for chunk in _chunks(citations):
        reviews.update(
            session.scalars(
                select(ReviewCitation.review_id).where(ReviewCitation.citation_id.in_(chunk))
            )
        )
    for chunk in _chunks(reviews):
        claims.update(session.scalars(select(Review.claim_id).where(Review.id.in_(chunk))))
    claims.discard(None)
    summed.discard(None)
    if claims or articles or summed:
        refresh(session, claims, articles, summed)
        # The same claims' search entries, under the article locks the refresh just took.
        search_index.refresh(session, claims, articles)
    if worded:
        claim_matches.queue(session, worded)


def _reworded(claim: Claim) -> bool:
    """Whether a claim's text, or whether it is checkable, changed in this transaction."""
    attributes = inspect(claim).attrs
    return attributes.text.history.has_changes() or attributes.checkable.history.has_changes()


def _forget(session: Session, *_args: object) -> None:
    for key in (_CLAIMS, _ARTICLES, _SUMMED, _REVIEWS, _CITATIONS, _WORDED):
        session.info.pop(key, None)


def keep_current(factory: sessionmaker) -> None:
    """Make every session from ``factory`` keep the facts current as it commits."""
    event.listen(factory, "after_flush", _note_changes)
    event.listen(factory, "before_commit", _refresh_before_commit)
    event.listen(factory, "after_rollback", _forget)
