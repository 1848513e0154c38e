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
fourth dot ends it, and one after a full stop on a word begins the next sentence; an inline
list's next marker, in sequence and in the same style ("1.) ... 2.)", "a. ... b.", "1) ...
2)", "• 9. ... • 10."), begins a sentence of its own; short lines without punctuation, one
under another, are a list's items ("features\ncontact manager").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from claims.markers import BULLETS, CONTINUING_WORDS, LIST_MARKER, TRAILING_CLOSERS

__all__ = ["LIST_MARKER", "sentence_spans"]

# Closing quotes and brackets that stay with the sentence they end.
_CLOSERS = "[" + re.escape(TRAILING_CLOSERS) + "]*+"
# Numbered citations right after the full stop: ".[12]", ". [3, 4]", ".[5-7][9]".
_CITATION = r"(?:[ \t]?\[\d{1,4}(?:[ \t]*[,\u2013\u2014-][ \t]*\d{1,4})*+\])++"
# A candidate end of sentence, then the spaces after it: a line break, or a run of sentence
# punctuation with the closers and the citation that stay with it. One search per candidate; it
# begins with one character class, so the regex engine skips quickly from one to the next.
_CANDIDATE = re.compile(
    r"[.!?\u2026\n\uff0e\u3002\uff01\uff1f](?:(?<=\n)|[.!?\u2026\uff0e\u3002\uff01\uff1f]*+"
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
# A bullet may come first: "• 9. The first item • 10. The second item", "⁃9. ... ⁃10. ...".
_ITEM_NUMBER = re.compile(r"\d{1,3}|[a-z]")
_BULLET = "(?:[" + re.escape(BULLETS) + "][ \t]?)?"
_ITEM_START = re.compile(_BULLET + r"(\d{1,3}|[a-z])(\.\)|\.|\))[ \t]")
_ITEM_BEFORE = re.compile(r"(?:^|(?<=\s))" + _BULLET + r"(\d{1,3}|[a-z])(\.\)|\.|\))[ \t]+$")
# A full stop with no space before a capitalised word: "Tuesday.Today", "1,000.That".
_GLUED_NEXT = re.compile(r"[A-Z][a-z]")
_DASHES = "-\u2013\u2014"
_LINE_ITEM = re.compile(r"(?:[ivx]{1,5}|[a-z]|\d{1,3})[.)][ \t]")
_LETTERED_LIST = re.compile(r"(?:[a-z]|[ivx]{1,4})\)[ \t]|[ai]\.[ \t]")
_FULL_WIDTH = "\uff0e\u3002\uff01\uff1f"  # the full stops, exclamation and question marks
_DASH_RUN = re.compile(r"[-\u2013\u2014]++[ \t]*+")
# The word after a time ("6 p.m. Travelers"), with its full stop if it has one ("Mr.").
_TIME_WORD = re.compile(r"([A-Z][A-Za-z]{0,19}+)(\.)?")
_CALENDAR_TEXT = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun today tonight tomorrow yesterday jan feb mar apr may jun jul aug sep sept oct "
    "nov dec january february march april june july august september october november "
    "december eastern central pacific mountain"
)
_CALENDAR_WORDS = frozenset(_CALENDAR_TEXT.split())
_OPENERS = "([{\"'\u201c\u2018\u00ab"
# A passage between quotes or brackets: its inner sentence punctuation ends no sentence ('"Dear,
# dear! How queer everything is!"', "[16: firma? 13:28]"). Within a line and of bounded length
# (so an unclosed quote costs a bounded look); a straight quote opens only after a space or an
# opener and closes only before a non-letter, so inch marks and apostrophes pair with nothing.
_BETWEEN_CHARS = 500
# ...and is read as one sentence when at most this long, with at most this many sentence ends
# inside; a longer quotation is split into its sentences.
_WHOLE_CHARS = 300
_WHOLE_STOPS = 1
_INNER_STOP = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+[\"'\u201c\u2018(]?[A-Z]")
_BETWEEN = re.compile(
    "|".join(
        (
            rf'"(?<![^\s(\[{{\u2014\u2013-]")[^"\n]{{1,{_BETWEEN_CHARS}}}"(?![^\W\d_])',
            rf"\u201c[^\u201d\n]{{1,{_BETWEEN_CHARS}}}\u201d",
            rf"'(?<![\w']')(?!\d)(?:[^'\n]|'(?=\w)){{1,{_BETWEEN_CHARS}}}'(?!\w)",
            rf"\u2018(?:[^\u2019\n]|\u2019(?=\w)){{1,{_BETWEEN_CHARS}}}\u2019(?!\w)",
            rf"\([^()\n]{{1,{_BETWEEN_CHARS}}}\)",
            rf"\[[^\[\]\n]{{1,{_BETWEEN_CHARS}}}\]",
        )
    )
)
_TOKEN_WINDOW = 40  # characters looked at before a full stop; longer tokens are not abbreviations
# A heading line inside a paragraph (no blank line after it) needs stronger evidence than a
# line standing alone, which the plain-text reader judges (claims/readers/plain.py): shorter.
_HEADING_MAX_CHARS = 80
_HEADING_MAX_WORDS = 8
# A list written one item per line, without markers: lines of a few words each.
_LIST_LINE_CHARS = 40
_LIST_LINE_WORDS = 3
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
    between = _BETWEEN.finditer(text, start, end)
    passage = next(between, None)  # the next passage between quotes or brackets
    whole = passage is not None and _reads_whole(passage)
    while pos < end:
        m = _CANDIDATE.search(text, pos, end)
        if m is None:
            break
        i = m.start()
        w = m.end()  # the first character after the spaces that follow the candidate
        while passage is not None and passage.end() <= i:
            if passage.end() > s and _breaks_off(text, passage.end(), end):
                # '"If you please, sir--" The Rabbit started': speech cut off ends a sentence.
                _emit(spans, text, s, passage.end())
                s = _SPACE.match(text, passage.end(), end).end()
                at_line_start = False
            passage = next(between, None)
            whole = passage is not None and _reads_whole(passage)
        if whole and passage.start() < i and m.end("closers") < passage.end():
            pos = m.end("closers")  # inside the passage, before its closing quote or bracket
            continue
        if text[i] == "\n":
            if w >= end:
                break
            if (
                text.count("\n", i, w) >= 2
                or LIST_MARKER.match(text, w, end)
                or _item_ends_line(text, s, i, w)
                or (at_line_start and (_ends_heading(text, s, i, w) or _short_lines(text, s, i, w)))
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
        if punct[-1] in _FULL_WIDTH:  # "period．Does": full-width stops need no space after
            k = m.start("space")
            _emit(spans, text, s, k)
            at_line_start = "\n" in text[k:w]
            s = pos = w
            continue
        marker = _next_item(text, i, j, m.end("closers"), s, end) if punct == "." else -1
        if marker >= 0:
            # "1.) The first item 2.) The second item": the next item begins a sentence.
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


def _reads_whole(passage: re.Match[str]) -> bool:
    """Whether a quoted or bracketed passage is short enough to read as one sentence: at most
    _WHOLE_CHARS long with at most _WHOLE_STOPS sentence ends inside. A longer quotation is
    split into its sentences, each a claim of its own."""
    return (
        passage.end() - passage.start() <= _WHOLE_CHARS
        and len(_INNER_STOP.findall(passage.group(), 1, len(passage.group()) - 1)) <= _WHOLE_STOPS
    )


def _breaks_off(text: str, e: int, end: int) -> bool:
    """Whether the quotation ending at ``e`` breaks off with a dash ("sir--\"", "sir—”") and a
    capitalised word follows it."""
    if text[e - 1] not in '"\u201d' or not (
        text[e - 2] in "\u2014\u2013" or text[e - 3 : e - 1] == "--"
    ):
        return False
    w = _SPACE.match(text, e, end).end()
    return w > e and w < end and text[w].isupper()


def _emit(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    while e > s and text[e - 1].isspace():
        e -= 1
    if e <= s:
        return
    # The item's own marker: at the sentence's start, or just before it (the extractor starts
    # a list item's sentences after its marker).
    first = None
    if text[s].isdigit() or text[s].islower() or text[s] in BULLETS:
        first = _ITEM_START.match(text, s, e)
    elif s >= 2 and text[s - 2] == ")":
        first = _ITEM_BEFORE.search(text, max(0, s - 8), s)
    if first is not None and first.group(2) == ")":
        # "1) The first item 2) The second item": no full stop marks where the next item
        # begins, so the sentence is cut at each next marker in sequence, before a capital.
        bullet = text[first.start() : first.start(1)].lstrip()
        number = first.group(1)
        while True:
            found, number = _next_paren_item(text, s, e, bullet, number)
            if found < 0:
                break
            _emit_trimmed(spans, text, s, found)
            s = found + 1
    spans.append((s, e))


def _next_paren_item(text: str, s: int, e: int, bullet: str, number: str) -> tuple[int, str]:
    """Where the next item after item ``number`` of a "1) ... 2) ..." list begins in
    ``text[s:e]`` (the space before its marker), and its number; -1 if none. The next item is
    the next number, or a new list's first ("1) ... 2) ... 1) ..."), before a letter."""
    found, found_number = -1, number
    for candidate in {_following(number), _first_item(number)} - {number}:
        at = text.find(f" {bullet}{candidate}) ", s, e if found < 0 else found)
        after = at + len(bullet) + len(candidate) + 3
        if at >= 0 and after < e and text[after].isalpha():
            found, found_number = at, candidate
    return found, found_number


def _first_item(marker: str) -> str:
    return "1" if marker.isdigit() else "a"


def _emit_trimmed(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def _following(marker: str) -> str:
    """The next list marker after ``marker``: "2" after "1", "b" after "a"."""
    return str(int(marker) + 1) if marker.isdigit() else chr(ord(marker) + 1)


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
    if nxt == "." and punct == "." and i > s and not text[i - 1].isspace():
        # "compounds. . . . The practice": the full stop on the word ends the sentence and the
        # spaced ellipsis begins the next one (words left out at its start).
        return text.startswith(". . . ", w) and w + 6 < end and text[w + 6].isupper()
    if nxt in ",;:)]}%.\u2026":  # ". . ." is a spaced ellipsis
        return False
    if (
        punct == "."
        and i - 4 >= s
        and text[i - 4 : i] == ". . "
        and (i - 4 == s or (text[i - 5] == " " and (i - 5 == s or text[i - 6] != ".")))
    ):
        # A spaced ellipsis ". . ." between words marks words left out of a sentence that goes
        # on ("the thing is . . . I didn't mean it"), or at its start; a fourth dot (". . . .")
        # ends it.
        return False
    if nxt == "(" and _CITATION_AFTER.match(text, w, end):
        return False  # '"... stairways [...]" (Smith 55).': the citation ends this sentence
    if "?" in punct or "!" in punct:
        # "“Why?” she asked." and "(Is it safe?) and ..." go on after a lowercase word, and
        # "and -- voila! -- you have cake" after a dash and a lowercase word.
        if nxt in _DASHES:
            after = _DASH_RUN.match(text, w, end).end()
            return after >= end or not text[after].islower()
        return not nxt.islower()

    if nxt.islower():
        # A list item on the next line ("Hello world.\nii) Hello world."), or a lettered list
        # after a sentence ("... Smith. a. here it is b. another", "... store. w) hello").
        if "\n" in text[i:w]:
            return _LINE_ITEM.match(text, w, end) is not None
        return _LETTERED_LIST.match(text, w, end) is not None
    if len(punct) > 1 or punct == "\u2026":  # an ellipsis ends a sentence before a capital
        return nxt.isupper() or (nxt in _OPENERS and w + 1 < end and text[w + 1].isupper())
    token_start, token = _token_before(text, i, s)
    if token is None:
        return True  # a long token (URL, DOI): its final full stop ends the sentence
    if token_start - s <= 2 and _is_item_marker(text, s, token_start, token):
        return False  # "1. The first item", "a. Second item", "1.) The first item", "• 9. The"
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
        if token.lower() in ("a.m", "p.m"):
            return _after_time(text, w, end, abbreviations)
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


def _is_item_marker(text: str, s: int, token_start: int, token: str) -> bool:
    """Whether ``token``, the word before a full stop, is the list marker that begins the
    sentence at ``s``: "1", "a", "iv", after at most one bullet ("• 9", "⁃9")."""
    bare = token.lstrip(BULLETS)
    prefix = text[s : token_start + len(token) - len(bare)]
    bullets = prefix.replace(" ", "").replace("\t", "")
    return (
        len(bullets) <= 1
        and all(ch in BULLETS for ch in bullets)
        and _SENTENCE_MARKER.fullmatch(bare) is not None
    )


def _next_item(text: str, i: int, j: int, closers_end: int, s: int, end: int) -> int:
    """Where the next item of an inline list begins, when the full stop at ``i`` ends its
    marker, or -1: the sentence begun at ``s`` is itself an item with the marker before it in
    sequence and in the same style ("1.) ... 2.)", "a. ... b.", "• 9. ... • 10."), and a
    capitalised word follows."""
    before_stop = text[i - 1] if i > s else ""
    if not (
        before_stop.isdigit() or ("a" <= before_stop <= "z" and i - 2 > s and text[i - 2].isspace())
    ):
        return -1  # the usual full stop, after a word: told in one or two looks
    style = text[j:closers_end]
    if style not in ("", ")"):
        return -1
    token_start, token = _token_before(text, i, s)
    current = (token or "").lstrip(BULLETS)
    if not current or token_start <= s or not _ITEM_NUMBER.fullmatch(current):
        return -1
    # The item's own marker: at the sentence's start, or just before it (the extractor starts
    # a list item's sentences after its marker).
    first = _ITEM_START.match(text, s, end) or _ITEM_BEFORE.search(text, max(0, s - 8), s)
    if first is None or first.group(2) != "." + style:
        return -1
    before = first.group(1)
    if (
        before.isdigit() != current.isdigit()
        or current == before
        or current
        not in (
            _following(before),
            _first_item(before),  # a new list begins: "1.) ... 2.) ... 1.) ..."
        )
    ):
        return -1
    after = _SPACE.match(text, closers_end, end).end()
    if not (after > closers_end and after < end):
        return -1
    if not (text[after].isupper() or (text[after].isalpha() and current.isalpha())):
        return -1  # "b. another": a lettered item may begin in lowercase
    marker = token_start
    if marker - 2 > s and text[marker - 1] == " " and text[marker - 2] in BULLETS:
        marker -= 2  # "• 10.": the bullet goes with its item
    return marker


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
    following = text[k : k + _TOKEN_WINDOW].split(None, 1)[0]
    if "@" in following or "/" in following:
        return False  # "Jane.Doe@example.com", "example.Com/path": an address
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


def _after_time(text: str, w: int, end: int, abbreviations: _Abbreviations) -> bool:
    """Whether a sentence begins at ``w``, after a time ("6 p.m."): a capitalised word does,
    unless it goes on with the time ("EST", "Monday", "Jan.") or is a title ("Mr. Smith")."""
    word = _TIME_WORD.match(text, w, end)
    if word is None:
        return False
    name = word.group(1)
    if (name.isupper() and len(name) > 1) or name.lower() in _CALENDAR_WORDS:
        return False
    return not (word.group(2) and name in abbreviations.prefix)


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


def _item_ends_line(text: str, s: int, i: int, w: int) -> bool:
    """Whether an inline list's item, begun at ``s``, ends with its line at ``i``: a capital
    begins the next line, and the line does not break mid-phrase ("c. one more\n They went")."""
    if not text[w].isupper() or _ITEM_START.match(text, s, i) is None:
        return False
    last = i
    while last > s and text[last - 1].isspace():
        last -= 1
    if text[last - 1] in _LINE_CONTINUES:
        return False
    word = text[max(s, last - 12) : last].rsplit(None, 1)[-1]
    return word.lower() not in CONTINUING_WORDS


def _short_lines(text: str, s: int, i: int, w: int) -> bool:
    """Whether the line ``text[s:i]`` and the next one, from ``w``, are items of a list written
    one per line without markers: three or more lines of a few words, none with closing
    punctuation ("features", "contact manager", "events, activities"). A wrapped sentence or
    headline has longer lines, or fewer, or ends a line with a word that goes on."""
    if not _list_line(text[s:i]):
        return False
    following = _line_after(text, w)
    if following is None or not _list_line(text[w:following]):
        return False
    before = text.rfind("\n", max(0, s - _LIST_LINE_CHARS - 2), max(0, s - 1))
    if s > 0 and text[s - 1] == "\n" and _list_line(text[before + 1 : s - 1]):
        return True  # the line before is an item too
    third = following + 1
    third_end = _line_after(text, third) if third < len(text) else None
    return third_end is not None and _list_line(text[third:third_end])


def _line_after(text: str, w: int) -> int | None:
    """Where the short line starting at ``w`` ends; None when it is longer than a list line."""
    line_end = text.find("\n", w, w + _LIST_LINE_CHARS + 1)
    if line_end >= 0:
        return line_end
    return len(text) if len(text) - w <= _LIST_LINE_CHARS else None


def _list_line(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > _LIST_LINE_CHARS or line[-1] in _LINE_CONTINUES:
        return False
    words = line.split()
    return len(words) <= _LIST_LINE_WORDS and words[-1].lower() not in CONTINUING_WORDS


def _ends_heading(text: str, s: int, i: int, w: int) -> bool:
    """Whether the line ``text[s:i]`` (a whole line) reads as a heading before ``text[w:]``."""
    line_end = i
    while line_end > s and text[line_end - 1].isspace():
        line_end -= 1
    markdown = _MARKDOWN_HEADING.match(text, s, line_end) is not None
    if line_end - s > (4 * _HEADING_MAX_CHARS if markdown else _HEADING_MAX_CHARS):
        return False
    nxt = text[w]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "#\"'\u201c\u2018("):
        return False
    if markdown:
        return True
    line = text[s:line_end]
    if line[0] == "(" and line[-1] == ")" and nxt != "(":
        return True  # a line in brackets under a title: "(6 3/4\" Engraved Crystal Trophy)"
    marker = LIST_MARKER.match(line)
    if marker:  # "d. Compliance Log – Volume 12": an item's title
        line = line[marker.end() :]
    if not (line[0].isupper() or line[0].isdigit()) or line[-1] in _LINE_CONTINUES:
        return False
    words = line.split()
    if len(words) > _HEADING_MAX_WORDS:
        return False
    return words[-1].lower().strip(TRAILING_CLOSERS) not in CONTINUING_WORDS
