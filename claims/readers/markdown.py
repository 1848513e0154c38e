"""Markdown: YAML front matter for metadata, markdown-it-py tokens rendered as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from claims.document import Document
from claims.errors import DocumentRefused
from claims.readers.common import (
    Piece,
    assemble,
    choose_title,
    clean_meta,
    clean_url,
    describe,
    parse_date,
    refuse_no_text,
)

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_BR_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)

TITLE_KEYS = ("title",)
AUTHOR_KEYS = ("author", "authors", "by")
DATE_KEYS = ("date", "published", "publication_date")
URL_KEYS = ("url", "source", "canonical_url")


def read_markdown(text: str, filename: str | None = None) -> Document:
    """Read normalized Markdown text (no BOM, ``\\n`` newlines)."""
    meta, body = split_front_matter(text, filename)
    pieces = render_pieces(body, filename)
    plain, blocks = assemble(pieces)
    if not blocks:
        raise refuse_no_text(filename)
    return Document(
        text=plain,
        source_format="md",
        blocks=blocks,
        title=choose_title([_first(meta, TITLE_KEYS)], plain, blocks, filename),
        author=_author(_first(meta, AUTHOR_KEYS)),
        published=parse_date(_first(meta, DATE_KEYS)),
        source_url=clean_url(_first(meta, URL_KEYS)),
        source_text=text,
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


def _author(value: object) -> str | None:
    if isinstance(value, dict):
        return clean_meta(value.get("name"))
    if isinstance(value, list):
        names = [_author(item) for item in value[:50]]
        return clean_meta(", ".join(name for name in names if name))
    return clean_meta(value)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def render_pieces(markdown: str, filename: str | None = None) -> list[Piece]:
    """The blocks of a Markdown body as plain text."""
    renderer = _Renderer(filename)
    renderer.run(_parser().parse(markdown))
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
            self.pieces.append(Piece("list_item", item.marker + text.strip()))
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

    def _tr_open(self, token: Token) -> None:
        self.row = []

    def _tr_close(self, token: Token) -> None:
        cells = [cell for cell in (self.row or []) if cell]
        self.row = None
        if not cells:
            return
        line = " | ".join(cells)
        if self.items:
            self.items[-1].parts.append(line)
        else:
            self.pieces.append(Piece("paragraph", line))

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
