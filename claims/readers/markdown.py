"""Markdown: YAML front matter for metadata, markdown-it-py tokens rendered as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from claims.document import Document
from claims.errors import DocumentRefused
from claims.markers import item_text
from claims.readers.common import (
    MIB,
    Piece,
    assemble,
    choose_title,
    clean_meta,
    clean_url,
    describe,
    format_size,
    page_byline,
    parse_date,
    refuse_no_text,
)

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)

TITLE_KEYS = ("title",)
AUTHOR_KEYS = ("author", "authors", "by")
REVIEWER_KEYS = ("medically_reviewed_by", "medical_reviewer", "reviewed_by", "reviewer")
DATE_KEYS = ("date", "published", "publication_date")
URL_KEYS = ("url", "source", "canonical_url")

# markdown-it takes tens of seconds per megabyte on hostile input ("[[[[...", long lists), so
# Markdown has its own limit, well below the general import limit.
MAX_MARKDOWN_BYTES = 2 * MIB
# Nesting levels markdown-it follows in blocks (a list level counts two, a quote one); past
# this it would silently drop the rest of the document, so that is refused instead.
BLOCK_MAX_NESTING = 100
# Inline markup ("[", "*") deeper than this is read as plain text, losing nothing; a higher
# limit only makes "[[[[..." slower.
INLINE_MAX_NESTING = 20


class _TooDeep(Exception):
    """Raised inside markdown-it when blocks are nested past BLOCK_MAX_NESTING."""


def read_markdown(text: str, filename: str | None = None) -> Document:
    """Read normalized Markdown text (no BOM, ``\\n`` newlines)."""
    check_markdown_size(text, filename)
    meta, body = split_front_matter(text, filename)
    pieces = render_pieces(body, filename)
    plain, blocks = assemble(pieces)
    if not blocks:
        raise refuse_no_text(filename)
    byline = page_byline(plain, blocks)
    return Document(
        text=plain,
        source_format="md",
        blocks=blocks,
        title=choose_title([_first(meta, TITLE_KEYS)], plain, blocks, filename),
        author=_author(_first(meta, AUTHOR_KEYS)) or byline.author,
        published=parse_date(_first(meta, DATE_KEYS)),
        source_url=clean_url(_first(meta, URL_KEYS)),
        source_text=text,
        reviewer=_author(_first(meta, REVIEWER_KEYS)) or byline.reviewer,
    )


def check_markdown_size(text: str, filename: str | None) -> None:
    """Refuse Markdown larger than MAX_MARKDOWN_BYTES (UTF-8), which could read for minutes."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MARKDOWN_BYTES:
        raise DocumentRefused(
            f"{describe(filename)} is {format_size(size)} of Markdown, more than the "
            f"{format_size(MAX_MARKDOWN_BYTES)} claimreview reads as Markdown (larger Markdown "
            "can take minutes to read); convert it to plain text or split it."
        )


def split_front_matter(text: str, filename: str | None = None) -> tuple[dict, str]:
    """The YAML front matter at the very top (as a mapping) and the Markdown after it."""
    opening = _FRONT_MATTER_OPEN.match(text)
    if not opening:
        return {}, text
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if not closing:
        return {}, text
    raw = text[opening.end() : closing.start()]
    name = describe(filename, capital=False)
    body = text[closing.end() :]
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise DocumentRefused(
            f"The YAML front matter at the top of {name} is malformed{where}; "
            "fix it (one 'key: value' per line between the two '---' lines) or remove it."
        ) from None
    except (ValueError, TypeError, RecursionError):
        raise DocumentRefused(
            f"The YAML front matter at the top of {name} has a value that "
            "cannot be read (e.g. an impossible date); fix it or remove the front matter."
        ) from None
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        raise DocumentRefused(
            f"The front matter at the top of {name} is not a list of 'key: value' "
            "pairs; fix it, or remove the two '---' lines around it."
        )
    return {str(key).strip().lower(): value for key, value in data.items()}, body


def _first(meta: dict, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = meta.get(key)
        if value not in (None, "", []):
            return value
    return None


def _author(value: object, *, in_list: bool = False) -> str | None:
    """A name, a {name: ...} mapping, or a list of those; a list inside the list is no name
    (YAML aliases can make nested lists exponentially large, or make a list contain itself)."""
    if isinstance(value, dict):
        return clean_meta(value.get("name"))
    if isinstance(value, list):
        if in_list:
            return None
        names = [_author(item, in_list=True) for item in value[:50]]
        return clean_meta(", ".join(name for name in names if name))
    return clean_meta(value)


def _parser() -> MarkdownIt:
    """CommonMark with tables; blocks nested past BLOCK_MAX_NESTING raise ``_TooDeep``."""
    md = MarkdownIt("commonmark", {"maxNesting": BLOCK_MAX_NESTING}).enable("table")
    tokenize = md.block.tokenize

    def guarded_tokenize(state: StateBlock, start_line: int, end_line: int) -> None:
        # markdown-it stops reading (and drops the rest) when a nested block starts at this
        # level; the level is the same at every block of one call, so checking once suffices.
        if state.level >= BLOCK_MAX_NESTING:
            line = state.skipEmptyLines(start_line)
            if line < end_line and state.sCount[line] >= state.blkIndent:
                raise _TooDeep
        tokenize(state, start_line, end_line)

    def set_nesting(limit: int):
        def rule(state: StateCore) -> None:
            state.md.options.maxNesting = limit

        return rule

    md.block.tokenize = guarded_tokenize  # nested blocks call md.block.tokenize
    md.core.ruler.before("block", "block_nesting", set_nesting(BLOCK_MAX_NESTING))
    md.core.ruler.after("block", "inline_nesting", set_nesting(INLINE_MAX_NESTING))
    return md


def render_pieces(markdown: str, filename: str | None = None) -> list[Piece]:
    """The blocks of a Markdown body as plain text."""
    renderer = _Renderer(filename)
    try:
        tokens = _parser().parse(markdown)
    except _TooDeep:
        raise DocumentRefused(
            f"{describe(filename)} contains Markdown nested too deeply to read safely (about "
            f"{BLOCK_MAX_NESTING // 2} levels of lists, or {BLOCK_MAX_NESTING} of block quotes, "
            "inside one another); flatten the nesting, or save the article's text as .txt and "
            "import that instead."
        ) from None
    renderer.run(tokens)
    return renderer.pieces


@dataclass
class _Item:
    marker: str
    parts: list[str] = field(default_factory=list)
    emitted: bool = False


@dataclass
class _List:
    ordered: bool
    next_number: int = 1


class _Renderer:
    """Walks markdown-it block tokens and collects pieces in reading order."""

    def __init__(self, filename: str | None = None) -> None:
        self.filename = filename
        self.pieces: list[Piece] = []
        self.lists: list[_List] = []
        self.items: list[_Item] = []
        self.row: list[str] | None = None
        self.heading_level = 0

    def run(self, tokens: list[Token]) -> None:
        for token in tokens:
            handler = getattr(self, "_" + token.type, None)
            if handler is not None:
                handler(token)

    # Lists

    def _bullet_list_open(self, token: Token) -> None:
        self._emit_open_item()
        self.lists.append(_List(ordered=False))

    def _ordered_list_open(self, token: Token) -> None:
        self._emit_open_item()
        start = token.attrGet("start")
        self.lists.append(_List(ordered=True, next_number=int(start) if start else 1))

    def _bullet_list_close(self, token: Token) -> None:
        if self.lists:
            self.lists.pop()

    _ordered_list_close = _bullet_list_close

    def _list_item_open(self, token: Token) -> None:
        current = self.lists[-1] if self.lists else _List(ordered=False)
        if current.ordered:
            marker = f"{current.next_number}. "
            current.next_number += 1
        else:
            marker = "- "
        self.items.append(_Item(marker))

    def _list_item_close(self, token: Token) -> None:
        if self.items:
            item = self.items.pop()
            self._emit_item(item)

    def _emit_open_item(self) -> None:
        """A nested list starts: its parent item goes first, with what it has so far."""
        if self.items:
            self._emit_item(self.items[-1])

    def _emit_item(self, item: _Item) -> None:
        text = " ".join(part for part in item.parts if part.strip())
        item.parts.clear()
        if not text.strip():
            return
        if item.emitted:
            # Text after a nested list: its own paragraph, after the nested items.
            self.pieces.append(Piece("paragraph", text))
        else:
            self.pieces.append(Piece("list_item", item_text(item.marker, text)))
            item.emitted = True

    # Text-bearing blocks

    def _heading_open(self, token: Token) -> None:
        self.heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1

    def _heading_close(self, token: Token) -> None:
        self.heading_level = 0

    def _inline(self, token: Token) -> None:
        text = render_inline(token.children or [])
        if self.row is not None:
            self.row.append(" ".join(text.split()))
        elif self.items:
            self.items[-1].parts.append(text)
        elif self.heading_level:
            self.pieces.append(Piece("heading", text, self.heading_level))
        else:
            self.pieces.append(Piece("paragraph", text))

    def _table_open(self, token: Token) -> None:
        self._emit_open_item()  # a table in a list item comes after the item's own text

    def _tr_open(self, token: Token) -> None:
        self.row = []

    def _tr_close(self, token: Token) -> None:
        # Each cell is a paragraph of its own: joined, one cell's sentence would run on into
        # the next ("Aspirin cures headaches. | Always works.").
        cells = [cell for cell in (self.row or []) if cell]
        self.row = None
        self.pieces.extend(Piece("paragraph", cell) for cell in cells)

    def _html_block(self, token: Token) -> None:
        from claims.readers.html import fragment_pieces

        pieces = fragment_pieces(token.content, self.filename)
        if self.items:
            self.items[-1].parts.extend(piece.text.replace("\n", " ") for piece in pieces)
        else:
            self.pieces.extend(pieces)


def render_inline(children: list[Token]) -> str:
    """Inline tokens as plain text: markup dropped, link text kept, images dropped."""
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "text_special"):
            out.append(child.content.replace("\n", " "))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak" or (
            kind == "html_inline" and _BR_TAG.fullmatch(child.content.strip())
        ):
            out.append("\n")
        # Everything else (emphasis, links' open/close, images, inline HTML tags) adds nothing.
    return "".join(out)
