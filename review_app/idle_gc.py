"""Python's garbage collection done between clicks, not during them.

CPython collects its youngest objects each time 700 more have been made than freed. A Next on
the review page makes about 6,000, so it stopped for about nine collections and one of the
next generation: 3.5 ms of every click, measured with ``gc.callbacks`` in a served page at
2,000 claims (README, "Felt speed"). A full collection of the whole process, when one came
due, stopped its click for 70–100 ms (pandas, SQLAlchemy, the report libraries).

Here the youngest generation's threshold is raised far above what a page's run makes, so a
run is not stopped to collect, and a thread collects once no page is being drawn, while the
browser draws the click's answer: the two young generations after each run, and the whole
process when CPython's own full collection would come due (every tenth time), so that a run
never finds one due. Work far larger than a page's run (an import, a report) still collects as
it goes, every ``RUN_THRESHOLD`` objects, and so does a server that is never idle (many
reviewers at once): less often than CPython would, more at a time (13–17 ms each, measured in
a run). The first full collection after ten collections freezes what then lives
(``gc.freeze``: the modules, the app's code, the pages opened so far), so that later ones look
only at what came after (those modules alone: 100 ms to collect, nothing once frozen; served,
at 2,000 claims, 1.2–7.8 ms a full collection once frozen). The freeze is renewed hourly, when
idle, so that modules loaded since are frozen too and nothing frozen is kept for good.

One gap remains: a click's message is read on the server's event loop before its run's thread
starts, so a click arriving during an idle collection waits for it (about 1 ms; a full one a
few ms; the hourly renewal 70–100 ms). ``CLAIMREVIEW_IDLE_GC=0``
turns all of this off (the tests do, where AppTest runs the app inside the test process).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable

RUN_THRESHOLD = 50_000  # young objects before a collection while a page is being drawn
IDLE_MINIMUM = 1_000  # young objects worth a collection while nothing has been drawn
POLL_SECONDS = 0.02
QUIET_POLLS = 2  # polls in a row with no page drawn: the run's last message has gone
REFREEZE_SECONDS = 3600.0
WARM_COLLECTIONS = 10  # the first full collection after this many freezes what then lives
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # Streamlit's thread for one run of a page


def page_is_being_drawn() -> bool:
    """Whether any session's page (or fragment) is running in this process."""
    return any(thread.name == SCRIPT_THREAD for thread in threading.enumerate())


class IdleCollector:
    """Collects garbage once ``drawing()`` has been false for ``QUIET_POLLS`` polls: after each
    run whatever it left, and between runs once ``IDLE_MINIMUM`` young objects have built up
    (a background thread's work)."""

    def __init__(
        self,
        drawing: Callable[[], bool] = page_is_being_drawn,
        poll_seconds: float = POLL_SECONDS,
        *,
        freeze: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._drawing = drawing
        self._poll_seconds = poll_seconds
        self._freeze = freeze
        self._clock = clock
        self._quiet = 0
        self._drawn = False  # a run was seen since the last collection
        self._frozen_at: float | None = None
        self._stop = threading.Event()
        self.collections = 0

    def poll(self) -> int | None:
        """One look; the generation collected, or None."""
        if self._drawing():
            self._quiet, self._drawn = 0, True
            return None
        self._quiet += 1
        if self._quiet < QUIET_POLLS:
            return None
        young = gc.get_count()[0]
        if young < IDLE_MINIMUM and not (self._drawn and young):
            return None
        # A full collection here once CPython's own would come due (its count of middle-
        # generation collections at the threshold): a run that reaches the young threshold
        # then never finds one due, and collects only the young generations.
        if gc.get_count()[2] + 1 < gc.get_threshold()[2]:
            gc.collect(1)  # the two young generations: about 1 ms between clicks
            return self._collected(1)
        now = self._clock()
        # Not at the first full collection, which may come right after the login page: the
        # pages' own modules would stay outside, to be looked at by every full one (26–59 ms
        # each, measured, against 1.2–7.8 ms frozen after ten collections).
        warm = self.collections >= WARM_COLLECTIONS
        renew = self._frozen_at is None or now - self._frozen_at >= REFREEZE_SECONDS
        if self._freeze and warm and renew:
            gc.unfreeze()  # what was frozen and has died since is collected now
            gc.collect(2)
            gc.freeze()
            self._frozen_at = now
        else:
            gc.collect(2)
        return self._collected(2)

    def _collected(self, generation: int) -> int:
        self.collections += 1
        self._drawn = False
        return generation

    def run(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            self.poll()

    def stop(self) -> None:
        self._stop.set()


_STARTED: list[IdleCollector] = []
_LOCK = threading.Lock()


def start() -> None:
    """Once per process (app.py, on every run: cheap after the first): raise the young
    threshold and collect between clicks; nothing when ``CLAIMREVIEW_IDLE_GC=0``."""
    if _STARTED or os.environ.get("CLAIMREVIEW_IDLE_GC", "1") == "0":
        return
    with _LOCK:
        if _STARTED:
            return
        collector = IdleCollector()
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(RUN_THRESHOLD, middle, oldest)
        threading.Thread(target=collector.run, name="claimreview-idle-gc", daemon=True).start()
        _STARTED.append(collector)
