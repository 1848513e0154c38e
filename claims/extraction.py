"""Claim extraction: a ``Document`` becomes the list of sentences a medical reviewer checks.

Every claim keeps its exact span: ``doc.text[c.start:c.end] == c.text``. Headings become
claims (without "#" marks or a setext underline) and set the section of what follows: a heading
that asserts something ("Obesity Raises Risk of Death", ``claims.headlines``) is a checkable
claim, a label ("Targeted Treatment") a non-checkable one; a short title-like label at the
start of a (list) paragraph ("1. Targeted Treatment: ...") sets the section of that paragraph
only and, like a heading, becomes a non-checkable
claim of its own (so cues such as "Miracle Cure" stay in front of the reviewer); the list
marker and the label are never inside another claim. What someone reported ("One study found:
...") is no label. Each sentence is classified (claim, question, signpost,
opinion, fragment) and carries the cues of overclaiming found in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Any

from claims.bylines import MAX_BYLINE_CHARS, read_byline
from claims.cues import CUE_KINDS, Cue, find_cues
from claims.document import Block, Document
from claims.headlines import heading_asserts
from claims.markers import BARE_MARKER, LIST_MARKER, TRAILING_CLOSERS
from claims.sentences import sentence_spans

try:  # the parsed form of a pattern, to see where it can match (private, in 3.11 to 3.14)
    from re import _constants, _parser
except ImportError:  # a Python without them (as in claims/cues.py): patterns tried anywhere
    _constants = _parser = None

__all__ = [
    "CLAIM_KINDS",
    "CUE_KINDS",
    "SECTION_MAX_CHARS",
    "Cue",
    "ExtractedClaim",
    "extract_claims",
    "split_text",
]

CLAIM_KINDS = ("claim", "heading", "signpost", "question", "opinion", "fragment", "byline")
SECTION_MAX_CHARS = 500  # a section name never exceeds this (the database column's size)


@dataclass(frozen=True)
class ExtractedClaim:
    """One sentence (or heading) of a document, located by its offsets into ``Document.text``."""

    start: int
    end: int
    text: str
    section: str | None
    checkable: bool
    kind: str  # one of CLAIM_KINDS
    cues: tuple[Cue, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: start, end, text, section, checkable, kind, cues (list of dicts)."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "section": self.section,
            "checkable": self.checkable,
            "kind": self.kind,
            "cues": [cue.to_dict() for cue in self.cues],
        }


# Blank-line-separated chunks, for a document built without blocks.
_BLANK_LINE = re.compile(r"\n[^\S\n]*+\n\s*+")
# A line inside a block that starts a new list item: "...\n- next item".
_ITEM_START = re.compile(r"\n[ \t]*+(?=" + LIST_MARKER.pattern + ")")
_MARKDOWN_HASHES = re.compile(r"#{1,6}[ \t]+(?=\S)")
# What ends a plain-text heading block but is no part of its words: the closing hashes of
# "## Section ##" and the underline of a setext heading ("Title\n=====").
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_UNDERLINE = re.compile(r"\n[ \t]*(?:=+|-+)[ \t]*$")
# A label: up to the first colon, no sentence punctuation before it, text after. In a list item
# it may be wrapped over lines ("1. Targeted\nTreatment: ..."); in a paragraph it is on one line.
_LABEL = re.compile(r"([^\s:.!?;,][^\n:.!?;,]{0,79}):\s+(?=\S)")
_WRAPPED_LABEL = re.compile(r"([^\s:.!?;,][^:.!?;,]{0,79}):\s+(?=\S)")
_LABEL_COLON_WITHIN = 81  # both find the colon within this many characters of the start
_WORD = re.compile(r"[^\W_]\S*+")  # a word: from its first letter or digit on
_TRAILING_CLOSERS = TRAILING_CLOSERS + " \t\n"
_FRAGMENT_MAX_WORDS = 2  # a sentence of fewer than 3 words is a fragment
# Enough runs of non-space characters, each beginning with a letter or digit: no fragment.
_FIRST_RUNS_ARE_WORDS = re.compile(
    r"\s*+" + r"\S*+\s++".join([r"[^\W_]"] * (_FRAGMENT_MAX_WORDS + 1))
)
_LABEL_MAX_WORDS = 8
_UNMARKED_LABEL_MAX_WORDS = 5
_SENTENCE_CASE_LABEL_MAX_WORDS = 4
# Words that may stay lowercase in a Title Case label ("Reduced Risk of Relapse").
_MINOR_WORDS_TEXT = "a an the of and or nor but for to in on at by with vs via per from into as"
_MINOR_WORDS = frozenset(_MINOR_WORDS_TEXT.split())
# Words that make a phrase before a colon read as prose rather than a label ("Note that: ...").
_PROSE_WORDS_TEXT = (
    "is are was were be been being has have had do does did that this these those it its we i "
    "you they he she there here which who following include includes including such as "
    "because so if"
)
_PROSE_WORDS = frozenset(_PROSE_WORDS_TEXT.split())
# Reporting verbs: "One study found:", "Experts warn:", "My doctor told me:" introduce what
# someone said, which is the claim itself, not a label. Written in lowercase (sentence case)
# every form counts; capitalised, only the forms that cannot start a Title Case label, which
# may be an imperative or an adjective ("Tell Your Doctor:", "Recommended Dose:").
_REPORTING_VERBS_TEXT = (
    "say says said tell tells told find finds found show shows showed shown warn warns warned "
    "report reports reported suggest suggests suggested claim claims claimed note notes noted "
    "explain explains explained state states stated add adds added conclude concludes "
    "concluded argue argues argued write writes wrote reveal reveals revealed confirm confirms "
    "confirmed believe believes believed recommend recommends recommended agree agrees agreed "
    "insist insists insisted according"
)
_REPORTING_VERBS = frozenset(_REPORTING_VERBS_TEXT.split())
_CAPITALISED_REPORTING_VERBS_TEXT = (
    "says said tells told warn warns warned showed argues argued wrote explains insists "
    "concludes believes agrees according"
)
_CAPITALISED_REPORTING_VERBS = frozenset(_CAPITALISED_REPORTING_VERBS_TEXT.split())


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None

    def matches(self, sentence: str) -> bool:
        return self.regex.search(sentence) is not None and (
            self.unless is None or self.unless.search(sentence) is None
        )


@dataclass(frozen=True)
class _PatternList:
    patterns: tuple[_Pattern, ...]

    def matches(self, sentence: str) -> bool:
        return any(p.matches(sentence) for p in self.patterns)


@dataclass(frozen=True)
class _AnyPattern:
    """Where one of some patterns may match, told in one or two steps for most sentences: the
    patterns anchored at the start ("^...") are tried there only, the others anywhere."""

    at_start: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None

    def may_match(self, sentence: str) -> bool:
        return (self.at_start is not None and self.at_start.match(sentence) is not None) or (
            self.anywhere is not None and self.anywhere.search(sentence) is not None
        )


@dataclass(frozen=True)
class _Patterns:
    signpost: _PatternList
    opinion: _PatternList
    either: _AnyPattern  # rules out most sentences before the patterns are tried one by one


def _compile_patterns(items: list[dict[str, str]]) -> _PatternList:
    return _PatternList(
        tuple(
            _Pattern(
                regex=re.compile(item["pattern"], re.IGNORECASE),
                unless=re.compile(item["unless"], re.IGNORECASE) if item.get("unless") else None,
            )
            for item in items
        )
    )


def _any_pattern(items: list[dict[str, str]]) -> _AnyPattern:
    anchored: list[str] = []
    unanchored: list[str] = []
    for item in items:
        (anchored if _anchored_at_start(item["pattern"]) else unanchored).append(item["pattern"])
    return _AnyPattern(at_start=_any_of(anchored), anywhere=_any_of(unanchored))


def _any_of(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _anchored_at_start(pattern: str) -> bool:
    """Whether ``pattern`` can only match at the start of the string (it begins with "^")."""
    if _parser is None:
        return False
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return False
    first = parsed[0] if len(parsed) else None
    return first in (
        (_constants.AT, _constants.AT_BEGINNING),
        (_constants.AT, _constants.AT_BEGINNING_STRING),
    )


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    content = resources.files("claims").joinpath("data", "signposts.json").read_text("utf-8")
    data = json.loads(content)
    return _Patterns(
        signpost=_compile_patterns(data["signpost"]),
        opinion=_compile_patterns(data["opinion"]),
        either=_any_pattern(data["signpost"] + data["opinion"]),
    )


def split_text(text: str) -> list[ExtractedClaim]:
    """The claims of plain text: a ``Document`` with no blocks (blank lines part paragraphs)."""
    return extract_claims(Document(text=text, source_format="txt"))


def extract_claims(doc: Document) -> list[ExtractedClaim]:
    """The claims of ``doc``, in text order, each with its exact span into ``doc.text``."""
    text = doc.text
    claims: list[ExtractedClaim] = []
    section: str | None = None
    for block in _blocks(doc):
        byline = _byline_claim(text, block, section)
        if byline is not None:  # "By Jane Doe, MD", "Published 5 March 2024": not a claim
            claims.append(byline)
            continue
        if block.kind == "heading":
            heading = _heading_claim(text, block)
            if heading is not None:
                claims.append(heading)
                section = heading.section
            continue
        for item_start, item_end in _items(text, block.start, block.end):
            _extract_item(text, item_start, item_end, block.kind, section, claims)
    return claims


def _blocks(doc: Document) -> Iterator[Block]:
    size = len(doc.text)
    if doc.blocks:
        for block in doc.blocks:
            start, end = max(0, block.start), min(size, block.end)
            if start < end:
                yield Block(block.kind, start, end, block.level)
        return
    start = 0
    for m in _BLANK_LINE.finditer(doc.text):
        if m.start() > start:
            yield Block("paragraph", start, m.start())
        start = m.end()
    if start < size:
        yield Block("paragraph", start, size)


def _byline_claim(text: str, block: Block, section: str | None) -> ExtractedClaim | None:
    if block.kind == "list_item" or block.end - block.start > MAX_BYLINE_CHARS + 20:
        return None
    start, end = trim_span(text, block.start, block.end)
    hashes = _MARKDOWN_HASHES.match(text, start, end)
    own = text[hashes.end() if hashes else start : end].strip()
    if read_byline(own) is None:
        return None
    return ExtractedClaim(start, end, text[start:end], section, False, "byline", ())


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _heading_claim(text: str, block: Block) -> ExtractedClaim | None:
    start, end = trim_span(text, block.start, block.end)
    hashes = _MARKDOWN_HASHES.match(text, start, end)
    if hashes:
        start = hashes.end()
        closing = _CLOSING_HASHES.search(text, start, end)
        if closing:
            end = closing.start()
    else:
        underline = _UNDERLINE.search(text, start, end)
        if underline:
            end = underline.start()
    start, end = trim_span(text, start, end)
    if start >= end:
        return None
    own = text[start:end]
    if heading_asserts(own):  # a headline states a finding: checked like any claim
        return ExtractedClaim(start, end, own, _section_name(own), True, "claim", find_cues(own))
    return ExtractedClaim(start, end, own, _section_name(own), False, "heading", find_cues(own))


def _section_name(heading: str) -> str:
    """The heading itself; one too long to be a name (a mis-styled paragraph) is shortened."""
    if len(heading) <= SECTION_MAX_CHARS:
        return heading
    cut = heading[: SECTION_MAX_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip() + "\u2026"


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a block at lines that start a list item (plain text lists within one block)."""
    for m in _ITEM_START.finditer(text, start, end):
        yield start, m.start()
        start = m.end()
    yield start, end


def _extract_item(
    text: str,
    start: int,
    end: int,
    block_kind: str,
    section: str | None,
    claims: list[ExtractedClaim],
) -> None:
    start, end = trim_span(text, start, end)
    if start >= end or BARE_MARKER.fullmatch(text, start, end):
        return
    marker = LIST_MARKER.match(text, start, end)
    if marker:
        start = marker.end()
    label = _label(text, start, end, marked=marker is not None or block_kind == "list_item")
    if label is not None:
        label_start, (section, start) = start, label
        label_end = text.rindex(":", label_start, start)
        ls, le = trim_span(text, label_start, label_end)
        own = text[ls:le]
        claims.append(ExtractedClaim(ls, le, own, section, False, "heading", find_cues(own)))
    for s, e in sentence_spans(text, start, end):
        if marker and s > start:
            # An inline list's next item ("1. Rest 2. Ice"): its marker goes, like the first's.
            inline = LIST_MARKER.match(text, s, e)
            if inline:
                s = inline.end()
        sentence = text[s:e]
        kind = classify_sentence(sentence)
        claims.append(
            ExtractedClaim(s, e, sentence, section, kind == "claim", kind, find_cues(sentence))
        )


def _label(text: str, start: int, end: int, *, marked: bool) -> tuple[str, int] | None:
    """A title-like label before a colon at ``start``: (label, where the claims begin).

    Title Case labels ("Targeted Treatment:") are accepted in a list item; a sentence-case one
    ("Side effects:") only before a capital or a digit; none that reads as prose or reports
    what someone said ("One study found:", "Experts warn:").
    """
    if text.find(":", start, min(end, start + _LABEL_COLON_WITHIN)) < 0:
        return None  # the usual paragraph: no colon near its start
    m = (_WRAPPED_LABEL if marked else _LABEL).match(text, start, end)
    if m is None:
        return None
    words = m.group(1).split()
    label = " ".join(words)
    if not words or len(words) > _LABEL_MAX_WORDS or not label[0].isupper():
        return None
    lowered = [word.lower() for word in words]
    if lowered[-1] in _MINOR_WORDS or any(word in _PROSE_WORDS for word in lowered):
        return None
    if any(
        lowered_word in (_REPORTING_VERBS if word == lowered_word else _CAPITALISED_REPORTING_VERBS)
        for word, lowered_word in zip(words, lowered, strict=True)
    ):
        return None
    title_case = all(
        word[0].isupper() or word[0].isdigit() or lowered_word in _MINOR_WORDS
        for word, lowered_word in zip(words, lowered, strict=True)
    )
    following = text[m.end()]
    capital_follows = following.isupper() or following.isdigit()
    if marked:
        accepted = title_case or (len(words) <= _SENTENCE_CASE_LABEL_MAX_WORDS and capital_follows)
    else:
        # A paragraph that did not start with a marker: only a short Title Case label
        # followed by a capitalised sentence ("Bottom Line: Immunotherapy ...").
        accepted = title_case and len(words) <= _UNMARKED_LABEL_MAX_WORDS and capital_follows
    return (label, m.end()) if accepted else None


def classify_sentence(sentence: str) -> str:
    """The kind of a sentence: question, signpost, opinion, fragment or (checkable) claim."""
    if sentence.rstrip(_TRAILING_CLOSERS).endswith("?"):
        return "question"
    patterns = _patterns()
    if patterns.either.may_match(sentence):
        if patterns.signpost.matches(sentence):
            return "signpost"
        if patterns.opinion.matches(sentence):
            return "opinion"
    return "fragment" if _is_fragment(sentence) else "claim"


def _is_fragment(sentence: str) -> bool:
    """Whether ``sentence`` has too few words for a claim (a word begins at a letter or digit)."""
    if _FIRST_RUNS_ARE_WORDS.match(sentence):
        return False  # the usual case, told in one step
    needed = _FRAGMENT_MAX_WORDS + 1
    return sum(1 for _ in islice(_WORD.finditer(sentence), needed)) < needed
