"""Saves made after their click (review_app/deferred_saves.py): when they run, and what they
hand back."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from claims.errors import ClaimreviewError
from review_app.deferred_saves import DELAY_SECONDS, Deferred


def _deferred_in_a_run(work, run_seconds: float) -> tuple[Deferred, list[float]]:
    """A Deferred made on a thread standing for the click's run, which then lasts
    ``run_seconds``; the times at which the run ended (appended when it did)."""
    made: list[Deferred] = []
    ended: list[float] = []

    def run() -> None:
        deferred = Deferred(work, lambda _d: None, object())
        deferred.start()
        made.append(deferred)
        time.sleep(run_seconds)
        ended.append(time.monotonic())

    thread = threading.Thread(target=run)
    thread.start()
    while not made:
        time.sleep(0.001)
    return made[0], ended


def test_a_deferred_save_waits_for_its_run_and_the_delay() -> None:
    """Not while the click's run draws the page, nor while the browser draws what it sent."""
    saved_at: list[float] = []
    deferred, ended = _deferred_in_a_run(lambda: saved_at.append(time.monotonic()), 0.2)
    deferred._done.wait(10)
    assert deferred.done and deferred.error is None
    assert saved_at[0] - ended[0] >= DELAY_SECONDS * 0.95


def test_settling_makes_the_save_at_once() -> None:
    """The session's next run or callback never waits for the delay: it makes the save now."""
    deferred, _ended = _deferred_in_a_run(lambda: "stored", 5.0)  # a run still going
    started = time.monotonic()
    deferred.settle()
    assert deferred.result == "stored"
    assert time.monotonic() - started < DELAY_SECONDS


def test_a_refusal_is_handed_back_and_a_fault_logged_too(caplog: pytest.LogCaptureFixture) -> None:
    def refused() -> None:
        raise ClaimreviewError("changed elsewhere")

    def broken() -> None:
        raise OSError("disk full")

    with caplog.at_level(logging.ERROR, logger="review_app.deferred_saves"):
        first, _ = _deferred_in_a_run(refused, 0.0)
        first.settle()
        assert isinstance(first.error, ClaimreviewError) and not caplog.records
        second, _ = _deferred_in_a_run(broken, 0.0)
        second.settle()
    assert isinstance(second.error, OSError)
    assert [r.message for r in caplog.records] == ["a deferred save failed"]
