"""A crash at any moment: a process killed with SIGKILL mid-work leaves a whole database.

Each trial starts a child (``python -m tests.reliability.workers crash``) that opens the
database as the app does (``prepare_database``, a login) and then imports articles and saves
reviews in a loop, logging each write before and after it. The parent kills it with SIGKILL
after a random delay (a few trials kill it while it is still starting), then checks, before
anything repairs the database:

- SQLite's ``integrity_check`` and ``foreign_key_check`` pass;
- the derived facts still equal a fresh computation (checked before ``prepare_database``,
  whose ``ensure_facts`` would otherwise rebuild them);
- every article has all its claims (as many as the child split its text into, and as many as
  its import event records);
- every review is whole: submitted means verdict, certainty and submission time, and its audit
  trail has one event per version ending in the stored row; a save in flight at the kill either
  landed whole or left no trace;
- nothing the child saw committed was lost;
- the database still opens with ``prepare_database``.

Trials run one after another on the same database, so later ones check a database that has
survived every earlier kill.
"""

from __future__ import annotations

import json
import random
import select as selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import demo_article_bytes, import_file
from db.engine import Database
from db.models import Article, CertaintyLevel, Claim, ClaimFact, Review, Verdict
from db.reviews import save_review
from db.setup import prepare_database
from tests.reliability.checks import (
    article_problems,
    facts_problems,
    review_events,
    review_problems,
    sqlite_integrity,
)
from tests.reliability.workers import read_log

if TYPE_CHECKING:
    from tests.reliability.conftest import Figures, Scale

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = Actor.operator("test")
USERNAME, PASSWORD = "crash-reviewer", "a long crash-test password"
READY_TIMEOUT = 120.0
STARTUP_KILL_SHARE = 0.1  # trials killed at a random moment of the child's start-up
MAX_SENTENCES = 120


def start_child(database: Database, trial: int, folder: Path, codes: dict[str, Any]):
    config = {
        "url": database.url,
        "log_path": str(folder / f"trial{trial:03d}.jsonl"),
        "seed": trial + 1,
        "username": USERNAME,
        "password": PASSWORD,
        "max_sentences": MAX_SENTENCES,
        **codes,
    }
    errors = open(folder / f"trial{trial:03d}.err", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.workers", "crash", json.dumps(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    errors.close()
    return process, config["log_path"]


def wait_ready(process: subprocess.Popen, timeout: float) -> bool:
    assert process.stdout is not None
    ready, _, _ = selectors.select([process.stdout], [], [], timeout)
    return bool(ready) and process.stdout.readline().strip() == b"ready"


MOMENTS = (
    "while starting",
    "in an import, which committed",
    "in an import, rolled back",
    "in a save, which committed",
    "in a save, rolled back",
    "between writes",
)


def in_flight(database: Database, records: list[dict[str, Any]]) -> str:
    """What the child was doing when it was killed, judged from its last log line."""
    writes = [r for r in records if r["event"] in ("import", "imported", "save", "saved")]
    if not any(r["event"] == "start" for r in records) or not writes:
        return "while starting"
    last = writes[-1]
    if last["event"] == "import":
        with database.read() as session:
            found = session.scalar(select(Article.id).where(Article.content_hash == last["hash"]))
        return MOMENTS[1] if found else MOMENTS[2]
    if last["event"] == "save":
        with database.read() as session:
            trail = review_events(session)
        texts = {e.after.get("rationale") for events in trail.values() for e in events}
        return MOMENTS[3] if last["rationale"] in texts else MOMENTS[4]
    return "between writes"


def durability_problems(database: Database, imported: set[str], saved: set[str]) -> list[str]:
    """Everything the child saw commit is still there."""
    with database.read() as session:
        hashes = set(session.scalars(select(Article.content_hash)))
        texts = {
            e.after.get("rationale") for events in review_events(session).values() for e in events
        }
    problems = [f"imported article {h[:12]} is gone" for h in sorted(imported - hashes)]
    problems += [f"saved review {t!r} is gone from the audit trail" for t in sorted(saved - texts)]
    return problems[:20]


def test_a_kill_at_any_moment_leaves_a_whole_database(
    database: Database,
    tmp_path: Path,
    reliability_scale: Scale,
    reliability_figures: Figures,
) -> None:
    scale = reliability_scale
    section = f"crash ({database.dialect})"
    create_user(database, OPERATOR, USERNAME, ["reviewer"], password=PASSWORD,
                must_change_password=False)  # fmt: skip
    with database.read() as session:
        codes = {
            "verdicts": list(session.scalars(select(Verdict.code))),
            "certainties": list(session.scalars(select(CertaintyLevel.code))),
        }
    rng = random.Random(31337)
    expected_claims: dict[str, int] = {}
    imported: set[str] = set()
    saved: set[str] = set()
    moments: Counter[str] = Counter()
    failures: list[str] = []
    failed_trials = 0
    began = time.perf_counter()
    for trial in range(scale.crash_trials):
        process, log_path = start_child(database, trial, tmp_path, codes)
        try:
            if rng.random() < STARTUP_KILL_SHARE:
                time.sleep(rng.uniform(0, 1.5))
            elif not wait_ready(process, READY_TIMEOUT):
                failures.append(f"trial {trial}: the child never became ready")
            else:
                time.sleep(rng.uniform(0, scale.crash_max_delay))
            if process.poll() is not None:
                stderr = Path(log_path).with_suffix(".err").read_text(errors="replace")
                failures.append(
                    f"trial {trial}: the child stopped by itself ({process.returncode}):\n"
                    f"{stderr[-3000:]}"
                )
            else:
                process.send_signal(signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            assert process.stdout is not None
            process.stdout.close()

        records = read_log(log_path)
        for r in records:
            if r["event"] == "import":
                expected_claims[r["hash"]] = r["claims"]
            elif r["event"] == "imported":
                imported.add(r["hash"])
            elif r["event"] == "saved":
                saved.add(r["rationale"])
        moments[in_flight(database, records)] += 1

        problems = sqlite_integrity(database)
        problems += facts_problems(database)
        problems += article_problems(database, expected_claims)
        problems += review_problems(database)
        problems += durability_problems(database, imported, saved)
        try:
            prepare_database(Database(database.url)).dispose()
        except Exception as error:
            problems.append(f"prepare_database failed: {type(error).__name__}: {error}")
        failures += [f"trial {trial}: {p}" for p in problems]
        failed_trials += bool(problems)

    with database.read() as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        claims = session.scalar(select(func.count()).select_from(Claim)) or 0
        reviews = session.scalar(select(func.count()).select_from(Review)) or 0
    record = reliability_figures.record
    record(section, "crash trials", scale.crash_trials)
    record(section, "failed trials", failed_trials, expected=0)
    record(section, "failures", len(failures), expected=0)
    for moment in MOMENTS:
        record(section, f"killed {moment}", moments[moment])
    record(section, "articles imported", articles)
    record(section, "claims", claims)
    record(section, "reviews", reviews)
    record(section, "review saves seen to commit", len(saved))
    record(section, "seconds", round(time.perf_counter() - began, 2))
    assert not failures, "\n".join(failures[:30])


def test_the_checks_see_damage(database: Database) -> None:
    """The checks above are not vacuous: each kind of damage they look for is reported."""
    article = import_file(database, demo_article_bytes(), "demo.txt", actor=OPERATOR)
    user, _ = create_user(database, OPERATOR, USERNAME, ["reviewer"], password=PASSWORD)
    with database.read() as session:
        first, second, third = session.scalars(
            select(Claim.id)
            .where(Claim.article_id == article.article_id, Claim.checkable.is_(True))
            .order_by(Claim.ordinal)
            .limit(3)
        ).all()
    save_review(database, actor_for(user), first, verdict="accurate", certainty="high", submit=True)
    assert facts_problems(database) == review_problems(database) == []
    assert article_problems(database, {}) == sqlite_integrity(database) == []

    # Write around the write layer, as a torn or lost write would leave things.
    with database.engine.begin() as connection:
        connection.execute(update(Review).values(rationale="replaced", certainty=None))
        connection.execute(delete(Claim).where(Claim.id == third))
        connection.execute(
            update(ClaimFact).where(ClaimFact.claim_id == second).values(no_review=0)
        )
    assert any("incomplete" in p for p in review_problems(database))
    assert any("differs from its last event" in p for p in review_problems(database))
    assert any("claims, its import recorded" in p for p in article_problems(database, {}))
    assert any(f"claim {second}:" in p for p in facts_problems(database))
    assert any(p.startswith("article_facts") for p in facts_problems(database))
