"""Fixing the machine's split by hand: new spans for a claim, checked against the article text.

Every result keeps the rule reviewers rely on: ``text[start:end]`` is the claim's text, trimmed
of surrounding whitespace, and claims never overlap.
"""

from __future__ import annotations

from claims.errors import ClaimreviewError
from claims.extraction import trim_span

Span = tuple[int, int]


def checked_span(
    text: str, start: int, end: int, *, lower: int = 0, upper: int | None = None
) -> Span:
    """The span trimmed of whitespace, inside [lower, upper] (the neighbouring claims)."""
    upper = len(text) if upper is None else upper
    if not 0 <= start < end <= len(text):
        raise ClaimreviewError(
            f"The span {start}–{end} is outside the article's text (0–{len(text)})."
        )
    start, end = trim_span(text, start, end)
    if start >= end:
        raise ClaimreviewError("That span holds only whitespace; a claim needs some text.")
    if start < lower or end > upper:
        raise ClaimreviewError(
            f"The span {start}–{end} would overlap a neighbouring claim; claims may use "
            f"characters {lower}–{upper} here. Merge with the neighbour instead."
        )
    return start, end


def split_span(text: str, start: int, end: int, at: int) -> tuple[Span, Span]:
    """Two claims from one, cut at ``at`` (an offset into the article text)."""
    if not start < at < end:
        raise ClaimreviewError(
            f"Split the claim inside it: choose a position between {start} and {end}."
        )
    first = trim_span(text, start, at)
    second = trim_span(text, at, end)
    if first[0] >= first[1] or second[0] >= second[1]:
        raise ClaimreviewError("Splitting there would leave one part empty; choose another place.")
    return first, second


def merged_span(first: Span, second: Span) -> Span:
    if first[1] > second[0]:
        raise ClaimreviewError("Only a claim and the one after it can be merged.")
    return first[0], second[1]
