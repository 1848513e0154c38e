"""Reference files reviewers already have: RIS, PubMed MEDLINE (.nbib), BibTeX and CSL-JSON.

:func:`read_references` turns a file's bytes into :class:`Reference` records (title, authors in
Vancouver "Surname AB" form where they can be derived, journal, year, volume, issue, pages,
DOI, PMID, PMCID, URL and a study design code when the record says one). The format is chosen
by the file name's extension (``.ris``; ``.nbib``/``.medline``; ``.bib``; ``.json``) or
sniffed from the text (always for ``.txt`` and unknown extensions).

A file that cannot be read at all is refused with :class:`ReferencesRefused` (a
ClaimreviewError). A record that cannot be used is skipped and reported by
:func:`read_references_report` in a one-line problem ("record 3: no title or identifier,
skipped"). Records are de-duplicated within a file by their identifiers. Nothing is looked
up: every field comes from the file.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import PurePath

from claims.errors import ClaimreviewError
from claims.identifiers import Identifier, parse_identifier
from claims.scales import default_scales

__all__ = [
    "ET_AL",
    "EXTENSIONS",
    "MAX_PROBLEMS",
    "MAX_RECORDS",
    "MAX_REFERENCE_BYTES",
    "REFERENCE_FORMATS",
    "Reference",
    "ReferencesRefused",
    "read_references",
    "read_references_report",
    "sniff_reference_format",
]

MAX_REFERENCE_BYTES = 10 * 1024 * 1024
MAX_RECORDS = 20_000  # more is a whole library, not the sources of one review
MAX_PROBLEMS = 100  # problems listed one by one; the rest are counted in one last line
MAX_BRACE_DEPTH = 100  # BibTeX braces nested deeper than this make the record unreadable
# The text BibTeX @string macros may add to a file in all (each use adds the macro's value):
# macros defined by repeating one another would otherwise grow exponentially ("billion laughs").
MAX_MACRO_EXPANSION = 10 * 1024 * 1024
MAX_JOURNAL_LENGTH = 500
ET_AL = "et al."  # stands for further authors a file leaves out (BibTeX "and others")

REFERENCE_FORMATS = ("ris", "medline", "bibtex", "csl-json")
EXTENSIONS: dict[str, str | None] = {
    ".ris": "ris",
    ".nbib": "medline",
    ".medline": "medline",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".json": "csl-json",
    ".txt": None,  # PubMed's "PubMed format" text export, or any of the others: sniffed
}
_FORMAT_NAMES = {
    "ris": "RIS",
    "medline": "PubMed MEDLINE",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
}
_SUPPORTED = "RIS (.ris), PubMed MEDLINE (.nbib), BibTeX (.bib) or CSL-JSON (.json)"


class ReferencesRefused(ClaimreviewError):
    """A reference file that cannot be read: empty, binary, too large, unknown, malformed."""


@dataclass(frozen=True)
class Reference:
    """One source from a reference file; missing parts are None."""

    title: str | None = None
    authors: tuple[str, ...] = ()  # "Surname AB" where derivable (Vancouver), else as given
    journal: str | None = None  # the abbreviation when the file gives one
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None  # normalized as claims.identifiers does: lower-case, no prefix
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    study_design: str | None = None  # a code of the study_design scale, when the record says

    def identifier(self) -> Identifier | None:
        """The best identifier: DOI, else PMID, else PMCID, else URL."""
        for kind in ("doi", "pmid", "pmcid"):
            value = getattr(self, kind)
            if value:
                return Identifier(kind, value, value)
        if self.url:
            try:
                return parse_identifier(self.url)
            except ClaimreviewError:
                return None
        return None


# --- Reading a file -----------------------------------------------------------------------------


def read_references(data: bytes, filename: str | None = None) -> list[Reference]:
    """The references in a file, in file order, without duplicates (see the module doc)."""
    return read_references_report(data, filename)[0]


def read_references_report(
    data: bytes, filename: str | None = None
) -> tuple[list[Reference], list[str]]:
    """The references in a file and one line per record skipped or field ignored."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:
            raise ReferencesRefused(
                f"{_describe(filename)} contains invalid characters (unpaired surrogates); "
                "export the references again, or save the file as UTF-8."
            ) from None
    if len(data) > MAX_REFERENCE_BYTES:
        raise ReferencesRefused(
            f"{_describe(filename)} is {_size(len(data))}, larger than the "
            f"{_size(MAX_REFERENCE_BYTES)} limit for reference files; export fewer references "
            "at a time."
        )
    if not data.strip():
        raise _refuse_empty(filename)
    text = _decode(data, filename)
    fmt = _choose_format(text, filename)
    entries = _parse(fmt, text, filename)
    if not entries:
        other = sniff_reference_format(text)
        if other is not None and other != fmt:
            fmt, entries = other, _parse(other, text, filename)
    if not entries:
        raise ReferencesRefused(
            f"{_describe(filename)} contains no {_FORMAT_NAMES[fmt]} records; check that it is "
            f"the exported reference file, in {_SUPPORTED}."
        )
    references, problems = _finish(entries)
    if not references:
        first = problems[0] if problems else "no record could be read"
        raise ReferencesRefused(
            f"None of the {len(entries)} records in {_describe(filename, capital=False)} could "
            f"be read ({first}); export the references again from your reference manager."
        )
    if len(problems) > MAX_PROBLEMS:
        hidden = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], f"{hidden} more problems not shown"]
    return references, problems


def sniff_reference_format(text: str) -> str | None:
    """The format whose first sign comes earliest in the text, or None."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        return "csl-json"
    firsts: list[tuple[int, str]] = []
    for fmt, pattern in _SNIFFERS:
        match = pattern.search(text)
        if match:
            firsts.append((match.start(), fmt))
    return min(firsts)[1] if firsts else None


_SNIFFERS = (
    ("ris", re.compile(r"^[ \t]*TY {1,2}-", re.MULTILINE)),
    ("medline", re.compile(r"^PMID- ?[0-9]|^(?:TI|AU|FAU|DP|TA)  ?- ", re.MULTILINE)),
    ("bibtex", re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)),
)


def _choose_format(text: str, filename: str | None) -> str:
    ext = PurePath(filename).suffix.lower() if filename else ""
    fmt = EXTENSIONS.get(ext)
    if fmt is not None:
        return fmt
    sniffed = sniff_reference_format(text)
    if sniffed is None:
        raise ReferencesRefused(
            f"{_describe(filename)} is not a reference file claimreview can read; export your "
            f"references as {_SUPPORTED}."
        )
    return sniffed


def _parse(fmt: str, text: str, filename: str | None) -> list[_Entry]:
    """The file's records; refused when there are more than MAX_RECORDS."""
    if fmt == "ris":
        entries = list(islice(_read_ris(text), MAX_RECORDS + 1))
    elif fmt == "medline":
        entries = list(islice(_read_medline(text), MAX_RECORDS + 1))
    elif fmt == "bibtex":
        try:
            entries = list(islice(_read_bibtex(text), MAX_RECORDS + 1))
        except _MacroBomb:
            raise ReferencesRefused(
                f"{_describe(filename)} uses its @string macros to build more than "
                f"{_size(MAX_MACRO_EXPANSION)} of text (macros that repeat one another); export "
                "the references again without @string abbreviations."
            ) from None
    else:
        entries = _read_csl_json(text, filename)
    if len(entries) > MAX_RECORDS:
        raise ReferencesRefused(
            f"{_describe(filename)} holds more than {MAX_RECORDS:,} records; export only the "
            "references this review needs (a group or folder of your library)."
        )
    return entries


# --- Decoding and refusals ----------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _describe(filename: str | None, *, capital: bool = True) -> str:
    article = "The" if capital else "the"
    if filename:
        return f'{article} file "{PurePath(filename).name}"'
    return f"{article} reference file"


def _size(n: int) -> str:
    """A size rounded up, so that a file just over a limit never reads as the limit."""
    tenths = math.ceil(n * 10 / (1024 * 1024))
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def _refuse_empty(filename: str | None) -> ReferencesRefused:
    return ReferencesRefused(
        f"{_describe(filename)} is empty; export your references again from your reference "
        f"manager as {_SUPPORTED}."
    )


def _decode(data: bytes, filename: str | None) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (older RIS exports)."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise ReferencesRefused(
                f"{_describe(filename)} is binary data, not a text reference file; export your "
                f"references as {_SUPPORTED}."
            )
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ReferencesRefused(
            f"{_describe(filename)} is not in a text encoding claimreview can read (it tried "
            "UTF-8, UTF-16 and Windows-1252); export the references again as UTF-8."
        ) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > 0.01 * len(text):
        raise ReferencesRefused(
            f"{_describe(filename)} is binary data, not a text reference file; export your "
            f"references as {_SUPPORTED}."
        )
    if not text.strip():
        raise _refuse_empty(filename)
    return text


# --- Drafts: what one record says, before checks ------------------------------------------------


@dataclass
class _Draft:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    study_design: str | None = None
    notes: list[str] = field(default_factory=list)  # fields ignored, one line each

    def set_identifier(self, kind: str, raw: str | None, what: str) -> None:
        """Set doi/pmid/pmcid from a field if it holds one of that kind (else note it)."""
        text = _clean(raw)
        if not text or getattr(self, kind):
            return
        if kind == "pmcid" and text.isdigit():
            text = "PMC" + text
        try:
            found = parse_identifier(text)
        except ClaimreviewError:
            found = None
        if found is None or found.kind != kind:
            self.notes.append(f'{what} "{_short(text)}" is not a {_KIND_NAMES[kind]}, ignored')
            return
        setattr(self, kind, found.value)

    def add_url(self, raw: str | None, what: str = "web address") -> None:
        """A web address: an address of a DOI, PubMed or PMC record fills that identifier."""
        text = _clean(raw)
        if not text:
            return
        for piece in re.split(r"[\s;]+", text):
            if not piece:
                continue
            try:
                found = parse_identifier(piece)
            except ClaimreviewError as refusal:
                self.notes.append(f'{what} "{_short(piece)}" ignored ({_lower_first(refusal)})')
                continue
            if found.kind == "url":
                self.url = self.url or found.value
            elif found.kind in ("doi", "pmid", "pmcid") and not getattr(self, found.kind):
                setattr(self, found.kind, found.value)  # a doi.org, PubMed or PMC address


_KIND_NAMES = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID"}


@dataclass
class _Entry:
    draft: _Draft | None
    error: str | None = None  # why the record cannot be read at all
    name: str | None = None  # how a problem names the record besides its number (BibTeX key)


def _finish(entries: list[_Entry]) -> tuple[list[Reference], list[str]]:
    references: list[Reference] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"record {number}" + (f" ({_short(entry.name, 40)})" if entry.name else "")
        draft = entry.draft
        if draft is None:
            problems.append(f"{where}: {entry.error or 'unreadable'}, skipped")
            continue
        problems.extend(f"{where}: {note}" for note in draft.notes)
        if not draft.title and not (draft.doi or draft.pmid or draft.pmcid or draft.url):
            problems.append(f"{where}: no title or identifier, skipped")
            continue
        keys = [(kind, getattr(draft, kind)) for kind in ("doi", "pmid", "pmcid")]
        keys = [key for key in keys if key[1]]
        if not keys and draft.url:
            keys = [("url", draft.url)]
        duplicate = next((key for key in keys if key in seen), None)
        if duplicate is not None:
            kind, value = duplicate
            label = _KIND_NAMES.get(kind, "web address")
            problems.append(
                f"{where}: same {label} {_short(value)} as record {seen[duplicate]}, skipped"
            )
            continue
        for key in keys:
            seen[key] = number
        references.append(
            Reference(
                title=draft.title,
                authors=tuple(draft.authors),
                journal=_short(draft.journal, MAX_JOURNAL_LENGTH) if draft.journal else None,
                year=draft.year,
                volume=draft.volume,
                issue=draft.issue,
                pages=draft.pages,
                doi=draft.doi,
                pmid=draft.pmid,
                pmcid=draft.pmcid,
                url=draft.url,
                study_design=draft.study_design,
            )
        )
    return references, problems


# --- Field helpers ------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_YEAR = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|20[0-9]{2}|21[0-9]{2})(?![0-9])")
_DASHES = re.compile(r"\s*(?:-+|[–—‐‑−])\s*")


def _clean(value: object) -> str | None:
    """A field value on one line, trimmed; None when empty or not text. An unpaired surrogate
    (CSL-JSON can spell one, "\\ud800"; no database can store it) becomes U+FFFD."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = _SURROGATE.sub("\ufffd", " ".join(str(value).split()))
    return text or None


def _short(text: str | None, limit: int = 60) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lower_first(error: Exception) -> str:
    text = str(error).rstrip(".")
    return text[:1].lower() + text[1:] if text else "not accepted"


def _title(value: object) -> str | None:
    """A title on one line, without the single closing full stop some exports add."""
    text = _clean(value)
    if text and text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip() or None
    return text


def _year(value: object) -> int | None:
    text = _clean(value)
    if not text:
        return None
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _pages(value: object) -> str | None:
    text = _clean(value)
    return _DASHES.sub("-", text) if text else None


def _first(fields: dict[str, list[str]], *tags: str) -> str | None:
    for tag in tags:
        for value in fields.get(tag, ()):
            text = _clean(value)
            if text:
                return text
    return None


# Publication types (MEDLINE PT, RIS M3, CSL genre) that say what kind of study a record is.
_DESIGN_BY_TYPE = {
    "randomized controlled trial": "rct",
    "randomised controlled trial": "rct",
    "systematic review": "systematic_review",
    "meta-analysis": "systematic_review",
    "network meta-analysis": "systematic_review",
    "practice guideline": "guideline",
    "guideline": "guideline",
    "consensus development conference": "guideline",
    "consensus development conference, nih": "guideline",
    "review": "narrative_review",
    "retracted publication": "retracted",
    "preprint": "preprint",
    "case reports": "case_series",
    "observational study": "cohort",
    "cohort": "cohort",
    "cohort study": "cohort",
    "cohort studies": "cohort",
}
# When a record has several types, the first of these that applies wins.
_DESIGN_ORDER = (
    "retracted",
    "preprint",
    "guideline",
    "systematic_review",
    "rct",
    "cohort",
    "case_series",
    "narrative_review",
)
_PREPRINT_SERVERS = frozenset({"medrxiv", "biorxiv", "arxiv"})


def _design(types: Iterable[str], journal: str | None = None) -> str | None:
    """The study design code the record's publication types say, if the scale has it."""
    codes = {_DESIGN_BY_TYPE.get(" ".join(t.split()).lower()) for t in types if t}
    if journal and journal.lower() in _PREPRINT_SERVERS:
        codes.add("preprint")
    if not codes - {None}:
        return None
    return next((code for code in _design_order() if code in codes), None)


@cache
def _design_order() -> tuple[str, ...]:
    """_DESIGN_ORDER without the codes the study design scale does not have."""
    known = set(default_scales()["study_design"].codes())
    return tuple(code for code in _DESIGN_ORDER if code in known)


# --- Author names -------------------------------------------------------------------------------

_SUFFIXES = {
    "jr": "Jr",
    "sr": "Sr",
    "ii": "2nd",
    "iii": "3rd",
    "iv": "4th",
    "2nd": "2nd",
    "3rd": "3rd",
    "4th": "4th",
}


def _suffix(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().rstrip(".").lower()
    return _SUFFIXES.get(key, text.strip())


def _initials(given: str | None) -> str:
    """ "John Adam" -> "JA", "J.-P." -> "JP", "Jean-Paul" -> "JP", "JA" -> "JA"."""
    if not given:
        return ""
    letters: list[str] = []
    for word in given.replace(".", " ").split():
        if word.isalpha() and word.isupper() and 2 <= len(word) <= 3:
            letters.extend(word)  # already initials, as in PubMed's "Smith JA"
            continue
        for part in word.split("-"):
            initial = next((ch for ch in part if ch.isalpha()), "")
            if initial:
                letters.append(initial.upper())
    return "".join(letters)


def _vancouver(surname: str | None, given: str | None = None, suffix: str | None = None) -> str:
    """ "Surname AB Jr" from the parts of a name."""
    parts = [" ".join((surname or "").split())]
    initials = _initials(given)
    if initials:
        parts.append(initials)
    suffix = _suffix(suffix)
    if suffix:
        parts.append(suffix)
    return " ".join(part for part in parts if part)


def _inverted_name(text: str | None) -> str | None:
    """ "Surname, Given[, Suffix]" (RIS, MEDLINE FAU) in Vancouver form; else as given."""
    text = _clean(text)
    if not text:
        return None
    if "," not in text:
        return text  # "Smith JA" already, or a group author
    parts = [part.strip() for part in text.split(",")]
    surname, given = parts[0], parts[1] if len(parts) > 1 else ""
    suffix = parts[2] if len(parts) > 2 else None
    if not surname:
        return text
    return _vancouver(surname, given, suffix)


# --- RIS ----------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"[ \t]*([A-Z][A-Z0-9]) {1,2}-(?: (.*)|$)")


def _read_ris(text: str) -> Iterator[_Entry]:
    fields: dict[str, list[list[str]]] | None = None
    last: list[str] | None = None
    for line in text.split("\n"):
        match = _RIS_LINE.match(line)
        if match is None:
            if last is not None and line.strip():
                last.append(line.strip())  # a wrapped line continues the field before it
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            if fields is not None:
                yield _ris_entry(fields)
            fields, last = {"TY": [[value]]}, None
            continue
        if fields is None:
            continue  # outside a record
        if tag == "ER":
            yield _ris_entry(fields)
            fields, last = None, None
            continue
        last = [value]
        fields.setdefault(tag, []).append(last)
    if fields is not None:
        yield _ris_entry(fields)  # a last record without ER


_OTHER_DATABASE_WORDS = ("pubmed", "medline", "nlm", "ncbi")


def _ris_entry(raw: dict[str, list[list[str]]]) -> _Entry:
    fields = {tag: [" ".join(parts) for parts in values] for tag, values in raw.items()}
    draft = _Draft()
    draft.title = _title(_first(fields, "TI", "T1", "CT") or _ris_book_title(fields))
    names = fields.get("AU") or fields.get("A1") or []
    draft.authors = [name for name in (_inverted_name(n) for n in names) if name]
    draft.journal = _first(fields, "JO", "JA", "J2", "J1", "T2", "JF")
    draft.year = next(
        (y for y in (_year(v) for t in ("PY", "Y1", "DA") for v in fields.get(t, ())) if y), None
    )
    draft.volume = _first(fields, "VL")
    draft.issue = _first(fields, "IS")
    start, end = _first(fields, "SP"), _first(fields, "EP")
    if start and end and not _DASHES.search(start):
        draft.pages = _pages(f"{start}-{end}")
    else:
        draft.pages = _pages(start)
    draft.set_identifier("doi", _first(fields, "DO"), "DOI")
    m3 = _first(fields, "M3")
    if m3 and not draft.doi and re.search(r"10\.[0-9]{4,9}/", m3):
        draft.set_identifier("doi", m3, "DOI")
    accession = _first(fields, "AN")
    database = " ".join(fields.get("DB", []) + fields.get("DP", [])).lower()
    if accession and (not database or any(w in database for w in _OTHER_DATABASE_WORDS)):
        number = re.sub(r"(?i)^pmid\s*:?\s*", "", accession)
        if number.isdigit() and len(number.lstrip("0")) <= 8:
            draft.set_identifier("pmid", number, "Accession number")
    c2 = _first(fields, "C2")
    if c2 and re.fullmatch(r"(?i)pmc[0-9]+", c2):
        draft.set_identifier("pmcid", c2, "PMCID")
    for value in fields.get("UR", []):
        draft.add_url(value)
    types = [m3] if m3 and not re.search(r"10\.[0-9]{4,9}/", m3) else []
    draft.study_design = _design(types, draft.journal)
    return _Entry(draft)


def _ris_book_title(fields: dict[str, list[str]]) -> str | None:
    kind = (_first(fields, "TY") or "").upper()
    return _first(fields, "BT") if kind in ("BOOK", "EBOOK", "EDBOOK") else None


# --- PubMed MEDLINE (.nbib) ---------------------------------------------------------------------

_MEDLINE_TAG = re.compile(r"[A-Z][A-Z0-9]{0,3}")


def _read_medline(text: str) -> Iterator[_Entry]:
    fields: dict[str, list[list[str]]] = {}
    last: list[str] | None = None
    for line in text.split("\n"):
        if not line.strip():
            if fields:
                yield _medline_entry(fields)
            fields, last = {}, None
            continue
        tag = line[:4].rstrip()
        if len(line) >= 5 and line[4] == "-" and _MEDLINE_TAG.fullmatch(tag):
            if tag == "PMID" and fields:
                yield _medline_entry(fields)  # records not separated by a blank line
                fields = {}
            last = [line[5:].strip()]
            fields.setdefault(tag, []).append(last)
        elif last is not None:
            last.append(line.strip())  # a continuation line (indented by six spaces)
    if fields:
        yield _medline_entry(fields)


def _medline_entry(raw: dict[str, list[list[str]]]) -> _Entry:
    fields = {tag: [" ".join(parts) for parts in values] for tag, values in raw.items()}
    draft = _Draft()
    draft.title = _title(_first(fields, "TI", "BTI"))
    authors = [a for a in (_clean(v) for v in fields.get("AU", [])) if a]
    if not authors:
        authors = [a for a in (_inverted_name(v) for v in fields.get("FAU", [])) if a]
    authors += [a for a in (_clean(v) for v in fields.get("CN", [])) if a]
    draft.authors = authors
    draft.journal = _first(fields, "TA", "JT")
    draft.year = _year(_first(fields, "DP"))
    draft.volume = _first(fields, "VI")
    draft.issue = _first(fields, "IP")
    draft.pages = _pages(_first(fields, "PG"))
    draft.set_identifier("pmid", _first(fields, "PMID"), "PMID")
    for value in fields.get("AID", []) + fields.get("LID", []):
        text = _clean(value) or ""
        if text.lower().endswith("[doi]"):
            draft.set_identifier("doi", text[: -len("[doi]")], "DOI")
    draft.set_identifier("pmcid", _first(fields, "PMC"), "PMCID")
    draft.study_design = _design(fields.get("PT", []), draft.journal)
    return _Entry(draft)


# --- BibTeX -------------------------------------------------------------------------------------


class _BibError(Exception):
    pass


class _MacroBomb(Exception):
    """@string macros expanded past MAX_MACRO_EXPANSION in one file."""


class _Macros(dict[str, str]):
    """A file's @string macros and how much more text their expansions may add."""

    def __init__(self) -> None:
        super().__init__()
        self.left = MAX_MACRO_EXPANSION

    def expand(self, name: str) -> str:
        value = self.get(name, _BIB_MONTHS.get(name, ""))
        self.left -= len(value)
        if self.left < 0:
            raise _MacroBomb
        return value


_BIB_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])")
_BIB_BRACE = re.compile(r"[{}]")
_BIB_QUOTE = re.compile(r'[{}"]')
_BIB_SPACE = re.compile(r"\s*")
_BIB_KEY = re.compile(r"\s*([^,\s{}()=\"#@]*)\s*")
_BIB_NAME = re.compile(r"[^\s=,{}()\"#]+")
_BIB_NUMBER = re.compile(r"[0-9]+")
_BIB_NEXT_ENTRY = re.compile(r"\n[ \t]*@")
_URL_COMMAND = re.compile(r"\\url\s*\{([^{}]*)\}")
_URL_ESCAPE = re.compile(r"\\([_%#&~$])")
_BIB_MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}


def _skip_braced(text: str, pos: int) -> int:
    """``text[pos]`` is "{": the index after its matching "}"."""
    depth = 0
    while True:
        match = _BIB_BRACE.search(text, pos)
        if match is None:
            raise _BibError("unbalanced braces")
        pos = match.end()
        if match.group() == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                raise _BibError(f"braces nested more than {MAX_BRACE_DEPTH} deep")
        else:
            depth -= 1
            if depth == 0:
                return pos


def _skip_quoted(text: str, pos: int) -> int:
    """``text[pos]`` is '"': the index after the closing '"' outside braces."""
    depth = 0
    pos += 1
    while True:
        match = _BIB_QUOTE.search(text, pos)
        if match is None:
            raise _BibError("a quoted value is not closed")
        pos = match.end()
        char = match.group()
        if char == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                raise _BibError(f"braces nested more than {MAX_BRACE_DEPTH} deep")
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise _BibError("unbalanced braces")
        elif depth == 0:
            return pos


def _bib_value(text: str, pos: int, macros: _Macros) -> tuple[str, int]:
    """A field value (parts joined by "#") starting at ``pos``; returns it and the end."""
    parts: list[str] = []
    while True:
        if pos >= len(text):
            raise _BibError("unexpected end of file")
        char = text[pos]
        if char == "{":
            end = _skip_braced(text, pos)
            parts.append(text[pos + 1 : end - 1])
        elif char == '"':
            end = _skip_quoted(text, pos)
            parts.append(text[pos + 1 : end - 1])
        else:
            match = _BIB_NUMBER.match(text, pos) or _BIB_NAME.match(text, pos)
            if match is None:
                raise _BibError(f"unexpected {char!r} where a value should be")
            word = match.group()
            end = match.end()
            if word.isdigit():
                parts.append(word)
            else:
                parts.append(macros.expand(word.lower()))
        pos = _BIB_SPACE.match(text, end).end()
        if pos < len(text) and text[pos] == "#":
            pos = _BIB_SPACE.match(text, pos + 1).end()
            continue
        return "".join(parts), pos


def _bib_fields(text: str, pos: int, closer: str, macros: _Macros) -> tuple[dict[str, str], int]:
    """Fields ``name = value`` up to the entry's closer; returns them and the end."""
    fields: dict[str, str] = {}
    while True:
        pos = _BIB_SPACE.match(text, pos).end()
        while pos < len(text) and text[pos] == ",":
            pos = _BIB_SPACE.match(text, pos + 1).end()
        if pos >= len(text):
            raise _BibError("unexpected end of file (a closing brace is missing)")
        if text[pos] == closer:
            return fields, pos + 1
        match = _BIB_NAME.match(text, pos)
        if match is None:
            raise _BibError(f"unexpected {text[pos]!r} where a field name should be")
        name = match.group().lower()
        pos = _BIB_SPACE.match(text, match.end()).end()
        if pos >= len(text) or text[pos] != "=":
            raise _BibError(f'field "{_short(name, 30)}" has no "="')
        pos = _BIB_SPACE.match(text, pos + 1).end()
        value, pos = _bib_value(text, pos, macros)
        fields.setdefault(name, value)
        if pos < len(text) and text[pos] not in ("," + closer):
            raise _BibError(f'a "," is missing after field "{_short(name, 30)}"')


def _read_bibtex(text: str) -> Iterator[_Entry]:
    macros = _Macros()
    pos = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            return
        head = _BIB_HEAD.match(text, at)
        if head is None:
            pos = at + 1
            continue
        kind = head.group(1).lower()
        closer = "}" if head.group(2) == "{" else ")"
        body = head.end()
        try:
            if kind in ("comment", "preamble"):
                pos = _skip_braced(text, head.end() - 1) if closer == "}" else body
                continue
            if kind == "string":
                fields, pos = _bib_fields(text, body, closer, macros)
                for name, value in fields.items():
                    macros.setdefault(name, value)
                continue
            key_match = _BIB_KEY.match(text, body)
            key = key_match.group(1) or None
            pos = key_match.end()
            if pos < len(text) and text[pos] == ",":
                fields, pos = _bib_fields(text, pos + 1, closer, macros)
            elif pos < len(text) and text[pos] == closer:
                fields, pos = {}, pos + 1
            else:
                raise _BibError('a "," is missing after the citation key')
        except _BibError as error:
            if kind not in ("comment", "preamble", "string"):
                yield _Entry(None, str(error), name=_bib_key_guess(text, body))
            resume = _BIB_NEXT_ENTRY.search(text, at + 1)
            if resume is None:
                return
            pos = resume.end() - 1
            continue
        yield _bibtex_entry(fields, key)


def _bib_key_guess(text: str, pos: int) -> str | None:
    match = _BIB_KEY.match(text, pos)
    return (match.group(1) or None) if match else None


def _bibtex_entry(fields: dict[str, str], key: str | None) -> _Entry:
    draft = _Draft()
    draft.title = _title(_latex(fields.get("title")))
    draft.authors = _bib_names(fields.get("author", ""))
    draft.journal = _clean(
        _latex(fields.get("shortjournal") or fields.get("journal") or fields.get("journaltitle"))
    )
    draft.year = _year(_latex(fields.get("year"))) or _year(fields.get("date"))
    draft.volume = _clean(_latex(fields.get("volume")))
    draft.issue = _clean(_latex(fields.get("number") or fields.get("issue")))
    draft.pages = _pages(_latex(fields.get("pages"), dashes=False))
    draft.set_identifier("doi", _latex_url(fields.get("doi")), "DOI")
    draft.set_identifier("pmid", _clean(fields.get("pmid")), "PMID")
    draft.set_identifier("pmcid", _clean(fields.get("pmcid")), "PMCID")
    eprint_type = (_clean(fields.get("eprinttype") or fields.get("archiveprefix")) or "").lower()
    if eprint_type in ("pubmed", "pmid"):
        draft.set_identifier("pmid", _clean(fields.get("eprint")), "PMID")
    elif eprint_type in ("pmc", "pmcid"):
        draft.set_identifier("pmcid", _clean(fields.get("eprint")), "PMCID")
    draft.add_url(_latex_url(fields.get("url")))
    howpublished = fields.get("howpublished") or ""
    url_command = _URL_COMMAND.search(howpublished)
    if url_command:
        draft.add_url(url_command.group(1))
    types = [fields.get("pubstate") or ""]
    if eprint_type in _PREPRINT_SERVERS:
        types.append("preprint")
    draft.study_design = _design(
        [t.replace("prepublished", "preprint") for t in types], draft.journal
    )
    return _Entry(draft, name=key)


def _latex_url(value: str | None) -> str | None:
    """A URL or DOI field: ``\\url{…}`` unwrapped, braces and escapes dropped, no accents."""
    if value is None:
        return None
    value = _URL_COMMAND.sub(r"\1", value)
    value = _URL_ESCAPE.sub(r"\1", value)
    return _clean(value.replace("{", "").replace("}", ""))


def _bib_words(value: str) -> list[str]:
    """Words of a name list at brace depth 0; a depth-0 comma is a word of its own."""
    words: list[str] = []
    current: list[str] = []
    depth = 0
    start = 0
    for match in re.finditer(r"[{},]|\s+", value):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            current.append(value[start : match.start()])
            word = "".join(current)
            if word:
                words.append(word)
            if char == ",":
                words.append(",")
            current, start = [], match.end()
    current.append(value[start:])
    word = "".join(current)
    if word:
        words.append(word)
    return words


# Names read from one BibTeX author list; the rest become "et al.". Citations show six; the
# largest consortium papers list a few thousand, and each name costs parsing (a hostile file's
# 500,000 names took seconds).
MAX_BIB_NAMES = 1000


def _bib_names(value: str) -> list[str]:
    names: list[list[str]] = [[]]
    for word in _bib_words(value):
        if word.lower() == "and":
            names.append([])
        else:
            names[-1].append(word)
    result: list[str] = []
    for number, words in enumerate(names):
        if not words:
            continue
        if number >= MAX_BIB_NAMES:
            result.append(ET_AL)
            break
        if len(words) == 1 and words[0].lower() == "others":
            result.append(ET_AL)
            continue
        name = _bib_name(words)
        if name:
            result.append(name)
    return result


def _bib_name(words: list[str]) -> str | None:
    """One BibTeX name ("First von Last", "von Last, First", "von Last, Jr, First")."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word == ",":
            parts.append([])
        else:
            parts[-1].append(word)
    if len(parts) == 1:
        tokens = parts[0]
        if len(tokens) == 1 and tokens[0].startswith("{") and tokens[0].endswith("}"):
            return _clean(_latex(tokens[0]))  # {World Health Organization}: a group author
        if len(tokens) == 1:
            return _clean(_latex(tokens[0]))
        last = tokens[-1]
        rest = tokens[:-1]
        von_start = next((i for i, t in enumerate(rest) if _starts_lower(t)), len(rest))
        first, von = rest[:von_start], rest[von_start:]
        surname = " ".join([*von, last])
        return _vancouver(_latex(surname), _latex(" ".join(first))) or None
    surname = " ".join(parts[0])
    if len(parts) == 2:
        first, suffix = " ".join(parts[1]), None
    else:
        suffix, first = " ".join(parts[1]), " ".join(parts[2])
    if not surname.strip():
        return _clean(_latex(first))
    return _vancouver(_latex(surname), _latex(first), _latex(suffix) if suffix else None) or None


def _starts_lower(word: str) -> bool:
    """BibTeX's "von" test: the first letter at brace depth 0 is lower case."""
    if word.startswith("{"):
        return False
    letter = next((ch for ch in word if ch.isalpha()), "")
    return letter.islower()


# LaTeX reduced to plain Unicode "where simple": accents, special letters, escapes, dashes.
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_SYMBOL_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))"
)
_LETTER_ACCENT = re.compile(
    r"\\([uvHckrdb])(?:\s*\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_SPECIAL_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_NAMED_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "omega": "ω",
    "Delta": "Δ",
    "pm": "±",
    "times": "×",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "textendash": "–",
    "textemdash": "—",
    "textregistered": "®",
    "texttrademark": "™",
    "textdegree": "°",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    **_SPECIAL_LETTERS,
}
_COMMAND = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])\s*(?:\{\})?")
_ESCAPED = re.compile(r"\\([&%#_])")


def _accent(match: re.Match[str]) -> str:
    letter = match.group(2) or match.group(3)
    if letter in ("\\i", "\\j"):
        letter = letter[1]
    return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(1)])


def _command(match: re.Match[str]) -> str:
    return _NAMED_SYMBOLS.get(match.group(1), "")  # other commands (\emph, \textit): dropped


def _latex(value: str | None, *, dashes: bool = True) -> str | None:
    if value is None:
        return None
    text = value.replace("\\{", "\ue000").replace("\\}", "\ue001").replace("\\$", "\ue002")
    text = _SYMBOL_ACCENT.sub(_accent, text)
    text = _LETTER_ACCENT.sub(_accent, text)
    text = _ESCAPED.sub(r"\1", text)
    text = text.replace("\\\\", " ").replace("\\,", " ").replace("\\ ", " ")
    text = _COMMAND.sub(_command, text)
    text = text.replace("$", "").replace("{", "").replace("}", "").replace("~", " ")
    text = text.replace("\ue000", "{").replace("\ue001", "}").replace("\ue002", "$")
    if dashes:
        text = text.replace("---", "—").replace("--", "–")
    return text


# --- CSL-JSON -----------------------------------------------------------------------------------


def _read_csl_json(text: str, filename: str | None) -> list[_Entry]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ReferencesRefused(
            f"{_describe(filename)} nests JSON too deeply to be CSL-JSON; export the "
            "references again as CSL-JSON."
        ) from None
    except ValueError as error:
        raise ReferencesRefused(
            f"{_describe(filename)} is not valid JSON ({_short(str(error), 80)}); export the "
            "references again as CSL-JSON, or choose the .ris, .nbib or .bib export."
        ) from None
    if isinstance(data, dict):
        items: list[object] = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise ReferencesRefused(
            f"{_describe(filename)} holds JSON but not CSL-JSON (a list of references); "
            "export the references again as CSL-JSON."
        )
    return [_csl_entry(item) for item in items]


def _csl_text(value: object) -> str | None:
    """A CSL text field; Crossref-style one-element lists are accepted."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float)), None)
    return _clean(value)


def _csl_year(value: object) -> int | None:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0][0]
            if isinstance(first, int) and not isinstance(first, bool):
                return _year(str(first))
            if isinstance(first, str):
                return _year(first)
        for key in ("raw", "literal", "season"):
            year = _year(_clean(value.get(key)))
            if year:
                return year
        return None
    return _year(_csl_text(value))


def _csl_name(value: object) -> str | None:
    if isinstance(value, str):
        return _clean(value)
    if not isinstance(value, dict):
        return None
    literal = _clean(value.get("literal"))
    if literal:
        return literal
    family = " ".join(
        part
        for part in (
            _clean(value.get("dropping-particle")),
            _clean(value.get("non-dropping-particle")),
            _clean(value.get("family")),
        )
        if part
    )
    given = _clean(value.get("given"))
    if not family:
        return given
    return _vancouver(family, given, _clean(value.get("suffix"))) or None


def _csl_entry(item: object) -> _Entry:
    if not isinstance(item, dict):
        return _Entry(None, "not a CSL-JSON item (an object with a title and identifiers)")
    draft = _Draft()
    draft.title = _title(_csl_text(item.get("title")))
    authors = item.get("author")
    if isinstance(authors, list):
        draft.authors = [name for name in (_csl_name(a) for a in authors) if name]
    draft.journal = (
        _csl_text(item.get("container-title-short"))
        or _csl_text(item.get("journalAbbreviation"))
        or _csl_text(item.get("container-title"))
    )
    draft.year = _csl_year(item.get("issued"))
    draft.volume = _csl_text(item.get("volume"))
    draft.issue = _csl_text(item.get("issue"))
    draft.pages = _pages(_csl_text(item.get("page")))
    draft.set_identifier("doi", _csl_text(item.get("DOI")), "DOI")
    draft.set_identifier("pmid", _csl_text(item.get("PMID")), "PMID")
    draft.set_identifier("pmcid", _csl_text(item.get("PMCID")), "PMCID")
    draft.add_url(_csl_text(item.get("URL")))
    genre = _csl_text(item.get("genre"))  # CSL "type" says the form (article-journal), not design
    draft.study_design = _design([genre] if genre else [], draft.journal)
    name = _csl_text(item.get("id"))
    return _Entry(draft, name=name)
