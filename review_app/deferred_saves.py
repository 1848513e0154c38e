"""Saves made just after the click they answer: the review page's Submit & next.

A review's save costs its click 15–30 ms of server CPU, and right after the click's run the
browser draws the next claim on the same cores. Measured with bench/felt_ab.py (30 clicks each,
2,000 claims): a save started as soon as the run ended took nothing off the click (+0.6%),
because it slowed the browser's drawing as much as it spared the run; one started a quarter of a
second later took 9–10% off. So a deferred save waits for the run of its click to end and
``DELAY_SECONDS`` more, then runs on a thread of its own.

Nothing the session reads may miss it: every later run and callback of the session settles it
first (``settle_session``, called where the login is checked): started at once if it is still
waiting, and waited for. (A click whose callback ends in ``st.rerun``, which the save bar does
only for a click sent with another fragment's, starts a new run that settles it: that click
waits for its save, as before saves were deferred.) What it came to (stored, or refused and
why) is handed to the ``on_settled`` given with it, in that run, where it may use the session's
state.

A sign-out (logging out, or the session timing out) settles them first. The user's other
sessions wait for them too (``settle_for``: a page reloaded right after its click reads what
was saved). What the form keeps of one refused is kept in the process for the user
(``keep_for_user``, on the save's thread) until they take it back or let it go, and every
session of theirs on this server shows it (after a reload, a logout, a timeout): a refusal the
reviewer had no click left to see is not lost with the tab.

Owns the session-state key ``deferred_saves``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from claims.errors import ClaimreviewError
from review_app.resources import run_identity

DELAY_SECONDS = 0.25  # after the click's run: the browser draws meanwhile
LONGEST_RUN_SECONDS = 30.0  # a click's run that has not ended by then is not waited for
_POLL_SECONDS = 0.02
_KEY = "deferred_saves"
_LIVE: set[Deferred] = set()  # every save not yet made, in any session (wait_for_all)
_LIVE_LOCK = threading.Lock()
_LOG = logging.getLogger(__name__)


class Deferred:
    """One save to make after its click's run: ``work()`` on a thread of its own."""

    def __init__(
        self,
        work: Callable[[], Any],
        on_settled: Callable[[Deferred], None],
        run: object,
        owner: int | None = None,
    ) -> None:
        self._work = work
        self.owner = owner  # the user whose save it is: their other sessions wait for it too
        self.on_settled = on_settled
        self.run = run  # the run (callback and page) it was deferred in
        self.result: Any = None
        self.error: Exception | None = None
        self._clicked_in = threading.current_thread()
        self._go = threading.Event()
        self._done = threading.Event()
        # Not a daemon: a server stopped meanwhile still makes the save before it exits.
        self._thread = threading.Thread(target=self._run, name="claimreview-deferred-save")

    def start(self) -> None:
        with _LIVE_LOCK:
            _LIVE.add(self)
        self._thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + LONGEST_RUN_SECONDS
        while not self._go.is_set() and time.monotonic() < deadline:
            # The click's run ends when its script thread does (or when that thread runs the
            # session's next request, whose settle_session sets _go).
            self._clicked_in.join(_POLL_SECONDS)
            if not self._clicked_in.is_alive():
                break
        self._go.wait(DELAY_SECONDS)
        try:
            self.result = self._work()
        except Exception as error:  # handed to the session, which says what was not saved
            self.error = error
            if not isinstance(error, ClaimreviewError):  # a refusal is said, a fault logged too
                _LOG.exception("a deferred save failed")
        finally:
            self._done.set()
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def wait(self, timeout: float) -> None:
        """Wait until the save is made (at most ``timeout`` seconds), without hurrying it."""
        self._done.wait(timeout)

    def settle(self) -> None:
        """Make the save now if it is still waiting, and wait until it is made."""
        self._go.set()
        self._done.wait()

    @property
    def done(self) -> bool:
        return self._done.is_set()


def defer(
    work: Callable[[], Any], on_settled: Callable[[Deferred], None], owner: int | None = None
) -> Deferred:
    """In a click's callback: make ``work()`` after the click's run; ``on_settled(deferred)``
    runs in the session's next run or callback, with ``result`` or ``error`` set."""
    deferred = Deferred(work, on_settled, run_identity(), owner)
    st.session_state[_KEY] = [*st.session_state.get(_KEY, []), deferred]
    deferred.start()
    return deferred


def settle_session() -> None:
    """Settle this session's deferred saves made in earlier runs, oldest first, and hand each
    its outcome. Called as every run and callback of a logged-in user begins; nothing to do
    (one session-state read) when none is waiting."""
    waiting: list[Deferred] | None = st.session_state.get(_KEY)
    if not waiting:
        return
    this_run = run_identity()
    later = [d for d in waiting if d.run is this_run]  # this very click's: after its run
    st.session_state[_KEY] = later
    for deferred in waiting:
        if deferred.run is not this_run:
            deferred.settle()
            deferred.on_settled(deferred)


def settle_for(user_id: int) -> None:
    """As every run and callback of a logged-in user begins: this session's deferred saves
    settled (``settle_session``), then any of the user's other sessions (a page reloaded right
    after its click: its new session must read what the old one saved), then what is kept for
    the user given to this session (``keep_for_user``)."""
    settle_session()
    this_run = run_identity()
    with _LIVE_LOCK:
        theirs = [d for d in _LIVE if d.owner == user_id and d.run is not this_run]
    for deferred in theirs:
        deferred.settle()
    with _KEPT_LOCK:
        kept = {key: dict(items) for key, items in _KEPT.get(user_id, {}).items() if items}
    for key, items in kept.items():
        shown = st.session_state.get(key) or {}
        if items.keys() - shown.keys():
            st.session_state[key] = {**items, **shown}


def waiting_in_session() -> list[Deferred]:
    """This session's deferred saves not yet handed their outcome."""
    return list(st.session_state.get(_KEY) or [])


def wait_for_all(timeout: float = 60.0) -> None:
    """Make every deferred save of the process now and wait for them (tests; shutting down)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for deferred in live:
        deferred._go.set()
    deadline = time.monotonic() + timeout
    for deferred in live:
        deferred._done.wait(max(0.0, deadline - time.monotonic()))


_KEPT: dict[int, dict[str, dict[Any, Any]]] = {}  # by user id: {session-state key: {id: item}}
_KEPT_LOCK = threading.Lock()


def keep_for_user(user_id: int, key: str, item_id: Any, item: Any) -> None:
    """Keep ``item`` for the user's sessions on this server until ``forget_for_user``: a new
    session of theirs (after a reload, a logout, a timeout) gets it under ``key``."""
    with _KEPT_LOCK:
        _KEPT.setdefault(user_id, {}).setdefault(key, {})[item_id] = item


def forget_for_user(user_id: int, key: str, item_id: Any) -> None:
    with _KEPT_LOCK:
        _KEPT.get(user_id, {}).get(key, {}).pop(item_id, None)
