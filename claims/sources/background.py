"""Lookups that run in the background while a reviewer goes on working.

A page asks for identifiers to be looked up (``request``) and never waits: a few worker threads
ask the services, and the page reads each identifier's state (``state``) on its next run:
pending, then the ``LookupResult``. What a request's caller wants done with each result (store
it on the library's citation) runs in the worker, as ``on_result``. Results are kept for a while
(``keep_for``), so the same identifier pasted again, or saved a moment later, is not asked again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

PENDING = "pending"
_LOG = logging.getLogger(__name__)


class LookupService(Protocol):
    def lookup_many(self, identifiers: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]: ...


class BackgroundLookups:
    """Looks identifiers up on worker threads; thread-safe."""

    def __init__(
        self,
        lookup: LookupService,
        *,
        workers: int = 2,
        keep_for: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="source-lookup")
        self._lock = threading.Lock()
        self._results: dict[tuple[str, str], tuple[float, Any]] = {}
        self._pending: set[tuple[str, str]] = set()
        self._keep_for = keep_for
        self._clock = clock

    def request(
        self,
        identifiers: Iterable[tuple[str, str]],
        on_result: Callable[[Any], None] | None = None,
    ) -> list[tuple[str, str]]:
        """Start looking these up (those not already pending or freshly known), in one batch;
        returns the ones started. ``on_result(result)`` runs in the worker for each result; an
        error in it is kept from the other results (it is the caller's to report)."""
        now = self._clock()
        with self._lock:
            wanted = []
            for key in dict.fromkeys(identifiers):
                kept = self._results.get(key)
                if key in self._pending or (kept and now - kept[0] < self._keep_for):
                    continue
                self._pending.add(key)
                wanted.append(key)
        if wanted:
            self._pool.submit(self._run, wanted, on_result)
        return wanted

    def state(self, kind: str, value: str) -> Any:
        """``PENDING`` while being looked up, then its result; None if never asked (or long ago)."""
        key = (kind, value)
        with self._lock:
            if key in self._pending:
                return PENDING
            kept = self._results.get(key)
        if kept is None or self._clock() - kept[0] >= self._keep_for:
            return None
        return kept[1]

    def forget(self, kind: str, value: str) -> None:
        """Drop a kept result (so the next request asks again)."""
        with self._lock:
            self._results.pop((kind, value), None)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, keys: list[tuple[str, str]], on_result: Callable[[Any], None] | None) -> None:
        try:
            results = self._lookup.lookup_many(keys)
        except Exception:  # a lookup service that raises: nothing is known, ask again later
            results = {}
        now = self._clock()
        with self._lock:
            for key in keys:
                self._pending.discard(key)
                if key in results:
                    self._results[key] = (now, results[key])
            # Keep the store small: results older than keep_for go.
            for key in [k for k, (at, _) in self._results.items() if now - at >= self._keep_for]:
                del self._results[key]
        if on_result is not None:
            for key in keys:
                if key in results:
                    try:
                        on_result(results[key])
                    except Exception:  # one failed store must not stop the others
                        _LOG.exception("storing the lookup of %s %s failed", *key)
