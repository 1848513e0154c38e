"""Plain text: kept verbatim, with headings, paragraphs and list items inferred from the layout."""

from __future__ import annotations

import re
from datetime import date

from claims.document import Block, BlockKind, Document
from claims.markers import CONTINUING_WORDS, LIST_MARKER, TRAILING_CLOSERS
from claims.readers.common import (
    choose_title,
    clean_meta,
    page_byline,
    parse_date,
    refuse_no_text,
    words,
)

# A Markdown-style heading inside a text file: "# Title", "## Section".
HASH_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+\S")
# The optional closing hashes of such a heading: "## Section ##".
CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
# A line underlining the heading above it: "=====" (level 1) or "-----" (level 2).
UNDERLINE = re.compile(r"\s{0,3}(={3,}|-{3,})\s*")
# A byline or dateline near the top: "By Jane Doe", "Published: 5 March 2024".
BYLINE = re.compile(r"(?:written\s+by|by|author)\s*:?\s+(\S.{0,80})", re.IGNORECASE)
DATELINE = re.compile(r"(?:published(?:\s+on)?|posted(?:\s+on)?|date)\s*:?\s+(.+)", re.I)

# A line standing alone (blank lines around it, or first of its chunk) may be a heading up to
# this long; a heading line inside a paragraph needs stronger evidence (claims/sentences.py).
MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 14
_SENTENCE_END = tuple(".!?,;:…")
# The wrap width assumed when a paragraph has too few lines to measure it.
_DEFAULT_WRAP = 60
_NOT_NAMES = words("the a an this that these our your my its their staff")
_NAME_PARTICLES = words("and & de da del della der den van von la le du di bin al y")
# Bylines and datelines are looked for in this many blocks at the top.
_HEADER_BLOCKS = 5

Line = tuple[int, str]  # (offset of the line in the text, the line without its newline)


def read_plain(text: str, filename: str | None = None) -> Document:
    """Read normalized text (no BOM, ``\\n`` newlines) as a plain-text article."""
    blocks = infer_blocks(text)
    if not blocks:
        raise refuse_no_text(filename)
    author, published = _byline(text, blocks)
    byline = page_byline(text, blocks)
    return Document(
        text=text,
        source_format="txt",
        blocks=blocks,
        title=choose_title([], text, blocks, filename, heading_title=heading_text),
        author=author or byline.author,
        published=published,
        source_text=text,
        reviewer=byline.reviewer,
    )


def heading_text(heading: str) -> str:
    """A heading block's words without "#" marks (opening or closing) or an underline."""
    first_line = heading.split("\n", 1)[0].strip()
    if first_line.startswith("#"):
        first_line = CLOSING_HASHES.sub("", first_line.lstrip("#"))
    return first_line.strip()


def infer_blocks(text: str) -> list[Block]:
    """Blocks of a plain text, with spans into ``text`` itself."""
    blocks: list[Block] = []
    chunk: list[Line] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            chunk.append((pos, line))
        elif chunk:
            _chunk_blocks(chunk, blocks)
            chunk = []
        pos += len(line) + 1
    if chunk:
        _chunk_blocks(chunk, blocks)
    return blocks


def _span(first: Line, last: Line) -> tuple[int, int]:
    start_pos, start_line = first
    end_pos, end_line = last
    start = start_pos + len(start_line) - len(start_line.lstrip())
    end = end_pos + len(end_line.rstrip())
    return start, end


def is_list_line(line: str) -> bool:
    """A marker followed by words ("1. Text", "- 5 mg"), not a rule like "* * *"."""
    marker = LIST_MARKER.match(line, len(line) - len(line.lstrip()))
    return bool(marker) and any(ch.isalnum() for ch in line[marker.end() :])


def _chunk_blocks(chunk: list[Line], blocks: list[Block]) -> None:
    """Split one run of non-blank lines into blocks, appending them to ``blocks``."""
    current_kind: BlockKind | None = None
    current_first = 0

    def close(last_index: int) -> None:
        if current_kind is not None:
            blocks.append(Block(current_kind, *_span(chunk[current_first], chunk[last_index])))

    index = 0
    while index < len(chunk):
        line = chunk[index][1]
        hashes = HASH_HEADING.match(line)
        underlined = index == 0 and len(chunk) > 1 and UNDERLINE.fullmatch(chunk[1][1]) is not None
        if hashes:
            close(index - 1)
            current_kind = None
            blocks.append(Block("heading", *_span(chunk[index], chunk[index]), len(hashes[1])))
        elif underlined and looks_like_heading(line):
            level = 1 if chunk[1][1].strip().startswith("=") else 2
            blocks.append(Block("heading", *_span(chunk[0], chunk[1]), level))
            index += 1
        elif is_list_line(line):
            close(index - 1)
            current_kind, current_first = "list_item", index
        elif index == 0 and looks_like_heading(line) and not _continues(chunk):
            blocks.append(Block("heading", *_span(chunk[0], chunk[0]), 1 if not blocks else 2))
        elif current_kind is None:
            current_kind, current_first = "paragraph", index
        index += 1
    close(len(chunk) - 1)


def looks_like_heading(line: str) -> bool:
    """Short, no sentence punctuation at the end, has letters, not a list item or a URL."""
    stripped = line.strip()
    if len(stripped) > MAX_HEADING_CHARS or len(stripped.split()) > MAX_HEADING_WORDS:
        return False
    if is_list_line(line) or "://" in stripped or _byline_name(stripped):
        return False
    dated = DATELINE.fullmatch(stripped)
    if dated and parse_date(dated[1]):
        return False
    if stripped.rstrip(TRAILING_CLOSERS).endswith(_SENTENCE_END):
        return False
    return any(ch.isalpha() for ch in stripped)


def _continues(chunk: list[Line]) -> bool:
    """Whether the chunk's first line is hard-wrapped prose that goes on in the next line."""
    if len(chunk) < 2:
        return False
    first = chunk[0][1].strip()
    following = chunk[1][1].strip()
    if is_list_line(chunk[1][1]) or HASH_HEADING.match(chunk[1][1]):
        return False
    if following[:1].islower():
        return True
    last_word = first.split()[-1].lower().strip(TRAILING_CLOSERS)
    if last_word in CONTINUING_WORDS or first.endswith(("-", "–", "—", "&", "/")):
        return True
    # Hard-wrapped prose breaks a line only when the next word would not fit on it.
    middle = [len(line.rstrip()) for _pos, line in chunk[1:-1]]
    wrap = max(middle) if middle else _DEFAULT_WRAP
    next_word = following.split()[0]
    return len(chunk[0][1].rstrip()) + 1 + len(next_word) > wrap


def _byline(text: str, blocks: list[Block]) -> tuple[str | None, date | None]:
    """Author and publication date from one-line "By ..." / "Published ..." blocks at the top."""
    author: str | None = None
    published: date | None = None
    for block in blocks[:_HEADER_BLOCKS]:
        line = text[block.start : block.end]
        if "\n" in line or block.kind == "list_item":
            continue
        name = _byline_name(line)
        if name and author is None:
            author = name
        dated = DATELINE.fullmatch(line)
        if dated and published is None:
            published = parse_date(dated[1])
    return author, published


def _byline_name(line: str) -> str | None:
    """The name in a byline such as "By Jane Doe, MD | 5 March 2024", else None."""
    by = BYLINE.fullmatch(line.strip())
    if not by:
        return None
    name = re.split(r"\s+[|•·]\s*|\s+on\s+|,", by[1])[0].strip()
    parts = name.split()
    if not 1 <= len(parts) <= 6 or parts[0].lower() in _NOT_NAMES:
        return None
    if not all(part[0].isupper() or part.lower() in _NAME_PARTICLES for part in parts):
        return None
    return clean_meta(name)
