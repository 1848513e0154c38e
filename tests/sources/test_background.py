"""Lookups in the background: the caller never waits, sees pending then the result, and the
same identifier is not asked twice while it is fresh."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from claims.sources.background import PENDING, BackgroundLookups


@dataclass(frozen=True)
class Result:
    kind: str
    value: str
    status: str = "found"


class GatedLookup:
    """Answers only when the test opens the gate; counts what it was asked."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.asked: list[list[tuple[str, str]]] = []

    def lookup_many(self, identifiers):
        keys = list(identifiers)
        self.asked.append(keys)
        assert self.gate.wait(5)
        return {key: Result(*key) for key in keys}


def _settled(lookups: BackgroundLookups, key: tuple[str, str]) -> object:
    for _ in range(500):
        state = lookups.state(*key)
        if state != PENDING:
            return state
        threading.Event().wait(0.01)
    raise AssertionError(f"{key} still pending")


def test_the_caller_sees_pending_then_the_result_and_its_store_runs() -> None:
    service = GatedLookup()
    lookups = BackgroundLookups(service)
    stored = []
    started = lookups.request([("pmid", "1"), ("doi", "10.1/x")], on_result=stored.append)
    assert started == [("pmid", "1"), ("doi", "10.1/x")]
    assert lookups.state("pmid", "1") == PENDING  # asked, not answered: the caller goes on
    assert lookups.state("nct", "NCT00000001") is None  # never asked
    service.gate.set()
    assert _settled(lookups, ("pmid", "1")) == Result("pmid", "1")
    _settled(lookups, ("doi", "10.1/x"))
    for _ in range(500):
        if len(stored) == 2:
            break
        threading.Event().wait(0.01)
    assert sorted(r.value for r in stored) == ["1", "10.1/x"]
    assert service.asked == [[("pmid", "1"), ("doi", "10.1/x")]]  # one batch
    lookups.shutdown()


def test_an_identifier_is_not_asked_again_while_pending_or_fresh() -> None:
    service = GatedLookup()
    now = [0.0]
    lookups = BackgroundLookups(service, keep_for=60, clock=lambda: now[0])
    lookups.request([("pmid", "1")])
    assert lookups.request([("pmid", "1")]) == []  # pending: not asked twice
    service.gate.set()
    _settled(lookups, ("pmid", "1"))
    assert lookups.request([("pmid", "1")]) == []  # fresh: kept
    now[0] = 61.0
    assert lookups.state("pmid", "1") is None  # too old to show
    assert lookups.request([("pmid", "1")]) == [("pmid", "1")]  # asked again
    lookups.shutdown()


def test_a_failing_store_does_not_stop_the_others() -> None:
    service = GatedLookup()
    service.gate.set()
    lookups = BackgroundLookups(service)
    stored = []

    def store(result):
        if result.value == "1":
            raise RuntimeError("the database is locked")
        stored.append(result.value)

    lookups.request([("pmid", "1"), ("pmid", "2")], on_result=store)
    for _ in range(500):
        if stored:
            break
        threading.Event().wait(0.01)
    assert stored == ["2"]
    lookups.shutdown()
