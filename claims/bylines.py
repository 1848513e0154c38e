"""Bylines, datelines and a publication's name: lines about an article, not claims in it.

"By Brenda Goodman, MA", "Reviewed by Hansa D. Bhargava, MD on February 20, 2015",
"Published Thursday 27 July 2017", "WebMD Health News", and the combined line health sites
write ("Medically reviewed by Jane Doe, PhD — Written by Ana Sandoiu — Updated on July 27,
2017"). The readers take the author and the medical reviewer from them into the article's
metadata; the extractor marks such a line as a byline, never a checkable claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_BYLINE_CHARS", "Byline", "bylines_of", "read_byline"]

MAX_BYLINE_CHARS = 300
_MAX_COMMAS = 16  # a byline with more is a list of a study's authors, or prose

# A person's name: capitalised words (initials and particles allowed), with an optional title.
_WORD = r"[A-Z][\w'\u2019.\-]*"
_PARTICLE = r"(?:de|da|del|della|der|den|van|von|la|le|du|di|bin|al|y)"
# Not a name's first word: "By Eating Less Sugar", "By Monday", "By You".
_NOT_FIRST = (
    r"(?!(?:The|A|An|This|That|These|Those|Our|Your|My|Its|Their|You|We|It|They|How|Why|What|"
    r"When|Where|Staff|Far|Now|Then|Contrast|Comparison|Age|Law|Design|Default|Far|Then|"
    r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Satur|Sun)(?:day)?|Jan(?:uary)?|Feb(?:ruary)?|"
    r"Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|"
    r"Nov(?:ember)?|Dec(?:ember)?)\b)(?![A-Za-z]{3,}ing\b)"
)
_NAME = rf"(?>(?:(?:Dr|Prof)\.?\s+)?{_NOT_FIRST}{_WORD}(?:\s+(?:{_WORD}|{_PARTICLE})){{0,5}}+)"
# Degrees and credentials after a name: ", MA", ", MD, PhD", ", R.N.", ", AHN-BC". Each person
# is read once (atomic groups): a comma-separated word is a credential or the next person, and
# trying both ways for every comma would take minutes on a long line of names.
_CREDENTIAL = r"(?:[A-Z][A-Za-z.]{0,9}(?:-[A-Z]{1,4})?)"
_PERSON = rf"(?>{_NAME}(?:,\s*{_CREDENTIAL}(?=,|\s|$))*+)"
_PEOPLE = rf"{_PERSON}(?:(?:,\s*|\s+(?:and|&)\s+|,\s+and\s+){_PERSON}){{0,5}}+"

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"  # "July", "Jul."
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+"
_DATE = (
    rf"(?:{_WEEKDAY})?(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
    r"\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[APap]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?)?"
)
_ON_DATE = rf"(?:\s+on\s+{_DATE})?"

# The words before a name are matched in any case, the name itself only capitalised.
_REVIEWER = re.compile(
    r"(?i:(?:(?:medically|clinically|scientifically|expert|fact[- ]checked\s+and)\s+)?"
    rf"reviewed\s+by)\s*:?\s*(?P<name>{_PEOPLE}){_ON_DATE}"
)
_AUTHOR = re.compile(
    r"(?i:(?:(?:written|story|words|reporting|posted|text)\s+)?by)\s*:?\s*"
    rf"(?P<name>{_PEOPLE}){_ON_DATE}"
)
_DATELINE = re.compile(
    rf"(?:{_DATE}\s+)?"  # "April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm"
    r"(?:(?i:(?:first\s+)?published|updated|last\s+updated|last\s+modified|modified|posted|"
    rf"last\s+reviewed|reviewed|date)(?:\s+on)?\s*:?\s*{_DATE}\s*)+"
)
_BARE_DATE = re.compile(_DATE)
# A news service's label: "WebMD Health News", "HealthDay News", "Kaiser Health News", "NBC
# News", "Reuters Health": a brand (a capital inside a word, or all capitals) or "Health";
# never a headline's words ("Good News", "Coffee Drinkers Get Good News").
_BRAND = r"(?:[A-Z][a-z]*[A-Z][\w&.'\u2019-]*|[A-Z]{2,}[\w&.'\u2019-]*)"
_PUBLICATION = re.compile(
    rf"(?:From\s+)?(?:{_BRAND}(?:\s+{_BRAND})?\s+(?:Health\s+)?|"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+Health\s+)(?:News|Newsroom)|Reuters\s+Health"
)
# The parts of a combined byline: "Medically reviewed by ... — Written by ... — Updated on ...".
_SEPARATORS = re.compile(r"\s+[\u2014\u2013|\u2022\u00b7]\s+|\s+-\s+|\s*\n\s*")


@dataclass(frozen=True)
class Byline:
    """What a byline line says: who wrote the article, who reviewed it medically, and
    whether it carries a date or a publication's name."""

    author: str | None = None
    reviewer: str | None = None
    dated: bool = False
    publication: bool = False


def read_byline(line: str) -> Byline | None:
    """The byline ``line`` is, or None when any part of it is something else (prose)."""
    line = line.strip()
    if not line or len(line) > MAX_BYLINE_CHARS or line.count(",") > _MAX_COMMAS:
        return None
    author: str | None = None
    reviewer: str | None = None
    dated = publication = False
    for part in _SEPARATORS.split(line):
        part = part.strip(" ,;")
        if not part:
            continue
        if match := _REVIEWER.fullmatch(part):
            reviewer = reviewer or _name(match["name"])
        elif match := _AUTHOR.fullmatch(part):
            author = author or _name(match["name"])
        elif _DATELINE.fullmatch(part) or _BARE_DATE.fullmatch(part):
            dated = True
        elif _PUBLICATION.fullmatch(part):
            publication = True
        else:
            return None
    if not (author or reviewer or dated or publication):
        return None
    return Byline(author, reviewer, dated, publication)


def _name(found: str) -> str | None:
    """A name as read, without a trailing full stop; None for words that are no name
    ("By The Numbers", "By Staff")."""
    name = " ".join(found.split()).rstrip(".,")
    first = name.split()[0].lower()
    if first in ("the", "a", "an", "this", "our", "staff", "far", "now", "then", "contrast"):
        return None
    return name


def bylines_of(lines: Iterable[str]) -> Byline:
    """The author and medical reviewer that the byline lines among ``lines`` name (the first
    named of each)."""
    author: str | None = None
    reviewer: str | None = None
    for line in lines:
        found = read_byline(line)
        if found is not None:
            author = author or found.author
            reviewer = reviewer or found.reviewer
    return Byline(author, reviewer)
