"""Garbage is collected between clicks (review_app/idle_gc.py), not while a page is drawn.

The test process runs with ``CLAIMREVIEW_IDLE_GC=0`` (tests/conftest.py), so no collector of
the app's own runs beside these: each test makes its own."""

from __future__ import annotations

import gc
import os
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
    """Only the collector under test collects, from counts at nought: what the test process
    collected before (a whole suite's worth) must not make a full collection due."""
    was_on = gc.isenabled()
    gc.collect()
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
    return found


def _young_objects() -> list[list[object]]:
    """Enough young objects, kept alive, for a collection between runs to be worth it."""
    return [[] for _ in range(idle_gc.IDLE_MINIMUM * 2)]


def test_garbage_waits_while_a_page_is_drawn_and_goes_once_none_is(
    no_automatic_collection: None,
) -> None:
    drawing = [True]
    collector = idle_gc.IdleCollector(drawing=lambda: drawing[0], freeze=False)
    young = _young_objects()
    found = _garbage_cycle()
    assert [collector.poll() for _ in range(5)] == [None] * 5
    assert found() is not None, "collected while a page was being drawn"
    drawing[0] = False
    assert collector.poll() is None, "collected before the run's last message had gone"
    assert collector.poll() == 1
    assert found() is None
    del young


def test_what_a_run_left_is_collected_after_it_however_little(
    no_automatic_collection: None,
) -> None:
    """A cycle holding a large buffer counts as one object: it must not wait for more."""
    answers = iter([True, False, False, False, False])
    collector = idle_gc.IdleCollector(drawing=lambda: next(answers), freeze=False)
    gc.collect(0)
    found = _garbage_cycle()
    assert gc.get_count()[0] < idle_gc.IDLE_MINIMUM
    assert [collector.poll() for _ in range(3)] == [None, None, 1]
    assert found() is None
    # Nothing drawn since, and little made: no collection for nothing.
    _garbage_cycle()
    assert [collector.poll() for _ in range(2)] == [None, None]


def test_a_page_drawn_between_quiet_polls_starts_the_wait_again(
    no_automatic_collection: None,
) -> None:
    answers = iter([False, True, False, False])
    collector = idle_gc.IdleCollector(drawing=lambda: next(answers), freeze=False)
    young = _young_objects()
    assert [collector.poll() for _ in range(4)] == [None, None, None, 1]
    del young


def test_a_full_collection_comes_between_clicks_before_cpython_would_make_one_due(
    no_automatic_collection: None,
) -> None:
    """CPython collects everything once its middle generation has been collected more than
    its threshold times: the collector does it first, so a run never finds it due."""
    collector = idle_gc.IdleCollector(drawing=lambda: False, freeze=False)
    collector.poll()  # the first quiet poll
    gc.collect(2)  # the count starts at nought
    due = gc.get_threshold()[2]
    generations = []
    for _ in range(due):
        young = _young_objects()
        generations.append(collector.poll())
        del young
    assert generations == [1] * (due - 1) + [2]
    assert gc.get_count()[2] == 0


def test_the_running_collector_frees_garbage_on_its_own(no_automatic_collection: None) -> None:
    collector = idle_gc.IdleCollector(drawing=lambda: False, poll_seconds=0.005, freeze=False)
    young = _young_objects()
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
    del young


def test_a_streamlit_run_counts_as_a_page_being_drawn() -> None:
    def runs() -> int:
        return sum(t.name == idle_gc.SCRIPT_THREAD for t in threading.enumerate())

    release = threading.Event()
    run = threading.Thread(target=release.wait, name=idle_gc.SCRIPT_THREAD, daemon=True)
    before = runs()
    run.start()
    try:
        assert idle_gc.page_is_being_drawn()
    finally:
        release.set()
        run.join(timeout=5)
    assert idle_gc.page_is_being_drawn() == (runs() > 0)
    assert runs() == before


def _started(setting: str) -> list[str]:
    """In a process of its own (the threshold and the freeze are the whole process's):
    ``start()`` twice, then the young threshold, the collector threads, and whether anything
    was frozen (at the first full collection) within 20 s."""
    script = """
import gc, threading, time
from review_app import idle_gc
idle_gc.start(); idle_gc.start()
threads = [t for t in threading.enumerate() if t.name == "claimreview-idle-gc"]
deadline = time.monotonic() + 20
keep = []
while gc.get_freeze_count() == 0 and threads and time.monotonic() < deadline:
    keep.append([[] for _ in range(idle_gc.IDLE_MINIMUM * 2)])  # as runs would leave
    time.sleep(idle_gc.POLL_SECONDS * (idle_gc.QUIET_POLLS + 2))
print(gc.get_threshold()[0], len(threads), gc.get_freeze_count() > 0)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "CLAIMREVIEW_IDLE_GC": setting},
    )
    return done.stdout.split()


def test_start_raises_the_young_threshold_once_and_freezes_at_the_first_full_collection() -> None:
    threshold, threads, frozen = _started("1")
    assert int(threshold) == idle_gc.RUN_THRESHOLD
    assert threads == "1"
    assert frozen == "True"


def test_the_setting_turns_it_off() -> None:
    threshold, threads, frozen = _started("0")
    assert int(threshold) == gc.get_threshold()[0]
    assert (threads, frozen) == ("0", "False")
