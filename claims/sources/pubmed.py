"""PubMed: NCBI E-utilities efetch replies (``db=pubmed&retmode=xml``) as SourceRecords.

A reply is a ``PubmedArticleSet`` of ``PubmedArticle`` (journal articles) and
``PubmedBookArticle`` (book chapters, such as GeneReviews) elements, as the PubMed DTD documents
them (https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd). An article that lacks a field
leaves it empty; a reply that is not such a set raises :class:`SourceFormatError`.

The XML is parsed without resolving entities, without the network and without lxml's huge-tree
mode, so a hostile reply can neither read local files, reach other hosts nor exhaust memory.
"""

from __future__ import annotations

from lxml import etree

from claims.sources.errors import SourceFormatError
from claims.sources.fields import collapse, vancouver, year_in
from claims.sources.records import (
    CORRECTION,
    EXPRESSION_OF_CONCERN,
    RETRACTION,
    Notice,
    SourceRecord,
)

__all__ = ["parse_efetch"]

SERVICE = "pubmed"

# CommentsCorrections RefType → the kind of notice it is about this article.
_NOTICE_BY_REF_TYPE = {
    "RetractionIn": RETRACTION,
    "ExpressionOfConcernIn": EXPRESSION_OF_CONCERN,
    "ErratumIn": CORRECTION,
    "CorrectedandRepublishedIn": CORRECTION,
}
# RefTypes kept in SourceRecord.extra: this record retracts another; part of it was retracted.
_EXTRA_BY_REF_TYPE = {
    "RetractionOf": "retraction_of",
    "PartialRetractionIn": "partial_retraction_in",
}
RETRACTED_TYPE = "Retracted Publication"  # the article was retracted
RETRACTION_NOTICE_TYPE = "Retraction of Publication"  # the record is the retraction notice
PREPRINT_TYPE = "Preprint"
# DataBankName values of trial registries (PubMed's secondary source IDs; the rest are
# sequence and structure databases such as GenBank or PDB).
_TRIAL_REGISTRIES = frozenset(
    {
        "ANZCTR", "ChiCTR", "ClinicalTrials.gov", "CRiS", "CTRI", "DRKS", "EudraCT", "IRCT",
        "ISRCTN", "JapicCTI", "JMACCT", "JPRN", "NTR", "PACTR", "ReBec", "REPEC", "RPCEC",
        "SLCTR", "TCTR", "UMIN CTR",
    }
)  # fmt: skip
_UNLABELLED = "UNLABELLED"  # PubMed's label for an abstract part without a heading
# libxml2's words for a document that stops before its elements close.
_CUT_SHORT = ("Premature end of data", "'</' not found", "Couldn't find end of")


def parse_efetch(xml: bytes | str) -> dict[str, SourceRecord]:
    """The records in an efetch reply, keyed by PMID. An empty ``PubmedArticleSet`` (what
    efetch sends for PMIDs it does not know) gives an empty dict; a reply that is empty,
    cut short, malformed or not a PubmedArticleSet raises SourceFormatError."""
    root = _root(xml)
    records: dict[str, SourceRecord] = {}
    for element in root:
        if element.tag == "PubmedArticle":
            record = _journal_article(element)
        elif element.tag == "PubmedBookArticle":
            record = _book_article(element)
        else:  # DeleteCitation and other elements say nothing about a source
            continue
        if record is not None:
            records[record.pmid] = record
    return records


# --- the reply --------------------------------------------------------------------------------


def _root(xml: bytes | str) -> etree._Element:
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if not isinstance(xml, bytes | bytearray):
        raise SourceFormatError(SERVICE, f"is a {type(xml).__name__}, not XML")
    body = bytes(xml).strip().removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    if not body:
        raise SourceFormatError(SERVICE, "is empty")
    if not body.startswith(b"<"):
        json_like = body[:1] in b"{["
        looks = "; it looks like JSON, as NCBI's rate-limit replies are" if json_like else ""
        raise SourceFormatError(SERVICE, f"is not XML{looks}")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise SourceFormatError(SERVICE, _syntax_problem(error, body)) from error
    if root.tag == "eFetchResult":  # efetch's own error reply, e.g. for a malformed id list
        message = _flat(root.find("ERROR")) or "no reason given"
        raise SourceFormatError(SERVICE, f"is an error from NCBI ({message})")
    if root.tag != "PubmedArticleSet":
        raise SourceFormatError(SERVICE, f"is a <{root.tag}> document, not a PubmedArticleSet")
    return root


def _syntax_problem(error: etree.XMLSyntaxError, body: bytes) -> str:
    """Cut short when libxml2 says so or stops at the very end of the reply; else malformed."""
    message = (error.msg or str(error)).split(", line ")[0].strip()
    line, column = error.position
    last_line = body.rsplit(b"\n", 1)[-1]
    at_end = line == body.count(b"\n") + 1 and column >= len(last_line)
    if (at_end and "mismatch" not in message) or any(sign in message for sign in _CUT_SHORT):
        return f"is cut short: its XML stops at line {line} before its elements close"
    return f"is not well-formed XML (line {line}: {message})"


# --- one article -----------------------------------------------------------------------------


def _journal_article(element: etree._Element) -> SourceRecord | None:
    citation = element.find("MedlineCitation")
    pmid = _pmid(citation.find("PMID") if citation is not None else None)
    if not pmid:
        return None
    article = citation.find("Article")
    journal = _find(article, "Journal")
    journal_issue = _find(journal, "JournalIssue")
    ids = _article_ids(element.find("PubmedData/ArticleIdList"))
    year = _year(_find(journal_issue, "PubDate")) or year_in(_text(article, "ArticleDate/Year"))
    return _record(
        pmid,
        citation,
        title=_flat(_find(article, "ArticleTitle")) or _flat(_find(article, "VernacularTitle")),
        authors=_authors(article),
        journal=_text(journal, "ISOAbbreviation") or _text(journal, "Title"),
        year=year,
        volume=_text(journal_issue, "Volume"),
        issue=_text(journal_issue, "Issue"),
        pages=_pages(_find(article, "Pagination")),
        doi=(ids.get("doi") or _elocation_doi(article)).lower(),
        pmcid=_pmcid(ids.get("pmc", "")),
        publication_types=_all_text(article, "PublicationTypeList/PublicationType"),
        abstract=_abstract(_find(article, "Abstract")),
        trial_ids=_trial_ids(article),
        extra={},
    )


def _book_article(element: etree._Element) -> SourceRecord | None:
    document = element.find("BookDocument")
    pmid = _pmid(document.find("PMID") if document is not None else None)
    if not pmid:
        return None
    book = document.find("Book")
    chapter = _flat(document.find("ArticleTitle"))
    book_title = _flat(_find(book, "BookTitle"))
    ids = _article_ids(element.find("PubmedBookData/ArticleIdList"))
    own_ids = _article_ids(document.find("ArticleIdList"))
    types = _all_text(document, "PublicationType") + _all_text(
        document, "PublicationTypeList/PublicationType"
    )
    extra = {
        key: value
        for key, value in (
            ("publisher", _text(book, "Publisher/PublisherName")),
            ("book_accession", own_ids.get("bookaccession", "")),
        )
        if value
    }
    return _record(
        pmid,
        document,
        title=chapter or book_title,
        authors=_authors(document) or _authors(book),
        journal=book_title if chapter else "",
        year=_year(_find(book, "PubDate")) or year_in(_text(document, "ContributionDate/Year")),
        volume=_text(book, "Volume"),
        issue="",
        pages="",
        doi=ids.get("doi", "").lower(),
        pmcid=_pmcid(ids.get("pmc", "")),
        publication_types=types,
        abstract=_abstract(document.find("Abstract")),
        trial_ids=(),
        extra=extra,
    )


def _record(
    pmid: str,
    citation: etree._Element,
    *,
    publication_types: tuple[str, ...],
    extra: dict[str, object],
    **fields: object,
) -> SourceRecord:
    """The record, with what CommentsCorrections and the publication types say about it."""
    notices: list[Notice] = []
    for comment in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        ref_type = comment.get("RefType", "")
        pmid_of_notice = _pmid(comment.find("PMID"))
        reference = f"PMID {pmid_of_notice}" if pmid_of_notice else _flat(comment.find("RefSource"))
        kind = _NOTICE_BY_REF_TYPE.get(ref_type)
        if kind:
            notice = Notice(kind=kind, reference=reference)
            if notice not in notices:
                notices.append(notice)
        elif ref_type in _EXTRA_BY_REF_TYPE and reference:
            extra.setdefault(_EXTRA_BY_REF_TYPE[ref_type], []).append(reference)
    if RETRACTED_TYPE in publication_types and not any(n.kind == RETRACTION for n in notices):
        notices.insert(0, Notice(kind=RETRACTION))  # PubMed says so, without naming the notice
    return SourceRecord(
        kind="pmid",
        identifier=pmid,
        service=SERVICE,
        pmid=pmid,
        publication_types=publication_types,
        mesh_terms=_all_text(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
        notices=tuple(notices),
        is_retraction_notice=(
            RETRACTION_NOTICE_TYPE in publication_types or "retraction_of" in extra
        ),
        is_preprint=PREPRINT_TYPE in publication_types,
        extra=extra,
        **fields,  # type: ignore[arg-type]
    )


# --- fields ----------------------------------------------------------------------------------


def _find(parent: etree._Element | None, path: str) -> etree._Element | None:
    return parent.find(path) if parent is not None else None


def _flat(element: etree._Element | None) -> str:
    """An element's text with inner markup (<i>, <sup>, MathML) flattened, spaces collapsed."""
    if element is None:
        return ""
    return collapse("".join(element.itertext()))


def _text(parent: etree._Element | None, path: str) -> str:
    return _flat(_find(parent, path))


def _all_text(parent: etree._Element | None, path: str) -> tuple[str, ...]:
    if parent is None:
        return ()
    return tuple(text for text in (_flat(e) for e in parent.iterfind(path)) if text)


def _pmid(element: etree._Element | None) -> str:
    text = _flat(element)
    return str(int(text)) if text.isdigit() else text


def _pmcid(text: str) -> str:
    text = text.strip().upper()
    return f"PMC{text}" if text.isdigit() else text


def _authors(parent: etree._Element | None) -> tuple[str, ...]:
    """Authors in Vancouver form ("Wakefield AJ"); a group author (CollectiveName) as written.
    Editors' lists and names PubMed marks invalid (ValidYN="N") are left out."""
    names: list[str] = []
    if parent is None:
        return ()
    for author_list in parent.iterfind("AuthorList"):
        if author_list.get("Type", "authors") != "authors":
            continue
        for author in author_list.iterfind("Author"):
            if author.get("ValidYN", "Y") == "N":
                continue
            surname = _text(author, "LastName")
            if surname:
                names.append(
                    vancouver(
                        surname,
                        _text(author, "ForeName"),
                        _text(author, "Suffix"),
                        given_initials=_text(author, "Initials"),
                    )
                )
            elif group := _text(author, "CollectiveName"):
                names.append(group)
    return tuple(names)


def _year(pub_date: etree._Element | None) -> int | None:
    """PubDate's Year, else the first year of its MedlineDate ("1998 Dec-1999 Jan")."""
    return year_in(_text(pub_date, "Year")) or year_in(_text(pub_date, "MedlineDate"))


def _pages(pagination: etree._Element | None) -> str:
    pages = _text(pagination, "MedlinePgn")
    if pages:
        return pages
    start, end = _text(pagination, "StartPage"), _text(pagination, "EndPage")
    return f"{start}-{end}" if start and end else start


def _article_ids(id_list: etree._Element | None) -> dict[str, str]:
    """The record's own ArticleIds by IdType (only this list: a ReferenceList has its own)."""
    ids: dict[str, str] = {}
    if id_list is not None:
        for article_id in id_list.iterfind("ArticleId"):
            value = _flat(article_id)
            if value:
                ids.setdefault(article_id.get("IdType", ""), value)
    return ids


def _elocation_doi(article: etree._Element | None) -> str:
    if article is None:
        return ""
    for location in article.iterfind("ELocationID"):
        if location.get("EIdType") == "doi" and location.get("ValidYN", "Y") != "N":
            return _flat(location)
    return ""


def _abstract(abstract: etree._Element | None) -> str:
    """The abstract's parts, one a line, each structured part as "LABEL: text"."""
    parts: list[str] = []
    if abstract is None:
        return ""
    for part in abstract.iterfind("AbstractText"):
        text = _flat(part)
        label = collapse(part.get("Label", ""))
        if text:
            parts.append(f"{label}: {text}" if label and label != _UNLABELLED else text)
    return "\n".join(parts)


def _trial_ids(article: etree._Element | None) -> tuple[str, ...]:
    """Trial registry numbers from the DataBankList (ClinicalTrials.gov, ISRCTN...)."""
    if article is None:
        return ()
    numbers: list[str] = []
    for bank in article.iterfind("DataBankList/DataBank"):
        if _text(bank, "DataBankName") not in _TRIAL_REGISTRIES:
            continue
        for number in _all_text(bank, "AccessionNumberList/AccessionNumber"):
            if number.upper() not in numbers:
                numbers.append(number.upper())
    return tuple(numbers)
