"""HTML: the main content of a page as plain text, with metadata from its head.

Deterministic lxml cleaning (no trafilatura): the page is parsed once, the content root is
chosen (the largest ``<article>``, else ``<main>`` / ``[role=main]``, else the element whose own
paragraphs hold most of the page's prose, else ``<body>``) and walked
in document order, skipping what is never article prose (scripts, navigation, page header and
footer, asides, forms, share and cookie widgets, ads, newsletter boxes, related articles,
comments). An element marked as such furniture only by its class, id or role is dropped only
when it is small next to the content root (or mostly links), never when it holds most of the
root's text: class names such as "content-skip-ad" or "layout-has-sidebar" must not take the
article with them. A short paragraph or box of links alone (a promotion, page numbers, topic
tags) is left out too. Bylines, datelines and the page's own controls ("Loading ...", "Next
Page >") are taken out of the text; the author and the medical reviewer they name go into the
metadata. The tree is never modified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

from lxml import etree
from lxml import html as lxml_html

from claims.bylines import MAX_BYLINE_CHARS, Byline, bylines_of, read_byline
from claims.document import Document
from claims.errors import DocumentRefused
from claims.markers import item_text
from claims.readers.common import (
    Piece,
    assemble,
    choose_title,
    clean_block_text,
    clean_meta,
    clean_url,
    describe,
    parse_date,
    refuse_no_text,
    words,
)

HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
# Never visible as text, in any HTML (pages and raw HTML inside Markdown).
INVISIBLE_TAGS = words(
    "script style noscript template head title meta link base iframe frame frameset object "
    "embed svg math canvas video audio picture img map area select option optgroup datalist "
    "textarea input button source track param"
)
# Page furniture around an article.
PAGE_FURNITURE_TAGS = words("nav aside footer form dialog menu")
BLOCK_TAGS = words(
    "html body article main section div p blockquote dl dt dd figure address center details "
    "summary fieldset legend header footer hgroup caption table thead tbody tfoot tr td th "
    "li ul ol pre hr search"
)
BOILERPLATE_ROLES = words(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar "
    "toolbar form"
)
# Words of a class or id that mark an element as page furniture rather than article prose.
BOILERPLATE_WORDS = words(
    "nav navbar navigation menu breadcrumb breadcrumbs footer sidebar share shares sharing "
    "suggested suggestions trendmd category categories tags credit credits "
    "sharebar social ad ads advert adverts advertisement advertising adsense sponsor sponsored "
    "promo promotion promoted cookie cookies consent gdpr newsletter subscribe subscription "
    "signup paywall related recommended recommendations comment comments disqus outbrain "
    "taboola popup modal byline toolbar skip"
)
# ...and runs of words that do ("most-read": neither "most" nor "read" alone).
BOILERPLATE_PHRASES = (
    "story-more",
    "more-on-this",
    "more-from",
    "more-stories",
    "see-also",
    "most-read",
    "most_read",
    "mostread",
    "most-popular",
    "most-viewed",
    "most-shared",
    "trending",
)
BOILERPLATE_CLASSES = words(
    "sr-only visually-hidden visuallyhidden screen-reader-text hidden d-none skip-link off-screen "
    "offscreen"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[\s_\-:./]+|(?<=[a-z])(?=[A-Z])")
_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " · ", " • ", " » ")
_AUTHOR_PREFIX = re.compile(r"^(?:written\s+|posted\s+|reviewed\s+)?by\b[:\s]*", re.IGNORECASE)
_ARTICLE_TYPES = ("article", "posting", "webpage", "report")
# Elements whose class or id speaks of a review: where health sites print their reviewer.
_REVIEW_MARKED = (
    "//body//*[contains(translate(concat(@class, ' ', @id), 'REVIEW', 'review'), 'review')]"
)
_BYLINE_MARKED = (
    "//body//*[contains(translate(concat(@class, ' ', @id), 'AUTHORBYLINE', 'authorbyline'), "
    "'author') or contains(translate(concat(@class, ' ', @id), 'BYLINE', 'byline'), 'byline')]"
)
# A byline box's text is read line by line (a <br> or a block ends a line), and only this much.
_BYLINE_BOX_CHARS = 600
# A page's own controls and notices, never article text: "Loading ...", "Next Page >".
_PAGE_CONTROL = re.compile(
    r"(?:loading|please wait|advertisement|skip to (?:main )?content|next page|previous page|"
    r"(?:next|previous|prev)\s*[>\u00bb\u203a\u2192]+|continue reading|read more|see more|"
    r"show more|print|e-?mail|share|"
    r"share this(?: article| story| page)?|sign up|subscribe|sponsored|"
    r"this feature is temporarily unavailable|related (?:articles|stories|coverage|content|"
    r"news|links)|recommended(?: related)? (?:for you|news|reading|articles|stories)|"
    r"(?:today|more|trending|popular) on [\w.]+(?: [\w.]+)?|image|photo|video|credit|"
    # a picture's credit, names in capitals: "Photo: Getty Images", "Image credit: CDC",
    # "Photo by Jane Doe/AP" (never "Image: Tumours shrank by half")
    r"(?:photo|image|picture|illustration|video|credit)(?:\s+credit)?\s*(?::|\bby\b)\s*"
    r"(?-i:[A-Z][\w.&'\u2019-]*(?:(?:\s+|\s*/\s*)(?:[A-Z][\w.&'\u2019-]*|of|for|and)){0,6}))"
    r"[\s.:!\u2026]*(?:[>\u00bb\u203a\u2192]+)?\s*",
    re.IGNORECASE,
)
# Content that marks an element as holding the article, even if its class says otherwise.
_CONTENT_MARKERS = ".//h1 | .//main | .//*[@role='main'] | .//*[@itemprop='articleBody']"
# An element marked as furniture by its class, id or role (or a <form>, which some sites wrap
# around the whole page) is dropped when it holds at most this share of the content root's
# text, or when most of its text is link text; never when it holds more than MOST_TEXT_SHARE.
SMALL_TEXT_SHARE = 1 / 3
# A page without <article> or <main> is read from the element whose own paragraphs (of at
# least this many characters) hold this share of the page's prose.
_PROSE_PARAGRAPH_CHARS = 40
# A paragraph or box of links alone, up to this long, is a bar of links, not prose.
_LINK_BAR_CHARS = 150
_LINKED_SENTENCE_WORDS = 8
# A list of at most this many items, each one link of at most this many words, is a menu.
_LINK_LIST_ITEMS = 20
_LINK_LIST_WORDS = 8
_DENSEST_SHARE = 0.6
# ...with the boxes beside it whose own paragraphs hold at least this share of its prose.
_SIBLING_SHARE = 0.25
MOST_TEXT_SHARE = 0.5
MOSTLY_LINKS_SHARE = 0.5

DATE_META_KEYS = (
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "pubdate",
    "publish-date",
    "publish_date",
    "publishdate",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
)
AUTHOR_META_KEYS = (
    "author",
    "article:author",
    "byl",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "parsely-author",
    "sailthru.author",
)


def read_html(text: str, filename: str | None = None) -> Document:
    """Read a normalized HTML page (no BOM, ``\n`` newlines)."""
    page = parse_html(text, filename)
    if page is None:
        raise refuse_no_text(filename, " (the HTML has no content)")
    sizes = _Sizes()
    root = choose_content_root(page, sizes)
    pieces = _Extractor(page_mode=True, keep_headers=root.tag != "body", sizes=sizes).run(root)
    pieces, byline = _without_furniture(pieces)
    plain, blocks = assemble(pieces)
    if not blocks:
        raise refuse_no_text(filename, " (the page's main content has no readable text)")
    meta = _PageMetadata(page, root)
    return Document(
        text=plain,
        source_format="html",
        blocks=blocks,
        title=choose_title(meta.titles(), plain, blocks, filename),
        author=meta.author() or byline.author,
        published=meta.published(),
        source_url=meta.url(),
        source_text=text,
        reviewer=meta.reviewer() or byline.reviewer,
    )


def _without_furniture(pieces: list[Piece]) -> tuple[list[Piece], Byline]:
    """The pieces without bylines, datelines and the page's own controls ("Loading ...",
    "Next Page >"), and what the bylines say: on a page these are furniture around the
    article, and the author and medical reviewer belong in its metadata."""
    kept: list[Piece] = []
    lines: list[str] = []
    for piece in pieces:
        text = piece.text.strip()
        if piece.kind != "list_item" and len(text) <= MAX_BYLINE_CHARS:
            if read_byline(text) is not None:
                lines.append(text)
                continue
            if _PAGE_CONTROL.fullmatch(text):
                continue
        kept.append(piece)
    return kept, bylines_of(lines)


def fragment_pieces(markup: str, filename: str | None = None) -> list[Piece]:
    """The visible text of an HTML fragment (e.g. raw HTML in Markdown) as pieces."""
    page = parse_html(markup, filename)
    if page is None:
        return []
    body = page.find("body")
    return _Extractor(page_mode=False, keep_headers=True).run(body if body is not None else page)


def parse_html(text: str, filename: str | None) -> lxml_html.HtmlElement | None:
    """Parse HTML with lxml: None if it has no elements at all; refused if nested too deeply
    (libxml2 stops at 256 levels and drops the rest) or too broken to parse."""
    source = _XML_DECLARATION.sub("", text, count=1) if text.lstrip()[:5] == "<?xml" else text
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        page = lxml_html.document_fromstring(source, parser=parser)
    except etree.ParserError:  # "Document is empty"
        return None
    except (ValueError, etree.LxmlError):
        raise _refuse_malformed(filename) from None
    for error in parser.error_log:
        if error.level == etree.ErrorLevels.FATAL:
            if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "depth" in error.message:
                raise DocumentRefused(
                    f"{describe(filename)} contains HTML nested too deeply to read safely (more "
                    "than 255 levels of elements); save the article's text as .txt and import "
                    "that instead."
                )
            raise _refuse_malformed(filename)
    return page


def _refuse_malformed(filename: str | None) -> DocumentRefused:
    return DocumentRefused(
        f"{describe(filename)} is HTML too malformed to parse; save the page again from the "
        "browser (or copy its article text into a .txt file) and import that."
    )


# Choosing what to read


def choose_content_root(
    page: lxml_html.HtmlElement, sizes: _Sizes | None = None
) -> lxml_html.HtmlElement:
    """The largest ``<article>``, else ``<main>`` / ``[role=main]``, else the body."""
    sizes = sizes or _Sizes()
    body = page.find("body")
    if body is None:
        body = page
    body_length = sizes.text(body)
    mains = _outermost(
        el
        for el in body.iter()
        if isinstance(el.tag, str)
        and (el.tag == "main" or (el.get("role") or "").lower() == "main")
        and not _in_furniture(el, body, sizes, body_length)
    )
    main = max(mains, key=sizes.text) if mains else None
    articles = _outermost(
        el for el in body.iter("article") if not _in_furniture(el, body, sizes, body_length)
    )
    if articles:
        article = max(articles, key=sizes.text)
        length = sizes.text(article)
        # A small <article> inside a much larger <main> is a teaser card, not the article.
        if length and (main is None or length >= 0.3 * sizes.text(main)):
            return article
    if main is not None and sizes.text(main):
        return main
    densest = _densest_text(body, sizes)
    return body if densest is None else densest


def _densest_text(body: lxml_html.HtmlElement, sizes: _Sizes) -> lxml_html.HtmlElement | None:
    """On a page without ``<article>`` or ``<main>``: the element whose own paragraphs hold
    most of the page's prose, when they hold most of it (a portal's article column beside its
    menus, video lists and promotions); else None."""
    held: dict[lxml_html.HtmlElement, int] = {}
    total = 0
    body_length = sizes.text(body)
    for paragraph in body.iter("p"):
        if _in_furniture(paragraph, body, sizes, body_length):
            continue
        length = len(" ".join(paragraph.text_content().split()))
        if length < _PROSE_PARAGRAPH_CHARS:
            continue
        total += length
        parent = paragraph.getparent()
        if parent is not None:
            held[parent] = held.get(parent, 0) + length
    if not held:
        return None
    densest = max(held, key=held.__getitem__)
    gathered = core = held[densest]
    # An article split over sibling boxes (text, a promotion, more text): their common parent,
    # one level up at most.
    parent = densest.getparent()
    if parent is not None and parent is not body:
        beside = sum(held.get(sibling, 0) for sibling in parent if sibling is not densest)
        if beside >= _SIBLING_SHARE * core:
            densest, gathered = parent, gathered + beside
    if densest is body or gathered < _DENSEST_SHARE * total:
        return None
    return densest


def _outermost(elements: Iterator[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
    """The elements not inside another of them (so their subtrees are disjoint)."""
    chosen: list[lxml_html.HtmlElement] = []
    members: set[lxml_html.HtmlElement] = set()
    for el in elements:  # document order: an ancestor comes before its descendants
        if not any(ancestor in members for ancestor in el.iterancestors()):
            chosen.append(el)
        members.add(el)
    return chosen


def _in_furniture(
    el: lxml_html.HtmlElement, stop: lxml_html.HtmlElement, sizes: _Sizes, stop_length: int
) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in INVISIBLE_TAGS or tag == "header" or _is_hidden(ancestor):
            return True
        if tag in PAGE_FURNITURE_TAGS and tag != "form":
            return True
        if _droppable_mark(ancestor, sizes, stop_length):
            return True
    return False


class _Sizes:
    """The visible text length (and link text length) of elements, each measured once.

    Only the measures of elements whose size decides whether they are dropped are kept, so
    nested marked elements are not measured again and again (the work stays linear).
    """

    def __init__(self) -> None:
        self._kept: dict[etree._Element, tuple[int, int]] = {}

    def text(self, el: etree._Element) -> int:
        """The element's visible text length (kept: the content root is asked more than once)."""
        found = self.measure(el)
        self._kept[el] = found
        return found[0]

    def measure(self, el: etree._Element) -> tuple[int, int]:
        """(characters of visible text, characters of it inside links), tail excluded."""
        found = self._kept.get(el)
        if found is not None:
            return found
        tag = el.tag
        if not isinstance(tag, str) or tag in INVISIBLE_TAGS:
            return 0, 0
        text = len(el.text.strip()) if el.text else 0
        links = 0
        for child in el:
            child_text, child_links = self.measure(child)
            text += child_text
            links += child_links
            if child.tail:
                text += len(child.tail.strip())
        if tag == "a":
            links = text
        found = (text, links)
        if _size_decides(el):
            self._kept[el] = found
        return found


def _size_decides(el: etree._Element) -> bool:
    """Whether the element is furniture by its marks (or is a form): its size then decides."""
    return el.tag == "form" or _boilerplate_marked(el)


def _droppable_mark(el: etree._Element, sizes: _Sizes, root_length: int) -> bool:
    """Whether an element that its class, id or role (or <form>) mark as furniture is dropped.

    Dropped when small next to the content root's text, or mostly links; never when it holds
    most of the root's text (a page wrapper such as "layout-has-sidebar").
    """
    if not _size_decides(el):
        return False
    text, links = sizes.measure(el)
    if text > MOST_TEXT_SHARE * root_length:
        return False
    return text <= SMALL_TEXT_SHARE * root_length or links > MOSTLY_LINKS_SHARE * text


def _link_bar(el: lxml_html.HtmlElement) -> bool:
    """Whether a short paragraph or box is nothing but links (with separators between them):
    a promotion ("A Closer Look at MRSA"), page numbers ("1 | 2 | 3"), topic tags."""
    chunks: list[str] = []
    size = 0
    for chunk in el.itertext():
        size += len(chunk.strip())
        if size > _LINK_BAR_CHARS:
            return False  # longer than a bar of links (the usual paragraph: one look)
        chunks.append(chunk)
    linked = [a.text_content() for a in el.iter("a")]
    if not any(text.strip() for text in linked):
        return False
    if any(len(text.split()) >= _LINKED_SENTENCE_WORDS for text in linked):
        return False  # a linked sentence: "Vitamin D does not prevent COVID-19, trial finds"
    rest = "".join(chunks)
    for text in linked:
        rest = rest.replace(text, " ", 1)
    return not any(ch.isalnum() for ch in rest)


def _link_list(el: lxml_html.HtmlElement) -> bool:
    """Whether a list is a row of short links and nothing else (topic tags, a section's
    menu): every item one link of a few words."""
    items = [child for child in el if child.tag == "li"]
    if not items or len(items) > _LINK_LIST_ITEMS or _introduced(el):
        return False
    for item in items:
        links = item.findall(".//a")
        text = " ".join(item.text_content().split())
        if len(links) != 1 or len(text.split()) > _LINK_LIST_WORDS:
            return False
        if text != " ".join(links[0].text_content().split()):
            return False
    return True


def _introduced(el: lxml_html.HtmlElement) -> bool:
    """Whether the article introduces the list: a heading or a colon just before it
    ("Symptoms include:", "Sources")."""
    before = el.getprevious()
    while before is not None and not isinstance(before.tag, str):
        before = before.getprevious()
    if before is not None:
        if before.tag in HEADING_LEVELS:
            return True
        text = (before.tail or "").strip() or before.text_content().strip()
    else:
        parent = el.getparent()
        text = (parent.text or "").strip() if parent is not None else ""
    return text.endswith(":")


def _is_hidden(el: lxml_html.HtmlElement) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _boilerplate_marked(el: lxml_html.HtmlElement) -> bool:
    """Whether the element's role, class or id marks it as page furniture."""
    if (el.get("role") or "").lower() in BOILERPLATE_ROLES:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not marks.strip():
        return False
    if BOILERPLATE_CLASSES.intersection(marks.lower().split()):
        return True
    words = {word.lower() for word in _WORD_SPLIT.split(marks) if word}
    if words & BOILERPLATE_WORDS:
        return True
    lowered = marks.lower()
    return any(phrase in lowered for phrase in BOILERPLATE_PHRASES)


# Walking the content


def _ws(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text) if text else ""


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


class _Extractor:
    """Collects pieces from an element tree in reading order."""

    def __init__(self, *, page_mode: bool, keep_headers: bool, sizes: _Sizes | None = None) -> None:
        self.page_mode = page_mode
        self.keep_headers = keep_headers
        self.sizes = sizes or _Sizes()
        self.root_length = 0
        self.pieces: list[Piece] = []
        self.buffer: list[str] = []

    def run(self, root: lxml_html.HtmlElement) -> list[Piece]:
        if self.page_mode:
            self.root_length = self.sizes.text(root)
        self.container(root)
        self.flush()
        return self.pieces

    def skip(self, el: etree._Element) -> bool:
        tag = el.tag
        if not isinstance(tag, str):
            return True
        if tag in INVISIBLE_TAGS or _is_hidden(el):
            return True
        if not self.page_mode:
            return False
        if (tag in PAGE_FURNITURE_TAGS and tag != "form") or (
            tag == "header" and not self.keep_headers
        ):
            return True
        if _droppable_mark(el, self.sizes, self.root_length):
            return not el.xpath(_CONTENT_MARKERS)
        if tag in ("ul", "ol"):
            return _link_list(el)
        return tag in ("p", "div") and _link_bar(el)

    def flush(self) -> None:
        text = clean_block_text("".join(self.buffer))
        self.buffer = []
        if text:
            self.pieces.append(Piece("paragraph", text))

    def container(self, el: etree._Element) -> None:
        self.buffer.append(_ws(el.text))
        for child in el:
            self.node(child)
            self.buffer.append(_ws(child.tail))

    def node(self, el: etree._Element) -> None:
        if self.skip(el):
            return
        tag = el.tag
        if tag in HEADING_LEVELS:
            self.flush()
            text = self.inline(el).replace("\n", " ")
            self.pieces.append(Piece("heading", text, HEADING_LEVELS[tag]))
        elif tag in ("ul", "ol"):
            self.flush()
            self.list(el)
        elif tag == "li":
            self.flush()
            self.item(el, "- ")
        elif tag == "table":
            self.flush()
            self.table(el)
        elif tag in ("pre", "hr"):
            self.flush()  # code is not prose
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in BLOCK_TAGS:
            self.flush()
            self.container(el)
            self.flush()
        else:
            self.container(el)

    def inline(self, el: etree._Element) -> str:
        """The element's text on one line (``<br>`` kept as ``\\n``)."""
        out: list[str | etree._Element] = [_ws(el.text)]
        for child in el:
            self._gather(child, out, split_lists=False)
            out.append(_ws(child.tail))
        return "".join(part for part in out if isinstance(part, str))

    def _gather(
        self, el: etree._Element, out: list[str | etree._Element], *, split_lists: bool
    ) -> None:
        """Append the element's text to ``out``; with ``split_lists``, a nested list goes
        into ``out`` as the element itself, where it interrupts the text."""
        if self.skip(el):
            return
        tag = el.tag
        if tag == "br":
            out.append("\n")
            return
        if tag == "pre":
            return
        if split_lists and tag in ("ul", "ol"):
            out.append(el)
            return
        block = tag in BLOCK_TAGS or tag in HEADING_LEVELS
        if block:
            out.append(" ")
        out.append(_ws(el.text))
        for child in el:
            self._gather(child, out, split_lists=split_lists)
            out.append(_ws(child.tail))
        if block:
            out.append(" ")

    def list(self, el: etree._Element) -> None:
        ordered = el.tag == "ol"
        number = _int(el.get("start"))
        number = 1 if number is None else number
        for child in el:
            if self.skip(child):
                continue
            if child.tag == "li":
                value = _int(child.get("value"))
                if value is not None:
                    number = value
                self.item(child, f"{number}. " if ordered else "- ")
                number += 1
            else:
                self.node(child)
                self.flush()

    def item(self, el: etree._Element, marker: str) -> None:
        """A list item, then its nested lists; text after a nested list is a paragraph of its
        own after the nested items (as in the Markdown reader), never glued onto the item."""
        out: list[str | etree._Element] = [_ws(el.text)]
        for child in el:
            self._gather(child, out, split_lists=True)
            out.append(_ws(child.tail))
        emitted = False
        segment: list[str] = []
        for part in [*out, None]:
            if isinstance(part, str):
                segment.append(part)
                continue
            text = clean_block_text("".join(segment))
            segment = []
            if text and emitted:
                self.pieces.append(Piece("paragraph", text))
            elif text:
                self.pieces.append(Piece("list_item", item_text(marker, text)))
                emitted = True
            if part is not None:
                self.list(part)

    def table(self, el: etree._Element) -> None:
        cells = el.xpath(".//td | .//th")
        layout = bool(
            el.xpath(".//table | .//td//ul | .//td//ol | .//td//h1 | .//td//h2 | .//td//h3")
        ) or any(len(cell.xpath(".//p | .//div")) >= 2 for cell in cells)
        if layout:
            self.container(el)
            self.flush()
            return
        for child in el:
            if child.tag == "caption" and not self.skip(child):
                self.buffer.append(self.inline(child))
                self.flush()
        # Each cell is a paragraph of its own: joined, one cell's sentence would run on into
        # the next ("Aspirin cures headaches. | Always works.").
        for row in el.iter("tr"):
            if self.skip(row):
                continue
            for cell in row:
                if cell.tag in ("td", "th") and not self.skip(cell):
                    text = " ".join(self.inline(cell).split())
                    if text:
                        self.pieces.append(Piece("paragraph", text))


# Metadata


class _PageMetadata:
    """Title, author, date and URL as the page states them."""

    def __init__(self, page: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> None:
        self.page = page
        self.root = root
        self.meta: dict[str, str] = {}
        for el in page.iter("meta"):
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip()
            content = (el.get("content") or "").strip()
            if key and content:
                self.meta.setdefault(key.lower(), content)
        self.linked_data = _linked_data(page)

    def titles(self) -> list[str | None]:
        sites = [self.meta.get("og:site_name"), self.meta.get("application-name")]
        title_el = self.page.find(".//title")
        title_tag = title_el.text_content() if title_el is not None else None
        h1 = next(self.page.iter("h1"), None)
        candidates = [
            self.meta.get("og:title"),
            title_tag,
            self._linked("headline"),  # JSON-LD: any JSON value, only a string is a title
            h1.text_content() if h1 is not None else None,
        ]
        return [strip_site_suffix(c, sites) if isinstance(c, str) else None for c in candidates]

    def reviewer(self) -> str | None:
        """schema.org's ``reviewedBy`` (a medical web page's reviewer), in JSON-LD or
        microdata."""
        reviewer = _clean_author(_linked_names(self._linked("reviewedBy")))
        if reviewer:
            return reviewer
        # "<div class="reviewedBy_fmt">Reviewed by <a>Hansa D. Bhargava, MD</a></div>", often
        # outside the article's own column.
        reviewer = self._byline_name(_REVIEW_MARKED, "reviewer")
        if reviewer:
            return reviewer
        for el in self.page.xpath("//*[@itemprop='reviewedBy']"):
            names = el.xpath(".//*[@itemprop='name']")
            reviewer = _clean_author(
                el.get("content") or (names[0] if names else el).text_content()
            )
            if reviewer:
                return reviewer
        return None

    def author(self) -> str | None:
        for key in AUTHOR_META_KEYS:
            author = _clean_author(self.meta.get(key))
            if author:
                return author
        author = _clean_author(_linked_names(self._linked("author")))
        if author:
            return author
        for el in self.page.xpath(
            "//*[@itemprop='author'] | //a[@rel='author'] | "
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')] | "
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]"
        ):
            if el.get("content"):
                author = _clean_author(el.get("content"))
            else:
                names = el.xpath(".//*[@itemprop='name']")
                author = _clean_author((names[0] if names else el).text_content())
            if author:
                return author
        # "<div class="author_fmt">By <a>Brenda Goodman, MA</a><br>WebMD Health News</div>"
        return self._byline_name(_BYLINE_MARKED, "author")

    def _byline_name(self, marked: str, role: str) -> str | None:
        """The author or reviewer ("role") named by a byline in an element that ``marked``
        (an XPath) finds by its class or id."""
        for el in self.page.xpath(marked):
            found = bylines_of(_lines(el))
            name = found.author if role == "author" else found.reviewer
            if name:
                return name
        return None

    def published(self) -> date | None:
        candidates: list[object] = [
            self.meta.get("article:published_time"),
            self.meta.get("datepublished"),
            self._linked("datePublished"),
        ]
        for scope in (self.root, self.page):
            times = scope.xpath(".//time[@datetime]")
            preferred = [
                t
                for t in times
                if t.get("pubdate") is not None or t.get("itemprop") == "datePublished"
            ]
            candidates.extend(t.get("datetime") for t in preferred + times)
        candidates.extend(self.page.xpath("//*[@itemprop='datePublished']/@datetime"))
        candidates.extend(self.meta.get(key) for key in DATE_META_KEYS)
        for candidate in candidates:
            parsed = parse_date(candidate)
            if parsed:
                return parsed
        return None

    def url(self) -> str | None:
        for link in self.page.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split():
                url = clean_url(link.get("href"))
                if url:
                    return url
        return clean_url(self.meta.get("og:url"))

    def _linked(self, key: str) -> object:
        for item in self.linked_data:
            value = item.get(key)
            if value:
                return value
        return None


def strip_site_suffix(title: str, site_names: list[str | None]) -> str:
    """Remove an obvious " | Site name" from a page title."""
    title = " ".join(title.split())
    for name in site_names:
        name = " ".join((name or "").split())
        if not name or name.lower() == title.lower():
            continue
        for sep in _TITLE_SEPARATORS:
            if title.lower().endswith((sep + name).lower()):
                return title[: -len(sep + name)].strip()
            if title.lower().startswith((name + sep).lower()):
                return title[len(name + sep) :].strip()
    if " | " in title:
        head, tail = title.rsplit(" | ", 1)
        if len(tail.split()) <= 4 and len(head.split()) >= 3 and len(head) >= 1.5 * len(tail):
            return head.strip()
    return title


def _lines(el: etree._Element) -> list[str]:
    """A small element's text as lines: a ``<br>`` or a block element ends a line. Nothing
    for a large one (a byline box is short)."""
    parts: list[str] = []
    size = 0

    def add(text: str | None) -> None:
        nonlocal size
        if text:
            parts.append(text)
            size += len(text)

    def gather(node: etree._Element) -> bool:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in INVISIBLE_TAGS:
            return True
        block = tag == "br" or tag in BLOCK_TAGS or tag in HEADING_LEVELS
        if block:
            parts.append("\n")
        add(node.text)
        for child in node:
            if not gather(child):
                return False
            add(child.tail)
        if block:
            parts.append("\n")
        return size <= _BYLINE_BOX_CHARS

    if not gather(el) or size > _BYLINE_BOX_CHARS:
        return []
    return [line for line in (" ".join(p.split()) for p in "".join(parts).split("\n")) if line]


def _clean_author(value: object) -> str | None:
    text = clean_meta(value, 300)
    if not text or "://" in text or text.startswith("www."):
        return None
    text = _AUTHOR_PREFIX.sub("", text)
    text = re.split(r"\s+[|•·]\s+|\s+on\s+(?=\w+\s+\d)", text)[0].strip(" ,;")
    return text if 0 < len(text) <= 120 else None


def _linked_names(value: object, *, in_list: bool = False) -> str | None:
    """A JSON-LD author: a name, a {"name": ...} object, or a list of those (a list nested in
    the list is no name: followed, a deeply nested one would exhaust the recursion limit)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list) and not in_list:
        names = [_linked_names(item, in_list=True) for item in value[:20]]
        return ", ".join(name for name in names if name) or None
    return None


def _linked_data(page: lxml_html.HtmlElement) -> list[dict]:
    """JSON-LD objects describing an article or web page, article types first."""
    found: list[dict] = []
    for script in page.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        if len(raw) > 1_000_000:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        found.extend(_json_objects(data, 0))

    def rank(item: dict) -> int:
        kind = item.get("@type")
        kinds = " ".join(map(str, kind)) if isinstance(kind, list) else str(kind or "")
        kinds = kinds.lower()
        if "article" in kinds or "posting" in kinds:
            return 0
        return 1 if any(word in kinds for word in _ARTICLE_TYPES) else 2

    return sorted((item for item in found if rank(item) < 2), key=rank)


def _json_objects(data: object, depth: int) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:100]:
            yield from _json_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _json_objects(data.get("@graph"), depth + 1)
