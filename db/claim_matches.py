"""Claims of different articles that say the same thing, or the opposite: found once, stored.

Finding a claim's matches is a full-text search over every claim of other articles (the
claim's rarest words) and a re-ranking by claims.matching: tens of milliseconds on a desk of a
million claims, too slow for every opening of the review page. So it is done once per claim,
when the claim is new or its text changes, and stored in ``claim_matches`` in both directions:
a claim imported today is matched against every earlier claim, and every earlier claim gains
it as a match. "Seen before" (db/seen_before.py) and the recurring claims of the dashboard
read the stored rows.

The work waits in ``claim_match_queue``: a transaction that writes a claim's text queues it
(db/claim_facts.py, before commit), and ``match_queued`` drains the queue in batches, in
transactions of its own that raise no data version (matches are suggestions, not reviewed
work): the app's background matcher (review_app/resources.py), an import on the page, and
``claimreview match``.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, column, delete, func, insert, literal_column, or_, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from claims.matching import OPPOSITE, SAME, rank, search_terms
from claims.permissions import READ_ALL_REVIEWS, Actor
from db.models import (
    Article,
    Claim,
    ClaimFact,
    ClaimMatch,
    ClaimMatchQueue,
    ClaimRecurrence,
    SearchEntry,
)
from db.search_index import FTS_TABLE, SETTLED, chunks

CANDIDATES = 40  # other claims the index offers the matcher, best scored first
TERMS = 8  # the claim's words the index is asked about, rarest first
RANKED = 5000  # entries ranked at most, for the candidates
KEPT = 10  # matches stored per claim (same or opposite), most alike first
COUNTS_KEPT_SECONDS = 600.0
COUNTS_KEPT = 20_000
BATCH = 20  # queued claims matched per call of match_queued
IMPORT_SECONDS = 3.0  # how long an import on the page waits for its claims' matches, at most
PREFERRED_KEPT = 20  # claims pages asked to be matched first, newest asks first
RECURRING_ARTICLES = 3  # a claim seen in this many articles (its own included) recurs
_CENTRE_PAGES = 10  # pages of candidate centres read at most for the recurring claims
_LOG = logging.getLogger(__name__)
OPEN_STATES = ("unreviewed", "not_a_claim")  # claim_facts' verdict states: no finding


@dataclass(frozen=True)
class Found:
    """One match of a claim: the other claim, how alike, same or opposite."""

    other_claim_id: int
    other_article_id: int
    similarity: float
    relation: str


def _matching(session: Session, expression: str, kind: str, ranked: bool = True) -> Any:
    """Entries (entry id, score: higher is better) matching a query written as FTS5 text
    (``"a" OR "b"``), turned into to_tsquery text on PostgreSQL. On SQLite entries of every
    kind match (a plain word query is the index's fastest) and the join keeps ``kind``."""
    if session.get_bind().dialect.name == "postgresql":
        text = expression.replace('"', "'").replace(" OR ", " | ").replace(" AND ", " & ")
        ts = func.to_tsquery(literal_column("'english'"), bindparam("q", text))
        document = literal_column("search_entries.document")
        score = func.ts_rank(document, ts)
        columns = [SearchEntry.id.label("entry_id")] + ([score.label("score")] if ranked else [])
        # Each kind's own partial index: "settled" has one, every other kind shares the other.
        kinds = (
            [SearchEntry.kind == SETTLED]
            if kind == SETTLED
            else [SearchEntry.kind != SETTLED, SearchEntry.kind == kind]
        )
        return select(*columns).where(*kinds, document.op("@@")(ts))
    fts = table(FTS_TABLE, column("rowid"), column("rank"))
    # A count must not select the rank: FTS5 would score every row it counts.
    columns = [fts.c.rowid.label("entry_id")] + ([(-fts.c.rank).label("score")] if ranked else [])
    return select(*columns).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam("q", f"body : ({expression})"))
    )


_COUNTS: dict[tuple[str, str, str], tuple[float, int]] = {}  # (database, kind, query)


def _count(session: Session, expression: str, kind: str) -> int:
    """How many entries match, counted no further than ``RANKED`` + 1. Kept for
    ``COUNTS_KEPT_SECONDS``: a word's frequency in thousands of claims hardly moves in
    minutes, it only chooses the query's shape, and counting a common word costs ~10 ms."""
    key = (str(session.get_bind().url), kind, expression)
    now = time.monotonic()
    kept = _COUNTS.get(key)
    if kept is not None and now - kept[0] < COUNTS_KEPT_SECONDS:
        return kept[1]
    matching = _matching(session, expression, kind, ranked=False).limit(RANKED + 1).subquery()
    count = session.scalar(select(func.count()).select_from(matching)) or 0
    if count:  # a word no claim has yet may be in the next claim imported
        if len(_COUNTS) >= COUNTS_KEPT:
            _COUNTS.clear()
        _COUNTS[key] = (now, count)
    return count


def _query_terms(session: Session, text: str, kind: str) -> str | None:
    """The candidates' query: an OR of the claim's rarest words, as many as keep the entries to
    rank within ``RANKED`` (ranking every claim that shares a common word would take longer
    than a page may). When even the rarest word is that common, its words together (AND),
    as few as bring the matches within ``RANKED``."""
    counted = []
    for order, term in enumerate(search_terms(text, limit=TERMS)):
        count = _count(session, f'"{term}"', kind)
        if count:
            counted.append((count, order, term))
    if not counted:
        return None
    counted.sort()
    chosen, total = [], 0
    for count, _, term in counted:
        if chosen and total + count > RANKED:
            break
        chosen.append(term)
        total += count
    if total <= RANKED or len(counted) == 1:
        return " OR ".join(f'"{term}"' for term in chosen)
    together = [counted[0][2]]
    for _, _, term in counted[1:]:
        together.append(term)
        expression = " AND ".join(f'"{t}"' for t in together)
        if _count(session, expression, kind) <= RANKED:
            break
    return expression


def candidates(
    session: Session, text: str, article_id: int, kind: str = "claim", limit: int = CANDIDATES
) -> list[tuple[tuple[int, int], str]]:
    """((claim id, article id), text) of claims of other articles sharing the most telling
    words with ``text``: every claim (``kind="claim"``), or only those with a finding
    (``SETTLED``)."""
    expression = _query_terms(session, text, kind)
    if expression is None:
        return []
    found = _matching(session, expression, kind).subquery()
    best = (
        select(SearchEntry.claim_id, found.c.score)
        .join(found, found.c.entry_id == SearchEntry.id)
        .where(SearchEntry.kind == kind, SearchEntry.article_id != article_id)
        .order_by(found.c.score.desc())
        .limit(limit * 2)
        .subquery()
    )
    rows = session.execute(
        select(Claim.id, Claim.article_id, Claim.text)
        .join(best, best.c.claim_id == Claim.id)
        .where(Claim.checkable.is_(True))
        .order_by(best.c.score.desc(), Claim.id)
        .limit(limit)
    ).all()
    return [((claim_id, article), claim_text) for claim_id, article, claim_text in rows]


def find_matches(session: Session, claim: Claim) -> list[Found]:
    """The claim's matches among every checkable claim of other articles, computed now, most
    alike first: the same claim (paraphrased) or its opposite (negated). The ``KEPT`` most
    alike of all claims, and the ``KEPT`` most alike of those with a finding: a myth met
    twenty times unreviewed must not crowd out the one occurrence the desk settled."""
    if not claim.checkable:
        return []
    found: dict[int, Found] = {}
    for kind in ("claim", SETTLED):
        offered = candidates(session, claim.text, claim.article_id, kind=kind)
        ranked = [
            m
            for m in rank(claim.text, offered, limit=len(offered))
            if m.relation in (SAME, OPPOSITE)
        ]
        for m in ranked[:KEPT]:
            (other, article) = m.key
            found.setdefault(other, Found(other, article, round(m.similarity, 4), m.relation))
    return sorted(found.values(), key=lambda f: (-f.similarity, f.other_claim_id))


_IDS = bindparam("ids", expanding=True)


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, int]]) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(ClaimMatchQueue).on_conflict_do_nothing(), rows)


def recount(session: Session, claim_ids: Iterable[int]) -> None:
    """Rewrite these claims' ``claim_recurrence`` rows from their stored matches: an upsert,
    in id order, so two transactions recounting one claim take turns instead of failing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for chunk in chunks(claim_ids):
        counts = dict(
            session.execute(
                select(ClaimMatch.claim_id, func.count(ClaimMatch.other_article_id.distinct()))
                .where(ClaimMatch.claim_id.in_(chunk), ClaimMatch.relation == SAME)
                .group_by(ClaimMatch.claim_id)
            ).all()
        )
        gone = [c for c in chunk if c not in counts]
        if gone:
            session.execute(delete(ClaimRecurrence).where(ClaimRecurrence.claim_id.in_(gone)))
        if counts:
            upsert = dialect.insert(ClaimRecurrence)
            session.execute(
                upsert.on_conflict_do_update(
                    index_elements=["claim_id"],
                    set_={"other_articles": upsert.excluded.other_articles},
                ),
                [{"claim_id": c, "other_articles": n} for c, n in sorted(counts.items())],
            )


def forget(session: Session, claim_ids: list[int]) -> None:
    """Delete these claims' matches, both directions, and recount the claims they touched (a
    reworded claim, or one about to be deleted by a merge)."""
    touched = set(claim_ids)
    touched.update(
        session.scalars(select(ClaimMatch.other_claim_id).where(ClaimMatch.claim_id.in_(claim_ids)))
    )
    session.execute(
        delete(ClaimMatch).where(
            or_(ClaimMatch.claim_id.in_(claim_ids), ClaimMatch.other_claim_id.in_(claim_ids))
        )
    )
    recount(session, touched)


def queue(session: Session, claim_ids: Iterable[int]) -> None:
    """Forget these claims' matches (both directions) and queue the checkable ones to be
    matched again: their text is new or has changed. In the caller's transaction."""
    for chunk in chunks(claim_ids):
        forget(session, chunk)
        checkable = session.scalars(
            select(Claim.id).where(Claim.id.in_(chunk), Claim.checkable.is_(True))
        ).all()
        if checkable:
            _insert_ignoring_duplicates(session, [{"claim_id": c} for c in checkable])


def queue_article(session: Session, article_id: int) -> None:
    """Queue every checkable claim of an article written in this transaction."""
    session.execute(
        insert(ClaimMatchQueue).from_select(
            ["claim_id"],
            select(Claim.id).where(Claim.article_id == article_id, Claim.checkable.is_(True)),
        )
    )


def is_queued(session: Session, claim_id: int) -> bool:
    return session.get(ClaimMatchQueue, claim_id) is not None


def queued(
    session: Session, claim_ids: Sequence[int] | None = None, limit: int = BATCH
) -> list[int]:
    """Queued claims, newest first (a new article's claims before a backlog), or those of
    ``claim_ids`` that are queued."""
    query = select(ClaimMatchQueue.claim_id).order_by(ClaimMatchQueue.claim_id.desc())
    if claim_ids is not None:
        found: list[int] = []
        for chunk in chunks(claim_ids):
            found += session.scalars(query.where(ClaimMatchQueue.claim_id.in_(chunk))).all()
        return sorted(found, reverse=True)[:limit]
    return list(session.scalars(query.limit(limit)))


def _store(session: Session, claim_id: int, article_id: int, found: list[Found]) -> None:
    """Store a claim's matches both ways (a pair another claim stored already stays as it is:
    matching the older claim of a pair must not drop what the newer one found)."""
    if not found:
        return
    rows = []
    for f in found:
        rows.append({"claim_id": claim_id, "other_claim_id": f.other_claim_id,
                     "other_article_id": f.other_article_id, "similarity": f.similarity,
                     "relation": f.relation})  # fmt: skip
        rows.append({"claim_id": f.other_claim_id, "other_claim_id": claim_id,
                     "other_article_id": article_id, "similarity": f.similarity,
                     "relation": f.relation})  # fmt: skip
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(ClaimMatch).on_conflict_do_nothing(), rows)
    recount(session, [claim_id, *(f.other_claim_id for f in found)])


def match_queued(database: Any, claim_ids: Sequence[int] | None = None, limit: int = BATCH) -> int:
    """Match up to ``limit`` queued claims (of ``claim_ids`` if given); returns how many were
    matched. Each is searched in a read session (on SQLite a write transaction would hold
    every other writer back for the search), then stored in a short transaction of its own
    that raises no data version, only if it is still queued with the same text: another
    matcher that took it first, or a reword since, leaves it alone."""
    from db.engine import is_retryable  # db.engine imports this module, through claim_facts

    with database.read() as session:
        waiting = queued(session, claim_ids, limit)
    done = 0
    for claim_id in waiting:
        with database.read() as session:
            claim = session.get(Claim, claim_id)
            if claim is None:
                continue
            text, article_id = claim.text, claim.article_id
            found = find_matches(session, claim)
        try:
            with database.write(versioned=False) as session:
                # The claim row locked (PostgreSQL): a reword waits until this is stored.
                now = session.scalar(
                    select(Claim.text).where(Claim.id == claim_id).with_for_update()
                )
                if now != text:
                    continue  # reworded (or merged away) since the search: left queued
                taken = session.execute(
                    delete(ClaimMatchQueue).where(ClaimMatchQueue.claim_id == claim_id)
                ).rowcount
                if not taken:
                    continue  # another matcher stored it
                _store(session, claim_id, article_id, found)
        except DBAPIError as error:
            # A writer held the rows (a deadlock, a busy database): it stays queued.
            if is_retryable(error):
                continue
            raise
        done += 1
    return done


def match_article(database: Any, article_id: int, seconds: float | None = None) -> int:
    """Match an article's queued claims now, for up to about ``seconds`` (an import on the page
    waits for a typical article's claims, never long for a large one); returns how many are
    left to the background matcher."""
    with database.read() as session:
        ids = session.scalars(
            select(ClaimMatchQueue.claim_id)
            .join(Claim, Claim.id == ClaimMatchQueue.claim_id)
            .where(Claim.article_id == article_id)
            .order_by(ClaimMatchQueue.claim_id)
        ).all()
    deadline = time.monotonic() + (IMPORT_SECONDS if seconds is None else seconds)
    done = 0
    for claim_id in ids:
        if time.monotonic() >= deadline:
            break
        match_queued(database, [claim_id], limit=1)
        done += 1
    return len(ids) - done


def stored_matches(session: Session, claim_id: int) -> list[Found]:
    """A claim's stored matches in articles not archived, most alike first."""
    rows = session.execute(
        select(
            ClaimMatch.other_claim_id,
            ClaimMatch.other_article_id,
            ClaimMatch.similarity,
            ClaimMatch.relation,
        )
        .join(Article, Article.id == ClaimMatch.other_article_id)
        .where(ClaimMatch.claim_id == claim_id, Article.archived_at.is_(None))
        .order_by(ClaimMatch.similarity.desc(), ClaimMatch.other_claim_id)
    ).all()
    return [Found(*row) for row in rows]


def with_stored_match(session: Session, claim_ids: Sequence[int]) -> set[int]:
    """Those of ``claim_ids`` with a stored match in an article not archived whose claim has a
    finding."""
    settled = select(SearchEntry.id).where(
        SearchEntry.claim_id == ClaimMatch.other_claim_id, SearchEntry.kind == SETTLED
    )
    found: set[int] = set()
    for chunk in chunks(claim_ids):
        found.update(
            session.scalars(
                select(ClaimMatch.claim_id)
                .join(Article, Article.id == ClaimMatch.other_article_id)
                .where(
                    ClaimMatch.claim_id.in_(chunk), Article.archived_at.is_(None), settled.exists()
                )
                .distinct()
            )
        )
    return found


@dataclass(frozen=True)
class Occurrence:
    claim_id: int
    article_id: int
    article_title: str
    ordinal: int
    text: str
    verdict_state: str  # claim_facts' verdict_state: a verdict, disagreement, unreviewed
    certainty_state: str


@dataclass(frozen=True)
class RecurringClaim:
    """A claim the desk keeps meeting: the same claim in ``articles`` articles."""

    claim_id: int  # the occurrence it is worded as: the first with a finding, else the first
    text: str
    articles: int
    verdicts: tuple[tuple[str, int], ...]  # (verdict state, occurrences): findings first
    claim_ids: tuple[int, ...]  # every occurrence (``occurrences`` reads them in full)


def recurring_claims(
    session: Session,
    actor: Actor,
    article_id: int | None = None,
    minimum: int = RECURRING_ARTICLES,
    limit: int = 20,
) -> list[RecurringClaim]:
    """Claims seen in ``minimum`` or more articles not archived (the same claim, by the stored
    matches), most articles first: the desk's list of myths to watch. With ``article_id``,
    those that one article's claims belong to. Each occurrence comes with its current
    verdict and certainty as the dashboard's facts have them (an editor's view: every
    review's verdict counts, as on the dashboard)."""
    actor.require(READ_ALL_REVIEWS)
    live = Article.archived_at.is_(None)
    # The kept counts choose the centres (counting every match at a million claims took
    # 130 ms); the groups are then counted from the matches, archived articles left out.
    spread = ClaimRecurrence.other_articles
    query = (
        select(ClaimRecurrence.claim_id, Claim.article_id)
        .join(Claim, Claim.id == ClaimRecurrence.claim_id)
        .join(Article, Article.id == Claim.article_id)
        .where(spread >= minimum - 1, live)
        .order_by(spread.desc(), ClaimRecurrence.claim_id.desc())
    )
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    # Each centre with its same-claim neighbours is one group; groups that share a claim merge.
    parent: dict[int, int] = {}
    article_of: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def spans() -> list[tuple[int, int, list[int]]]:
        groups: dict[int, list[int]] = {}
        for member in parent:
            groups.setdefault(root(member), []).append(member)
        return sorted(
            ((len({article_of[m] for m in members}), max(members), members)
             for members in groups.values()),
            reverse=True,
        )  # fmt: skip

    # Centres a page at a time, most articles first, until ``limit`` groups are found: a claim
    # already in a group is no new centre, so one myth met a hundred times fills one row.
    page = limit * 5
    for offset in range(0, page * _CENTRE_PAGES, page):
        centres = session.execute(query.limit(page).offset(offset)).all()
        fresh = {c: a for c, a in centres if c not in parent}
        article_of.update(fresh)
        for chunk in chunks(fresh):
            for a, b, b_article in session.execute(
                select(ClaimMatch.claim_id, ClaimMatch.other_claim_id, ClaimMatch.other_article_id)
                .join(Article, Article.id == ClaimMatch.other_article_id)
                .where(ClaimMatch.claim_id.in_(chunk), ClaimMatch.relation == SAME, live)
            ):
                article_of[b] = b_article
                parent[root(a)] = root(b)
        if len(centres) < page or sum(1 for n, _, _ in spans() if n >= minimum) >= limit:
            break
    kept = [members for articles, _, members in spans() if articles >= minimum][:limit]
    # What the list shows needs each claim's finding, and one text per group.
    facts: dict[int, tuple[int, str]] = {}
    for chunk in chunks(m for members in kept for m in members):
        for claim_id, article, state in session.execute(
            select(ClaimFact.claim_id, ClaimFact.article_id, ClaimFact.verdict_state).where(
                ClaimFact.claim_id.in_(chunk)
            )
        ):
            facts[claim_id] = (article, state)
    faces, found = {}, []
    for members in kept:
        present = sorted(m for m in members if m in facts)
        # Worded as the desk first settled it, else as it first met it.
        faces[min(present, key=lambda m: (facts[m][1] in OPEN_STATES, m))] = present
    texts = dict(
        session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(list(faces)))).all()
    )
    for face, present in faces.items():
        counted: dict[str, int] = {}
        for m in present:
            counted[facts[m][1]] = counted.get(facts[m][1], 0) + 1
        verdicts = sorted(counted.items(), key=lambda c: (c[0] in OPEN_STATES, -c[1], c[0]))
        articles = len({facts[m][0] for m in present})
        found.append(RecurringClaim(face, texts[face], articles, tuple(verdicts), tuple(present)))
    return found


def occurrences(session: Session, actor: Actor, claim_ids: Sequence[int]) -> list[Occurrence]:
    """A recurring claim's occurrences in full, newest article first, archived ones left out."""
    actor.require(READ_ALL_REVIEWS)
    found = []
    for chunk in chunks(claim_ids):
        found += [
            Occurrence(*row)
            for row in session.execute(
                select(
                    Claim.id,
                    Claim.article_id,
                    Article.title,
                    Claim.ordinal,
                    Claim.text,
                    ClaimFact.verdict_state,
                    ClaimFact.certainty_state,
                )
                .join(Article, Article.id == Claim.article_id)
                .join(ClaimFact, ClaimFact.claim_id == Claim.id)
                .where(Claim.id.in_(chunk), Article.archived_at.is_(None))
            )
        ]
    return sorted(found, key=lambda o: (-o.article_id, o.ordinal))


class BackgroundMatcher:
    """Drains the matching queue on a daemon thread while the app serves pages.

    Its Python holds the interpreter's lock, which a reviewer's click then waits for, so it
    keeps out of the way: it matches one claim at a time, never while a page is being drawn
    (``busy``, for at most ``yield_at_most`` seconds a claim, so a server that is never idle
    still matches), and after each batch rests as long as the batch took. Once the queue is
    empty it looks again every ``idle`` seconds. Claims a page is about to show (``prefer``)
    go first, and wake it: a claim still queued is searched on the spot when its review page
    opens, which the click waits for. Holds its database weakly: the thread ends when the app
    lets the database go (tests, a reconfigured server), or after an error, which it logs."""

    def __init__(
        self,
        database: Any,
        *,
        idle: float = 5.0,
        batch: int = 5,
        busy: Callable[[], bool] | None = None,
        yield_at_most: float = 2.0,
        prefer_delay: float = 0.3,
    ) -> None:
        self._database = weakref.ref(database)
        self._idle = idle
        self._batch = batch
        self._busy = busy or (lambda: False)
        self._yield_at_most = yield_at_most
        self._prefer_delay = prefer_delay
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._preferred: tuple[int, ...] = ()
        self.matched = 0
        self._thread = threading.Thread(target=self._run, name="claim-matcher", daemon=True)

    def start(self) -> BackgroundMatcher:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def prefer(self, claim_ids: Sequence[int]) -> None:
        """Match these claims next, while any of them is queued: a later call's claims go
        before the earlier ones still kept (several reviewers each open theirs), at most
        ``PREFERRED_KEPT``. Wakes a matcher waiting for work, when the list changes."""
        with self._lock:
            wanted = tuple(claim_ids)
            merged = wanted + tuple(c for c in self._preferred if c not in wanted)
            merged = merged[:PREFERRED_KEPT]
            if merged == self._preferred:
                return  # a redraw of the same claim: nothing new to look at
            self._preferred = merged
        self._wake.set()

    def _match_one(self, database: Any) -> tuple[int, bool]:
        """Match one claim, a preferred one first; (how many were matched, whether any claim
        is queued still: one left queued for now, reworded or held by a writer, is not idle
        time)."""
        with self._lock:
            preferred = self._preferred
        if preferred:
            for claim_id in preferred:  # in the page's order: the one opened next first
                if match_queued(database, [claim_id], limit=1):
                    return 1, True
            with database.read() as session:
                still = set(queued(session, preferred, len(preferred)))
            with self._lock:  # those matched (by anyone) leave the list
                self._preferred = tuple(c for c in self._preferred if c in still or
                                        c not in preferred)  # fmt: skip
        if match_queued(database, limit=1):
            return 1, True
        with database.read() as session:
            return 0, bool(queued(session, limit=1))

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if not self._batch_then_rest():
                    return
        except Exception:  # a server must not die of its helper; the log says why
            _LOG.exception("The background matcher stopped; matching resumes on restart.")

    def _batch_then_rest(self) -> bool:
        """One batch, then a rest; False once the database is gone or the matcher stopped."""
        worked = 0.0  # seconds spent matching in this batch, not waiting
        done = 0
        waiting = False
        for _ in range(self._batch):
            self._out_of_the_way()
            database = self._database()
            if database is None or self._stop.is_set():
                return False
            began = time.monotonic()
            try:
                found, waiting = self._match_one(database)
            finally:
                del database
            worked += time.monotonic() - began
            done += found
            if not found:
                break
        self.matched += done
        if done or waiting:  # rest as long as the batch took; a page's claims go first next
            self._stop.wait(max(worked, 0.05))
        else:
            self._idle_wait()
        return True

    def _out_of_the_way(self) -> None:
        """Wait while a page is being drawn, for at most ``yield_at_most`` seconds."""
        deadline = time.monotonic() + self._yield_at_most
        while self._busy() and time.monotonic() < deadline and not self._stop.is_set():
            self._stop.wait(0.05)

    def _idle_wait(self) -> None:
        """Nothing queued was found: look again after ``idle`` seconds, or soon after a page
        asks for claims (once that page's reply has had time to reach the browser)."""
        if self._wake.wait(self._idle) and not self._stop.is_set():
            self._stop.wait(self._prefer_delay)
        self._wake.clear()
