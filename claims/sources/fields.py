"""Small readers the service parsers share: names in Vancouver form, markup to text, JSON
bodies, years and dates. Each takes what a service sent and never invents what it left out."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from claims.sources.errors import SourceFormatError

__all__ = [
    "as_list",
    "clean",
    "collapse",
    "date_parts_iso",
    "first_text",
    "flatten_markup",
    "initials",
    "load_json",
    "vancouver",
    "year_in",
]

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# One tag of JATS or HTML markup (<jats:p>, </h4>, <br/>, <i class="x">); "p < 0.05" is no tag.
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][\w:.-]*)(?:\s[^<>]*)?/?>")
_HEADINGS = frozenset({"title", "h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"p", "sec", "br", "div", "li", "list-item"})


def collapse(text: str) -> str:
    """Runs of whitespace (newlines, tabs, double spaces) as one space, trimmed."""
    return " ".join(text.split())


def clean(value: object) -> str:
    """A JSON scalar as trimmed text; "" for null, lists, objects and booleans."""
    if isinstance(value, str):
        return collapse(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def as_list(value: object) -> list[Any]:
    """A JSON value that should be a list: null is empty, a lone object is a list of one."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def first_text(values: object) -> str:
    """The first non-empty string of a JSON list (Crossref's title, container-title...)."""
    for value in as_list(values):
        text = clean(value)
        if text:
            return text
    return ""


def initials(given: str) -> str:
    """Initials of given names: "John Adam" → "JA", "Xing-Lou" → "XL", "J.-P." → "JP";
    names already given as initials, as PubMed and Crossref often do ("AJ"), are kept."""
    letters: list[str] = []
    for word in given.replace(".", " ").split():
        if word.isalpha() and word.isupper() and len(word) <= 3:
            letters.append(word)
            continue
        for part in word.split("-"):
            first = next((char for char in part if char.isalpha()), "")
            if first:
                letters.append(first.upper())
    return "".join(letters)


def vancouver(surname: str, given: str = "", suffix: str = "", *, given_initials: str = "") -> str:
    """A person's name as Vancouver writes it, "Surname AB" (and "Jr" after it); the initials
    a service gives win over initials worked out from the given names."""
    parts = [collapse(surname), collapse(given_initials) or initials(given), suffix.strip(" .")]
    return " ".join(part for part in parts if part)


def flatten_markup(text: str) -> str:
    """JATS or HTML markup as plain text a reviewer reads: headings as "Heading: ", paragraphs
    on their own lines, entities decoded, other tags dropped (their text kept).

    Linear in the text's length: one pass over the tags, no backtracking pattern.
    """
    pieces: list[str] = []
    heading_from: int | None = None  # index in pieces where an open heading's text began
    position = 0
    for tag in _TAG.finditer(text):
        pieces.append(text[position : tag.start()])
        position = tag.end()
        name = tag.group("name").lower().rsplit(":", 1)[-1]
        if name in _HEADINGS:
            if not tag.group("close"):
                heading_from = len(pieces)
            elif heading_from is not None:
                heading = collapse(unescape("".join(pieces[heading_from:])))
                del pieces[heading_from:]
                heading_from = None
                # "Abstract" heads most Crossref abstracts; it says nothing the field does not.
                keep = heading and heading.lower() != "abstract"
                pieces.append(f"\n{heading}: " if keep else "\n")
        elif name in _BLOCKS:
            pieces.append("\n")
    pieces.append(text[position:])
    lines = (collapse(unescape(line)) for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def year_in(text: str) -> int | None:
    """The first four-digit year in a date as written ("1998 Dec-1999 Jan" → 1998)."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def date_parts_iso(value: object) -> str:
    """Crossref's {"date-parts": [[2010, 2, 6]]} as "2010-02-06" ("2010-02", "2010" when less
    is known; "" when nothing is)."""
    if not isinstance(value, dict):
        return ""
    parts = as_list(value.get("date-parts"))
    first = as_list(parts[0]) if parts else []
    numbers: list[int] = []
    for part in first[:3]:
        if isinstance(part, bool) or not isinstance(part, int | str) or not str(part).isdigit():
            break
        numbers.append(int(part))
    if not numbers:
        return ""
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


def load_json(data: object, service: str) -> Any:
    """A JSON reply decoded; an empty, cut-short or malformed one raises SourceFormatError.
    Already-decoded data (a dict or list) is taken as it is."""
    if isinstance(data, dict | list):
        return data
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SourceFormatError(service, "is not UTF-8 text") from None
    if not isinstance(data, str):
        raise SourceFormatError(service, f"is a {type(data).__name__}, not JSON text")
    if not data.strip():
        raise SourceFormatError(service, "is empty")
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise SourceFormatError(
            service, f"is cut short or not valid JSON ({error.msg}; {where})"
        ) from None
    except RecursionError:
        raise SourceFormatError(service, "nests its JSON too deeply to read") from None
