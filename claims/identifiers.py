"""Identifiers a reviewer pastes for a source: DOI, PMID, PMCID, NCT (ClinicalTrials.gov), URL.

The shapes follow the review standards (shared reference, "Identifiers a reviewer pastes"):

* DOI: ``10.`` + 4-9 digits (optionally sub-divided: ``10.1000.10``) + ``/`` + suffix; also
  ``doi:…``, ``DOI …`` and ``https://doi.org/…`` (percent-decoded); stored lower-cased.
* PMID: 1-8 digits (leading zeros dropped); also ``PMID: N`` and PubMed addresses.
* PMCID: ``PMC`` + digits; also ``PMCID: …`` and PMC addresses.
* NCT: ``NCT`` + exactly 8 digits; also ClinicalTrials.gov study addresses.
* URL: http or https with a host; any other scheme (javascript:, data:, file:, ftp:) is refused.

Nothing here looks anything up: an identifier is only checked for its shape.
:func:`parse_identifiers` reads a whole paste (a list or running text) in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from claims.errors import ClaimreviewError

__all__ = [
    "IDENTIFIER_KINDS",
    "MAX_URL_LENGTH",
    "Identifier",
    "IdentifierRefused",
    "Refused",
    "parse_identifier",
    "parse_identifiers",
]

IDENTIFIER_KINDS = ("doi", "pmid", "pmcid", "nct", "url")
MAX_URL_LENGTH = 2000  # the citations table stores identifiers and URLs in 2,000 characters
MAX_DOI_LENGTH = 1000
MAX_PMCID_DIGITS = 10
_EXCERPT = 60  # how much of a pasted token a reason quotes

_EXAMPLES = (
    "such as 10.1056/NEJMoa1606038, PMID 27557302, PMC5012345, NCT01234567 or an https:// address"
)


@dataclass(frozen=True)
class Identifier:
    """A recognised identifier: ``kind`` is one of IDENTIFIER_KINDS, ``value`` is normalized."""

    kind: str
    value: str
    source: str  # the text the reviewer pasted for it

    def url(self) -> str:
        """Where the identifier resolves."""
        if self.kind == "doi":
            return "https://doi.org/" + quote(self.value, safe="/:;()._-~+=,!*'@$&")
        if self.kind == "pmid":
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.value}/"
        if self.kind == "pmcid":
            return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.value}/"
        if self.kind == "nct":
            return f"https://clinicaltrials.gov/study/{self.value}"
        return self.value

    def label(self) -> str:
        """How a reviewer reads it: "DOI 10.1056/nejmoa1606038", "PMID 27557302", ..."""
        if self.kind == "doi":
            return f"DOI {self.value}"
        if self.kind == "pmid":
            return f"PMID {self.value}"
        if self.kind == "pmcid":
            return f"PMCID {self.value}"
        if self.kind == "nct":
            return f"ClinicalTrials.gov {self.value}"
        return self.value


@dataclass(frozen=True)
class Refused:
    """A pasted piece that is not an identifier claimreview accepts, and why."""

    source: str
    reason: str  # one sentence: why, and what to do


class IdentifierRefused(ClaimreviewError):
    """A pasted identifier that cannot be accepted; the message says why and what to do."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(reason)
        self.source = source
        self.reason = reason


# --- Shapes -------------------------------------------------------------------------------------

_DIGITS = re.compile(r"[0-9]+")
_DOI = re.compile(r"10\.([0-9]+)((?:\.[0-9]+)*)/(.*)", re.DOTALL)
_DOI_PREFIX_ONLY = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,30}):")
# "PMID: 123", "doi:10…", "PMCID PMC1", "NCT 01234567" pasted as one piece (with or without space).
_LABELLED = re.compile(r"(pmid|pmcid|pmc|doi|nct)(?:\s*:\s*|\s+)(\S+)", re.IGNORECASE)
_LABELS = frozenset({"pmid", "pmcid", "pmc", "doi", "nct"})
# Words of running text ("see", "and", "e.g."): ignored in a paste, never refused one by one.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ABBREVIATION = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")
_BARE_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,24}(?:[/?#].*)?", re.DOTALL)
_HOST_LABEL = re.compile(r"[\w-]{1,63}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Hosts whose addresses carry an identifier: accepted even without "https://".
_KNOWN_BARE = re.compile(
    r"(?:dx\.doi\.org|doi\.org|pubmed\.ncbi\.nlm\.nih\.gov|pmc\.ncbi\.nlm\.nih\.gov|"
    r"(?:www\.)?ncbi\.nlm\.nih\.gov|(?:www\.|classic\.)?clinicaltrials\.gov)/",
    re.IGNORECASE,
)
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_NCBI_HOSTS = frozenset({"ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov"})
_TRIAL_HOSTS = frozenset(
    {"clinicaltrials.gov", "www.clinicaltrials.gov", "classic.clinicaltrials.gov"}
)
_PUBMED_PATH = re.compile(r"/([0-9]+)/?")
_NCBI_PUBMED_PATH = re.compile(r"/pubmed/([0-9]+)/?", re.IGNORECASE)
_NCBI_PMC_PATH = re.compile(r"/pmc/articles/(pmc)?([0-9]+)(?:/.*)?", re.IGNORECASE | re.DOTALL)
_PMC_PATH = re.compile(r"/articles/(pmc)?([0-9]+)(?:/.*)?", re.IGNORECASE | re.DOTALL)
_TRIAL_PATH = re.compile(r"/(?:ct2/show/(?:record/|study/)?|study/)(nct[0-9a-z]*)/?", re.IGNORECASE)

_OPENERS = "([{<"
_CLOSERS = ")]}>"
_QUOTES = "\"'“”‘’«»`"
_TRAILING = ".,;:!?"
_LEADING = frozenset(_QUOTES + _OPENERS)
_ENDING = frozenset(_TRAILING + _QUOTES + _CLOSERS)


def _show(text: str) -> str:
    """A pasted token as a reason quotes it: on one line, at most _EXCERPT characters, and
    printable (control characters and unpaired surrogates are shown escaped, as "\\x1b")."""
    text = " ".join(text.split()).encode("utf-8", "backslashreplace").decode("utf-8")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _refuse(source: str, reason: str) -> IdentifierRefused:
    return IdentifierRefused(source, reason)


def _unrecognised(source: str) -> IdentifierRefused:
    return _refuse(
        source,
        f'"{_show(source)}" is not a DOI, PMID, PMCID, NCT number or web address; '
        f"paste an identifier {_EXAMPLES}.",
    )


# --- Normalizers --------------------------------------------------------------------------------


def _doi(raw: str, source: str) -> Identifier:
    match = _DOI.fullmatch(raw)
    if match is None:
        if _DOI_PREFIX_ONLY.fullmatch(raw):
            raise _refuse(
                source,
                f'"{_show(source)}" is a DOI prefix without the suffix after the "/"; '
                "paste the whole DOI, such as 10.1056/NEJMoa1606038.",
            )
        raise _refuse(
            source,
            f'"{_show(source)}" is not a DOI, which is "10.", 4 to 9 digits, "/" and a suffix '
            "(as in 10.1056/NEJMoa1606038); copy it again from the article.",
        )
    registrant, subdivisions, suffix = match.groups()
    if not 4 <= len(registrant) <= 9:
        raise _refuse(
            source,
            f'"{_show(source)}" is not a DOI: after "10." come 4 to 9 digits, not '
            f"{len(registrant)} (as in 10.1056/NEJMoa1606038); copy it again from the article.",
        )
    if not suffix:
        raise _refuse(
            source,
            f'"{_show(source)}" is a DOI prefix without the suffix after the "/"; '
            "paste the whole DOI, such as 10.1056/NEJMoa1606038.",
        )
    if _CONTROL.search(suffix) or any(ch.isspace() for ch in suffix):
        raise _refuse(
            source,
            f'"{_show(source)}" contains spaces or control characters inside the DOI; '
            "copy the DOI again as plain text.",
        )
    value = f"10.{registrant}{subdivisions}/{suffix}".lower()
    if len(value) > MAX_DOI_LENGTH:
        raise _refuse(
            source,
            f'The DOI starting "{_show(source)}" is longer than {MAX_DOI_LENGTH} characters; '
            "check that only the DOI was copied.",
        )
    return Identifier("doi", value, source)


def _pmid(digits: str, source: str) -> Identifier:
    if not _DIGITS.fullmatch(digits):
        raise _refuse(
            source,
            f'"{_show(source)}" is not a PMID, which is 1 to 8 digits (as in PMID 27557302); '
            "check the number.",
        )
    value = digits.lstrip("0")
    if len(value) > 8:
        raise _refuse(
            source,
            f'"{_show(source)}" has {len(value)} digits, too many for a PMID (at most 8); '
            "check the number, or paste the DOI instead.",
        )
    if not value:
        raise _refuse(
            source, f'"{_show(source)}" is not a PMID (PMIDs start at 1); check the number.'
        )
    return Identifier("pmid", value, source)


def _pmcid(digits: str, source: str) -> Identifier:
    if not _DIGITS.fullmatch(digits) or len(digits) > MAX_PMCID_DIGITS or not digits.strip("0"):
        raise _refuse(
            source,
            f'"{_show(source)}" is not a PMCID, which is "PMC" followed by digits '
            "(as in PMC5012345); copy it again from PubMed Central.",
        )
    return Identifier("pmcid", "PMC" + digits.lstrip("0"), source)


def _nct(rest: str, source: str) -> Identifier:
    """``rest`` is what follows "NCT"."""
    if _DIGITS.fullmatch(rest):
        if len(rest) != 8:
            raise _refuse(
                source,
                f'"{_show(source)}" has {len(rest)} digits after "NCT", but a ClinicalTrials.gov '
                "number has exactly 8 (as in NCT01234567); copy it again from the registry.",
            )
        return Identifier("nct", "NCT" + rest, source)
    raise _refuse(
        source,
        f'"{_show(source)}" is not a ClinicalTrials.gov number, which is "NCT" followed by '
        "exactly 8 digits (as in NCT01234567); copy it again from the registry.",
    )


def _url(url: str, source: str) -> Identifier:
    """An http(s) address: a DOI, PubMed, PMC or trial address becomes that identifier."""
    scheme = url.split(":", 1)[0].lower()
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise _refuse(
            source,
            f'"{_show(source)}" is not a valid web address (its host or port is malformed); '
            "copy the address again from the browser.",
        ) from None
    rest = url[len(scheme) + 1 :]
    host = (parts.hostname or "").rstrip(".")
    if not rest.startswith("//") or not parts.netloc or not host:
        raise _refuse(
            source,
            f'"{_show(source)}" has no host name after "{scheme}://"; paste the full address, '
            "such as https://example.org/page.",
        )
    if "@" in parts.netloc:
        raise _refuse(
            source,
            f'"{_show(source)}" has a user name or password before the host; paste the '
            "address without it.",
        )
    if not _valid_host(host):
        raise _refuse(
            source,
            f'"{_show(source)}" has an invalid host name "{_show(host)}"; copy the address '
            "again from the browser.",
        )
    path = parts.path
    if host in _DOI_HOSTS:
        doi = unquote(path).lstrip("/")
        if not doi:
            raise _refuse(
                source,
                f'"{_show(source)}" is a doi.org address without a DOI; paste the whole '
                "address, such as https://doi.org/10.1056/NEJMoa1606038.",
            )
        return _doi(doi, source)
    if host == "pubmed.ncbi.nlm.nih.gov":
        match = _PUBMED_PATH.fullmatch(path)
        if match:
            return _pmid(match.group(1), source)
    elif host in _NCBI_HOSTS:
        match = _NCBI_PUBMED_PATH.fullmatch(path)
        if match:
            return _pmid(match.group(1), source)
        match = _NCBI_PMC_PATH.fullmatch(path)
        if match:
            return _pmcid(match.group(2), source)
    elif host == "pmc.ncbi.nlm.nih.gov":
        match = _PMC_PATH.fullmatch(path)
        if match:
            return _pmcid(match.group(2), source)
    elif host in _TRIAL_HOSTS:
        match = _TRIAL_PATH.fullmatch(path)
        if match:
            return _nct(match.group(1)[3:], source)
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(
            source,
            f'The web address starting "{_show(source)}" is longer than {MAX_URL_LENGTH} '
            "characters; paste a shorter link to the same page.",
        )
    # Scheme and host lower-cased, the rest as given.
    after_netloc = rest[2 + len(parts.netloc) :]
    return Identifier("url", f"{scheme}://{parts.netloc.lower()}{after_netloc}", source)


def _valid_host(host: str) -> bool:
    if host.startswith("[") or ":" in host:  # an IPv6 literal; urlsplit has checked its shape
        return True
    if len(host) > 253:
        return False
    return all(_HOST_LABEL.fullmatch(label) for label in host.split("."))


_LABEL_KINDS = {"pmid": "pmid", "pmcid": "pmcid", "pmc": "pmcid", "doi": "doi", "nct": "nct"}


def _labelled(label: str, value: str, source: str) -> Identifier:
    """A value after a label ("PMID: 123", "doi:10.1/x", "PMCID PMC1", "NCT 01234567")."""
    kind = _LABEL_KINDS[label]
    lowered = value.lower()
    if lowered.startswith(("http:", "https:")) or _KNOWN_BARE.match(value):
        found = _classify(value, source)  # an address for the same identifier is fine
        if found.kind == kind:
            return found
    if kind == "pmid":
        return _pmid(value, source)
    if kind == "pmcid":
        return _pmcid(value[3:] if lowered.startswith("pmc") else value, source)
    if kind == "nct":
        return _nct(value[3:] if lowered.startswith("nct") else value, source)
    return _doi(value, source)


def _classify(token: str, source: str) -> Identifier:
    """One cleaned token (no surrounding punctuation) as an identifier, or IdentifierRefused."""
    if _CONTROL.search(token):
        raise _refuse(
            source,
            f'"{_show(source)}" contains control characters; copy the identifier again as '
            "plain text.",
        )
    if _SURROGATE.search(token):
        raise _refuse(
            source,
            f'"{_show(source)}" contains characters that are not valid text (unpaired '
            "surrogates); copy the identifier again as plain text.",
        )
    labelled = _LABELLED.fullmatch(token)
    if labelled:
        return _labelled(labelled.group(1).lower(), labelled.group(2), source)
    if _DIGITS.fullmatch(token):
        return _pmid(token, source)
    lowered = token.lower()
    if lowered.startswith("pmc") and not lowered.startswith("pmc."):
        return _pmcid(token[3:], source)
    if lowered.startswith("nct") and (len(token) == 3 or not token[3].isalpha()):
        return _nct(token[3:], source)
    if lowered.startswith("10.") and "/" in token:
        return _doi(token, source)
    scheme = _SCHEME.match(token)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            return _url(token, source)
        raise _refuse(
            source,
            f'"{_show(source)}" is a "{name}:" address, which claimreview does not accept; '
            "paste an http:// or https:// web address instead.",
        )
    if _KNOWN_BARE.match(token):
        return _url("https://" + token, source)
    if token.startswith("//") or lowered.startswith("www.") or _BARE_HOST.fullmatch(token):
        raise _refuse(
            source,
            f'"{_show(source)}" has no http:// or https:// in front; paste the full web '
            "address, starting with https://.",
        )
    if _THOUSANDS.fullmatch(token):
        raise _refuse(
            source,
            f'"{_show(source)}" looks like a number with thousands separators, not a PMID; '
            "paste PMIDs without commas, such as PMID 27557302.",
        )
    raise _unrecognised(source)


# --- Cleaning and splitting a paste -------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``text[start:end]`` by surrounding quotes, opening brackets, trailing punctuation
    (``.,;:!?``) and unbalanced closing brackets. Linear in the length of the span."""
    while start < end and text[start] in _LEADING:
        start += 1
    if start >= end:
        return start, start
    if text[end - 1] not in _ENDING:
        return start, end
    span = text[start:end]
    balance = {
        closer: span.count(closer) - span.count(opener)
        for opener, closer in zip(_OPENERS, _CLOSERS, strict=True)
    }
    while start < end:
        last = text[end - 1]
        if last in _TRAILING or last in _QUOTES:
            end -= 1
        elif last in balance and balance[last] > 0:
            balance[last] -= 1
            end -= 1
        else:
            break
    return start, end


# A comma or semicolon inside a token that separates identifiers ("123,456"; "10.1/a;10.2/b"):
# one followed by another separator, the end, the start of an identifier ("strong"), or a bare
# number up to the next separator. Others belong to the identifier (a DOI such as
# "...3.0.CO;2-Z", an address with a comma in its path).
_SPLIT = re.compile(
    r"[,;](?=(?P<strong>[,;]|$|10\.[0-9]|doi\b|pmid\b|pmcid\b|pmc[0-9]|nct[0-9]|https?://)"
    r"|[0-9]+(?:[,;]|$))",
    re.IGNORECASE,
)
_HTTP = re.compile(r"https?://", re.IGNORECASE)


def _split(token: str, offset: int) -> list[tuple[int, int]]:
    """Spans (absolute) of the pieces of one whitespace-free token, split at the commas and
    semicolons that separate identifiers. A bare number after a comma inside a web address
    ("?ids=1,2") or in a formatted number ("1,234") does not split it."""
    pieces: list[tuple[int, int]] = []
    start = 0
    thousands = _THOUSANDS.fullmatch(token) is not None
    for match in _SPLIT.finditer(token):
        if match.group("strong") is None and (thousands or _HTTP.match(token, start)):
            continue
        cut = match.start()
        pieces.append((offset + start, offset + cut))
        start = cut + 1
    pieces.append((offset + start, offset + len(token)))
    return pieces


_NON_SPACE = re.compile(r"\S+")


def _pieces(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _NON_SPACE.finditer(text):
        token = match.group()
        separated = "," in token or ";" in token
        for start, end in _split(token, match.start()) if separated else (match.span(),):
            start, end = _trim(text, start, end)
            if start < end:
                spans.append((start, end))
    return spans


def _is_word(token: str) -> bool:
    return bool(_WORD.fullmatch(token) or _ABBREVIATION.fullmatch(token))


def parse_identifier(text: str) -> Identifier:
    """One pasted identifier, normalized; raises IdentifierRefused (a ClaimreviewError) with
    the reason when it is not one claimreview accepts."""
    source = text.strip()
    if not source:
        raise _refuse(
            "", "Nothing was pasted; paste a DOI, PMID, PMCID, NCT number or web address."
        )
    start, end = _trim(source, 0, len(source))
    token = source[start:end]
    if not token:
        raise _unrecognised(source)
    if any(ch.isspace() for ch in token) and not _LABELLED.fullmatch(token):
        raise _refuse(
            source,
            f'"{_show(source)}" contains spaces; paste a single identifier, '
            "or paste several into the list of identifiers.",
        )
    if _is_word(token):
        raise _unrecognised(source)
    return _classify(token, " ".join(token.split()))


def parse_identifiers(text: str) -> tuple[list[Identifier], list[Refused]]:
    """Every identifier in a paste, in order of first appearance and without repeats, and
    every piece that looks like an attempt at one but is refused (with its reason).

    Identifiers may be separated by whitespace, commas, semicolons or newlines, or stand in
    running text ("see doi:10.1000/xyz123, PMID: 12345678 and NCT01234567."): words of
    prose are skipped. A paste with words but no identifier at all gives one Refused for the
    whole text. A bare number is read as a PMID; a label ("PMID", "DOI", "PMCID", "NCT")
    before the next piece applies to it.
    """
    found: list[Identifier] = []
    refused: list[Refused] = []
    seen: set[tuple[str, str]] = set()
    seen_sources: set[str] = set()  # a piece pasted again adds nothing: skip it early
    pieces = _pieces(text)
    words = 0
    index = 0
    while index < len(pieces):
        start, end = pieces[index]
        token = text[start:end]
        lowered = token.lower()
        combined: tuple[str, str] | None = None
        if lowered in _LABELS and index + 1 < len(pieces):
            next_start, next_end = pieces[index + 1]
            value = text[next_start:next_end]
            if not _is_word(value):
                combined = (f"{token}:{value}", " ".join(text[start:next_end].split()))
                index += 1
        index += 1
        if combined is None:
            if token in seen_sources:
                continue
            seen_sources.add(token)
            if _is_word(token):
                words += 1
                continue
            candidate, source = token, token
        else:
            candidate, source = combined
            if source in seen_sources:
                continue
            seen_sources.add(source)
        try:
            identifier = _classify(candidate, source)
        except IdentifierRefused as refusal:
            refused.append(Refused(source, refusal.reason))
            continue
        key = (identifier.kind, identifier.value)
        if key not in seen:
            seen.add(key)
            found.append(identifier)
    if not found and not refused and words:
        refused.append(
            Refused(
                _show(text),
                "No DOI, PMID, PMCID, NCT number or web address was found in the pasted text; "
                f"paste identifiers {_EXAMPLES}.",
            )
        )
    return found, refused
