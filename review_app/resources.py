"""Process-wide resources and cached reads for the app's pages.

The Database (engine + session factories) is shared across sessions and threads; query results
are cached as plain data (never ORM objects), keyed by the acting user and by the database's
data version (db/data_version.py), which every write transaction raises wherever it runs:
another app server, the command line, a restore. So a page never shows data older than its run,
with several servers on one database too. This process's own writes also clear the caches, to
free their memory at once.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from typing import Any, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from claims.sources.background import BackgroundLookups
from claims.sources.client import Settings, SourceLookup
from db.claim_matches import BackgroundMatcher, match_article, occurrences, recurring_claims
from db.dashboard import (
    DashboardFilter,
    article_choices,
    articles_by_gaps,
    claim_map,
    filter_choices,
    gap_claims,
    overview,
    review_throughput,
)
from db.engine import Database, ReadSource
from db.queries import (
    article_bundle,
    article_titles,
    claim_page,
    count_claims,
    get_article,
    list_articles,
)
from db.reviews import ReadableReviews, others_have_reviewed, readable_reviews
from db.seen_before import EarlierClaim, seen_before, seen_before_in_article
from db.setup import prepare_database
from db.workspace import ClaimContext, claim_context, next_unreviewed

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource
def database() -> Database:
    return prepare_database(Database())


def _this_run(ctx: Any) -> object:
    """An object that is the same for a run and the callbacks before it, and new for every
    later run, a fragment's or an ``st.rerun``'s too: Streamlit makes a new fragment coordinator
    as each run begins, before its callbacks. (Not the cursors: a fragment's run replaces them
    with its snapshot after the callbacks, so a callback and its run would see different ones.)"""
    return getattr(ctx, "parallel_coordinator", None) or ctx.cursors


def run_identity() -> object | None:
    """What is the same for a click's callback and the run that follows it, and new for the
    next run (None outside a run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return _this_run(ctx) if ctx is not None else None


_NOT_KEPT = object()


def kept_this_run(name: str, default: Any = None) -> Any:
    """A value kept under ``name`` earlier in this same run (``keep_this_run``), else default:
    what is read once per run (the data version, the read source, the login check)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    kept = getattr(ctx, name, None) if ctx is not None else None
    if kept is None or kept[0] is not _this_run(ctx):
        return default
    return kept[1]


def keep_this_run(name: str, value: Any) -> None:
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None:
        setattr(ctx, name, (_this_run(ctx), value))


_RUN_VERSION = "_claimreview_data_version"  # kept for the run: the data version


def data_version() -> int:
    """The database's data version, read once per page run (one primary-key read): every
    cached read of the run keys on the same number."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return database().data_version()
    version = kept_this_run(_RUN_VERSION, _NOT_KEPT)
    if version is _NOT_KEPT:
        version = database().data_version()
        keep_this_run(_RUN_VERSION, version)
    return version


def _forget_run_version() -> None:
    """After a write in this run: the run's later reads read the new number."""
    ctx = get_script_run_ctx(suppress_warning=True)
    for name in (_RUN_VERSION, _RUN_SOURCES):
        if ctx is not None and hasattr(ctx, name):
            delattr(ctx, name)


DASHBOARD, EXPORT = "dashboard", "export"
_RUN_SOURCES = "_claimreview_read_sources"  # kept for the run: {kind: source}
_SOURCE: ContextVar[ReadSource | None] = ContextVar("claimreview_read_source", default=None)


def read_source(kind: str = DASHBOARD) -> ReadSource:
    """Where this run reads dashboards (``DASHBOARD``) or exports (``EXPORT``): the read
    replica (CLAIMREVIEW_READ_DATABASE_URL) or the primary; decided once per run."""
    seen = kept_this_run(_RUN_SOURCES, {})
    if kind in seen:
        return seen[kind]
    # Dashboards may lag as far as CLAIMREVIEW_READ_MAX_LAG_SECONDS allows; exports not at all.
    source = database().read_source(data_version(), None if kind == DASHBOARD else 0.0)
    _remember_source(kind, source)
    return source


def _remember_source(kind: str, source: ReadSource) -> None:
    keep_this_run(_RUN_SOURCES, {**kept_this_run(_RUN_SOURCES, {}), kind: source})


@contextmanager
def _reading() -> Iterator[Session]:
    """A read session where the cached read being filled was routed (primary by default)."""
    source = _SOURCE.get()
    if source is None:
        with database().read() as session:
            yield session
    else:
        with database().read_from(source) as session:
            yield session


def _routed(cached: Callable[..., R], source: ReadSource, *args: Any, **kwargs: Any) -> R:
    token = _SOURCE.set(source)
    try:
        return cached(source.version, source.on_replica, *args, **kwargs)
    finally:
        _SOURCE.reset(token)


def _fresh(
    *, ttl: int, max_entries: int, routed: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``st.cache_data`` keyed also on the data version read when called: an entry made before
    a write anywhere is never served after it. ``routed`` (``DASHBOARD`` or ``EXPORT``) reads
    from the read replica when one may serve it, keyed on the replica's own version."""

    def decorate(read: Callable[P, R]) -> Callable[P, R]:
        def cached_read(version: int, replica: bool, *args: Any, **kwargs: Any) -> R:
            del version, replica  # only key the cache
            return read(*args, **kwargs)

        # Streamlit tells cached functions apart by module and qualified name.
        cached_read.__module__ = read.__module__
        cached_read.__qualname__ = f"{read.__qualname__}.cached"
        # No spinner: on every miss it starts a thread and sends the browser two messages,
        # which a review click (a miss for each new claim) waits behind; reads take ms.
        cached = st.cache_data(ttl=ttl, max_entries=max_entries, show_spinner=False)(cached_read)

        @functools.wraps(read)
        def current(*args: P.args, **kwargs: P.kwargs) -> R:
            if routed is None:
                return cached(data_version(), False, *args, **kwargs)
            source = read_source(routed)
            try:
                return _routed(cached, source, *args, **kwargs)
            except SQLAlchemyError as error:
                if not source.on_replica:
                    raise
                # The replica failed after it was chosen (a dropped connection, a query
                # cancelled by recovery): this read, and the run's others, go to the primary.
                problem = database().replica_failed(error)
                source = ReadSource(False, data_version(), problem=problem)
                _remember_source(routed, source)
                return _routed(cached, source, *args, **kwargs)

        current.clear = cached.clear  # type: ignore[attr-defined]
        return current

    return decorate


@_fresh(ttl=60, max_entries=256)
def earlier_claims(actor: Actor, claim_id: int) -> list[EarlierClaim]:
    """Claims seen before (db/seen_before.py) of the claim on the review page."""
    with database().read() as session:
        return seen_before(session, actor, claim_id)


@_fresh(ttl=60, max_entries=256)
def claim_in_review(actor: Actor, claim_id: int) -> ClaimContext:
    """A claim as the review page shows it (db/workspace.py), read once per data version: the
    claim Next or Submit & next opens has usually been read ahead (``read_ahead``)."""
    with database().read() as session:
        return claim_context(session, actor, claim_id)


@_fresh(ttl=60, max_entries=256)
def others_on_claim(actor: Actor, claim_id: int) -> ReadableReviews | None:
    """Other reviewers' reviews of the claim as the actor may read them (None: there are
    none to show or tell of: one indexed lookup), read once per data version."""
    with database().read() as session:
        if not others_have_reviewed(session, actor, claim_id):
            return None
        return readable_reviews(session, actor, claim_id)


@_fresh(ttl=60, max_entries=64)  # the background matcher writes no data version
def claims_seen_before(actor: Actor, article_id: int) -> tuple[int, ...]:
    """The article's checkable claims the desk has seen before (db/seen_before.py)."""
    with database().read() as session:
        return tuple(seen_before_in_article(session, actor, article_id))


@_fresh(ttl=60, max_entries=64)
def article_rows(actor: Actor, search: str = "") -> list[dict[str, Any]]:
    with database().read() as session:
        return [asdict(row) for row in list_articles(session, actor, search=search or None)]


@_fresh(ttl=60, max_entries=64)
def article_titles_of(actor: Actor) -> list[tuple[int, str]]:
    with database().read() as session:
        return article_titles(session, actor)


@_fresh(ttl=60, max_entries=256)
def article_header(actor: Actor, article_id: int) -> dict[str, Any] | None:
    with database().read() as session:
        article = get_article(session, actor, article_id)
        if article is None:
            return None
        return {
            "id": article.id,
            "title": article.title,
            "author": article.author,
            "medical_reviewer": article.medical_reviewer,
            "source_url": article.source_url,
            "published_on": article.published_on,
            "source_format": article.source_format,
            "imported_at": article.imported_at,
            "claims": count_claims(session, article_id),
        }


@_fresh(ttl=60, max_entries=256)
def claim_total(
    article_id: int,
    checkable_only: bool = False,
    cue_kinds: tuple[str, ...] = (),
    only: tuple[int, ...] | None = None,
) -> int:
    """How many of an article's claims match the filters."""
    with database().read() as session:
        return count_claims(
            session, article_id, checkable_only=checkable_only, cue_kinds=cue_kinds, only=only
        )


@_fresh(ttl=60, max_entries=256)
def claim_rows(
    actor: Actor,
    article_id: int,
    offset: int,
    limit: int,
    checkable_only: bool = False,
    cue_kinds: tuple[str, ...] = (),
    only: tuple[int, ...] | None = None,
) -> list[dict[str, Any]]:
    """One page of the claims that match the filters, as plain rows."""
    with database().read() as session:
        claims = claim_page(
            session,
            actor,
            article_id,
            offset=offset,
            limit=limit,
            checkable_only=checkable_only,
            cue_kinds=cue_kinds,
            only=only,
        )
        return [
            {
                "id": claim.id,
                "ordinal": claim.ordinal,
                "section": claim.section or "",
                "text": claim.text,
                "checkable": claim.checkable,
                "kind": claim.kind,
                "cues": "; ".join(f"{cue.kind}: “{cue.text}”" for cue in claim.cues),
                "cue_reasons": [(cue.kind, cue.text, cue.reason) for cue in claim.cues],
                "span": f"{claim.start}–{claim.end}",
            }
            for claim in claims
        ]


@_fresh(ttl=60, max_entries=32, routed=EXPORT)
def article_bundle_data(actor: Actor, article_id: int) -> dict[str, Any] | None:
    """Everything about an article, for exports (editors only: checked in db/)."""
    with _reading() as session:
        return article_bundle(session, actor, article_id)


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_overview(actor: Actor, filters: DashboardFilter) -> dict[str, Any]:
    with _reading() as session:
        return asdict(overview(session, actor, filters))


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_gap_claims(actor: Actor, gap: str, filters: DashboardFilter) -> list[dict[str, Any]]:
    with _reading() as session:
        return [asdict(row) for row in gap_claims(session, actor, gap, filters)]


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_articles(actor: Actor, filters: DashboardFilter) -> list[dict[str, Any]]:
    with _reading() as session:
        return [asdict(row) for row in articles_by_gaps(session, actor, filters)]


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_claim_map(actor: Actor, article_id: int) -> list[dict[str, Any]]:
    with _reading() as session:
        return [asdict(row) for row in claim_map(session, actor, article_id)]


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_throughput(actor: Actor, filters: DashboardFilter) -> list[tuple]:
    with _reading() as session:
        return review_throughput(session, actor, filters)


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)  # matches come without a data version
def dashboard_recurring(actor: Actor, article_id: int | None) -> list[dict[str, Any]]:
    with _reading() as session:
        return [asdict(row) for row in recurring_claims(session, actor, article_id=article_id)]


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_recurring_occurrences(actor: Actor, claim_ids: tuple[int, ...]) -> list[dict]:
    with _reading() as session:
        return [asdict(row) for row in occurrences(session, actor, claim_ids)]


@_fresh(ttl=60, max_entries=64, routed=DASHBOARD)
def dashboard_article_choices(actor: Actor) -> list[tuple[int, str]]:
    with _reading() as session:
        return article_choices(session, actor)


@_fresh(ttl=300, max_entries=64, routed=DASHBOARD)
def dashboard_filter_choices(actor: Actor, article_id: int | None) -> dict[str, Any]:
    with _reading() as session:
        return asdict(filter_choices(session, actor, article_id))


def writes_seen() -> int:
    """Changes with every write, this session's or anyone's anywhere: reads kept in the
    session key on it."""
    return data_version()


def clear_review_reads() -> None:
    """Call after a review (or decision) is saved: clears what sums or shows reviews.

    Titles, headers and the claims' own rows do not change with a review; keeping them saves
    the next run of the review page their queries.
    """
    _forget_run_version()
    article_rows.clear()
    article_bundle_data.clear()
    dashboard_overview.clear()
    dashboard_gap_claims.clear()
    dashboard_articles.clear()
    dashboard_claim_map.clear()
    dashboard_throughput.clear()
    dashboard_recurring.clear()
    dashboard_recurring_occurrences.clear()
    dashboard_filter_choices.clear()


def clear_cached_reads() -> None:
    """Call after any write so every page shows the new state."""
    clear_review_reads()
    article_titles_of.clear()
    article_header.clear()
    claim_total.clear()
    claim_rows.clear()
    dashboard_article_choices.clear()
    # Keyed on the data version like the rest, so never stale; not in clear_review_reads, which
    # a save's landing calls after the claims the page opens next were read ahead.
    claim_in_review.clear()
    others_on_claim.clear()


_MATCHERS: dict[int, tuple[float, BackgroundMatcher]] = {}  # id(Database) -> (started, matcher)
_MATCHERS_LOCK = threading.Lock()
MATCHER_RESTART_SECONDS = 60.0


def keep_matching() -> None:
    """Keep this process's background matcher (db/claim_matches.py) running: started on the
    first page run, restarted a minute after it stopped on an error. Off when
    ``CLAIMREVIEW_BACKGROUND_MATCHING=0`` (the page tests: they match explicitly)."""
    if os.environ.get("CLAIMREVIEW_BACKGROUND_MATCHING", "1") == "0":
        return
    current = database()
    with _MATCHERS_LOCK:
        kept = _MATCHERS.get(id(current))
        now = time.monotonic()
        if kept is not None and (kept[1].is_alive() or now - kept[0] < MATCHER_RESTART_SECONDS):
            return
        _MATCHERS[id(current)] = (now, BackgroundMatcher(current, busy=drawing_a_page).start())


_LAST_RUN = [0.0]  # when this process last began drawing a page (a run or a fragment's run)
DRAWING_SECONDS = 0.3  # a page run and its reply to the browser take less than this


def page_run_began() -> None:
    """Called as every run begins (auth.current_user): the background matcher keeps out of
    the way of what a reviewer is waiting for."""
    _LAST_RUN[0] = time.monotonic()


def drawing_a_page() -> bool:
    return time.monotonic() - _LAST_RUN[0] < DRAWING_SECONDS


def match_soon(claim_ids: Sequence[int]) -> None:
    """Ask this process's background matcher to match these claims next (the claims a reviewer
    is about to open: one still queued is searched on the spot, which the click waits for)."""
    with _MATCHERS_LOCK:
        kept = _MATCHERS.get(id(database()))
    if kept is not None and claim_ids:
        kept[1].prefer(claim_ids)


READ_AHEAD_DELAY_SECONDS = 0.3  # after the run: the browser draws, a deferred save is made


def read_ahead(
    actor: Actor,
    claim_ids: Sequence[int],
    *,
    unreviewed_after: tuple[int, int] | None = None,
    after: Sequence[Any] = (),
) -> None:
    """Read the review page's claims ``claim_ids`` (the one Next opens) and, for
    ``unreviewed_after`` (article, ordinal), the next claim I have not submitted (the one
    Submit & next opens) into the cached reads above, on a thread, once this run has ended,
    ``READ_AHEAD_DELAY_SECONDS`` have passed and ``after`` (deferred saves, which change what
    is read) are made: the click that opens one then finds it read. Once per session, data
    version and claims (a verdict picked reruns the page: nothing new to read). Skipped while
    another page is being drawn, whose click it would slow; a read that fails is left to the
    page. Not "seen before": the matcher stores matches without a data version, so those are
    read when the claim is opened, as before."""
    wanted = (data_version(), tuple(claim_ids), unreviewed_after, len(after))
    if st.session_state.get(_READ_AHEAD) == wanted:
        return
    st.session_state[_READ_AHEAD] = wanted
    clicked_in = threading.current_thread()

    def work() -> None:
        clicked_in.join(LONGEST_READ_AHEAD_WAIT)
        time.sleep(READ_AHEAD_DELAY_SECONDS)
        for deferred in after:
            deferred.wait(LONGEST_READ_AHEAD_WAIT)
        try:
            targets = list(claim_ids)
            if unreviewed_after is not None and not drawing_a_page():
                with database().read() as session:
                    target = next_unreviewed(session, actor, *unreviewed_after)
                if target is not None and target not in targets:
                    targets.append(target)
            for claim_id in targets:
                if drawing_a_page():
                    return
                claim_in_review(actor, claim_id)
                if drawing_a_page():
                    return
                others_on_claim(actor, claim_id)
        except (ClaimreviewError, SQLAlchemyError):
            return  # the page reads it itself, and says what is wrong

    threading.Thread(target=work, name=READ_AHEAD_THREAD, daemon=True).start()


_READ_AHEAD = "review_read_ahead"  # what this session last read ahead, and at which version
READ_AHEAD_THREAD = "claimreview-read-ahead"
LONGEST_READ_AHEAD_WAIT = 10.0


def match_new_article(article_id: int) -> int:
    """Match a just-imported article's claims now; how many are left to the background."""
    return match_article(database(), article_id)


@st.cache_resource
def _background_lookups() -> tuple[BackgroundLookups | None, str | None]:
    try:
        settings = Settings.from_env()
    except ClaimreviewError as error:
        return None, f"Sources are not looked up: {error}"
    if settings.offline:
        return None, None  # turned off on purpose: nothing to say
    return BackgroundLookups(SourceLookup(settings)), None


def background_lookups() -> BackgroundLookups | None:
    """The process's source lookups (claims/sources), or None when they are off."""
    return _background_lookups()[0]


def lookup_problem() -> str | None:
    """Why sources are not looked up, when a setting is wrong (None when all is well)."""
    return _background_lookups()[1]
