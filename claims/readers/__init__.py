"""Article readers: turn a .txt, .md, .html or .docx file (or pasted text) into a Document.

Every reader returns a :class:`~claims.document.Document` whose ``blocks`` tile its ``text``
(each block's span is trimmed and non-empty; every non-whitespace character lies in exactly
one block) or raises :class:`~claims.errors.DocumentRefused` with a one-sentence reason.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from claims.document import Document
from claims.errors import DocumentRefused
from claims.readers.common import (
    DEFAULT_MAX_BYTES,
    MAX_BYTES_ENV_VAR,
    ZIP_SIGNATURES,
    check_size,
    check_text,
    decode_bytes,
    describe,
    refuse_empty,
    resolve_max_bytes,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXTENSIONS",
    "MAX_BYTES_ENV_VAR",
    "SUPPORTED_FORMATS",
    "read_document",
    "read_text",
    "sniff_format",
]

SUPPORTED_FORMATS: tuple[str, ...] = ("txt", "md", "html", "docx")
EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
_FORMAT_ALIASES = {
    "text": "txt",
    "plain": "txt",
    "markdown": "md",
    "htm": "html",
    "word": "docx",
}
_SUPPORTED_EXTENSIONS = ".txt, .md, .html or .docx"

_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<article", "<main")
_HTML_TAG = re.compile(r"<(p|div|h[1-6]|ul|ol|table|section|article|span|a|br)\b[^>]*>", re.I)
_HTML_CLOSE = re.compile(r"</(p|div|h[1-6]|ul|ol|li|table|section|article|span|a)>", re.I)
_FRONT_MATTER = re.compile(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.M)
_MD_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+\S", re.M)
_MD_LINK = re.compile(r"\[[^\]\n]+\]\([^)\s]+\)")
_MD_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.M)
_MD_SETEXT = re.compile(r"^\S[^\n]*\n {0,3}=+[ \t]*$", re.M)


def read_document(
    data: bytes,
    filename: str | None = None,
    *,
    source_format: str | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Read an article from a file's bytes.

    The format is ``source_format`` if given, else the file name's extension, else (no
    file name, or one without an extension) sniffed from the bytes. ``max_bytes`` defaults to
    the environment variable CLAIMREVIEW_MAX_IMPORT_MB (in megabytes), else 20 MiB. Markdown
    has a lower limit of its own, 2 MiB (``claims.readers.markdown.MAX_MARKDOWN_BYTES``),
    which slow parsing of hostile input requires.
    """
    limit = resolve_max_bytes(max_bytes)
    check_size(len(data), limit, filename)
    if not data.strip():
        raise refuse_empty(filename)
    # A legacy Word .doc is refused where the bytes are read: decode_bytes and read_docx.

    fmt = _normalize_format(source_format) if source_format else _format_from_name(filename)
    if fmt == "docx":
        from claims.readers.docx import read_docx

        return read_docx(data, filename, limit)
    if fmt is None and data.startswith(ZIP_SIGNATURES):
        from claims.readers.docx import read_docx

        return read_docx(data, filename, limit)
    text = decode_bytes(data, filename)
    return _read_decoded(text, fmt or sniff_text_format(text), filename)


def read_text(text: str, source_format: str | None = "txt") -> Document:
    """Read an article from an already-decoded string (e.g. pasted text).

    ``source_format`` is "txt", "md" or "html" (None sniffs it from the text).
    """
    limit = resolve_max_bytes(None)
    if not isinstance(text, str):
        raise DocumentRefused("The text to import is not a string; pass the article as text.")
    check_size(len(text.encode("utf-8", "surrogatepass")), limit, None)
    fmt = _normalize_format(source_format) if source_format else None
    if fmt == "docx":
        raise DocumentRefused(
            "Pasted text cannot be a Word document; upload the .docx file itself, or paste its "
            "text as plain text."
        )
    text = check_text(text, None)
    return _read_decoded(text, fmt or sniff_text_format(text), None)


def sniff_format(data: bytes) -> str:
    """The format the bytes look like: "docx", "html", "md" or "txt" (refuses bad input)."""
    if data.startswith(ZIP_SIGNATURES):
        return "docx"
    return sniff_text_format(decode_bytes(data, None))


def sniff_text_format(text: str) -> str:
    """The format a decoded text looks like: "html", "md" or "txt".

    Markdown needs front matter, a "#" heading, a setext heading, a bullet list, a link or a
    code fence: numbered paragraphs alone are common in plain text and do not count.
    """
    head = text.lstrip()[:4096]
    lowered = head.lower()
    if lowered.startswith(_HTML_STARTS):
        return "html"
    if lowered.startswith(("<?xml", "<!--")) and "<html" in lowered:
        return "html"
    if lowered.startswith("<") and _HTML_TAG.search(head) and _HTML_CLOSE.search(head):
        return "html"
    if _FRONT_MATTER.match(text):
        return "md"
    sample = text[:65536]
    if any(pattern.search(sample) for pattern in (_MD_HEADING, _MD_SETEXT, _MD_LINK, _MD_FENCE)):
        return "md"
    if len(_MD_BULLET.findall(sample)) >= 2:
        return "md"
    return "txt"


def _read_decoded(text: str, fmt: str, filename: str | None) -> Document:
    if fmt == "md":
        from claims.readers.markdown import read_markdown

        return read_markdown(text, filename)
    if fmt == "html":
        from claims.readers.html import read_html

        return read_html(text, filename)
    from claims.readers.plain import read_plain

    return read_plain(text, filename)


def _normalize_format(source_format: str) -> str:
    key = str(source_format).strip().lower().lstrip(".")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in SUPPORTED_FORMATS:
        raise DocumentRefused(
            f"Unknown document format {source_format!r}; use one of {', '.join(SUPPORTED_FORMATS)}."
        )
    return key


def _format_from_name(filename: str | None) -> str | None:
    """The format for a file name's extension; None (sniff) without a name or extension."""
    if not filename:
        return None
    suffix = PurePath(filename).suffix.lower()
    if not suffix:
        return None
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix in (".doc", ".dot", ".rtf", ".odt", ".pdf", ".pages"):
        advice = "save it as .docx (or as plain text, .txt)"
    else:
        advice = "save or export it as one of those"
    raise DocumentRefused(
        f"{describe(filename)} has the extension {suffix}, which claimreview cannot read; "
        f"supported files are {_SUPPORTED_EXTENSIONS}, so {advice}."
    )
