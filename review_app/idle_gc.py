"""Python's garbage collection done between clicks, not during them.

CPython collects its youngest objects each time 700 more have been made than freed. A Next on
the review page makes about 6,000, so it stopped for about nine collections and one of the
next generation: 3.5 ms of every click, measured with ``gc.callbacks`` in a served page at
2,000 claims. Now and then a full collection of the whole process (pandas, SQLAlchemy, the
report libraries) stopped a click for tens of ms.

Here the youngest generation's threshold is raised far above what a page's run makes, so a
run is not stopped to collect, and a thread collects once no page is being drawn, while the
browser draws the click's answer. Work far larger than a page's run (an import, a report)
still collects as it goes, at the raised threshold, so its memory stays bounded. What lives
after the first full collection (modules, the app's code, caches) is frozen out of the later
ones (``gc.freeze``), which then look only at what came after: about 4 ms instead of 70.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

RUN_THRESHOLD = 50_000  # young objects before a collection while a page is being drawn
IDLE_MINIMUM = 1_000  # young objects worth an idle collection
POLL_SECONDS = 0.02
QUIET_POLLS = 2  # polls in a row with no page drawn: the run's last message has gone
FULL_EVERY = 10  # one full collection in this many idle ones (CPython's own ratio)
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # Streamlit's thread for one run of a page


def page_is_being_drawn() -> bool:
    """Whether any session's page (or fragment) is running in this process."""
    return any(thread.name == SCRIPT_THREAD for thread in threading.enumerate())


class IdleCollector:
    """Collects garbage when ``drawing()`` has been false for ``QUIET_POLLS`` polls."""

    def __init__(
        self, drawing: Callable[[], bool] = page_is_being_drawn, poll_seconds: float = POLL_SECONDS
    ) -> None:
        self._drawing = drawing
        self._poll_seconds = poll_seconds
        self._quiet = 0
        self._stop = threading.Event()
        self.collections = 0

    def poll(self) -> bool:
        """One look: collect if no page has been drawn for a while and enough garbage may
        have built up; whether it collected."""
        self._quiet = 0 if self._drawing() else self._quiet + 1
        if self._quiet < QUIET_POLLS or gc.get_count()[0] < IDLE_MINIMUM:
            return False
        self.collections += 1
        if self.collections % FULL_EVERY:
            gc.collect(1)
            return True
        gc.collect(2)
        if gc.get_freeze_count() == 0:
            gc.freeze()  # what lives after the first pages: modules, code, caches
        return True

    def run(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            self.poll()

    def stop(self) -> None:
        self._stop.set()


_STARTED: list[IdleCollector] = []
_LOCK = threading.Lock()


def start() -> None:
    """Once per process: raise the young threshold and collect between clicks."""
    with _LOCK:
        if _STARTED:
            return
        collector = IdleCollector()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(RUN_THRESHOLD, older, oldest)
        threading.Thread(target=collector.run, name="claimreview-idle-gc", daemon=True).start()
        _STARTED.append(collector)
