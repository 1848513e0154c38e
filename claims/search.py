"""Searching what the desk has reviewed: the query a person types, the text indexed, the marks.

A query is words, "quoted phrases" and -excluded words; every word and phrase must match
(what a search box is expected to do). Both databases stem English words (SQLite's FTS5 with
the porter tokenizer, PostgreSQL's 'english' configuration), so "cures" finds "cure" and
"cured". Stop words are dropped here, for both, because PostgreSQL drops them and SQLite does
not: the same query must find the same claims on either database. Terms keep only letters and
digits, so what reaches a MATCH or to_tsquery expression can never be read as its syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# PostgreSQL's English stop words (its 'english' dictionary drops them from text and queries).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "doing",
        "don",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "s",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "t",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)
MAX_TERMS = 16  # a pasted paragraph is not a query; its first words are
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
# Hyphens and slashes join words ("COVID-19", "and/or"): indexed as separate words, as typed.
_JOINERS = re.compile(r"[-‐‑–—/]")


@dataclass(frozen=True)
class SearchQuery:
    """What to find: every word and phrase, none of the excluded words and phrases. "Every" is
    within one place a claim is found: its own text and section, one of its reviews (rationale
    and sources), or its decision's note."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()  # words and phrases (one word: a 1-tuple)
    ignored: tuple[str, ...] = field(default=(), compare=False)  # stop words dropped, to say so

    @property
    def empty(self) -> bool:
        """Nothing to match: only stop words, punctuation or exclusions were typed."""
        return not self.words and not self.phrases

    def fts5(self) -> str:
        """The query as an SQLite FTS5 MATCH expression (every part quoted)."""
        parts = [f'"{w}"' for w in self.words]
        parts += ['"' + " ".join(p) + '"' for p in self.phrases]
        expression = " AND ".join(parts)
        for left_out in self.excluded:
            expression += ' NOT "' + " ".join(left_out) + '"'
        return expression

    def tsquery(self) -> str:
        """The query as PostgreSQL to_tsquery('english', ...) text (every lexeme quoted)."""
        parts = [f"'{w}'" for w in self.words]
        parts += ["(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in self.phrases]
        parts += ["!(" + " <-> ".join(f"'{w}'" for w in p) + ")" for p in self.excluded]
        return " & ".join(parts)

    def marked_words(self) -> tuple[str, ...]:
        """The words a result's text is marked at."""
        return (*self.words, *(w for p in self.phrases for w in p if w not in STOP_WORDS))


def _plain(text: str) -> str:
    """Accents off ("Ménière" as "Meniere"): SQLite's index drops them, PostgreSQL's 'english'
    keeps them; the text indexed and the words searched lose them alike on both."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(_JOINERS.sub(" ", _plain(text)))]


def parse_query(text: str) -> SearchQuery:
    """Read what a person typed in a search box. At most ``MAX_TERMS`` words are kept in all,
    phrases' words included: a pasted paragraph is not a query."""
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    ignored: list[str] = []
    for match in _PIECE.finditer(text):
        if match.group(2) is not None:  # a "quoted phrase"
            tokens = tuple(words_of(match.group(2)))
            if not tokens or all(t in STOP_WORDS for t in tokens):
                continue  # a phrase of stop words only cannot match on PostgreSQL
            if match.group(1):
                excluded.append(tokens)
            elif len(tokens) == 1:
                words.extend(tokens)
            else:
                phrases.append(tokens)
            continue
        for token in words_of(match.group(4)):
            if token in STOP_WORDS:
                ignored.append(token)
            elif match.group(3):
                excluded.append((token,))
            else:
                words.append(token)
    budget = MAX_TERMS
    kept_words = []
    for word in dict.fromkeys(words):
        if budget:
            kept_words.append(word)
            budget -= 1
    kept_phrases = []
    for phrase in dict.fromkeys(phrases):
        if len(phrase) <= budget:
            kept_phrases.append(phrase)
            budget -= len(phrase)
    return SearchQuery(
        tuple(kept_words),
        tuple(kept_phrases),
        tuple(dict.fromkeys(excluded))[:MAX_TERMS],
        tuple(dict.fromkeys(ignored)),
    )


def index_text(*parts: str | None) -> str:
    """The text stored for the full-text index: the parts, accents off, joined words split."""
    return _JOINERS.sub(" ", _plain("\n".join(p for p in parts if p)))


def _stem(word: str) -> str:
    """A rough English stem, enough to mark "cures" and "cured" for a search for "cure"."""
    for suffix in ("ational", "ations", "ation", "ings", "ing", "edly", "ies", "ied", "es", "ed",
                   "ly", "s", "e", "y"):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def marks(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """Spans of ``text`` that match the query's words (by a rough stem), in order."""
    wanted = {_stem(w) for w in query.marked_words()}
    if not wanted:
        return []
    spans = []
    for match in _WORD.finditer(text):
        word = _plain(match.group()).lower()
        if word in wanted or _stem(word) in wanted:
            spans.append(match.span())
    return spans


def excerpt(text: str, spans: list[tuple[int, int]], width: int = 240) -> tuple[str, list]:
    """A window of ``text`` of about ``width`` characters around the first mark, with the marks
    moved into it; "…" shows where text was cut."""
    if len(text) <= width:
        return text, spans
    centre = spans[0][0] if spans else 0
    start = max(0, min(centre - width // 3, len(text) - width))
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + width)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    lead = "…" if start else ""
    shown = lead + text[start:end] + ("…" if end < len(text) else "")
    shift = len(lead) - start
    kept = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return shown, kept
