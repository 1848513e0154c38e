"""Cues of overclaiming (and hedges) in a claim, from the lexicon in ``claims/data/cues.json``.

The lexicon is data: each entry has a kind, a regex pattern, a one-line reason for the
reviewer and optionally an ``unless`` regex that cancels the cue when it matches anywhere in
the same sentence (for example a citation cancels "studies have shown"). An ``unless`` value
of the form ``"@name"`` refers to the shared regex ``groups[name]`` of the same file.
Patterns are compiled once, case-insensitive, and only match whole words.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CUE_KINDS", "CUE_MAX_CHARS", "Cue", "find_cues"]

CUE_MAX_CHARS = 200  # a longer match (words spread over much whitespace) is no phrase: dropped
CUE_KINDS = (
    "absolute",
    "cure",
    "unattributed_evidence",
    "comparative",
    "vague_mechanism",
    "hedge",
)


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
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class _Lexicon:
    entries: tuple[_Entry, ...]
    # Zero-width matches, in the lowercased sentence, wherever an entry with a ``folded`` form
    # matches: one pass over a sentence tells where to try those entries.
    trigger: re.Pattern[str]


_ESCAPE = re.compile(r"\\.")


def _lowercase_only(pattern: str) -> bool:
    """Whether ``pattern`` matches the same case-sensitively on lowercased text."""
    return "(?-" not in pattern and not any(c.isupper() for c in _ESCAPE.sub("", pattern))


def _parse_lexicon(content: str) -> _Lexicon:
    data = json.loads(content)
    groups: dict[str, str] = data.get("groups", {})
    entries = []
    folded_patterns = []
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
        folded = None
        if _lowercase_only(item["pattern"]):
            folded = re.compile(pattern)
            folded_patterns.append(rf"(?:{item['pattern']})(?![\w-])")
        entries.append(
            _Entry(
                kind=kind,
                regex=re.compile(pattern, re.IGNORECASE),
                folded=folded,
                reason=reason,
                unless=re.compile(unless, re.IGNORECASE) if unless else None,
            )
        )
    trigger = re.compile(rf"(?<![\w-])(?={'|'.join(folded_patterns) or '(?!)'})")
    return _Lexicon(entries=tuple(entries), trigger=trigger)


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
    if len(folded) != len(sentence):  # a few characters lowercase to two: offsets would shift
        folded = ""
    positions = [m.start() for m in lexicon.trigger.finditer(folded)] if folded else []
    found: list[Cue] = []
    for entry in lexicon.entries:
        if folded and entry.folded is not None:
            if not positions:
                continue
            match = entry.folded.match
            matches = [m for position in positions if (m := match(folded, position))]
        else:
            matches = list(entry.regex.finditer(sentence))
        if not matches or (entry.unless is not None and entry.unless.search(sentence)):
            continue
        found.extend(
            Cue(entry.kind, m.start(), m.end(), sentence[m.start() : m.end()], entry.reason)
            for m in matches
            if m.end() - m.start() <= CUE_MAX_CHARS
        )
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
