"""Cues of overclaiming (and hedges) in a claim, from the lexicon in ``claims/data/cues.json``.

The lexicon is data: each entry has a kind, a regex pattern, a one-line reason for the
reviewer and optionally an ``unless`` regex that cancels the cue when it matches anywhere in
the same sentence (for example a citation cancels "studies have shown"). An ``unless`` value
of the form ``"@name"`` refers to the shared regex ``groups[name]`` of the same file.
Patterns are compiled once, case-insensitive, and only match whole words.

Most sentences have no cue, so ``find_cues`` first looks at the words of a sentence: from each
pattern the lexicon lists words of which every match contains one (read from the parsed
pattern), and only the entries whose words the sentence contains are tried.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

try:  # the parsed form of a pattern, to list the words it needs (private, in 3.11 to 3.14)
    from re import _constants, _parser
except ImportError:  # a Python without them: every entry is tried on every sentence
    _constants = _parser = None

__all__ = ["CUE_KINDS", "CUE_LABELS", "CUE_MAX_CHARS", "Cue", "find_cues"]

CUE_MAX_CHARS = 200  # a longer match (words spread over much whitespace) is no phrase: dropped
CUE_KINDS = (
    "absolute",
    "cure",
    "unattributed_evidence",
    "comparative",
    "vague_mechanism",
    "hedge",
)
# What each kind is called where people read it (the review page, reports).
CUE_LABELS = {
    "absolute": "Absolute wording",
    "cure": "Cure or breakthrough talk",
    "unattributed_evidence": "Evidence with no source named",
    "comparative": "Comparison with nothing to compare to",
    "vague_mechanism": "Vague mechanism",
    "hedge": "Hedge",
}


@dataclass(frozen=True)
class Cue:
    """A word or phrase in a claim that a reviewer should look at; span relative to the claim."""

    kind: str  # one of CUE_KINDS
    start: int
    end: int
    text: str
    reason: str  # one line: what the reviewer should check

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Entry:
    kind: str
    regex: re.Pattern[str]  # case-insensitive, for the sentence as written
    folded: re.Pattern[str] | None  # case-sensitive, for the lowercased sentence (faster)
    reason: str
    unless: re.Pattern[str] | None  # tells only whether it matches: see _compile_unless


@dataclass(frozen=True)
class _Lexicon:
    entries: tuple[_Entry, ...]
    # Every match of an entry's folded pattern contains a whole word that maps to the entry
    # here (indices into ``entries``): the words of a sentence rule out all other entries.
    entries_by_word: dict[str, tuple[int, ...]]
    key_words: frozenset[str]  # the keys of ``entries_by_word``
    ascii_key_words: frozenset[bytes]  # those in ASCII, encoded
    # Entries tried on every sentence: not folded, or with no such words known.
    unfiltered: tuple[int, ...]

    def candidates(self, folded: str) -> list[int] | tuple[int, ...]:
        """The indices of the entries that may match in ``folded``, in lexicon order."""
        if folded.isascii():
            # Quicker than the regex: in ASCII, \w is [A-Za-z0-9_], so blanking every other
            # byte leaves the words between spaces.
            words_in_bytes = folded.encode("ascii").translate(_NON_WORD_BYTES_TO_SPACE).split()
            found = self.ascii_key_words.intersection(words_in_bytes)
            words = {word.decode("ascii") for word in found}
        else:
            words = self.key_words.intersection(_WORD_RUN.findall(folded))
        if not words:
            return self.unfiltered
        indices = set(self.unfiltered)
        for word in words:
            indices.update(self.entries_by_word[word])
        return sorted(indices)


_ESCAPE = re.compile(r"\\.")
_WORD_RUN = re.compile(r"\w+")  # a whole word, as the lookarounds of every pattern delimit it
_WORD_CHAR = re.compile(r"\w")
_NON_WORD_BYTES = bytes(c for c in range(128) if not _WORD_CHAR.match(chr(c)))
_NON_WORD_BYTES_TO_SPACE = bytes.maketrans(_NON_WORD_BYTES, b" " * len(_NON_WORD_BYTES))
_KEY_WORD_MIN_CHARS = 5  # shorter words ("a", "is", "have") are chosen only when no other will do
_MAX_EXPANSIONS = 20_000  # a pattern matching more strings than this is tried on every sentence
_NON_WORD_CATEGORIES = (
    frozenset({_constants.CATEGORY_SPACE, _constants.CATEGORY_NOT_WORD}) if _constants else None
)


def _lowercase_only(pattern: str) -> bool:
    """Whether ``pattern`` matches the same case-sensitively on lowercased text."""
    return "(?-" not in pattern and not any(c.isupper() for c in _ESCAPE.sub("", pattern))


def _parse_lexicon(content: str) -> _Lexicon:
    data = json.loads(content)
    groups: dict[str, str] = data.get("groups", {})
    entries = []
    entries_by_word: dict[str, list[int]] = {}
    unfiltered = []
    for number, item in enumerate(data["cues"], start=1):
        kind = item["kind"]
        if kind not in CUE_KINDS:
            raise ValueError(f"cues.json entry {number}: unknown kind {kind!r}")
        reason = item["reason"].strip()
        if not reason or "\n" in reason:
            raise ValueError(f"cues.json entry {number}: the reason must be one line")
        unless = item.get("unless")
        if unless and unless.startswith("@"):
            unless = groups[unless[1:]]
        pattern = rf"(?<![\w-])(?:{item['pattern']})(?![\w-])"
        folded = words = None
        if _lowercase_only(item["pattern"]):
            folded = re.compile(pattern)
            words = _key_words(pattern)
        if words is None:
            unfiltered.append(len(entries))
        else:
            for word in words:
                entries_by_word.setdefault(word, []).append(len(entries))
        entries.append(
            _Entry(
                kind=kind,
                regex=re.compile(pattern, re.IGNORECASE),
                folded=folded,
                reason=reason,
                unless=_compile_unless(unless) if unless else None,
            )
        )
    return _Lexicon(
        entries=tuple(entries),
        entries_by_word={word: tuple(indices) for word, indices in entries_by_word.items()},
        key_words=frozenset(entries_by_word),
        ascii_key_words=frozenset(
            word.encode("ascii") for word in entries_by_word if word.isascii()
        ),
        unfiltered=tuple(unfiltered),
    )


def _compile_unless(pattern: str) -> re.Pattern[str]:
    """``pattern``, case-insensitive, to tell whether it matches anywhere in a sentence.

    The regex engine tries every top-level alternative at every position; the alternatives that
    begin with ``\\b`` are put behind one ``\\b``, which rules out the positions inside words at
    once. That changes which match a search finds first, never whether it finds one.
    """
    alternatives = _top_level_alternatives(pattern)
    at_boundary = [a[2:] for a in alternatives if a.startswith(r"\b")]
    if len(at_boundary) < 2 or re.compile(pattern).groups:  # nothing to gain; group numbers
        return re.compile(pattern, re.IGNORECASE)
    others = [a for a in alternatives if not a.startswith(r"\b")]
    return re.compile("|".join([*others, rf"\b(?:{'|'.join(at_boundary)})"]), re.IGNORECASE)


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level "|" ("a|b(c|d)" gives "a" and "b(c|d)"); whole when
    it has inline flags or comments, which this split does not read."""
    if pattern.startswith("(?") and not pattern.startswith(("(?:", "(?=", "(?!", "(?<", "(?P")):
        return [pattern]  # global flags ("(?x)" would change what the characters mean)
    if "(?#" in pattern or "(?x" in pattern:
        return [pattern]
    alternatives = []
    depth = 0
    in_class = False
    begin = i = 0
    while i < len(pattern):
        character = pattern[i]
        if character == "\\":
            i += 2
            continue
        if in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):
                i += 1  # a "]" first in a class is one of its characters
            continue
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "|" and depth == 0:
            alternatives.append(pattern[begin:i])
            begin = i + 1
        i += 1
    alternatives.append(pattern[begin:])
    return alternatives


def _key_words(pattern: str) -> frozenset[str] | None:
    """Words of which every match of ``pattern`` contains at least one, as a whole word.

    ``pattern`` starts and ends at a word boundary (as every entry's does), so the words of a
    match are whole words of the sentence. Few words that many matches need, and long ones
    (rarer in prose than "a" or "is"), so that they rule out most sentences. ``None`` when the
    pattern matches too many strings to list, or some string with no word.
    """
    if _parser is None:
        return None
    try:
        matched = _expand(_parser.parse(pattern))
    except (re.error, TypeError, ValueError, IndexError, AttributeError):  # another shape
        return None
    if matched is None:
        return None
    uncovered = [frozenset(text.split()) for text in matched]
    if not all(uncovered):
        return None
    chosen = set()
    while uncovered:
        counts = Counter(word for words in uncovered for word in words)
        best = max(counts, key=lambda w: (len(w) >= _KEY_WORD_MIN_CHARS, counts[w], len(w), w))
        chosen.add(best)
        uncovered = [words for words in uncovered if best not in words]
    return frozenset(chosen)


def _expand(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """Every string that a parsed pattern matches, each run of non-word characters written as
    one space (only the words matter). ``None`` when the set is not small and finite.
    """
    results = {""}
    for op, argument in items:
        options = _expand_item(op, argument)
        if options is None:
            return None
        results = {_joined(before, after) for before in results for after in options}
        if len(results) > _MAX_EXPANSIONS:
            return None
    return results


def _joined(before: str, after: str) -> str:
    if before.endswith(" ") and after.startswith(" "):
        return before + after[1:]
    return before + after


def _expand_item(op: Any, argument: Any) -> set[str] | None:
    if op is _constants.LITERAL:
        return {_as_word_char(chr(argument))}
    if op is _constants.IN:
        characters = _class_characters(argument)
        return None if characters is None else {_as_word_char(c) for c in characters}
    if op is _constants.CATEGORY:
        return {" "} if argument in _NON_WORD_CATEGORIES else None
    if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
        return {""}  # matches no character: the match is the same with or without it
    if op is _constants.SUBPATTERN:
        _group, add_flags, del_flags, sub = argument
        return None if add_flags or del_flags else _expand(sub)
    if op is _constants.ATOMIC_GROUP:
        return _expand(argument)
    if op is _constants.BRANCH:
        union: set[str] = set()
        for branch in argument[1]:
            options = _expand(branch)
            if options is None:
                return None
            union |= options
        return union
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT):
        low, high, sub = argument
        options = _expand(sub)
        if options is None:
            return None
        if options <= {"", " "}:  # repeated non-word characters are still a run of them
            return (options if low else options | {""}) if high else {""}
        if high == 1:
            return options if low else options | {""}
        return None
    return None  # any character, a back reference, ...: too many strings


def _as_word_char(character: str) -> str:
    return character if _WORD_CHAR.match(character) else " "


def _class_characters(items: list[tuple[Any, Any]]) -> list[str] | None:
    """The characters of a character class, non-word categories as a space; ``None`` if many."""
    characters = []
    for op, argument in items:
        if op is _constants.LITERAL:
            characters.append(chr(argument))
        elif op is _constants.RANGE and argument[1] - argument[0] < 64:
            characters.extend(map(chr, range(argument[0], argument[1] + 1)))
        elif op is _constants.CATEGORY and argument in _NON_WORD_CATEGORIES:
            characters.append(" ")
        else:
            return None
    return characters


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    content = resources.files("claims").joinpath("data", "cues.json").read_text("utf-8")
    return _parse_lexicon(content)


def find_cues(sentence: str) -> tuple[Cue, ...]:
    """The cues in ``sentence``, ordered by position; spans index ``sentence``.

    Cues of different kinds may overlap; overlapping cues of the same kind become one cue over
    both spans, with the reason of the first.
    """
    lexicon = _lexicon()
    folded = sentence.lower()
    if len(folded) == len(sentence):
        candidates = lexicon.candidates(folded)
        if not candidates:
            return ()
    else:  # a few characters lowercase to two: offsets would shift
        folded = ""
        candidates = range(len(lexicon.entries))
    found: list[Cue] = []
    for index in candidates:
        entry = lexicon.entries[index]
        if folded and entry.folded is not None:
            # Every position where the entry matches, even inside an earlier match of it.
            spans = []
            match = entry.folded.search(folded)
            while match is not None:
                spans.append(match.span())
                match = entry.folded.search(folded, match.start() + 1)
        else:
            spans = [m.span() for m in entry.regex.finditer(sentence)]
        if not spans or (entry.unless is not None and entry.unless.search(sentence)):
            continue
        found.extend(
            Cue(entry.kind, start, end, sentence[start:end], entry.reason)
            for start, end in spans
            if end - start <= CUE_MAX_CHARS
        )
    if not found:
        return ()
    found.sort(key=lambda c: (c.start, -c.end, CUE_KINDS.index(c.kind)))
    kept: list[Cue] = []
    last: dict[str, int] = {}  # kind -> index in kept of its last cue
    for cue in found:
        index = last.get(cue.kind)
        if index is not None and cue.start < kept[index].end:
            previous = kept[index]
            if previous.end < cue.end <= previous.start + CUE_MAX_CHARS:
                # overlapping cues of one kind: one cue over both
                kept[index] = replace(
                    previous, end=cue.end, text=sentence[previous.start : cue.end]
                )
            continue
        last[cue.kind] = len(kept)
        kept.append(cue)
    return tuple(kept)
