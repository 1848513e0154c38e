"""Concurrent reviewers: many processes saving reviews at once lose nothing and crash nowhere.

Each reviewer process (``workers.run_reviewer``) logs in as its own user and saves reviews
through ``db.reviews.save_review`` with the version it last saw, as the app does: mostly on
claims only it reviews, some on claims every process reviews (each has its own review row,
but they share the claim's facts, its article's sums and, on an article that accepts unanimous
reviews, its decision), and some as a *twin*: two processes logged in as the same reviewer on
the same few claims, which makes real conflicts. A few saves send a stale version on purpose.

Every save carries a rationale no other save has, so the parent can prove afterwards that:

- every save either landed or was reported to its reviewer as a conflict (``StaleReview``);
  nothing else (no "database is locked", serialization failure or deadlock) reached a reviewer;
- every stale save was refused, and no save on a review only its process writes was refused;
- no text was silently replaced: each landed save replaced exactly the version its reviewer
  had seen, each review's landed versions are 1..n with one save each, the stored rationale
  is that of the last save to land, and the audit trail holds exactly one event per landed
  save, in order, each starting from the state the previous one left;
- the derived facts equal a fresh computation, and automatic decisions match the reviews.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file
from db.assignments import set_review_rules
from db.citations import add_citations
from db.engine import Database, is_retryable
from db.models import AuditEvent, CertaintyLevel, Claim, Review, Stance, Verdict
from db.reviews import save_review
from tests.reliability.checks import (
    facts_problems,
    review_events,
    review_problems,
    sqlite_integrity,
    unanimity_problems,
)
from tests.reliability.workers import (
    ReviewerPlan,
    article_text,
    read_log,
    run_reviewer,
    run_server,
)

if TYPE_CHECKING:
    from tests.reliability.conftest import Figures, Scale

OPERATOR = Actor.operator("test")
OWN_CLAIMS = 6  # per reviewer
SHARED_CLAIMS = 8  # reviewed by every process
TWIN_CLAIMS = 2  # per pair of processes acting as one reviewer
ARTICLES = 4
AGREEING = ("accurate", "high")
STARTUP_TIMEOUT = 600.0  # seconds for every reviewer to start and log in
RUN_TIMEOUT = 3600.0  # seconds for all the saves; a reviewer still running then is killed


def build_plans(database: Database, scale: Scale, folder: Path) -> tuple[list[ReviewerPlan], int]:
    """Articles, reviewers, twins and citations; returns each process's plan and the article
    that accepts unanimous reviews."""
    reviewers = scale.reviewers
    pairs = reviewers // 2
    needed = reviewers * OWN_CLAIMS + SHARED_CLAIMS + pairs * TWIN_CLAIMS
    rng = random.Random(20240611)
    by_article: list[list[int]] = []
    article_ids = []
    for n in range(ARTICLES):
        body, filename = article_text(rng, f"concurrency-{n}", needed // ARTICLES + 12)
        result = import_file(database, body.encode(), filename, actor=OPERATOR)
        article_ids.append(result.article_id)
        with database.read() as session:
            by_article.append(
                list(
                    session.scalars(
                        select(Claim.id)
                        .where(Claim.article_id == result.article_id, Claim.checkable.is_(True))
                        .order_by(Claim.ordinal)
                    )
                )
            )
    set_review_rules(database, OPERATOR, article_ids[0], auto_accept_unanimous=True)
    shared = tuple(by_article[0][:SHARED_CLAIMS])
    pool = by_article[0][SHARED_CLAIMS:] + [c for claims in by_article[1:] for c in claims]
    rng.shuffle(pool)
    assert len(pool) >= needed - SHARED_CLAIMS, "the articles split into too few claims"
    own = [tuple(pool[i * OWN_CLAIMS : (i + 1) * OWN_CLAIMS]) for i in range(reviewers)]
    rest = pool[reviewers * OWN_CLAIMS :]
    twin_claims = [tuple(rest[i * TWIN_CLAIMS : (i + 1) * TWIN_CLAIMS]) for i in range(pairs)]

    def password(name: str) -> str:
        return f"reliability password for {name}"

    names = [f"reviewer{i:02d}" for i in range(reviewers)] + [f"twin{k:02d}" for k in range(pairs)]
    for name in names:
        create_user(
            database,
            OPERATOR,
            name,
            ["reviewer"],
            password=password(name),
            must_change_password=False,
        )
    found, refused = parse_identifiers("PMID 1001 PMID 1002 PMID 1003 PMID 1004 PMID 1005")
    assert not refused
    citation_ids = tuple(c.id for c in add_citations(database, OPERATOR, found))
    with database.read() as session:
        verdicts = tuple(session.scalars(select(Verdict.code).order_by(Verdict.position)))
        certainties = tuple(
            session.scalars(select(CertaintyLevel.code).order_by(CertaintyLevel.position))
        )
        stances = tuple(session.scalars(select(Stance.code).order_by(Stance.position)))
    assert AGREEING[0] in verdicts and AGREEING[1] in certainties

    plans = []
    for i in range(reviewers):
        pair = i // 2
        twin = f"twin{pair:02d}" if pair < pairs else None
        plans.append(
            ReviewerPlan(
                index=i,
                url=database.url,
                username=f"reviewer{i:02d}",
                password=password(f"reviewer{i:02d}"),
                own_claims=own[i],
                shared_claims=shared,
                twin_username=twin,
                twin_password=password(twin) if twin else None,
                twin_claims=twin_claims[pair] if twin else (),
                saves=scale.saves_per_reviewer,
                seed=1000 + i,
                verdicts=verdicts,
                certainties=certainties,
                stances=stances,
                citation_ids=citation_ids,
                agreeing=AGREEING,
                log_path=str(folder / f"reviewer{i:02d}.jsonl"),
            )
        )
    return plans, article_ids[0]


def run_processes(
    plans: list[ReviewerPlan], servers: int | None = None
) -> tuple[float, list[int | None]]:
    """Start every reviewer, let them all log in, release them at once; returns the seconds
    from release to the last one finishing, and each reviewer's process's exit code.

    Each reviewer is a process of its own, or with ``servers``, the reviewers are dealt among
    that many app-server processes, each with one connection pool (``workers.run_server``)."""
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    if servers is None:
        groups = [[n] for n in range(len(plans))]
        processes = [context.Process(target=run_reviewer, args=(plan, start)) for plan in plans]
    else:
        groups = [list(range(len(plans)))[k::servers] for k in range(servers)]
        processes = [
            context.Process(target=run_server, args=([plans[n] for n in group], start))
            for group in groups
        ]
    process_of = {
        n: process for process, group in zip(processes, groups, strict=True) for n in group
    }
    for process in processes:
        process.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    waiting = set(range(len(plans)))
    while waiting and time.monotonic() < deadline:
        for i in list(waiting):
            path = Path(plans[i].log_path)
            started = path.exists() and any(
                r.get("event") in ("ready", "crash") for r in read_log(str(path))
            )
            if started or not process_of[i].is_alive():
                waiting.discard(i)
        time.sleep(0.1)
    start.set()
    began = time.perf_counter()
    finish_by = time.monotonic() + RUN_TIMEOUT
    for process in processes:
        process.join(timeout=max(0.0, finish_by - time.monotonic()))
    seconds = time.perf_counter() - began
    codes: list[int | None] = [None] * len(plans)
    for process, group in zip(processes, groups, strict=True):
        if process.is_alive():
            process.kill()
            process.join()
        for n in group:
            codes[n] = process.exitcode
    return seconds, codes


@contextmanager
def peak_connections(database: Database) -> Iterator[list[int]]:
    """The most connections to ``database`` PostgreSQL saw at once while the block ran (sampled
    every 50 ms; one list item, filled at the end)."""
    peak = [0]
    done = threading.Event()
    failed: list[BaseException] = []
    count = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )  # the app's connections: not autovacuum's, parallel workers' or the sampler's own

    def sample() -> None:
        try:
            with database.engine.connect() as connection:
                while not done.wait(0.05):
                    peak[0] = max(peak[0], connection.scalar(count))
                    connection.rollback()
        except BaseException as error:  # reported below: a silent sampler would pass as 0
            failed.append(error)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
    assert not failed, f"counting connections failed: {failed[0]!r}"
    assert peak[0] > 0, "no connection was ever seen open: the count is wrong"


def analyse(database: Database, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures and problems from the reviewers' logs and the database."""
    saves = [r for r in records if r.get("event") == "save"]
    landed = [r for r in saves if r["outcome"] == "landed"]
    conflicts = [r for r in saves if r["outcome"] == "conflict"]
    errors = [r for r in saves if r["outcome"] == "error"]
    problems: list[str] = []

    # Refused where it must be, landed where nothing else could have changed the review.
    stale_landed = [r for r in saves if r["stale"] and r["outcome"] == "landed"]
    false_conflicts = [
        r for r in conflicts if r["kind"] != "twin" and not r["stale"]
    ]  # only this process writes that review and it sent the version it saw
    problems += [f"a stale save landed: {r}" for r in stale_landed[:5]]
    problems += [f"a save was refused though nobody else wrote: {r}" for r in false_conflicts[:5]]
    problems += [
        f"the saved review did not echo the rationale: {r}" for r in landed if not r["echoed"]
    ]

    # No text silently replaced: one chain of versions per review, each link seen by its saver.
    by_review: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in landed:
        by_review[(r["user_id"], r["claim_id"])].append(r)
    lost = 0
    with database.read() as session:
        stored = {
            (review.reviewer_id, review.claim_id): review
            for review in session.scalars(select(Review))
        }
        events = review_events(session)
        for key, chain in by_review.items():
            chain.sort(key=lambda r: r["version"])
            for r in chain:
                if r["version"] != (r["expected"] or 0) + 1:
                    lost += 1
                    problems.append(f"a save replaced a version its reviewer never saw: {r}")
            versions = [r["version"] for r in chain]
            if versions != list(range(1, len(chain) + 1)):
                lost += len(versions) - len(set(versions))
                problems.append(f"review {key}: landed versions {versions[:20]}")
            review = stored.get(key)
            if review is None:
                lost += len(chain)
                problems.append(f"review {key}: {len(chain)} saves landed, no review stored")
                continue
            if review.version != chain[-1]["version"] or review.rationale != chain[-1]["rationale"]:
                lost += 1
                problems.append(
                    f"review {key}: stored v{review.version} {review.rationale!r}, last landed "
                    f"v{chain[-1]['version']} {chain[-1]['rationale']!r}"
                )
            trail = [e.after["rationale"] for e in events.get(review.id, [])]
            if trail != [r["rationale"] for r in chain]:
                problems.append(
                    f"review {key}: {len(trail)} audit events for {len(chain)} landed saves"
                    " (or out of order)"
                )
        unlogged = set(stored) - set(by_review)
        problems += [f"review {key} exists but no save of it landed" for key in sorted(unlogged)]
        audit_events = sum(len(v) for v in events.values())
    return {
        "saves": saves,
        "landed": landed,
        "conflicts": conflicts,
        "errors": errors,
        "stale": [r for r in saves if r["stale"]],
        "lost": lost,
        "audit_events": audit_events,
        "problems": problems,
    }


def decision_events(database: Database) -> str:
    with database.read() as session:
        actions = Counter(
            session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "decision"))
        )
    return f"{actions['auto_accept']} / {actions['withdraw']}"


def test_concurrent_reviewers_lose_nothing(
    database: Database,
    tmp_path: Path,
    reliability_scale: Scale,
    reliability_figures: Figures,
) -> None:
    section = f"concurrency ({database.dialect})"
    plans, unanimous_article = build_plans(database, reliability_scale, tmp_path)
    seconds, exit_codes = run_processes(plans)
    check_run(database, plans, unanimous_article, seconds, exit_codes, reliability_scale,
              reliability_figures, section)  # fmt: skip


def test_concurrent_reviewers_on_two_app_servers_lose_nothing(
    database: Database,
    tmp_path: Path,
    reliability_scale: Scale,
    reliability_figures: Figures,
) -> None:
    """The same reviewers, served as a team's deployment serves them: two app servers, each
    with one pool of connections (5 kept, 10 more under load, as by default), shared by the
    sessions it serves: 30 connections at most for every reviewer together."""
    if database.dialect != "postgresql":
        pytest.skip("several app servers are a PostgreSQL deployment (docs/deployment.md)")
    section = "concurrency, two app servers (postgresql)"
    plans, unanimous_article = build_plans(database, reliability_scale, tmp_path)
    with peak_connections(database) as peak:
        seconds, exit_codes = run_processes(plans, servers=2)
    reliability_figures.record(section, "app server processes", 2)
    reliability_figures.record(section, "connections: allowed / most open at once",
                               f"{2 * (5 + 10)} / {peak[0]}")  # fmt: skip
    assert peak[0] <= 2 * (5 + 10)
    check_run(database, plans, unanimous_article, seconds, exit_codes, reliability_scale,
              reliability_figures, section)  # fmt: skip


def check_run(
    database: Database,
    plans: list[ReviewerPlan],
    unanimous_article: int,
    seconds: float,
    exit_codes: list[int | None],
    scale: Scale,
    reliability_figures: Figures,
    section: str,
) -> None:
    """Prove that the run lost nothing (the module's docstring says how), and record figures."""

    records = [r for plan in plans for r in read_log(plan.log_path)]
    result = analyse(database, records)
    crashed_processes = [
        (plan.username, code) for plan, code in zip(plans, exit_codes, strict=True) if code != 0
    ]
    startup_crashes = [r for r in records if r.get("event") == "crash"]
    attempted = scale.reviewers * scale.saves_per_reviewer
    missing = attempted - len(result["saves"])
    locks = [r for r in result["errors"] if r["lock"]]
    crashes = len(result["errors"]) + len(crashed_processes) + len(startup_crashes)
    retries = [r.get("retries") for r in records if r.get("event") == "done"]
    problems = list(result["problems"])
    problems += [
        f"save failed: {r['error']}\n{r.get('traceback', '')}" for r in result["errors"][:5]
    ]
    problems += [f"process {name} exited with {code}" for name, code in crashed_processes]
    problems += [f"{r['phase']} failed: {r['error']}" for r in startup_crashes[:5]]
    if missing:
        problems.append(f"{missing} of {attempted} saves never reported an outcome")
    if result["audit_events"] != len(result["landed"]):
        problems.append(
            f"{result['audit_events']} review audit events for {len(result['landed'])} landed saves"
        )
    integrity = sqlite_integrity(database)
    facts = facts_problems(database)
    trails = review_problems(database)
    unanimity = unanimity_problems(database, unanimous_article)
    problems += integrity + facts + trails + unanimity

    kinds = Counter(r["kind"] for r in result["saves"])
    stale_refused = sum(1 for r in result["conflicts"] if r["stale"])
    twin_races = sum(1 for r in result["conflicts"] if r["kind"] == "twin")
    latency = sorted(r["seconds"] for r in result["saves"]) or [0.0]
    median, p99, slowest = (
        latency[len(latency) // 2],
        latency[int(len(latency) * 0.99)],
        latency[-1],
    )
    record = reliability_figures.record
    record(section, "reviewer processes", scale.reviewers)
    record(section, "saves attempted", attempted)
    record(section, "saves landed", len(result["landed"]))
    record(section, "conflicts reported", len(result["conflicts"]))
    record(section, "conflicts: stale on purpose", stale_refused)
    record(section, "conflicts: twin races", twin_races)
    record(section, "saves on own / shared / twin",
           f"{kinds['own']} / {kinds['shared']} / {kinds['twin']}")  # fmt: skip
    record(section, "saves unaccounted for", missing, expected=0)
    record(section, "lost updates", result["lost"], expected=0)
    record(section, "crashes", crashes, expected=0)
    record(section, "crashes: locked or serialization", len(locks), expected=0)
    record(section, "review audit events", result["audit_events"])
    record(section, "automatic decisions made / withdrawn", decision_events(database))
    record(section, "write transactions retried", sum(r or 0 for r in retries))
    record(section, "problems found", len(problems), expected=0)
    record(section, "save seconds: median / p99 / max", f"{median:.3f} / {p99:.3f} / {slowest:.3f}")
    record(section, "seconds", round(seconds, 2))
    record(section, "landed saves per second", round(len(result["landed"]) / seconds, 1))

    assert not problems, "\n".join(problems[:30])
    assert result["lost"] == 0 and crashes == 0 and missing == 0
    assert len(result["landed"]) + len(result["conflicts"]) == attempted
    assert all(r["outcome"] == "conflict" for r in result["stale"])


def busy_error() -> OperationalError:
    """What SQLAlchemy raises when SQLite stays busy past the busy timeout."""
    original = sqlite3.OperationalError("database is locked")
    original.sqlite_errorcode = 5  # type: ignore[attr-defined]  # set by sqlite3 when raised
    return OperationalError("BEGIN IMMEDIATE", {}, original)


def test_write_retrying_runs_a_refused_transaction_again(sqlite_database: Database) -> None:
    calls = []

    def work(session: Session) -> int:
        calls.append(1)
        session.execute(text("SELECT 1"))
        if len(calls) < 3:
            raise busy_error()
        return len(calls)

    assert sqlite_database.write_retrying(work) == 3
    assert sqlite_database.retries == 2
    assert is_retryable(busy_error())

    # Never more than the attempts allowed; then the error reaches the caller.
    calls.clear()
    with pytest.raises(OperationalError):
        sqlite_database.write_retrying(work, attempts=2)
    assert len(calls) == 2

    # Anything else (a constraint, a bug) is not retried.
    def broken(session: Session) -> None:
        calls.append(1)
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    calls.clear()
    with pytest.raises(IntegrityError):
        sqlite_database.write_retrying(broken)
    assert len(calls) == 1


def test_the_analysis_sees_a_lost_update(sqlite_database: Database) -> None:
    """A save that overwrote one it never saw is counted, not passed."""
    database = sqlite_database
    result = import_file(database, b"Aspirin cures headaches in adults.\n", "a.txt", actor=OPERATOR)
    user, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password="a long password")
    with database.read() as session:
        claim_id = session.scalars(
            select(Claim.id).where(Claim.article_id == result.article_id)
        ).first()
    first = save_review(database, actor_for(user), claim_id, verdict="accurate", certainty="high")
    # A second writer replaces the text without looking at the version (no audit event either).
    with database.engine.begin() as connection:
        connection.execute(Review.__table__.update().values(rationale="blind overwrite"))
    saved = {"event": "save", "kind": "own", "stale": False, "echoed": True, "outcome": "landed",
             "user_id": user.id, "claim_id": claim_id, "expected": None}  # fmt: skip
    records = [
        {**saved, "rationale": first.rationale, "version": 1},
        {**saved, "rationale": "blind overwrite", "version": 1},
    ]
    found = analyse(database, records)
    assert found["lost"] >= 1
    assert any("audit events" in p for p in found["problems"])
