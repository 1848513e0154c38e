"""A backup taken while reviewers keep saving holds every review that landed before it began.

Reviewer processes (``reliability_scale.reviewers`` of them, at most ``MAX_WRITERS``) keep
saving their own reviews of the demo article's claims through ``db.reviews.save_review``, each
save a new version with its own rationale, and report every save once it has committed (with
the time it landed). Once half of ``writers * saves_per_reviewer`` saves have landed, the backup
runs, slowed to many small steps so that saves keep landing between its steps. The backup is
then restored into a fresh database file and must hold, for every review saved before the
backup began, that save or a later one (the same text at the same version), never a save that
landed after the backup ended, and pass SQLite's integrity check.
"""

from __future__ import annotations

import multiprocessing
import queue
import sqlite3
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from claims.permissions import Actor
from db import backup as backup_module
from db.accounts import actor_for, create_user
from db.articles import DEMO_ARTICLE, demo_article_bytes, import_file
from db.backup import backup, restore
from db.demo_data import generate
from db.engine import Database
from db.models import Claim
from db.reviews import save_review
from db.setup import prepare_database

OPERATOR = Actor.operator("test")
VERDICTS = ("accurate", "mostly_accurate", "misleading", "unsupported")
CERTAINTIES = ("high", "moderate", "low", "very_low")
SECTION = "backup under load (sqlite)"
FILLER_CLAIMS = 3000  # synthetic claims, so the backup has pages enough to take many steps
PAGES_PER_STEP = 4
STEP_PAUSE = 0.002  # seconds the backup waits after each step: saves land between steps
GIVE_UP_AFTER = 300.0  # seconds without the expected progress
# More processes saving without pause measure how fairly SQLite hands its one write lock around
# (with 32 a save can wait past the 30 s busy timeout on a 2-CPU machine), not the backup.
MAX_WRITERS = 8


@dataclass(frozen=True)
class Save:
    reviewer_id: int
    claim_id: int
    version: int
    rationale: str
    landed_at: float  # time.monotonic() just after the commit, in the reviewer's process
    seconds: float  # how long the save took


def _reviewer(url: str, user: Any, claim_ids: list[int], reports: Any, stop: Any) -> None:
    """One reviewer: save reviews in turn until told to stop; report each committed save."""
    database = Database(url)
    actor = actor_for(user, channel="test")
    versions: dict[int, int] = {}
    number = 0
    try:
        while not stop.is_set():
            claim_id = claim_ids[number % len(claim_ids)]
            rationale = f"{actor.username} save {number} of claim {claim_id}"
            started = time.monotonic()
            saved = save_review(
                database,
                actor,
                claim_id,
                verdict=VERDICTS[number % len(VERDICTS)],
                certainty=CERTAINTIES[number % len(CERTAINTIES)],
                rationale=rationale,
                submit=number % 2 == 1,
                expected_version=versions.get(claim_id),
            )
            landed = time.monotonic()
            versions[claim_id] = saved.version
            reports.put(Save(user.id, claim_id, saved.version, rationale, landed, landed - started))
            number += 1
    except BaseException:
        reports.put(("error", actor.username, traceback.format_exc()))
    finally:
        database.dispose()


class Landed:
    """The saves the reviewers reported, drained from their queue."""

    def __init__(self, reports: Any) -> None:
        self.reports = reports
        self.saves: list[Save] = []

    def drain(self, wait: float = 0.0) -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                item = self.reports.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return
            if not isinstance(item, Save):
                raise AssertionError(f"reviewer {item[1]} failed:\n{item[2]}")
            self.saves.append(item)
            deadline = 0.0 if wait == 0.0 else deadline

    def wait_for(self, count: int) -> None:
        give_up = time.monotonic() + GIVE_UP_AFTER
        while len(self.saves) < count:
            assert time.monotonic() < give_up, f"only {len(self.saves)} of {count} saves landed"
            self.drain(wait=0.05)


def test_a_backup_under_load_holds_every_review_saved_before_it_began(
    sqlite_database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reliability_scale: Any,
    reliability_figures: Any,
) -> None:
    database = sqlite_database
    article = import_file(database, demo_article_bytes(), DEMO_ARTICLE, actor=OPERATOR)
    generate(database, OPERATOR, FILLER_CLAIMS, seed=11)
    with database.read() as session:
        claim_ids = list(
            session.scalars(
                select(Claim.id).where(Claim.article_id == article.article_id).order_by(Claim.id)
            )
        )
    writers = min(reliability_scale.reviewers, MAX_WRITERS)
    users = [create_user(database, OPERATOR, f"loader{i}", ["reviewer"])[0] for i in range(writers)]
    database.dispose()  # the children open their own connections

    context = multiprocessing.get_context("fork")
    reports, stop = context.Queue(), context.Event()
    reviewers = [
        context.Process(target=_reviewer, args=(database.url, user, claim_ids, reports, stop))
        for user in users
    ]
    for process in reviewers:
        process.start()
    landed = Landed(reports)
    try:
        landed.wait_for(writers * reliability_scale.saves_per_reviewer // 2)

        # Every save reported by now has committed: the backup must hold it.
        landed.drain()
        before = list(landed.saves)
        monkeypatch.setattr(backup_module, "PAGES_PER_STEP", PAGES_PER_STEP)
        began = time.monotonic()
        result = backup(
            database, tmp_path / "under-load.backup", progress=lambda *_: time.sleep(STEP_PAUSE)
        )
        ended = time.monotonic()
        landed.wait_for(len(landed.saves) + writers)  # still going
    finally:
        stop.set()
        for process in reviewers:
            process.join(timeout=60)
        landed.drain(wait=0.5)
        for process in reviewers:
            if process.is_alive():
                process.kill()
    assert all(p.exitcode == 0 for p in reviewers), [p.exitcode for p in reviewers]
    landed.drain()

    fresh = prepare_database(Database(f"sqlite:///{tmp_path / 'restored' / 'fresh.db'}"))
    restore(fresh, result.path)
    with fresh.read() as session:
        rows = session.execute(
            text("SELECT reviewer_id, claim_id, version, rationale FROM reviews")
        ).all()
        claims = session.execute(text("SELECT count(*) FROM claims")).scalar()
        facts = session.execute(text("SELECT count(*) FROM claim_facts")).scalar()
    restored = {(r.reviewer_id, r.claim_id): (r.version, r.rationale) for r in rows}
    fresh.dispose()

    by_version = {(s.reviewer_id, s.claim_id, s.version): s for s in landed.saves}
    latest_before: dict[tuple[int, int], Save] = {}
    for save in before:
        key = (save.reviewer_id, save.claim_id)
        if key not in latest_before or save.version > latest_before[key].version:
            latest_before[key] = save
    missing, wrong_text, from_after = [], [], []
    for key, save in latest_before.items():
        version, rationale = restored.get(key, (0, None))
        if version < save.version:
            missing.append((save, version))
        elif version == save.version and rationale != save.rationale:
            wrong_text.append((save, rationale))
    loaders = {user.id for user in users}  # not the synthetic filler's reviews
    for (reviewer_id, claim_id), (version, rationale) in restored.items():
        if reviewer_id not in loaders:
            continue
        known = by_version.get((reviewer_id, claim_id, version))
        if known is None or known.rationale != rationale or known.landed_at > ended:
            from_after.append((reviewer_id, claim_id, version, rationale))
    found = len(latest_before) - len(missing) - len(wrong_text)
    during = [s for s in landed.saves if began < s.landed_at < ended]
    with sqlite3.connect(tmp_path / "restored" / "fresh.db") as check:
        integrity = check.execute("PRAGMA integrity_check").fetchall()

    figures = reliability_figures
    figures.record(SECTION, "reviewer processes", writers)
    figures.record(SECTION, "saves landed before backup", len(before))
    figures.record(SECTION, "reviews before backup", len(latest_before))
    figures.record(SECTION, "found after restore", found, expected=len(latest_before))
    figures.record(SECTION, "rows not from before the backup ended", len(from_after), expected=0)
    figures.record(SECTION, "saves landed during backup", len(during))
    figures.record(SECTION, "backup seconds", round(ended - began, 3))
    figures.record(SECTION, "backup pages", result.pages)
    quiet = [s for s in landed.saves if s.landed_at < began]
    for name, saves in (("before", quiet), ("during", during)):
        times = sorted(s.seconds for s in saves) or [0.0]
        middle = times[len(times) // 2]
        figures.record(SECTION, f"median save {name} backup (ms)", round(1000 * middle, 1))
        figures.record(SECTION, f"longest save {name} backup (ms)", round(1000 * times[-1], 1))
    figures.record(SECTION, "restored integrity_check", integrity[0][0], expected="ok")

    assert not missing, f"{len(missing)} reviews saved before the backup are missing: {missing[:3]}"
    assert not wrong_text, f"{len(wrong_text)} reviews lost their text: {wrong_text[:3]}"
    assert not from_after, f"rows the snapshot cannot hold: {from_after[:3]}"
    assert integrity == [("ok",)]
    assert claims == facts  # the derived facts came along (or were rebuilt)
    assert len(during) > 0, "no save landed while the backup ran: it did not run under load"
