"""The citation library: one row per source, found by identifier, shared by every review.

Sources come from what reviewers give (pasted identifiers, reference files); what the source
services say of them is stored by db/source_lookups.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.identifiers import Identifier
from claims.permissions import ADD_CITATIONS, READ_ALL_REVIEWS, READ_ARTICLES, Actor
from claims.references import Reference, read_references_report
from claims.vancouver import format_vancouver
from db.audit import record_event
from db.engine import Database
from db.models import Citation, Review, ReviewCitation, StudyDesign
from db.source_lookups import mark_person_fields, person_fields


@dataclass(frozen=True)
class CitationInfo:
    id: int
    kind: str
    identifier: str
    title: str | None
    authors: tuple[str, ...]
    journal: str | None
    year: int | None
    volume: str | None
    issue: str | None
    pages: str | None
    study_design: str | None
    url: str | None
    # What a lookup stored (db/source_lookups.py); empty until one found the source.
    stored_doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    flags: tuple[str, ...] = ()  # codes of claims.sources.flags.FLAG_LABELS
    suggested_design: str | None = None
    lookup_status: str | None = None  # None: not looked up yet; found | not_found | failed
    lookup_note: str | None = None
    fetched_from: str | None = None
    fetched_at: datetime | None = None

    @property
    def doi(self) -> str | None:
        return self.stored_doi or (self.identifier if self.kind == "doi" else None)

    def vancouver(self) -> str:
        return format_vancouver(self)


def citation_info(citation: Citation) -> CitationInfo:
    return CitationInfo(
        id=citation.id,
        kind=citation.kind,
        identifier=citation.identifier,
        title=citation.title,
        authors=tuple(a for a in (citation.authors or "").split("; ") if a),
        journal=citation.journal,
        year=citation.year,
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        study_design=citation.study_design,
        url=citation.url,
        stored_doi=citation.doi,
        pmid=citation.pmid or (citation.identifier if citation.kind == "pmid" else None),
        pmcid=citation.pmcid or (citation.identifier if citation.kind == "pmcid" else None),
        flags=tuple(f for f in (citation.flags or "").split(",") if f),
        suggested_design=citation.suggested_design,
        lookup_status=citation.lookup_status,
        lookup_note=citation.lookup_note,
        fetched_from=citation.fetched_from,
        fetched_at=citation.fetched_at,
    )


def _snapshot(citation: Citation) -> dict[str, object]:
    return {
        "kind": citation.kind,
        "identifier": citation.identifier,
        "title": citation.title,
        "study_design": citation.study_design,
    }


def _find_or_create(
    session: Session, actor: Actor, identifier: Identifier, reference: Reference | None
) -> tuple[Citation, bool]:
    citation = session.scalar(
        select(Citation).where(
            Citation.kind == identifier.kind, Citation.identifier == identifier.value
        )
    )
    if citation is not None:
        before = _snapshot(citation)
        # A reference file may know more than a pasted identifier did: fill the gaps only.
        if reference is not None and _fill_gaps(session, citation, reference):
            session.flush()
            _record(session, (actor.user_id, actor.channel), citation, "update", before)
        return citation, False
    citation = Citation(
        kind=identifier.kind,
        identifier=identifier.value,
        url=identifier.url(),
        created_by_id=actor.user_id,
    )
    if reference is not None:
        _fill_gaps(session, citation, reference)
    session.add(citation)
    session.flush()
    _record(session, (actor.user_id, actor.channel), citation, "create", None)
    return citation, True


def _fill_gaps(session: Session, citation: Citation, reference: Reference) -> bool:
    values = {
        "title": reference.title,
        "authors": "; ".join(reference.authors) or None,
        "journal": reference.journal,
        "year": reference.year,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
    }
    if reference.study_design and session.get(StudyDesign, reference.study_design):
        values["study_design"] = reference.study_design
    # A person's values (a reference file) fill what is empty or was only fetched; another
    # person's values stay. Either way they are a person's now: no lookup overwrites them.
    given = person_fields(citation)
    changed = False
    for key, value in values.items():
        if value and (not getattr(citation, key) or key not in given):
            if getattr(citation, key) != value:
                setattr(citation, key, value)
                changed = True
            given.add(key)
    mark_person_fields(citation, given)
    return changed


def _record(
    session: Session,
    who: tuple[int | None, str],
    citation: Citation,
    action: str,
    before: dict | None,
) -> None:
    """An audit event for a library entry; ``who``: the acting user's id and channel."""
    record_event(
        session,
        action=action,
        entity_type="citation",
        entity_id=citation.id,
        actor_id=who[0],
        channel=who[1],
        before=before,
        after=_snapshot(citation),
    )


def add_citations(
    database: Database, actor: Actor, identifiers: list[Identifier]
) -> list[CitationInfo]:
    """The library's citation for each identifier, created where it is new."""
    actor.require(ADD_CITATIONS)
    with database.write() as session:
        return [
            citation_info(_find_or_create(session, actor, identifier, None)[0])
            for identifier in identifiers
        ]


def library_entries(
    database: Database, actor: Actor, identifiers: list[Identifier]
) -> dict[tuple[str, str], CitationInfo]:
    """What the library holds for these identifiers that the actor may be shown, by (kind,
    value); writes nothing. The review form shows a pasted source by its library entry at once
    and adds the others when the review is saved. An entry only other reviewers cite reads as
    new, as the library search hides it (blind review)."""
    actor.require(READ_ARTICLES)
    if not identifiers:
        return {}
    wanted = or_(
        *(
            (Citation.kind == identifier.kind) & (Citation.identifier == identifier.value)
            for identifier in identifiers
        )
    )
    with database.read() as session:
        return {
            (c.kind, c.identifier): citation_info(c)
            for c in session.scalars(select(Citation).where(wanted, _visible_to(actor)))
        }


def citations_by_id(database: Database, actor: Actor, ids: list[int]) -> dict[int, CitationInfo]:
    """The library entries with these ids that the actor may be shown (a review's sources)."""
    actor.require(READ_ARTICLES)
    with database.read() as session:
        return citations_in(session, ids, _visible_to(actor))


def citations_in(
    session: Session, ids: list[int], where: ColumnElement[bool] | None = None
) -> dict[int, CitationInfo]:
    """Library entries by id, in a read the caller holds."""
    query = select(Citation).where(Citation.id.in_(ids))
    if where is not None:
        query = query.where(where)
    return {c.id: citation_info(c) for c in session.scalars(query)}


@dataclass(frozen=True)
class ReferenceImport:
    created: int
    already_there: int
    problems: list[str]
    # (kind, identifier) of the file's sources not yet looked up: lookups fill what it lacks
    due_for_lookup: tuple[tuple[str, str], ...] = ()


def import_reference_file(
    database: Database, actor: Actor, data: bytes, filename: str | None
) -> ReferenceImport:
    """Add every source of a reference file (RIS, MEDLINE, BibTeX, CSL-JSON) to the library."""
    actor.require(ADD_CITATIONS)
    references, problems = read_references_report(data, filename)
    created = existing = 0
    due: list[tuple[str, str]] = []
    with database.write() as session:
        for number, reference in enumerate(references, start=1):
            identifier = reference.identifier()
            if identifier is None:
                problems.append(f"reference {number}: no DOI, PMID, PMCID or URL, skipped")
                continue
            citation, is_new = _find_or_create(session, actor, identifier, reference)
            created += is_new
            existing += not is_new
            if citation.lookup_status in (None, "failed"):
                due.append((citation.kind, citation.identifier))
    if not created and not existing:
        raise ClaimreviewError(
            "No source in that file has a DOI, PMID, PMCID or URL; nothing was added."
        )
    return ReferenceImport(
        created=created, already_there=existing, problems=problems, due_for_lookup=tuple(due)
    )


def search_library(
    database: Database, actor: Actor, text: str, *, limit: int = 20
) -> list[CitationInfo]:
    """Citations whose identifier, title, authors or journal contain the text.

    A reviewer (without the right to see every review) is not shown sources that only other
    reviewers cite: under blind review the library would otherwise tell them what a
    co-reviewer is citing for the article they share."""
    actor.require(READ_ARTICLES)
    needle = f"%{text.strip().lower()}%"
    columns = (Citation.identifier, Citation.title, Citation.authors, Citation.journal)
    query = (
        select(Citation)
        .where(or_(*(func.lower(column).like(needle) for column in columns)), _visible_to(actor))
        .order_by(Citation.id.desc())
        .limit(limit)
    )
    with database.read() as session:
        return [citation_info(c) for c in session.scalars(query)]


def _visible_to(actor: Actor) -> ColumnElement[bool]:
    """The library entries an actor may be shown. A reviewer (without the right to see every
    review) is not shown sources that only other reviewers cite: under blind review the library
    would otherwise tell them what a co-reviewer is citing for the article they share."""
    if actor.can(READ_ALL_REVIEWS):
        return true()
    cited_by = (
        select(ReviewCitation.id)
        .join(Review, Review.id == ReviewCitation.review_id)
        .where(ReviewCitation.citation_id == Citation.id)
    )
    return or_(
        Citation.created_by_id == actor.user_id,
        cited_by.where(Review.reviewer_id == actor.user_id).exists(),
        ~cited_by.where(Review.reviewer_id != actor.user_id).exists(),
    )


def set_study_design(
    database: Database, actor: Actor, citation_id: int, study_design: str | None
) -> None:
    """Record what kind of study a source is (shared by every review that cites it)."""
    actor.require(ADD_CITATIONS)
    with database.write() as session:
        record_study_design(session, actor.user_id, actor.channel, citation_id, study_design)


def record_study_design(
    session: Session,
    actor_id: int | None,
    channel: str,
    citation_id: int,
    study_design: str | None,
) -> None:
    """``set_study_design`` inside a write the caller holds, which checked the right to do it
    (a review's save: judging a source's design is part of reviewing with it)."""
    citation = session.get(Citation, citation_id)
    if citation is None:
        raise ClaimreviewError(f"There is no citation {citation_id} in the library.")
    if study_design is not None and session.get(StudyDesign, study_design) is None:
        raise ClaimreviewError(f"{study_design!r} is not a study design.")
    if citation.study_design == study_design:
        return
    before = _snapshot(citation)
    citation.study_design = study_design
    session.flush()
    _record(session, (actor_id, channel), citation, "set_study_design", before)
