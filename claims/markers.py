"""Layout conventions shared by the readers, the sentence splitter and the extractor.

One definition of what a list marker is, which characters close a sentence, and which words
at the end of a line mean the line goes on: the plain-text reader infers blocks with them, the
splitter ends sentences at them and the extractor strips what the readers recognised.
"""

from __future__ import annotations

import re

__all__ = [
    "BARE_MARKER",
    "BULLETS",
    "CONTINUING_WORDS",
    "LIST_MARKER",
    "TRAILING_CLOSERS",
    "has_marker",
    "item_text",
]

# Characters typed (or pasted) as bullets: "- ", "* ", "+ ", "• ", "◦ ", "▪ ", "● ", "– " ...
BULLETS = "-*+\u2022\u25e6\u25aa\u25ab\u25cf\u25cb\u25a0\u25a1\u2023\u2043\u2219\u2013"
# The marker itself: "1." "12)" "(3)" "a." "b)" "(c)" or a bullet. Lowercase letters only:
# "A. Smith" is an initial. At most three digits: "2024. A year" is no item.
_MARKER = r"(?:\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|\([a-z]\)|[" + re.escape(BULLETS) + r"])"
# A list marker at the start of an item, followed by blanks (not a line break) and text.
LIST_MARKER = re.compile(_MARKER + r"[^\S\n]++(?=\S)")
# A list marker with nothing after it: an empty item.
BARE_MARKER = re.compile(_MARKER + r"\s*+")

# Closing quotes and brackets that stay with the sentence (or line) they end.
TRAILING_CLOSERS = "\"')]}\u201d\u2019\u00bb"

# A line ending in one of these words goes on in the next line: it is neither a heading nor
# the end of a sentence (articles, conjunctions, prepositions that need an object, relative
# pronouns, determiners and forms of "be"/"have"). Words that can end a heading ("What to
# do", "Before and after", "More about it") are deliberately not here.
_CONTINUING_WORDS_TEXT = (
    "a an the and or but nor of to in on at by for from with without as than that which who "
    "whom whose is are was were be been being has have had into onto between among during its "
    "their our your this these those such if"
)
CONTINUING_WORDS = frozenset(_CONTINUING_WORDS_TEXT.split())


def has_marker(text: str) -> bool:
    """Whether ``text`` starts with a list marker followed by text ("• Dot", "(1) One")."""
    return LIST_MARKER.match(text) is not None


def item_text(marker: str, text: str) -> str:
    """A list item's text with the reader's ``marker`` ("- ", "3. ") in front.

    When the item's own text already starts with a marker (``<li>• Text</li>``, a Word list
    paragraph typed as "(a) Text"), that marker is the one shown and no second one is added,
    so the extractor, which strips one marker, never leaves a bullet in a claim.
    """
    text = text.strip()
    return text if has_marker(text) else marker + text
