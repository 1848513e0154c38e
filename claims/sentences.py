"""Rule-based sentence splitting with exact character offsets.

``sentence_spans`` walks the text once. A compiled regex finds the candidate boundaries (runs
of ``.``, ``!``, ``?``, ``…`` and line breaks); each candidate is decided from a bounded window
around it (the word before, the closing quotes or citation after, the next word), so the time
is linear in the length of the text whatever it contains. The abbreviations the decision needs
are data, in ``claims/data/abbreviations.txt``, loaded once.

Beyond the usual rules: a parenthetical citation after a closing quote stays with the quoted
sentence ('"..." (Smith 55).'); a full stop with no space after it still ends a sentence between
a word (or number) and a capitalised word ("Tuesday.Today", "1,000.That"), but not in a dotted
name or an address; a spaced ellipsis between words (". . .") leaves the sentence going on, a
fourth dot ends it; an inline list's next marker, in sequence and in the same style ("1.) ...
2.)", "a. ... b."), begins a sentence of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from claims.markers import CONTINUING_WORDS, LIST_MARKER, TRAILING_CLOSERS

__all__ = ["LIST_MARKER", "sentence_spans"]

# Closing quotes and brackets that stay with the sentence they end.
_CLOSERS = "[" + re.escape(TRAILING_CLOSERS) + "]*+"
# Numbered citations right after the full stop: ".[12]", ". [3, 4]", ".[5-7][9]".
_CITATION = r"(?:[ \t]?\[\d{1,4}(?:[ \t]*[,\u2013\u2014-][ \t]*\d{1,4})*+\])++"
# A candidate end of sentence, then the spaces after it: a line break, or a run of sentence
# punctuation with the closers and the citation that stay with it. One search per candidate; it
# begins with one character class, so the regex engine skips quickly from one to the next.
_CANDIDATE = re.compile(
    r"[.!?\u2026\n](?:(?<=\n)|[.!?\u2026]*+"
    rf"(?P<closers>{_CLOSERS})(?P<citation>{_CITATION})?)(?P<space>\s*+)"
)
# Citation numbers flattened from superscripts: ".12 ", ".3,4 ", ".5-7 ", ".11 12 ".
_SUPERSCRIPT = re.compile(r"\d{1,3}(?:(?:, ?|[\u2013-]| )\d{1,3})*+(?=\s)")
_SPACE = re.compile(r"\s*+")
_NEXT_WORD = re.compile(r"[A-Z][a-z]{0,19}+")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_SENTENCE_MARKER = re.compile(r"\d{1,3}|[A-Za-z]|[ivxIVX]{1,4}")
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]")
# A parenthesis closed and followed by the sentence's own full stop: "(Smith 55)." A citation
# after a closing quote belongs to the quoted sentence. Bounded, so time stays linear.
_CITATION_AFTER = re.compile(r"\([^()\n.!?]{1,80}\)[\]\"'\u201d\u2019]*[.!?]")
# An inline list's marker: "2" of "2.)" or "b" of "b." (the sentence's own, at its start, with
# its punctuation).
_ITEM_NUMBER = re.compile(r"\d{1,3}|[a-z]")
_ITEM_START = re.compile(r"(\d{1,3}|[a-z])(\.\)|\.)[ \t]")
_ITEM_BEFORE = re.compile(r"(?:^|(?<=\s))(\d{1,3}|[a-z])(\.\)|\.)[ \t]+$")
# A full stop with no space before a capitalised word: "Tuesday.Today", "1,000.That".
_GLUED_NEXT = re.compile(r"[A-Z][a-z]")
_OPENERS = "([{\"'\u201c\u2018\u00ab"
_TOKEN_WINDOW = 40  # characters looked at before a full stop; longer tokens are not abbreviations
# A heading line inside a paragraph (no blank line after it) needs stronger evidence than a
# line standing alone, which the plain-text reader judges (claims/readers/plain.py): shorter.
_HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 8
# A line ending in one of these (or in a continuing word) goes on, so it is not a heading.
_LINE_CONTINUES = ".,;:!?-\u2013\u2014(/&+=<>"


@dataclass(frozen=True)
class _Table:
    exact: frozenset[str]
    lower: frozenset[str]
    both: frozenset[str]  # exact | lower: one look-up for the usual case

    def __contains__(self, token: object) -> bool:
        if not isinstance(token, str) or not token:
            return False
        if token in self.both:
            return True
        return token[0].isupper() and (token[0].lower() + token[1:]) in self.lower


@dataclass(frozen=True)
class _Abbreviations:
    prefix: _Table
    numeric: _Table
    ambiguous: _Table
    listed: _Table  # in prefix, numeric or ambiguous: most words are in none, one look-up tells
    designators: frozenset[str]
    starters: frozenset[str]


def _parse_abbreviations(content: str) -> _Abbreviations:
    sections: dict[str, list[str]] = {
        "prefix": [],
        "numeric": [],
        "ambiguous": [],
        "designators": [],
        "starters": [],
    }
    current: list[str] | None = None
    for number, raw in enumerate(content.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if name not in sections:
                raise ValueError(f"abbreviations.txt line {number}: unknown section [{name}]")
            current = sections[name]
            continue
        if current is None:
            raise ValueError(f"abbreviations.txt line {number}: entry before any [section]")
        current.append(line[:-1] if line.endswith(".") else line)

    def table(entries: list[str]) -> _Table:
        exact = frozenset(e for e in entries if e != e.lower())
        lower = frozenset(e for e in entries if e == e.lower())
        return _Table(exact=exact, lower=lower, both=exact | lower)

    return _Abbreviations(
        prefix=table(sections["prefix"]),
        numeric=table(sections["numeric"]),
        ambiguous=table(sections["ambiguous"]),
        listed=table(sections["prefix"] + sections["numeric"] + sections["ambiguous"]),
        designators=frozenset(e.lower() for e in sections["designators"]),
        starters=frozenset(sections["starters"]),
    )


@lru_cache(maxsize=1)
def _abbreviations() -> _Abbreviations:
    content = resources.files("claims").joinpath("data", "abbreviations.txt").read_text("utf-8")
    return _parse_abbreviations(content)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences in ``text[start:end]``.

    Offsets index ``text`` itself. Each span is trimmed of surrounding whitespace; the spans
    are in order, do not overlap, and together cover every non-whitespace character of the
    range. ``start`` and ``end`` follow slice rules (negative values count from the end).
    """
    start, end, _ = slice(start, end).indices(len(text))
    if start >= end:
        return []
    abbreviations = _abbreviations()
    spans: list[tuple[int, int]] = []
    s = _SPACE.match(text, start, end).end()  # start of the current sentence
    at_line_start = True  # the current sentence begins a line and no line break followed yet
    pos = s
    while pos < end:
        m = _CANDIDATE.search(text, pos, end)
        if m is None:
            break
        i = m.start()
        w = m.end()  # the first character after the spaces that follow the candidate
        if text[i] == "\n":
            if w >= end:
                break
            if (
                text.count("\n", i, w) >= 2
                or LIST_MARKER.match(text, w, end)
                or (at_line_start and _ends_heading(text, s, i, w))
            ):
                _emit(spans, text, s, i)
                s = pos = w
                at_line_start = True
            else:
                at_line_start = False
                pos = i + 1
            continue

        j = m.start("closers")  # the end of the punctuation
        if j < end and text[j].isdigit() and i > s and text[i - 1].isdigit():
            # A decimal point ("2.5", "p < 0.05"): a number goes on. A shortcut for what the
            # checks below decide (citation numbers follow a word, never a digit).
            pos = j
            continue
        punct = text[i:j]
        closed = m.end("closers") > j
        if punct == "." and _next_item(text, i, j, m.end("closers"), s, end):
            # "1.) The first item 2.) The second item": the next item begins a sentence.
            marker = i - 1
            while marker > s and not text[marker - 1].isspace():
                marker -= 1
            _emit(spans, text, s, marker)
            s = marker
            at_line_start = False
            pos = j
            continue
        k = m.start("space")  # after the closers and the citation
        if k == w and k < end:  # no space after them: maybe superscript citation numbers
            glued = _glued_sentence(text, punct, i, k, s, end, abbreviations)
            if glued:  # "Hello world.Today is Tuesday.": a sentence with no space after it
                _emit(spans, text, s, k)
                at_line_start = False
                s = pos = k
                continue
            k = _superscript_citation(text, punct, i, k, s, end, abbreviations)
            if k < 0:
                pos = j
                continue
            w = _SPACE.match(text, k, end).end()
        if w >= end:
            break
        if text.count("\n", k, w) >= 2 or _is_boundary(
            text, punct, i, s, w, end, closed, abbreviations
        ):
            _emit(spans, text, s, k)
            at_line_start = "\n" in text[k:w]
            s = pos = w
        else:
            pos = j
    _emit(spans, text, s, end)
    return spans


def _emit(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def _is_boundary(
    text: str,
    punct: str,
    i: int,
    s: int,
    w: int,
    end: int,
    closed: bool,
    abbreviations: _Abbreviations,
) -> bool:
    """Whether the punctuation ``punct`` at ``i`` ends the sentence begun at ``s``.

    ``w`` is the first non-space character after it (and any closers or citation).
    """
    nxt = text[w]
    if nxt in ",;:)]}%.\u2026":  # ". . ." is a spaced ellipsis
        return False
    if (
        punct == "."
        and i - 6 >= s
        and text[i - 4 : i] == ". . "
        and text[i - 5] == " "
        and text[i - 6] != "."
    ):
        # A spaced ellipsis ". . ." between words marks words left out of a sentence that goes
        # on ("the thing is . . . I didn't mean it"); a fourth dot (". . . .") ends it.
        return False
    if nxt == "(" and _CITATION_AFTER.match(text, w, end):
        return False  # '"... stairways [...]" (Smith 55).': the citation ends this sentence
    if "?" in punct or "!" in punct:
        # "“Why?” she asked." and "(Is it safe?) and ..." go on after a lowercase word.
        return not nxt.islower()
    if nxt.islower():
        return False
    if len(punct) > 1 or punct == "\u2026":  # an ellipsis ends a sentence before a capital
        return nxt.isupper() or (nxt in _OPENERS and w + 1 < end and text[w + 1].isupper())
    token_start, token = _token_before(text, i, s)
    if token is None:
        return True  # a long token (URL, DOI): its final full stop ends the sentence
    if token_start == s and _SENTENCE_MARKER.fullmatch(token):
        return False  # "1. The first item", "a. Second item", "1.) The first item"
    if closed or not token:  # 'He said "Stop." Then ...': no abbreviation before a quote
        return True
    if len(token) == 1 and token.isalpha():
        if token.islower():
            return token not in abbreviations.prefix
        if _previous_word(text, token_start, s).lower() in abbreviations.designators:
            return True  # "vitamin D. The ..."
        return _starts_sentence(text, w, end, abbreviations)  # an initial: "J. Smith"
    if token in abbreviations.listed:
        if token in abbreviations.prefix:
            return False
        if token in abbreviations.numeric:
            return not nxt.isdigit()
        if token in abbreviations.ambiguous:
            return _starts_sentence(text, w, end, abbreviations)
    if _DOTTED.fullmatch(token):
        return _starts_sentence(text, w, end, abbreviations)
    # Before an initial it is a reference: "... in myeloma. J. Clin. Oncol. 2020"
    return not _is_initial(text, w, end)


def _token_before(text: str, i: int, s: int) -> tuple[int, str | None]:
    """The word ending at ``i`` (without opening brackets or quotes) and where it starts.

    ``None`` for a word longer than the window (a URL or DOI), which is no abbreviation.
    """
    limit = max(s, i - _TOKEN_WINDOW)
    if i == limit or text[i - 1].isspace():
        return i, ""
    token = text[limit:i].rsplit(None, 1)[-1]  # the last run of non-space characters
    token_start = i - len(token)
    if token_start == limit and limit > s and not text[limit - 1].isspace():
        return token_start, None
    return token_start, token.lstrip(_OPENERS)


def _superscript_citation(
    text: str, punct: str, i: int, k: int, s: int, end: int, abbreviations: _Abbreviations
) -> int:
    """Where a sentence ends that has citation numbers right after its full stop, or -1.

    "... in a consultation.11 12 Take the ..." ends after "12" (superscripts flattened to
    text). Only after a word of letters that is no abbreviation, and before a capital.
    """
    if punct != "." or k != i + 1 or not text[k].isdigit():
        return -1
    numbers = _SUPERSCRIPT.match(text, k, end)
    if numbers is None:
        return -1
    w = _SPACE.match(text, numbers.end(), end).end()
    if w >= end or not text[w].isupper():
        return -1
    _, token = _token_before(text, i, s)
    if token is None or len(token) < 2 or not token.isalpha() or token in abbreviations.listed:
        return -1
    return numbers.end()


def _next_item(text: str, i: int, j: int, closers_end: int, s: int, end: int) -> bool:
    """Whether the full stop at ``i`` ends the marker of an inline list's next item: the
    sentence begun at ``s`` is itself an item with the marker before it in sequence and in the
    same style ("1.) ... 2.)", "a. ... b."), and a capitalised word follows."""
    before_stop = text[i - 1] if i > s else ""
    if not (
        before_stop.isdigit() or ("a" <= before_stop <= "z" and i - 2 > s and text[i - 2].isspace())
    ):
        return False  # the usual full stop, after a word: told in one or two looks
    style = text[j:closers_end]
    if style not in ("", ")"):
        return False
    token_start, current = _token_before(text, i, s)
    if not current or token_start <= s or not _ITEM_NUMBER.fullmatch(current):
        return False
    # The item's own marker: at the sentence's start, or just before it (the extractor starts
    # a list item's sentences after its marker).
    first = _ITEM_START.match(text, s, end) or _ITEM_BEFORE.search(text[max(0, s - 8) : s])
    if first is None or first.group(2) != "." + style:
        return False
    before = first.group(1)
    if before.isdigit() != current.isdigit():
        return False
    if before.isdigit():
        in_order = int(current) == int(before) + 1
    else:
        in_order = len(before) == len(current) == 1 and ord(current) == ord(before) + 1
    after = _SPACE.match(text, closers_end, end).end()
    return in_order and after > closers_end and after < end and text[after].isupper()


def _glued_sentence(
    text: str, punct: str, i: int, k: int, s: int, end: int, abbreviations: _Abbreviations
) -> bool:
    """Whether a full stop with no space after it still ends the sentence: a word of two or
    more letters (no abbreviation, no dotted name, no address) or a number, then a capitalised
    word ("Tuesday.Today", "1,000.That"). "U.S.A", "e.g.The" and "example.Com" go on."""
    if punct not in (".", "!", "?") or k != i + 1 or not _GLUED_NEXT.match(text, k, end):
        return False
    _, token = _token_before(text, i, s)
    if not token or any(ch in token for ch in "./@:\\_"):
        return False
    if token.replace(",", "").isdigit():
        return True
    return (
        len(token) >= 2
        and token.isalpha()
        and token[-1].islower()
        and (token not in abbreviations.listed)
    )


def _starts_sentence(text: str, w: int, end: int, abbreviations: _Abbreviations) -> bool:
    word = _NEXT_WORD.match(text, w, end)
    if word is None or word.group() not in abbreviations.starters:
        return False
    after = word.end()
    return after >= end or text[after] not in ".'\u2019-"


def _is_initial(text: str, w: int, end: int) -> bool:
    """Whether the text at ``w`` is an initial followed by a capitalised word: "J. Clin"."""
    return (
        w + 3 < end
        and text[w].isupper()
        and text[w + 1] == "."
        and text[w + 2] == " "
        and text[w + 3].isupper()
    )


def _previous_word(text: str, token_start: int, s: int) -> str:
    e = token_start
    while e > s and text[e - 1] in " \t\n":
        e -= 1
    b = e
    while b > max(s, e - _TOKEN_WINDOW) and text[b - 1].isalpha():
        b -= 1
    return text[b:e]


def _ends_heading(text: str, s: int, i: int, w: int) -> bool:
    """Whether the line ``text[s:i]`` (a whole line) reads as a heading before ``text[w:]``."""
    line_end = i
    while line_end > s and text[line_end - 1].isspace():
        line_end -= 1
    markdown = _MARKDOWN_HEADING.match(text, s, line_end) is not None
    if line_end - s > (4 * _HEADING_MAX_CHARS if markdown else _HEADING_MAX_CHARS):
        return False
    nxt = text[w]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "#\"'\u201c\u2018"):
        return False
    if markdown:
        return True
    line = text[s:line_end]
    if not (line[0].isupper() or line[0].isdigit()) or line[-1] in _LINE_CONTINUES:
        return False
    words = line.split()
    if len(words) > _HEADING_MAX_WORDS:
        return False
    return words[-1].lower().strip(TRAILING_CLOSERS) not in CONTINUING_WORDS
