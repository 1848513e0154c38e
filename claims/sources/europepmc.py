"""Europe PMC: REST search replies as SourceRecords, for PMCID lookups and preprints.

``GET /europepmc/webservices/rest/search?query=...&format=json&resultType=core`` answers
``{"hitCount": n, "resultList": {"result": [...]}}``; each result names its ``source``: MED
(PubMed), PMC (full text in PubMed Central), PPR (a preprint, from bioRxiv, medRxiv, Research
Square...), with the fields of the "core" result type (journalInfo, authorList, pubTypeList,
abstractText, commentCorrectionList...). Field names as Europe PMC's REST documentation and its
replies spell them (https://europepmc.org/RestfulWebService).
"""

from __future__ import annotations

from typing import Any

from claims.sources.errors import SourceFormatError
from claims.sources.fields import (
    as_list,
    clean,
    collapse,
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

__all__ = ["parse_search"]

SERVICE = "europepmc"
PREPRINT_SOURCE = "PPR"
PREPRINT_TYPE = "preprint"
RETRACTED_TYPE = "retracted publication"
RETRACTION_NOTICE_TYPE = "retraction of publication"
# commentCorrectionList types (PubMed's CommentsCorrections as Europe PMC writes them, lower-cased)
# → the kind of notice each is about this record.
_NOTICE_BY_TYPE = {
    "retraction in": RETRACTION,
    "expression of concern in": EXPRESSION_OF_CONCERN,
    "erratum in": CORRECTION,
    "corrected and republished in": CORRECTION,
}
# Types kept in SourceRecord.extra: this record retracts another; part of it was retracted.
_EXTRA_BY_TYPE = {
    "retraction of": "retraction_of",
    "partial retraction in": "partial_retraction_in",
}
_PUBLISHED_AS = "preprint of"  # a preprint's link to its published version


def parse_search(data: bytes | str | dict[str, Any]) -> list[SourceRecord]:
    """The results of a search reply, in Europe PMC's order; no hits give an empty list. A
    reply that is not JSON, is cut short, or has no resultList raises SourceFormatError."""
    body = load_json(data, SERVICE)
    if not isinstance(body, dict):
        raise SourceFormatError(SERVICE, "is not a JSON object")
    result_list = body.get("resultList")
    if not isinstance(result_list, dict):
        error = clean(body.get("errMsg"))
        detail = f" (Europe PMC says: {error})" if error else ""
        raise SourceFormatError(SERVICE, f"has no resultList{detail}")
    results = as_list(result_list.get("result"))
    return [_record(result) for result in results if isinstance(result, dict)]


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _record(result: dict[str, Any]) -> SourceRecord:
    source, record_id = clean(result.get("source")).upper(), clean(result.get("id"))
    pmid, doi = clean(result.get("pmid")), clean(result.get("doi")).lower()
    pmcid = clean(result.get("pmcid")).upper()
    candidates = (("pmcid", pmcid), ("pmid", pmid), ("doi", doi))
    kind, identifier = next(
        ((kind, value) for kind, value in candidates if value),
        ("europepmc", f"{source}:{record_id}"),  # a record with none of the three
    )
    journal_info = _object(result.get("journalInfo"))
    year = year_in(clean(result.get("pubYear"))) or year_in(
        clean(journal_info.get("yearOfPublication"))
    )
    pub_types = as_list(_object(result.get("pubTypeList")).get("pubType"))
    types = tuple(name for name in map(clean, pub_types) if name)
    lowered = {t.lower() for t in types}
    notices, extra = _comments(result)
    if RETRACTED_TYPE in lowered and not any(n.kind == RETRACTION for n in notices):
        notices.insert(0, Notice(kind=RETRACTION))  # marked retracted, the notice not named
    server = clean(_object(result.get("bookOrReportDetails")).get("publisher"))
    if record_id:
        extra["europepmc_id"] = f"{source}:{record_id}"
    if server and source == PREPRINT_SOURCE:
        extra["preprint_server"] = server
    if first_published := clean(result.get("firstPublicationDate")):
        extra["first_publication_date"] = first_published
    abstract = result.get("abstractText")
    return SourceRecord(
        kind=kind,
        identifier=identifier,
        service=SERVICE,
        title=_title(result.get("title")),
        authors=_authors(result),
        journal=_journal(journal_info, result, server),
        year=year,
        volume=clean(journal_info.get("volume")),
        issue=clean(journal_info.get("issue")),
        pages=clean(result.get("pageInfo")),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        publication_types=types,
        mesh_terms=_mesh(result.get("meshHeadingList")),
        abstract=flatten_markup(abstract) if isinstance(abstract, str) else "",
        notices=tuple(notices),
        is_retraction_notice=RETRACTION_NOTICE_TYPE in lowered or "retraction_of" in extra,
        is_preprint=source == PREPRINT_SOURCE or PREPRINT_TYPE in lowered,
        extra=extra,
    )


def _title(title: object) -> str:
    """The title with its HTML (<i>, <sup>) flattened and doubled spaces collapsed."""
    return collapse(flatten_markup(title)) if isinstance(title, str) else ""


def _authors(result: dict[str, Any]) -> tuple[str, ...]:
    """From authorList: people as "Surname AB", groups by their collective name; where the
    result has no authorList (or an empty one), the names of authorString ("Zhou P, Yang X.")."""
    names: list[str] = []
    for entry in as_list(_object(result.get("authorList")).get("author")):
        author = _object(entry)
        surname = clean(author.get("lastName"))
        if surname:
            given = clean(author.get("firstName"))
            names.append(vancouver(surname, given, given_initials=clean(author.get("initials"))))
        elif name := clean(author.get("collectiveName")) or clean(author.get("fullName")):
            names.append(name)
    if names:
        return tuple(names)
    listed = clean(result.get("authorString")).rstrip(".")
    return tuple(name for name in (collapse(part) for part in listed.split(",")) if name)


def _journal(journal_info: dict[str, Any], result: dict[str, Any], server: str) -> str:
    """The journal's ISO abbreviation, else its MEDLINE abbreviation or title; for a preprint,
    which has none, the server that posted it (bioRxiv, medRxiv)."""
    journal = _object(journal_info.get("journal"))
    for name in (
        journal.get("isoabbreviation"),
        journal.get("medlineAbbreviation"),
        journal.get("title"),
        result.get("journalTitle"),
    ):
        if clean(name):
            return clean(name)
    return server


def _mesh(mesh_list: object) -> tuple[str, ...]:
    headings = as_list(_object(mesh_list).get("meshHeading"))
    return tuple(t for t in (clean(_object(h).get("descriptorName")) for h in headings) if t)


def _comments(result: dict[str, Any]) -> tuple[list[Notice], dict[str, Any]]:
    """Notices about the record, and what it says of others, from its commentCorrectionList."""
    notices: list[Notice] = []
    extra: dict[str, Any] = {}
    comments = as_list(_object(result.get("commentCorrectionList")).get("commentCorrection"))
    for entry in comments:
        comment = _object(entry)
        kind_of_link = collapse(clean(comment.get("type")).lower())
        source, identifier = clean(comment.get("source")).upper(), clean(comment.get("id"))
        if identifier:
            reference = f"PMID {identifier}" if source == "MED" else f"{source} {identifier}"
        else:
            reference = clean(comment.get("reference"))
        if kind_of_link in _NOTICE_BY_TYPE:
            notice = Notice(kind=_NOTICE_BY_TYPE[kind_of_link], reference=reference)
            if notice not in notices:
                notices.append(notice)
        elif kind_of_link in _EXTRA_BY_TYPE and reference:
            extra.setdefault(_EXTRA_BY_TYPE[kind_of_link], []).append(reference)
        elif kind_of_link == _PUBLISHED_AS and reference:
            extra.setdefault("published_version", reference)
    return notices, extra
