"""Child-process entry points for the reliability suites.

Every child opens its own ``Database`` from a URL, as a second app process would, logs in
through ``PasswordIdentity`` where a person acts, and writes through the same functions the
app calls (``save_review``, ``read_and_split`` + ``save_article``). What a child did is written
as JSON lines to a log file, flushed after every line, so the parent can read it even after
killing the child.

- :func:`run_reviewer` (multiprocessing, start method ``spawn``): one simulated reviewer
  saving reviews for ``test_concurrency.py``.
- :func:`run_server` (the same): one app server's worth of reviewers, each on its own thread
  (as Streamlit runs each browser session's script), sharing one ``Database`` and so one
  connection pool, sized as a server's is.
- :func:`run_crash_child` (``python -m tests.reliability.workers crash CONFIG_JSON``): imports
  articles and saves reviews until ``test_crash.py`` kills it with SIGKILL.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import func, select

from claims.permissions import Actor
from db.accounts import PasswordIdentity, actor_for
from db.articles import content_hash, read_and_split, save_article
from db.engine import Database
from db.models import Claim, Review
from db.reviews import CitedSource, StaleReview, save_review
from db.setup import prepare_database

# What "database is locked", a serialization failure or a deadlock looks like to a caller.
LOCK_MARKERS = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "could not serialize",
    "deadlock detected",
    "serializationfailure",
    "deadlockdetected",
)


def describe(error: BaseException) -> str:
    """Type and first line of an error and of every error it was raised from."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        first = (str(current).splitlines() or [""])[0]
        parts.append(f"{type(current).__name__}: {first}"[:300])
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)


def is_lock_error(error: BaseException) -> bool:
    text = describe(error).lower()
    return any(marker in text for marker in LOCK_MARKERS)


class JsonLog:
    """JSON lines, flushed one by one (a killed process loses nothing it wrote)."""

    def __init__(self, path: str) -> None:
        self.file: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def write(self, **record: Any) -> None:
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()


def read_log(path: str) -> list[dict[str, Any]]:
    """The records of a log; a last line cut short by a kill is skipped, and a child killed
    before it opened its log has none."""
    records: list[dict[str, Any]] = []
    if not os.path.exists(path):
        return records
    with open(path, encoding="utf-8") as file:
        for line in file:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


# --- Synthetic articles -------------------------------------------------------------------------

DRUGS = ("Aspirin", "Metformin", "Statin therapy", "Vitamin D", "Ibuprofen", "Drug X", "Zinc")
VERBS = ("lowers", "reduces", "prevents", "always cures", "slightly improves", "doubles")
OUTCOMES = ("blood pressure", "migraine days", "strokes", "colds", "pain after surgery", "falls")
GROUPS = ("adults", "children", "older adults", "pregnant women", "people with diabetes")


def article_text(rng: random.Random, tag: str, sentences: int) -> tuple[str, str]:
    """A unique article (its tag is in the title) and its file name, txt or Markdown."""
    markdown = rng.random() < 0.5
    lines = [f"# Trial report {tag}" if markdown else f"Trial report {tag}", ""]
    paragraph: list[str] = []
    for n in range(sentences):
        paragraph.append(
            f"{rng.choice(DRUGS)} {rng.choice(VERBS)} {rng.choice(OUTCOMES)} in "
            f"{rng.choice(GROUPS)} by {rng.randint(1, 90)} percent in study {n + 1}."
        )
        if len(paragraph) >= rng.randint(2, 6):
            lines += [" ".join(paragraph), ""]
            paragraph = []
            if markdown and rng.random() < 0.2:
                lines += [f"## Section {n + 1}", ""]
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines) + "\n", f"trial-{tag}.{'md' if markdown else 'txt'}"


# --- Concurrent reviewers -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerPlan:
    """What one reviewer process does; plain data, so it crosses a spawn."""

    index: int
    url: str
    username: str
    password: str
    own_claims: tuple[int, ...]  # only this process reviews these
    shared_claims: tuple[int, ...]  # every process reviews these (each its own review)
    twin_username: str | None  # a reviewer this process and one other both act as
    twin_password: str | None
    twin_claims: tuple[int, ...]  # claims both act on as the twin: real conflicts
    saves: int
    seed: int
    verdicts: tuple[str, ...]
    certainties: tuple[str, ...]
    stances: tuple[str, ...]
    citation_ids: tuple[int, ...]
    agreeing: tuple[str, str]  # the finding most saves on shared claims give
    log_path: str
    twin_rate: float = 0.2
    shared_rate: float = 0.25
    stale_rate: float = 0.08


WORDS = ("trial", "cohort", "dose", "placebo", "effect", "bias", "sample", "outcome", "risk")


def run_reviewer(plan: ReviewerPlan, start: Any) -> None:
    """Log in, wait for ``start`` (an Event), then make ``plan.saves`` saves, logging each."""
    log = JsonLog(plan.log_path)
    try:
        database = Database(plan.url)
    except Exception as error:
        log.write(event="crash", phase="login", error=describe(error), lock=is_lock_error(error))
        raise
    review(plan, start, database, log)
    log.write(event="done", retries=database.retries)
    database.dispose()


def run_server(plans: list[ReviewerPlan], start: Any) -> None:
    """Serve ``plans`` as one app server does its sessions: a thread each, one ``Database``."""
    database = Database(plans[0].url)
    logs = [JsonLog(plan.log_path) for plan in plans]
    threads = [
        threading.Thread(target=review, args=(plan, start, database, log), daemon=True)
        for plan, log in zip(plans, logs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = [
        any(r.get("event") == "finished" for r in read_log(plan.log_path)) for plan in plans
    ]
    for n, log in enumerate(logs):  # the server's retries counted once
        log.write(event="done", retries=database.retries if n == 0 else 0)
    database.dispose()
    if not all(finished):
        raise SystemExit(4)  # a reviewer's thread died: its log says how


def review(plan: ReviewerPlan, start: Any, database: Database, log: JsonLog) -> None:
    """One reviewer's saves (``run_reviewer``'s work, on a database it may share)."""
    try:
        identity = PasswordIdentity(database)
        me = actor_for(identity.authenticate(plan.username, plan.password))
        twin = None
        if plan.twin_username and plan.twin_password:
            twin = actor_for(identity.authenticate(plan.twin_username, plan.twin_password))
    except Exception as error:
        log.write(event="crash", phase="login", error=describe(error), lock=is_lock_error(error))
        raise
    log.write(event="ready", user_id=me.user_id, twin_id=twin.user_id if twin else None)
    if not start.wait(timeout=600):
        log.write(event="crash", phase="start", error="never told to start", lock=False)
        raise SystemExit(3)
    rng = random.Random(plan.seed)
    seen: dict[tuple[int, int], int | None] = {}  # (reviewer, claim) -> version last seen
    for seq in range(plan.saves):
        roll = rng.random()
        if twin is not None and plan.twin_claims and roll < plan.twin_rate:
            kind, actor, claim_id = "twin", twin, rng.choice(plan.twin_claims)
        elif roll < plan.twin_rate + plan.shared_rate:
            kind, actor, claim_id = "shared", me, rng.choice(plan.shared_claims)
        else:
            kind, actor, claim_id = "own", me, rng.choice(plan.own_claims)
        assert actor.user_id is not None
        key = (actor.user_id, claim_id)
        expected = seen.get(key)
        # A stale save on purpose: the version before the one this process knows is current.
        stale = kind != "twin" and expected is not None and rng.random() < plan.stale_rate
        if stale:
            assert expected is not None
            expected = expected - 1 if expected > 1 else None
        submit = rng.random() < 0.5
        if kind == "shared" and rng.random() < 0.85:
            verdict, certainty = plan.agreeing
        else:
            verdict, certainty = rng.choice(plan.verdicts), rng.choice(plan.certainties)
        if not submit and rng.random() < 0.3:
            certainty = None
        citations = None
        if plan.citation_ids and rng.random() < 0.5:
            chosen = rng.sample(plan.citation_ids, rng.randint(0, min(2, len(plan.citation_ids))))
            citations = [
                CitedSource(c, rng.choice((None, *plan.stances)), f"quote {seq}", f"p. {seq}")
                for c in chosen
            ]
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        rationale = f"[{plan.index}:{seq}:{kind}] {words}"
        record: dict[str, Any] = {
            "event": "save",
            "process": plan.index,
            "seq": seq,
            "kind": kind,
            "user_id": actor.user_id,
            "claim_id": claim_id,
            "rationale": rationale,
            "expected": expected,
            "stale": stale,
        }
        began = time.perf_counter()
        try:
            info = save_review(
                database,
                actor,
                claim_id,
                verdict=verdict,
                certainty=certainty,
                rationale=rationale,
                submit=submit,
                expected_version=expected,
                citations=citations,
            )
        except StaleReview as error:
            stored = error.stored
            record.update(
                outcome="conflict",
                stored_version=stored.version if stored else None,
                stored_rationale=stored.rationale if stored else None,
            )
            # The app shows the stored review; the reviewer's next save starts from it.
            seen[key] = stored.version if stored else None
        except Exception as error:
            record.update(outcome="error", error=describe(error), lock=is_lock_error(error))
            record["traceback"] = traceback.format_exc()[-2000:]
            seen[key] = own_version(database, actor.user_id, claim_id)  # as after a reload
        else:
            record.update(
                outcome="landed",
                version=info.version,
                review_id=info.id,
                echoed=info.rationale == rationale,
            )
            seen[key] = info.version
        record["seconds"] = round(time.perf_counter() - began, 4)
        log.write(**record)
    log.write(event="finished")


def own_version(database: Database, reviewer_id: int, claim_id: int) -> int | None:
    with database.read() as session:
        return session.scalar(
            select(Review.version).where(
                Review.claim_id == claim_id, Review.reviewer_id == reviewer_id
            )
        )


# --- A child killed at a random moment ----------------------------------------------------------


def run_crash_child(config: dict[str, Any], ready: Callable[[], None]) -> None:
    """Start like the app (``prepare_database``, a login), call ``ready``, then import
    articles and save reviews on them until killed. Before each write it logs what it is
    about to do (``import`` with the claim count, ``save`` with the rationale) and after
    it the result (``imported``, ``saved``), so the parent knows what was in flight."""
    log = JsonLog(config["log_path"])
    seed = config["seed"]
    log.write(event="start", seed=seed)
    database = prepare_database(Database(config["url"]))
    reviewer = actor_for(
        PasswordIdentity(database).authenticate(config["username"], config["password"])
    )
    assert reviewer.user_id is not None
    importer = Actor.operator("cli")
    ready()
    rng = random.Random(seed)
    with database.read() as session:
        pool = list(
            session.scalars(
                select(Claim.id).where(Claim.checkable.is_(True)).order_by(func.random()).limit(300)
            )
        )
    n = 0
    while True:
        n += 1
        text, filename = article_text(rng, f"{seed}-{n}", rng.randint(5, config["max_sentences"]))
        document, claims = read_and_split(text.encode("utf-8"), filename)
        digest = content_hash(document.text)
        log.write(event="import", hash=digest, claims=len(claims))
        result = save_article(database, document, claims, actor=importer, filename=filename)
        log.write(event="imported", hash=digest, article_id=result.article_id)
        with database.read() as session:
            pool += session.scalars(
                select(Claim.id).where(
                    Claim.article_id == result.article_id, Claim.checkable.is_(True)
                )
            )
        for k in range(rng.randint(2, 10) if pool else 0):
            claim_id = rng.choice(pool)
            expected = own_version(database, reviewer.user_id, claim_id)
            submit = rng.random() < 0.6
            rationale = f"crash {seed}-{n}-{k}: " + " ".join(rng.sample(WORDS, 4))
            log.write(event="save", claim_id=claim_id, rationale=rationale)
            info = save_review(
                database,
                reviewer,
                claim_id,
                verdict=rng.choice(config["verdicts"]),
                certainty=rng.choice(config["certainties"]),
                rationale=rationale,
                submit=submit,
                expected_version=expected,
            )
            log.write(event="saved", claim_id=claim_id, rationale=rationale, version=info.version)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "crash":
        print("usage: python -m tests.reliability.workers crash CONFIG_JSON", file=sys.stderr)
        return 2
    run_crash_child(json.loads(argv[1]), lambda: print("ready", flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
