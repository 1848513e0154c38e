"""Vancouver (ICMJE / NLM "Citing Medicine") references, numbered in order of first citation.

A journal article reads::

    Surname AB, Surname CD, Surname EF, et al. Title of article. Journal Abbrev.
    Year;Vol(Issue):Pages. doi:10.xxxx/yyyy

Up to six authors are listed; with more, the first six and "et al.". Missing parts are left
out with their punctuation. Page ranges drop the repeated leading digits of the last page
(1909-1920 becomes 1909-20), as NLM does. A web source without a journal or DOI reads
"Title [Internet]. Available from: URL"; one with nothing but its address is the address alone,
never "[Internet]" with no title before it. A PubMed id ends the reference ("PMID: 27541989."),
as PubMed's own Vancouver citations end.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["MAX_AUTHORS", "elide_pages", "format_vancouver", "number_citations"]

MAX_AUTHORS = 6
_ET_AL = frozenset({"et al", "et al.", "others", "and others"})
_END = (".", "?", "!")
_PAGE_RANGE = re.compile(r"([0-9]+)\s*[-–—]+\s*([0-9]+)")

H = TypeVar("H", bound=Hashable)


def _get(ref: Any, name: str) -> Any:
    if isinstance(ref, Mapping):
        return ref.get(name)
    return getattr(ref, name, None)


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return " ".join(str(value).split())


def _sentence(text: str) -> str:
    """The text ending with exactly one full stop (a closing "?" or "!" is kept instead)."""
    text = text.rstrip()
    if not text:
        return ""
    if text.endswith(_END):
        return text
    return text + "."


def elide_pages(pages: str) -> str:
    """NLM page ranges: "1909-1920" -> "1909-20", "123-128" -> "123-8"; others as given."""
    pages = _text(pages)
    match = _PAGE_RANGE.fullmatch(pages)
    if match is None:
        return pages.replace("–", "-").replace("—", "-")
    first, last = match.groups()
    if len(first) == len(last) and int(last) > int(first):
        common = 0
        while common < len(last) - 1 and first[common] == last[common]:
            common += 1
        last = last[common:]
    return f"{first}-{last}"


def _authors(ref: Any) -> str:
    raw = _get(ref, "authors") or ()
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raw = [raw]
    names = [_text(name) for name in raw]
    names = [name for name in names if name]
    et_al = False
    while names and names[-1].lower() in _ET_AL:
        names.pop()
        et_al = True
    if len(names) > MAX_AUTHORS:
        names = names[:MAX_AUTHORS]
        et_al = True
    if not names:
        return ""
    listed = ", ".join(name.rstrip(".").rstrip() or name for name in names)
    return f"{listed}, et al." if et_al else f"{listed}."


def _source_details(ref: Any) -> str:
    """ "Year;Vol(Issue):Pages", with what is missing left out."""
    year = _text(_get(ref, "year"))
    volume = _text(_get(ref, "volume"))
    issue = _text(_get(ref, "issue"))
    pages = elide_pages(_text(_get(ref, "pages")))
    located = volume + (f"({issue})" if issue else "")
    text = year
    if located:
        text = f"{text};{located}" if text else located
    if pages:
        text = f"{text}:{pages}" if text else pages
    return text


def format_vancouver(ref: Any) -> str:
    """One reference in Vancouver style, from a Reference or any object (or mapping) with
    its attributes: title, authors, journal, year, volume, issue, pages, doi, pmid, url."""
    parts: list[str] = []
    authors = _authors(ref)
    if authors:
        parts.append(authors)
    title = _text(_get(ref, "title"))
    journal = _text(_get(ref, "journal"))
    doi = _text(_get(ref, "doi"))
    url = _text(_get(ref, "url"))
    pmid = _text(_get(ref, "pmid"))
    web_only = bool(url) and not journal and not doi
    if web_only and not title and not authors and not pmid:
        return url  # nothing to cite it by but its address: the address, plainly
    if title:
        if web_only:
            parts.append(f"{title.rstrip('.').rstrip()} [Internet].")
        else:
            parts.append(_sentence(title))
    if journal:
        parts.append(_sentence(journal))
    details = _source_details(ref)
    if details:
        parts.append(_sentence(details))
    if doi:
        parts.append(f"doi:{doi}" + (". " if pmid else ""))
    elif url:
        parts.append(f"Available from: {url}" + (". " if pmid else ""))
    if pmid:
        parts.append(f"PMID: {pmid}.")
    return " ".join(parts).replace(".  ", ". ")


def number_citations(ids_in_order_of_first_use: Iterable[H]) -> dict[H, int]:
    """Vancouver numbers: 1 for the first source cited, 2 for the next new one, and so on;
    a source cited again keeps its number."""
    numbers: dict[H, int] = {}
    for source in ids_in_order_of_first_use:
        if source not in numbers:
            numbers[source] = len(numbers) + 1
    return numbers
