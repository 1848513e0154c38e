"""Crossref: REST API replies for one work (``GET /works/{doi}``) as SourceRecords.

The reply is ``{"status": "ok", "message-type": "work", "message": {...}}`` with the fields the
API documents (https://api.crossref.org/swagger-ui/index.html, and the field list in
github.com/CrossRef/rest-api-doc, api_format.md). Two fields carry notices, in opposite
directions: ``updated-by`` lists notices ABOUT this work (its retraction, corrections), from the
publisher or from Retraction Watch; ``update-to`` is set on a notice and names the works it
updates, so a record with a retraction in ``update-to`` IS a retraction notice.
"""

from __future__ import annotations

from typing import Any

from claims.sources.errors import SourceFormatError
from claims.sources.fields import (
    as_list,
    clean,
    collapse,
    date_parts_iso,
    first_text,
    flatten_markup,
    load_json,
    vancouver,
    year_in,
)
from claims.sources.records import (
    CORRECTION,
    EXPRESSION_OF_CONCERN,
    RETRACTION,
    Notice,
    SourceRecord,
)

__all__ = ["parse_work"]

SERVICE = "crossref"

# Crossref's update types (Crossmark's vocabulary) → the notice kind each is. A withdrawn or
# removed work is as unusable as a retracted one. The others (addendum, clarification,
# partial_retraction, new_version...) are kept in extra["other_updates"].
_NOTICE_BY_UPDATE_TYPE = {
    "retraction": RETRACTION,
    "withdrawal": RETRACTION,
    "removal": RETRACTION,
    "expression_of_concern": EXPRESSION_OF_CONCERN,
    "correction": CORRECTION,
    "corrigendum": CORRECTION,
    "erratum": CORRECTION,
}
_RETRACTING = frozenset(
    kind for kind, notice in _NOTICE_BY_UPDATE_TYPE.items() if notice == RETRACTION
)
# Relations between versions of a work that a reviewer needs (is this the preprint of a paper?).
_KEPT_RELATIONS = ("is-preprint-of", "has-preprint")
_PREPRINT_TYPE, _PREPRINT_SUBTYPE = "posted-content", "preprint"
_NOT_FOUND = "resource not found"  # the plain-text body of Crossref's 404


def parse_work(data: bytes | str) -> SourceRecord:
    """The work in a ``/works/{doi}`` reply. A reply that is not JSON (Crossref's 404 body is
    the text "Resource not found."), is cut short, or is not an "ok" "work" message raises
    SourceFormatError."""
    work = _message(data)
    doi = clean(work.get("DOI")).lower()
    if not doi:
        raise SourceFormatError(SERVICE, "describes a work without a DOI")
    work_type, subtype = clean(work.get("type")), clean(work.get("subtype"))
    notices, other_updates = _notices(work.get("updated-by"))
    retraction_of = [
        _doi_reference(update)
        for update in _updates(work.get("update-to"))
        if _update_type(update) in _RETRACTING
    ]
    extra: dict[str, Any] = {}
    relations = _relations(work.get("relation"))
    if relations:
        extra["relation"] = relations
    published = relations.get("is-preprint-of", [])
    if published:
        extra["published_version"] = f"doi:{published[0]}"
    if other_updates:
        extra["other_updates"] = other_updates
    if retraction_of:
        extra["retraction_of"] = [reference for reference in retraction_of if reference]
    abstract = work.get("abstract")
    return SourceRecord(
        kind="doi",
        identifier=doi,
        service=SERVICE,
        title=_title(work),
        authors=_authors(work.get("author")),
        journal=_journal(work, work_type),
        year=_year(work),
        volume=clean(work.get("volume")),
        issue=clean(work.get("issue")),
        pages=clean(work.get("page")),
        doi=doi,
        publication_types=tuple(t for t in (work_type, subtype) if t),
        abstract=flatten_markup(abstract) if isinstance(abstract, str) else "",
        notices=tuple(notices),
        is_retraction_notice=bool(retraction_of),
        is_preprint=(work_type, subtype) == (_PREPRINT_TYPE, _PREPRINT_SUBTYPE),
        trial_ids=_trial_ids(work.get("clinical-trial-number")),
        extra=extra,
    )


def _message(data: bytes | str) -> dict[str, Any]:
    """The work object of the reply, after checking the reply is one."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes | bytearray) else data
    if isinstance(text, str) and text.strip().lower().rstrip(".") == _NOT_FOUND:
        raise SourceFormatError(
            SERVICE,
            'is "Resource not found.": it has no record of that DOI',
            "Check the DOI, or enter the source's details by hand.",
        )
    body = load_json(data, SERVICE)
    if not isinstance(body, dict):
        raise SourceFormatError(SERVICE, "is not a JSON object")
    status = clean(body.get("status"))
    if status != "ok":
        errors = [
            clean(e.get("message")) for e in as_list(body.get("message")) if isinstance(e, dict)
        ]
        detail = f": {errors[0]}" if errors and errors[0] else ""
        raise SourceFormatError(SERVICE, f'reports status "{status or "none"}"{detail}')
    message_type = clean(body.get("message-type"))
    if message_type != "work":
        raise SourceFormatError(SERVICE, f'is a "{message_type or "untyped"}" message, not a work')
    work = body.get("message")
    if not isinstance(work, dict):
        raise SourceFormatError(SERVICE, "has no work in its message")
    return work


def _title(work: dict[str, Any]) -> str:
    """title[0] (inner markup flattened), with the subtitle Crossref keeps apart after a colon."""
    title = collapse(flatten_markup(first_text(work.get("title"))))
    subtitle = collapse(flatten_markup(first_text(work.get("subtitle"))))
    if subtitle and subtitle.lower() not in title.lower():
        return f"{title}: {subtitle}" if title else subtitle
    return title


def _authors(authors: object) -> tuple[str, ...]:
    """People as "Surname AB" (initials from the given names); organisations by their name."""
    names: list[str] = []
    for author in as_list(authors):
        if not isinstance(author, dict):
            continue
        family, name = clean(author.get("family")), clean(author.get("name"))
        if family:
            names.append(vancouver(family, clean(author.get("given")), clean(author.get("suffix"))))
        elif name:
            names.append(name)
    return tuple(names)


def _journal(work: dict[str, Any], work_type: str) -> str:
    """The short container title where given, else the full one; for a preprint, which has no
    container, the server that posted it (Crossref's "institution", e.g. bioRxiv)."""
    journal = first_text(work.get("short-container-title"))
    journal = journal or first_text(work.get("container-title"))
    if journal or work_type != _PREPRINT_TYPE:
        return journal
    for institution in as_list(work.get("institution")):
        if isinstance(institution, dict) and clean(institution.get("name")):
            return clean(institution.get("name"))
    return ""


def _year(work: dict[str, Any]) -> int | None:
    """The year Crossref says the work was issued (its earliest publication date)."""
    for field in ("issued", "published"):
        year = year_in(date_parts_iso(work.get(field))[:4])
        if year:
            return year
    return None


def _updates(value: object) -> list[dict[str, Any]]:
    return [update for update in as_list(value) if isinstance(update, dict)]


def _update_type(update: dict[str, Any]) -> str:
    return clean(update.get("type")).lower().replace("-", "_").replace(" ", "_")


def _doi_reference(update: dict[str, Any]) -> str:
    doi = clean(update.get("DOI")).lower()
    return f"doi:{doi}" if doi else ""


def _notices(updated_by: object) -> tuple[list[Notice], list[dict[str, str]]]:
    """Notices about the work from "updated-by"; the same notice listed twice (by the publisher
    and by Retraction Watch) counts once, keeping a date if either gives one."""
    notices: list[Notice] = []
    others: list[dict[str, str]] = []
    for update in _updates(updated_by):
        kind = _NOTICE_BY_UPDATE_TYPE.get(_update_type(update))
        reference, date = _doi_reference(update), date_parts_iso(update.get("updated"))
        if kind is None:
            others.append({"type": _update_type(update), "reference": reference, "date": date})
            continue
        notice = Notice(kind=kind, reference=reference, date=date)
        listed = [(n.kind, n.reference) for n in notices]
        if (kind, reference) not in listed:
            notices.append(notice)
        elif date and not notices[listed.index((kind, reference))].date:
            notices[listed.index((kind, reference))] = notice
    return notices, others


def _relations(relation: object) -> dict[str, list[str]]:
    """The version relations kept (is-preprint-of, has-preprint), as lists of DOIs."""
    kept: dict[str, list[str]] = {}
    if not isinstance(relation, dict):
        return kept
    for name in _KEPT_RELATIONS:
        ids = [
            clean(item.get("id")).lower()
            for item in as_list(relation.get(name))
            if isinstance(item, dict) and clean(item.get("id-type")).lower() == "doi"
        ]
        if any(ids):
            kept[name] = [doi for doi in ids if doi]
    return kept


def _trial_ids(numbers: object) -> tuple[str, ...]:
    """Registry numbers from "clinical-trial-number", upper-cased as registries print them
    (Crossref stores them lower-case: "isrctn12345", "nct03036150")."""
    found: list[str] = []
    for entry in as_list(numbers):
        if not isinstance(entry, dict):
            continue
        number = clean(entry.get("clinical-trial-number")).upper()
        if number and number not in found:
            found.append(number)
    return tuple(found)
