"""Reviewers' rationales and editors' notes as rich text: Markdown read once, drawn by every format.

``parse_markdown`` reads CommonMark (markdown-it-py, raw HTML off: a ``<script>`` stays the text
"<script>") into a flat list of ``Block``s of styled ``Span``s. Each renderer (HTML, PDF, Word,
Markdown) draws those, so no format ever interprets user text itself.

Kept: paragraphs, headings (drawn as bold paragraphs: a rationale's headings must not become
report headings), bullet and numbered lists (nested), block quotes, code, bold, italics, inline
code, line breaks and links. A link keeps its text and its address, and every format shows the
address: a reader of the printed report must see where a link goes. Only http(s) and mailto
addresses are links; any other address is shown as text. An image is shown as its
description and address, never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

__all__ = ["Block", "Span", "http_url", "link_address", "parse_markdown", "plain_text"]


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None  # a safe address: the span is a link's text
    address: bool = False  # the span is a link's address, shown after its text


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" | "heading" | "item" | "quote" | "code"
    spans: tuple[Span, ...]
    depth: int = 0  # list nesting (0 outside lists, 1 for a top-level item)
    marker: str = ""  # "•" or "3." on an item's first paragraph, "" on its later ones


def http_url(url: object) -> str | None:
    """The URL if it is a plain absolute http(s) URL with a host, else None."""
    if not url:
        return None
    text = str(url).strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def link_address(url: str | None) -> str | None:
    """The address when it is a link a report may hold (http, https, mailto), else None."""
    text = (url or "").strip()
    if text.lower().startswith("mailto:") and len(text) > len("mailto:"):
        if not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
            return text
        return None
    return http_url(text)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _shown(href: str) -> str:
    return href[len("mailto:") :] if href.lower().startswith("mailto:") else href


def _inline(children: list) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    link: str | None = None  # the raw address of the open link
    link_text: list[str] = []
    for token in children:
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold = max(bold - 1, 0)
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic = max(italic - 1, 0)
        elif kind == "link_open":
            link = str(token.attrs.get("href") or "")
            link_text = []
        elif kind == "link_close":
            if link is not None:
                safe = link_address(link)
                shown = " ".join(link_text).strip()
                # A link whose text is its address needs it only once.
                if shown.rstrip("/") != _shown(link).rstrip("/"):
                    spans.append(Span(f" ({_shown(link)})", address=True, href=safe))
            link = None
        elif kind in ("text", "code_inline"):
            text = token.content
            if not text:
                continue
            if link is not None:
                link_text.append(text)
            spans.append(
                Span(
                    text,
                    bold=bold > 0,
                    italic=italic > 0,
                    code=kind == "code_inline",
                    href=link_address(link) if link is not None else None,
                )
            )
        elif kind == "softbreak":
            spans.append(Span(" ", bold=bold > 0, italic=italic > 0))
        elif kind == "hardbreak":
            spans.append(Span("\n", bold=bold > 0, italic=italic > 0))
        elif kind == "image":
            src = str(token.attrs.get("src") or "")
            alt = token.content or "image"
            spans.append(Span(f"[{alt}]", italic=True))
            if src:
                spans.append(Span(f" ({src})", address=True, href=link_address(src)))
        elif token.content:  # anything else markdown-it may add later: its text, as text
            spans.append(Span(token.content))
    return _merged(spans)


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of the same style joined (fewer runs in every format)."""
    out: list[Span] = []
    for span in spans:
        if out:
            last = out[-1]
            if (last.bold, last.italic, last.code, last.href, last.address) == (
                span.bold,
                span.italic,
                span.code,
                span.href,
                span.address,
            ):
                out[-1] = Span(
                    last.text + span.text, last.bold, last.italic, last.code, last.href,
                    last.address,
                )  # fmt: skip
                continue
        out.append(span)
    return out


@lru_cache(maxsize=2048)
def parse_markdown(text: str) -> tuple[Block, ...]:
    """A rationale's Markdown as blocks of styled spans (see the module docstring)."""
    if not text or not text.strip():
        return ()
    tokens = _parser().parse(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[Block] = []
    lists: list[list] = []  # per open list: [ordered, next number]
    pending_marker: str | None = None
    quote = 0
    heading = False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
        elif kind == "list_item_open":
            if lists:
                ordered, number = lists[-1]
                pending_marker = f"{number}." if ordered else "•"
                if ordered:
                    lists[-1][1] = number + 1
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote = max(quote - 1, 0)
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code:
                blocks.append(Block("code", (Span(code, code=True),), depth=len(lists)))
        elif kind == "inline":
            spans = _inline(token.children or [])
            if heading:
                spans = [Span(s.text, True, s.italic, s.code, s.href, s.address) for s in spans]
            if not spans:
                continue
            if lists:
                blocks.append(
                    Block("item", tuple(spans), depth=len(lists), marker=pending_marker or "")
                )
                pending_marker = None
            elif quote:
                blocks.append(Block("quote", tuple(spans)))
            else:
                blocks.append(Block("heading" if heading else "paragraph", tuple(spans)))
    return tuple(blocks)


def plain_text(blocks: tuple[Block, ...]) -> str:
    """The blocks as plain text (a paragraph per line, list markers kept, link addresses in
    brackets): for formats that hold no styles, such as CSV."""
    lines = []
    for block in blocks:
        text = "".join(span.text for span in block.spans)
        if block.kind == "item":
            indent = "  " * (block.depth - 1)
            text = f"{indent}{block.marker} {text}" if block.marker else f"{indent}  {text}"
        elif block.kind == "quote":
            text = f"“{text}”"
        lines.append(text)
    return "\n".join(lines)
