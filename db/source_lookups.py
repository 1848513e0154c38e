"""What the source services said of the library's citations: which citations to look up, and
storing what came back (claims/sources does the looking up).

A lookup fills the citation's bibliographic fields, except those a person gave (a reference
file, a reviewer): ``Citation.person_fields`` names them, and a lookup never overwrites them,
now or at a refresh. It stores the record as fetched, with when and from which service, the
design the record suggests (never set as the citation's design: the reviewer accepts it), and
its flags (retracted, corrected, preprint...). A failed lookup changes no field: it notes why,
and a later refresh tries again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from claims.permissions import ADD_CITATIONS, Actor
from claims.sources.designs import suggest_design
from claims.sources.flags import flags as record_flags
from claims.sources.records import SourceRecord
from db.audit import record_event
from db.engine import Database
from db.models import Citation, utcnow

# The kinds of identifier a service can look up.
LOOKUP_KINDS = ("pmid", "doi", "pmcid", "nct")
# Bibliographic fields a lookup fills, unless a person gave them.
FILLED_FIELDS = ("title", "authors", "journal", "year", "volume", "issue", "pages")
NOTE_MAX = 500


class LookupOutcome(Protocol):
    """What a lookup of one identifier came to (claims.sources.client.LookupResult)."""

    kind: str  # the identifier looked up, as claims.identifiers gives it
    value: str
    status: str  # found | not_found | failed | offline
    record: SourceRecord | None
    service: str
    fetched_at: datetime
    reason: str


class SourceLookupService(Protocol):
    def lookup_many(
        self, identifiers: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], LookupOutcome]: ...


def person_fields(citation: Citation) -> set[str]:
    return {name for name in (citation.person_fields or "").split(",") if name}


def mark_person_fields(citation: Citation, names: Iterable[str]) -> None:
    """Record that a person gave these fields: no lookup overwrites them."""
    citation.person_fields = ",".join(sorted(person_fields(citation) | set(names)))


def _fetched_values(record: SourceRecord) -> dict[str, object]:
    return {
        "title": record.title or None,
        "authors": "; ".join(record.authors) or None,
        "journal": record.journal or None,
        "year": record.year,
        "volume": record.volume or None,
        "issue": record.issue or None,
        "pages": record.pages or None,
    }


def _lookup_snapshot(citation: Citation) -> dict[str, object]:
    return {
        **{name: getattr(citation, name) for name in FILLED_FIELDS},
        "doi": citation.doi,
        "pmid": citation.pmid,
        "pmcid": citation.pmcid,
        "suggested_design": citation.suggested_design,
        "flags": citation.flags,
        "lookup_status": citation.lookup_status,
    }


def apply_lookup(session: Session, citation: Citation, outcome: LookupOutcome) -> bool:
    """Store one lookup's outcome on its citation, in a write the caller holds; audited as
    "lookup" (no user: the service's answer) when a field changed. Returns whether it did."""
    before = _lookup_snapshot(citation)
    if outcome.status == "offline":
        return False  # nothing was asked: nothing to note
    if outcome.status != "found" or outcome.record is None:
        citation.lookup_status = "not_found" if outcome.status == "not_found" else "failed"
        citation.lookup_note = (outcome.reason or "")[:NOTE_MAX] or None
        citation.fetched_from = outcome.service or citation.fetched_from
        if outcome.status == "not_found":
            citation.fetched_at = outcome.fetched_at
        return False
    record = outcome.record
    kept = person_fields(citation)
    for name, value in _fetched_values(record).items():
        if name not in kept and value is not None:
            setattr(citation, name, value)
    citation.doi = (
        record.doi or citation.doi or (citation.identifier if citation.kind == "doi" else None)
    )
    citation.pmid = record.pmid or citation.pmid
    citation.pmcid = record.pmcid or citation.pmcid
    citation.suggested_design = suggest_design(record)
    citation.flags = ",".join(flag.code for flag in record_flags(record))
    citation.lookup_status = "found"
    citation.lookup_note = None
    citation.fetched_from = outcome.service
    citation.fetched_at = outcome.fetched_at
    citation.fetched_record = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True)
    after = _lookup_snapshot(citation)
    if after == before:
        return False
    session.flush()
    record_event(
        session,
        action="lookup",
        entity_type="citation",
        entity_id=citation.id,
        channel=f"lookup:{outcome.service}",
        before=before,
        after=after,
    )
    return True


def store_lookup(database: Database, actor: Actor, outcome: LookupOutcome) -> bool:
    """Store a lookup's outcome on the library's citation for its identifier, if the library
    has one (a pasted source joins the library when its review is saved; the caller then
    stores it again). Returns whether a field changed."""
    actor.require(ADD_CITATIONS)
    kind, value = outcome.kind, outcome.value
    with database.write() as session:
        citation = session.scalar(
            select(Citation).where(Citation.kind == kind, Citation.identifier == value)
        )
        return citation is not None and apply_lookup(session, citation, outcome)


@dataclass(frozen=True)
class RefreshReport:
    looked_up: int
    changed: int
    found: int
    not_found: int
    failed: int
    failures: tuple[str, ...]  # "PMID 123: PubMed answered 500 three times", the first few


def due_for_lookup(
    session: Session, *, older_than: timedelta | None = None, now: datetime | None = None
) -> list[tuple[int, str, str]]:
    """(citation id, kind, identifier) of the citations to look up: never looked up, failed,
    or (with ``older_than``) fetched longer ago than that; oldest first."""
    now = now or utcnow()
    due = [Citation.lookup_status.is_(None), Citation.lookup_status == "failed"]
    if older_than is not None:
        due.append(Citation.fetched_at < now - older_than)
    rows = session.execute(
        select(Citation.id, Citation.kind, Citation.identifier)
        .where(Citation.kind.in_(LOOKUP_KINDS), or_(*due))
        .order_by(Citation.fetched_at.is_not(None), Citation.fetched_at, Citation.id)
    ).all()
    return [(row.id, row.kind, row.identifier) for row in rows]


def refresh_sources(
    database: Database,
    actor: Actor,
    lookup: SourceLookupService,
    *,
    older_than: timedelta | None = None,
    batch_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshReport:
    """Look up the library's citations that are due (see ``due_for_lookup``), ``batch_size``
    at a time, each batch stored in its own transaction (an interrupted refresh keeps what it
    stored). ``progress(done, total)`` after each batch."""
    actor.require(ADD_CITATIONS)
    with database.read() as session:
        due = due_for_lookup(session, older_than=older_than)
    counts = {"found": 0, "not_found": 0, "failed": 0, "offline": 0}
    changed, failures = 0, []
    if progress:
        progress(0, len(due))
    for start in range(0, len(due), batch_size):
        batch = due[start : start + batch_size]
        outcomes = lookup.lookup_many([(kind, value) for _, kind, value in batch])
        with database.write() as session:
            for citation_id, kind, value in batch:
                outcome = outcomes.get((kind, value))
                citation = session.get(Citation, citation_id)
                if outcome is None or citation is None:
                    continue
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
                if outcome.status == "failed" and len(failures) < 5:
                    failures.append(f"{kind.upper()} {value}: {outcome.reason}")
                changed += apply_lookup(session, citation, outcome)
        if progress:
            progress(min(start + batch_size, len(due)), len(due))
    return RefreshReport(
        looked_up=len(due),
        changed=changed,
        found=counts["found"],
        not_found=counts["not_found"],
        failed=counts["failed"],
        failures=tuple(failures),
    )
