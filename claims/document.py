"""The plain-text form of an article that every reader produces and the extractor consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item"]


@dataclass(frozen=True)
class Block:
    """A structural unit of the plain text: ``text[start:end]`` is the block's whole text.

    For a list item the span includes its marker ("1. ", "- "), if the plain text has one.
    ``level`` is the heading level (1 = top) for headings, 0 otherwise.
    """

    kind: BlockKind
    start: int
    end: int
    level: int = 0


@dataclass
class Document:
    """An article as plain text, with what the source said about itself.

    ``text`` is what the database stores and what every claim offset points into: newlines are
    ``\\n``, blocks are separated by a blank line. ``source_text`` is the decoded source kept
    verbatim (Markdown or HTML markup); ``None`` for binary formats (Word).
    """

    text: str
    source_format: str  # "txt" | "md" | "html" | "docx"
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    published: date | None = None
    reviewer: str | None = None  # who reviewed it medically, as the source says
    source_url: str | None = None
    source_text: str | None = None
