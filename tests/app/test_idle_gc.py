"""Garbage is collected between clicks (review_app/idle_gc.py), not while a page is drawn."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator

import pytest

from review_app import idle_gc


class Node:
    """A reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    """Only the collector under test collects (and enough young objects to be worth it)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _garbage_cycle() -> weakref.ref[Node]:
    node = Node()
    found = weakref.ref(node)
    del node
    _ballast = [[] for _ in range(idle_gc.IDLE_MINIMUM * 2)]  # young objects, alive
    return found


def test_garbage_waits_while_a_page_is_drawn_and_goes_once_none_is(
    no_automatic_collection: None,
) -> None:
    drawing = [True]
    collector = idle_gc.IdleCollector(drawing=lambda: drawing[0])
    ballast = [[] for _ in range(idle_gc.IDLE_MINIMUM * 2)]
    found = _garbage_cycle()
    for _ in range(5):
        assert not collector.poll()
    assert found() is not None, "collected while a page was being drawn"
    drawing[0] = False
    assert not collector.poll(), "collected before the run's last message had gone"
    assert collector.poll()
    assert found() is None
    del ballast


def test_a_page_drawn_between_quiet_polls_starts_the_wait_again(
    no_automatic_collection: None,
) -> None:
    answers = iter([False, True, False, False])
    collector = idle_gc.IdleCollector(drawing=lambda: next(answers))
    ballast = [[] for _ in range(idle_gc.IDLE_MINIMUM * 2)]
    assert [collector.poll() for _ in range(4)] == [False, False, False, True]
    del ballast


def test_the_running_collector_frees_garbage_on_its_own(no_automatic_collection: None) -> None:
    collector = idle_gc.IdleCollector(drawing=lambda: False, poll_seconds=0.005)
    ballast = [[] for _ in range(idle_gc.IDLE_MINIMUM * 2)]
    found = _garbage_cycle()
    thread = threading.Thread(target=collector.run, daemon=True)
    thread.start()
    try:
        for _ in range(400):
            if found() is None:
                break
            threading.Event().wait(0.005)
        assert found() is None
    finally:
        collector.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
    del ballast


def test_a_streamlit_run_counts_as_a_page_being_drawn() -> None:
    assert not idle_gc.page_is_being_drawn()
    release = threading.Event()
    run = threading.Thread(target=release.wait, name=idle_gc.SCRIPT_THREAD, daemon=True)
    run.start()
    try:
        assert idle_gc.page_is_being_drawn()
    finally:
        release.set()
        run.join(timeout=5)
    assert not idle_gc.page_is_being_drawn()


def test_start_raises_the_young_threshold_once_and_freezes_after_a_full_collection() -> None:
    """In a process of its own: the threshold and the freeze are the whole process's."""
    script = """
import gc, threading, time
from review_app import idle_gc
idle_gc.start(); idle_gc.start()
threads = [t for t in threading.enumerate() if t.name == "claimreview-idle-gc"]
print(gc.get_threshold()[0], len(threads))
keep = []
for _ in range(idle_gc.FULL_EVERY):
    keep.append([[] for _ in range(idle_gc.IDLE_MINIMUM * 2)])
    time.sleep(idle_gc.POLL_SECONDS * (idle_gc.QUIET_POLLS + 4))
print(gc.get_freeze_count() > 0)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    threshold, threads, frozen = done.stdout.split()
    assert int(threshold) == idle_gc.RUN_THRESHOLD
    assert threads == "1"
    assert frozen == "True"
