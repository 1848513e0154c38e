"""What every reader shares: size limits, decoding, block assembly, titles and dates."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from claims.bylines import MAX_BYLINE_CHARS, Byline, bylines_of
from claims.document import Block, BlockKind
from claims.errors import DocumentRefused

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MIB
MAX_BYTES_ENV_VAR = "CLAIMREVIEW_MAX_IMPORT_MB"

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")

# Decoded text is taken for binary data when more than MIN_CONTROLS of its characters, and
# more than MAX_CONTROL_SHARE of them, are control characters: C0 controls other than tab,
# newline, vertical tab, form feed and carriage return, and DEL. C1 controls (U+0080-U+009F,
# such as NEL) are not counted: a stray one in pasted text is no sign of binary data.
MAX_CONTROL_SHARE = 0.01
MIN_CONTROLS = 2
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Invisible characters in rendered text (md, html, docx): a zero-width space marks a break
# between words, so it becomes a space (never joining the words it separates); the word
# joiner, zero-width no-break space and soft hyphen join, so they are dropped.
_INVISIBLE = str.maketrans({"\u200b": " ", "\u2060": None, "\ufeff": None, "\u00ad": None})
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
# Unpaired surrogates: no text encoding (nor the database) can hold them, yet JSON-LD and YAML
# front matter can spell them ("\\ud800"); in metadata they become U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Piece:
    """One block of a reader's output before the text is assembled."""

    kind: BlockKind
    text: str
    level: int = 0


def words(text: str) -> frozenset[str]:
    """A set of space-separated words (for keyword tables)."""
    return frozenset(text.split())


def describe(filename: str | None, *, capital: bool = True) -> str:
    """How a refusal names the input: 'The file "notes.txt"', or 'The input'."""
    article = "The" if capital else "the"
    return f'{article} file "{PurePath(filename).name}"' if filename else f"{article} input"


def format_size(n: int) -> str:
    if n >= MIB:
        mb = n / MIB
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def resolve_max_bytes(max_bytes: int | None) -> int:
    """The import limit: ``max_bytes`` if given, else the environment variable, else 20 MiB."""
    if max_bytes is not None:
        return max_bytes
    raw = os.environ.get(MAX_BYTES_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0 or megabytes == float("inf"):
        raise DocumentRefused(
            f"The environment variable {MAX_BYTES_ENV_VAR} is {raw!r}, not a positive number "
            "of megabytes; set it to a number such as 50, or unset it to use the 20 MB default."
        )
    return int(megabytes * MIB)


def check_size(size: int, limit: int, filename: str | None) -> None:
    if size > limit:
        raise DocumentRefused(
            f"{describe(filename)} is {format_size(size)}, larger than the {format_size(limit)} "
            f"import limit; import a shorter document, or raise the limit with the environment "
            f"variable {MAX_BYTES_ENV_VAR} (in megabytes)."
        )


def refuse_empty(filename: str | None) -> DocumentRefused:
    return DocumentRefused(
        f"{describe(filename)} is empty (or only whitespace); "
        "choose a document that contains the article's text."
    )


def refuse_no_text(filename: str | None, where: str = "") -> DocumentRefused:
    return DocumentRefused(
        f"No article text was found in {describe(filename, capital=False)}{where}; check that "
        "it is the right file, or paste the article's text instead."
    )


def refuse_legacy_doc(filename: str | None) -> DocumentRefused:
    return DocumentRefused(
        f"{describe(filename)} is a legacy Word 97-2003 .doc file (or a password-protected Word "
        "file), which claimreview cannot read; open it in Word and save it as .docx "
        "(without a password)."
    )


def refuse_legacy_doc_bytes(data: bytes, filename: str | None) -> None:
    """Refuse a legacy Word .doc (an OLE compound file); the one place that checks for it."""
    if data.startswith(OLE_SIGNATURE):
        raise refuse_legacy_doc(filename)


def normalize_newlines(text: str) -> str:
    """Drop leading byte-order marks and turn CRLF and CR into LF."""
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode_bytes(data: bytes, filename: str | None) -> str:
    """Decode text bytes (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252).

    The result has a BOM removed and newlines normalized; it is refused if it looks binary.
    """
    refuse_legacy_doc_bytes(data, filename)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse_undecodable(filename) from None
    else:
        if b"\x00" in data:
            raise refuse_binary(filename, "it contains NUL bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise _refuse_undecodable(filename) from None
    return check_text(text, filename)


def check_text(text: str, filename: str | None) -> str:
    """Normalize a decoded text and refuse it if it is binary, not encodable or empty."""
    text = normalize_newlines(text)
    if "\x00" in text:
        raise refuse_binary(filename, "it contains NUL characters")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > MIN_CONTROLS and controls > MAX_CONTROL_SHARE * len(text):
        raise refuse_binary(filename, "too many of its characters are control characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DocumentRefused(
            f"{describe(filename)} contains invalid characters (unpaired surrogates); "
            "copy the text again from its source, or save it as UTF-8."
        ) from None
    if not text.strip():
        raise refuse_empty(filename)
    return text


def refuse_binary(filename: str | None, why: str) -> DocumentRefused:
    return DocumentRefused(
        f"{describe(filename)} looks like binary data, not text ({why}); "
        "choose a .txt, .md, .html or .docx file that contains the article."
    )


def _refuse_undecodable(filename: str | None) -> DocumentRefused:
    return DocumentRefused(
        f"{describe(filename)} is not in a text encoding claimreview can read "
        "(it tried UTF-8, UTF-16 and Windows-1252); save it as UTF-8 text and try again."
    )


def clean_block_text(text: str) -> str:
    """Collapse runs of whitespace to one space per line, drop blank lines, trim the ends.

    A ``\\n`` (a hard line break in the source) survives inside a block, never a blank line.
    """
    text = text.translate(_INVISIBLE)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def assemble(pieces: list[Piece]) -> tuple[str, list[Block]]:
    """Join the pieces' texts with blank lines and compute each block's span."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for piece in pieces:
        text = clean_block_text(piece.text)
        if piece.kind == "heading":
            text = " ".join(text.split())
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        level = min(max(piece.level, 1), 6) if piece.kind == "heading" else 0
        blocks.append(Block(piece.kind, pos, pos + len(text), level))
        pos += len(text)
    return "".join(parts), blocks


def block_problems(text: str, blocks: list[Block]) -> list[str]:
    """What breaks the text/blocks contract (empty when none): for tests and sanity checks.

    Blocks are in order and do not overlap, each span is non-empty and trimmed, headings have
    a level 1-6 and other blocks 0, and every non-whitespace character lies in a block.
    """
    problems: list[str] = []
    if "\r" in text:
        problems.append("text contains a carriage return")
    if text.startswith("\ufeff"):
        problems.append("text starts with a byte-order mark")
    previous_end = 0
    for index, block in enumerate(blocks):
        span = text[block.start : block.end]
        if not 0 <= block.start < block.end <= len(text):
            problems.append(f"block {index} has an impossible span {block.start}-{block.end}")
            continue
        if block.start < previous_end:
            problems.append(f"block {index} overlaps or precedes the block before it")
        elif text[previous_end : block.start].strip():
            problems.append(f"text before block {index} lies in no block")
        if span != span.strip():
            problems.append(f"block {index} starts or ends with whitespace")
        if block.kind not in ("heading", "paragraph", "list_item"):
            problems.append(f"block {index} has an unknown kind {block.kind!r}")
        elif block.kind == "heading" and not 1 <= block.level <= 6:
            problems.append(f"heading block {index} has level {block.level}")
        elif block.kind != "heading" and block.level != 0:
            problems.append(f"{block.kind} block {index} has level {block.level}")
        previous_end = max(previous_end, block.end)
    if text[previous_end:].strip():
        problems.append("text after the last block lies in no block")
    return problems


def humanize_stem(filename: str | None) -> str | None:
    """A title from a file name: "multiple-myeloma-immunotherapy.txt" gives
    "Multiple myeloma immunotherapy"; None without a name or letters in it."""
    if not filename:
        return None
    stem = PurePath(filename).stem
    words = re.sub(r"[-_.\s]+", " ", stem).strip()
    if not re.search(r"[^\W\d_]", words):
        return None
    return words[0].upper() + words[1:]


def excerpt(text: str, limit: int = 80) -> str:
    """The first ``limit`` characters of a text on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def clean_meta(value: object, limit: int = 300) -> str | None:
    """A metadata string on one line, or None for empty or non-text values."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = _SURROGATE.sub("\ufffd", " ".join(str(value).split()))
    if not text:
        return None
    return text if len(text) <= limit else excerpt(text, limit)


def choose_title(
    metadata_titles: list[str | None],
    text: str,
    blocks: list[Block],
    filename: str | None,
    heading_title=None,
) -> str | None:
    """Title fallback: metadata, first level-1 heading, file name, first paragraph."""
    for candidate in metadata_titles:
        title = clean_meta(candidate)
        if title:
            return title
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            raw = text[block.start : block.end]
            title = clean_meta(heading_title(raw) if heading_title else raw)
            if title:
                return title
    stem_title = humanize_stem(filename)
    if stem_title:
        return stem_title
    for block in blocks:
        if block.kind == "paragraph":
            return excerpt(text[block.start : block.end])
    if blocks:
        return excerpt(text[blocks[0].start : blocks[0].end])
    return None


def parse_date(value: object) -> date | None:
    """A date from a metadata value (date, datetime or text with a four-digit year), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100 or not _YEAR.search(text):
        return None
    from dateutil import parser as date_parser

    try:
        parsed = date_parser.parse(text, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1800 <= parsed.year <= 2199:
        return None
    return parsed.date()


def clean_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    url = value.strip()
    if _SURROGATE.search(url):
        return None
    if re.match(r"https?://[^\s/]+", url, re.IGNORECASE) and not re.search(r"\s", url):
        return url
    return None


# Bylines are looked for in this many blocks at the top of an article and at its end.
BYLINE_TOP_BLOCKS = 8
BYLINE_END_BLOCKS = 4


def page_byline(text: str, blocks: list[Block]) -> Byline:
    """The author and medical reviewer named by byline blocks at the top or the end of the
    text ("By Jane Doe, MD", "Reviewed by John Roe, MD on 5 March 2024")."""
    near = (
        blocks[:BYLINE_TOP_BLOCKS]
        + blocks[max(BYLINE_TOP_BLOCKS, len(blocks) - BYLINE_END_BLOCKS) :]
    )
    return bylines_of(
        text[block.start : block.end]
        for block in near
        if block.kind != "list_item" and block.end - block.start <= MAX_BYLINE_CHARS
    )
