"""Word (.docx): the body's paragraphs and tables in reading order, via python-docx.

The zip container is checked (signature, entry count, uncompressed sizes and compression
ratio, encryption and compression method, main document part) before python-docx opens it,
and every deflated part is inflated in bounded chunks to check it holds no more than its
declared size, so a zip bomb (also one whose headers understate its sizes) is refused unread.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import UTC, date, datetime

from lxml import etree

from claims.document import Document
from claims.errors import DocumentRefused
from claims.markers import item_text
from claims.readers.common import (
    ZIP_SIGNATURES,
    Piece,
    assemble,
    choose_title,
    clean_meta,
    describe,
    format_size,
    page_byline,
    refuse_legacy_doc_bytes,
    refuse_no_text,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN_PART = "word/document.xml"

# The uncompressed size of a .docx may be at most this many times the import limit.
UNCOMPRESSED_FACTOR = 10
MAX_ENTRIES = 10_000
# A part larger than this (uncompressed) must not be compressed more than MAX_RATIO times.
RATIO_CHECK_BYTES = 1024 * 1024
MAX_RATIO = 200
# Parts are inflated this many bytes at a time when their declared sizes are checked.
INFLATE_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length

_HEADING_STYLE = re.compile(r"heading\s*([1-9])")
# Elements whose children hold a paragraph's runs; anything else (deleted text, drawings,
# field instructions, properties) contributes no text.
_RUN_CONTAINERS = frozenset(
    W + tag
    for tag in (
        "r",
        "hyperlink",
        "ins",
        "smartTag",
        "sdt",
        "sdtContent",
        "fldSimple",
        "customXml",
        "moveTo",
        "dir",
        "bdo",
    )
)
# python-docx's own template stamps these on every document it creates.
_TEMPLATE_AUTHOR = "python-docx"
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)


def read_docx(data: bytes, filename: str | None, max_bytes: int) -> Document:
    """Read a Word .docx file's bytes."""
    check_container(data, filename, max_bytes)
    import docx as python_docx

    try:
        word = python_docx.Document(io.BytesIO(data))
        body = word.element.body
        styles = _Styles(word)
        numbering = _Numbering(word)
    except Exception:  # python-docx raises many types for a broken package
        raise DocumentRefused(
            f"{describe(filename)} could not be opened as a Word document (it is damaged or not "
            "really a .docx); open it in Word and save it again as .docx."
        ) from None
    if body is None:
        raise refuse_no_text(filename, " (the Word document has no body)")

    walker = _BodyWalker(styles, numbering)
    walker.walk(body)
    plain, blocks = assemble(walker.pieces)
    if not blocks:
        raise refuse_no_text(filename, " (the Word document has no text in its body)")

    core_title = core_author = None
    created: date | None = None
    try:
        core = word.core_properties
        core_title = clean_meta(core.title)
        core_author = clean_meta(core.author)
        if core_author == _TEMPLATE_AUTHOR:
            core_author = None
        if core.created is not None and core.created.replace(tzinfo=UTC) != _TEMPLATE_CREATED:
            created = core.created.date()
    except Exception:  # unreadable core properties are only missing metadata
        pass

    byline = page_byline(plain, blocks)
    return Document(
        text=plain,
        source_format="docx",
        blocks=blocks,
        title=choose_title([walker.title, core_title], plain, blocks, filename),
        author=byline.author or core_author,  # the byline names the writer; core, the typist
        published=created,
        source_url=None,
        source_text=None,
        reviewer=byline.reviewer,
    )


def check_container(data: bytes, filename: str | None, max_bytes: int) -> None:
    """Refuse anything but a sane .docx zip before python-docx reads a byte of it."""
    name = describe(filename)
    refuse_legacy_doc_bytes(data, filename)
    if not data.startswith(ZIP_SIGNATURES):
        raise DocumentRefused(
            f"{name} is not a valid .docx file (it is not a zip archive); "
            "open it in Word and save it as .docx, or import it as .txt, .md or .html."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_sizes(infos, len(data), name, max_bytes)
            _check_parts(data, infos, name)
            names = {info.filename for info in infos}
            main = MAIN_PART if MAIN_PART in names else _main_part_from_rels(archive, names)
    except DocumentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError):
        raise DocumentRefused(
            f"{name} is not a valid .docx file (its zip archive is damaged); "
            "open it in Word and save it again as .docx."
        ) from None
    if main is None:
        raise DocumentRefused(
            f"{name} is a zip archive without a Word document inside (no {MAIN_PART}); "
            "check that it is a .docx saved by Word or another word processor."
        )


def _check_sizes(infos: list[zipfile.ZipInfo], size: int, name: str, max_bytes: int) -> None:
    if len(infos) > MAX_ENTRIES:
        raise DocumentRefused(
            f"{name} has {len(infos)} files inside its zip archive, more than a Word document "
            f"should ({MAX_ENTRIES}); it may be a zip bomb, so it was not opened."
        )
    limit = UNCOMPRESSED_FACTOR * max_bytes
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise DocumentRefused(
            f"{name} expands to {format_size(total)} when unzipped, more than the "
            f"{format_size(limit)} allowed for a Word document; it may be a zip bomb, so it was "
            "not opened (save a smaller copy, e.g. without images)."
        )
    for info in infos:
        if info.file_size > RATIO_CHECK_BYTES and (
            info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
        ):
            raise DocumentRefused(
                f"{name} contains a part ({info.filename}) compressed suspiciously well "
                f"({format_size(info.file_size)} from {format_size(info.compress_size)}); "
                "it may be a zip bomb, so it was not opened."
            )


def _check_parts(data: bytes, infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse encrypted parts, compression Word never writes, and deflated parts that unzip
    to more than their declared size (zipfile trusts that size: it would inflate all of it)."""
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentRefused(
                f"{name} is encrypted (its part {info.filename} needs a password); open it in "
                "Word, remove the password and save it again as .docx."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocumentRefused(
                f"{name} uses a zip compression method Word does not write (method "
                f"{info.compress_type}, in {info.filename}); open it in Word and save it again "
                "as .docx."
            )
        if info.compress_type == zipfile.ZIP_DEFLATED and _inflates_past_size(data, info):
            raise DocumentRefused(
                f"{name} contains a part ({info.filename}) that unzips to more than the "
                f"{format_size(info.file_size)} its zip archive declares; it may be a zip bomb, "
                "so it was not opened."
            )


def _inflates_past_size(data: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether a deflated part inflates to more than ``info.file_size``, inflating at most
    that much plus one chunk (never the whole bomb)."""
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("truncated local file header")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    compressed = memoryview(data)[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left = info.file_size
    for at in range(0, len(compressed), INFLATE_CHUNK):
        pending: bytes | memoryview = compressed[at : at + INFLATE_CHUNK]
        while True:
            out = inflater.decompress(pending, INFLATE_CHUNK)
            left -= len(out)
            if left < 0:
                return True
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(out) < INFLATE_CHUNK):
                break
        if inflater.eof:
            break
    return False


def _main_part_from_rels(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The main document part named by the package relationships, if it exists."""
    if "_rels/.rels" not in names:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        rels = etree.fromstring(archive.read("_rels/.rels"), parser=parser)
    except etree.XMLSyntaxError:
        return None
    for rel in rels.iter(_REL_NS + "Relationship"):
        if (rel.get("Type") or "").endswith("/officeDocument"):
            target = (rel.get("Target") or "").lstrip("/")
            if target in names:
                return target
    return None


class _Styles:
    """Paragraph style names and the numbering each style carries."""

    def __init__(self, word) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.num_pr: dict[str, tuple[str | None, int | None]] = {}
        self.default: str | None = None
        root = word.styles.element
        for style in root.iter(W + "style"):
            if style.get(W + "type") not in (None, "paragraph"):
                continue
            style_id = style.get(W + "styleId")
            if not style_id:
                continue
            name = style.find(W + "name")
            self.names[style_id] = (name.get(W + "val") if name is not None else style_id).lower()
            based = style.find(W + "basedOn")
            if based is not None and based.get(W + "val"):
                self.based_on[style_id] = based.get(W + "val")
            ppr = style.find(W + "pPr")
            if ppr is not None:
                num = _num_pr(ppr)
                if num != (None, None):
                    self.num_pr[style_id] = num
            if style.get(W + "default") in ("1", "true", "on"):
                self.default = style_id

    def name(self, style_id: str | None) -> str:
        key = style_id or self.default
        return self.names.get(key or "", (key or "normal").lower())

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The numbering a style (or a style it is based on) gives its paragraphs."""
        key = style_id or self.default
        for _ in range(20):
            if key is None:
                break
            if key in self.num_pr:
                return self.num_pr[key]
            key = self.based_on.get(key)
        return None, None


def _num_pr(ppr: etree._Element) -> tuple[str | None, int | None]:
    num_pr = ppr.find(W + "numPr")
    if num_pr is None:
        return None, None
    num_id = num_pr.find(W + "numId")
    ilvl = num_pr.find(W + "ilvl")
    level = None
    if ilvl is not None:
        try:
            level = int(ilvl.get(W + "val") or 0)
        except ValueError:
            level = 0
    return (num_id.get(W + "val") if num_id is not None else None), level


class _Numbering:
    """Whether a numbering definition level is a bullet or a number, and where it starts."""

    def __init__(self, word) -> None:
        self.levels: dict[str, dict[int, tuple[str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        try:
            root = word.part.numbering_part.element
        except Exception:  # a document without numbering definitions
            return
        for abstract in root.iter(W + "abstractNum"):
            levels: dict[int, tuple[str, int]] = {}
            for lvl in abstract.iter(W + "lvl"):
                fmt = lvl.find(W + "numFmt")
                start = lvl.find(W + "start")
                levels[_as_int(lvl.get(W + "ilvl"), 0)] = (
                    (fmt.get(W + "val") or "decimal") if fmt is not None else "decimal",
                    _as_int(start.get(W + "val") if start is not None else None, 1),
                )
            self.levels[abstract.get(W + "abstractNumId") or ""] = levels
        for num in root.iter(W + "num"):
            abstract_id = num.find(W + "abstractNumId")
            overrides = {}
            for override in num.iter(W + "lvlOverride"):
                start = override.find(W + "startOverride")
                if start is not None:
                    overrides[_as_int(override.get(W + "ilvl"), 0)] = _as_int(
                        start.get(W + "val"), 1
                    )
            if abstract_id is not None:
                self.nums[num.get(W + "numId") or ""] = (
                    abstract_id.get(W + "val") or "",
                    overrides,
                )

    def level(self, num_id: str, ilvl: int) -> tuple[str, int] | None:
        """(number format, start) of a list level, or None if it is not defined."""
        if num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        found = self.levels.get(abstract_id, {}).get(ilvl)
        if found is None:
            return None
        fmt, start = found
        return fmt, overrides.get(ilvl, start)


def _as_int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's visible text: runs, hyperlinks, insertions; not deletions or drawings."""
    out: list[str] = []
    _collect_runs(p, out)
    return "".join(out)


def _collect_runs(el: etree._Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag in _RUN_CONTAINERS:
            _collect_runs(child, out)


class _BodyWalker:
    """Turns the body's paragraphs and tables into pieces, counting numbered list items."""

    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.pieces: list[Piece] = []
        self.title: str | None = None
        self.counters: dict[str, dict[int, int]] = {}

    def walk(self, container: etree._Element, depth: int = 0) -> None:
        if depth > 20:
            return
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child)
            elif tag == W + "tbl":
                self.table(child, depth)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.walk(content, depth + 1)
            elif tag == W + "customXml":
                self.walk(child, depth + 1)

    def paragraph(self, p: etree._Element) -> None:
        text = paragraph_text(p)
        if not text.strip():
            return
        ppr = p.find(W + "pPr")
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = style_el.get(W + "val") if style_el is not None else None
        style = self.styles.name(style_id)
        heading = _HEADING_STYLE.fullmatch(style)
        if style == "title":
            if self.title is None:
                self.title = " ".join(text.split())
            self.pieces.append(Piece("heading", text, 1))
            return
        if heading:
            self.pieces.append(Piece("heading", text, min(int(heading.group(1)), 6)))
            return
        num_id, ilvl = _num_pr(ppr) if ppr is not None else (None, None)
        if num_id is None:
            style_num, style_ilvl = self.styles.numbering(style_id)
            num_id = style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        numbered = num_id not in (None, "0")
        is_list = numbered or (style.startswith("list") and not style.startswith("list continue"))
        if not is_list:
            self.pieces.append(Piece("paragraph", text))
            return
        marker = self.marker(num_id if numbered else None, ilvl or 0, style)
        self.pieces.append(Piece("list_item", item_text(marker, text)))

    def marker(self, num_id: str | None, ilvl: int, style: str) -> str:
        level = self.numbering.level(num_id, ilvl) if num_id else None
        if level is not None:
            fmt, start = level
            ordered = fmt not in ("bullet", "none")
        else:
            ordered, start = style.startswith("list number"), 1
        if not ordered:
            return "- "
        counters = self.counters.setdefault(num_id or style, {})
        for deeper in [lvl for lvl in counters if lvl > ilvl]:
            del counters[deeper]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        return f"{counters[ilvl]}. "

    def table(self, table: etree._Element, depth: int) -> None:
        rows = table.findall(W + "tr")
        cells = [cell for row in rows for cell in row.findall(W + "tc")]
        layout = any(
            cell.find(W + "tbl") is not None
            or sum(1 for p in cell.findall(W + "p") if paragraph_text(p).strip()) > 1
            for cell in cells
        )
        if layout:
            for row in rows:
                for cell in row.findall(W + "tc"):
                    self.walk(cell, depth + 1)
            return
        # Each cell is a paragraph of its own: joined, one cell's sentence would run on into
        # the next ("Aspirin cures headaches. | Always works.").
        for row in rows:
            for cell in row.findall(W + "tc"):
                text = " ".join(" ".join(paragraph_text(p) for p in cell.findall(W + "p")).split())
                if text:
                    self.pieces.append(Piece("paragraph", text))
