"""Hypothesis properties: random and hostile input is read, or refused with a one-line
ClaimreviewError; nothing else escapes, no input of a few kilobytes takes seconds, and a
refused import leaves the database as it was.

Each property tries CLAIMREVIEW_FUZZ_EXAMPLES inputs (default 50; raise it for a longer run).
Inputs are built from the pieces hostile files are made of (markup, list markers,
abbreviations, entities, zip parts, identifier fragments, reference-file tags) mixed with
arbitrary text and bytes. How many inputs each reader was given, and how each ended, is
written as JSON to CLAIMREVIEW_FUZZ_REPORT when that is set.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extraction import split_text
from claims.identifiers import IDENTIFIER_KINDS, MAX_URL_LENGTH, parse_identifier, parse_identifiers
from claims.permissions import Actor
from claims.readers import read_document, read_text
from claims.references import read_references_report
from claims.sentences import sentence_spans
from db.articles import import_file
from db.transfer import import_bundle, read_bundle
from tests.reliability import (
    BILLION_LAUGHS_DTD,
    base_docx,
    build_export,
    check_claims,
    check_document,
    document_xml,
    docx_with,
    fuzz_examples,
    table_counts,
    tally_report,
    time_bound,
)
from tests.reliability import attempt as tallied_attempt

T = TypeVar("T")

# An input of a few kilobytes that takes this long is a hang (the readers are linear).
FUZZ_SECONDS = float(os.environ.get("CLAIMREVIEW_FUZZ_SECONDS", "5"))
EDITOR = Actor(user_id=None, username="ed", roles=frozenset({"editor"}), channel="test")
OPERATOR = Actor.operator("test")

FUZZ = settings(
    max_examples=fuzz_examples(),
    deadline=None,  # a time bound of our own (FUZZ_SECONDS), tallied as a failure
    database=None,  # no .hypothesis directory in the project; a failure prints its input
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,  # the database: row counts are compared per input
    ],
)


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from tally_report(request)


# --- Running one input --------------------------------------------------------------------------


def attempt(reader: str, given: object, call: Callable[[], T]) -> T | None:
    """The result, or None for a refusal; anything else is tallied and fails the test."""

    def bounded() -> T:
        with time_bound(FUZZ_SECONDS):
            return call()

    return tallied_attempt("fuzz", reader, given, bounded)


# --- Building blocks ----------------------------------------------------------------------------


def pieces(text: str, separator: str) -> list[str]:
    """The pieces of ``text`` between separators (long lists of tokens, written compactly)."""
    return text.split(separator)


ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates and controls too
WORDS = pieces(
    "Aspirin|cures|headaches|in|most|adults|It|always|works|Miracle|cure|never|proven|"
    "Studies show|100%|safe|doctors say|Dr.|e.g.|i.e.|U.S.|J.|Smith|vs.|No.|Fig.|et al.|"
    "approx.|vitamin D.|Bottom Line:|Side effects:|One study found:|Note that:|By Jane Doe|"
    "Published: 5 March 2024|Why?|Yes!|...|\u2026|10.1000/xyz|https://example.org/a.b|"
    "PMID 27557302|NCT01234567",
    "|",
)
PUNCTUATION = pieces(
    ".|!|?|,|;|:|(|)|[|]|[1]|[2-4]|.[3]|.12 |\"|'|\u201c|\u201d|\u2018|\u2019|-|\u2013|"
    "\u2014|/|&|#|*|1.|2)|a.|iv.|-|\u2022|\u25aa",
    "|",
)
SPACE = pieces(
    " |  |\n|\n\n|\n\n\n|\t|\r\n|\r|\xa0|\u2028|\u3000|\x0b|\x0c|\x85|\u200b|\xad|\ufeff|\u2060",
    "|",
)

prose_piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(SPACE),
    st.text(max_size=6),
)
prose = st.lists(prose_piece, max_size=60).map("".join)
hostile_prose = st.lists(
    st.one_of(prose_piece, st.text(ANY_CHARACTER, max_size=4)), max_size=60
).map("".join)


@st.composite
def mangled(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, inserted, deleted, or the end cut off."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        if how == "flip":
            data[where] = draw(st.integers(0, 255))
        elif how == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif how == "delete":
            del data[where : where + draw(st.integers(1, 8))]
        else:
            del data[where:]
    return bytes(data)


@st.composite
def encoded(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> bytes:
    """A text in some encoding (possibly a wrong one), sometimes damaged, or raw bytes."""
    how = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "raw"]))
    if how == "raw":
        return draw(st.binary(max_size=300))
    text = draw(texts)
    data = text.encode(how, "surrogatepass" if how.startswith("utf") else "replace")
    return draw(mangled(data)) if draw(st.integers(0, 3)) == 0 else data


# --- Documents ----------------------------------------------------------------------------------

HTML_TAGS = pieces(
    "p div span a b i article main nav aside footer header section h1 h2 h3 h6 ul ol li "
    "table tr td th caption br hr pre script style template svg form details summary "
    "blockquote img iframe noscript time meta title head body html figure figcaption dl dt "
    "dd x-widget math",
    " ",
)
HTML_ATTRIBUTES = pieces(
    '|| class="share nav"| class="content article-body"| class="ad"|'
    ' class="layout-has-sidebar"| id="main"| role="main"| role="navigation"| hidden|'
    ' aria-hidden="true"| style="display:none"| start="3"| start="-1"| start="x"|'
    ' value="99"| itemprop="author"| itemprop="datePublished" datetime="2024-02-30"|'
    ' rel="author"| pubdate| datetime="2024-01-01"|'
    ' property="og:title" content="A title"| name="author" content="By Jane Doe"|'
    ' rel="canonical" href="https://a.org/x"|'
    ' property="og:url" content="javascript:x"| name="date" content="99999-99-99"|'
    ' class| ="| x="<p>"',
    "|",
)
HTML_LEAVES = pieces(
    "&amp;|&#0;|&#1;|&#xD800;|&#x110000;|&lt;|&nbsp;|&bogus;|&lol9;|<!-- c -->|<!--|"
    "<![CDATA[x]]>|<?pi x?>|</p>|</div>|<p>|<li>|</table>|<|>|</",
    "|",
)
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(ANY_CHARACTER, max_size=20),  # JSON spells a lone surrogate "\\ud800"
        st.sampled_from(["Article", "NewsArticle", "WebPage", "2024-01-01", "Jane Doe"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["@type", "headline", "author", "name", "datePublished", "@graph"])
            | st.text(max_size=5),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attributes, inner, closed: (
            f"<{tag}{attributes}>{''.join(inner)}" + (f"</{tag}>" if closed else "")
        ),
        st.sampled_from(HTML_TAGS),
        st.sampled_from(HTML_ATTRIBUTES),
        st.lists(children, max_size=4),
        st.booleans(),
    )


html_fragment = st.recursive(st.one_of(prose, st.sampled_from(HTML_LEAVES)), element, max_leaves=25)
json_ld = json_value.map(
    lambda value: (
        '<script type="application/ld+json">' + json.dumps(value, allow_nan=True) + "</script>"
    )
)
html_page = st.tuples(
    st.sampled_from(
        ["", "<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-16'?>", BILLION_LAUGHS_DTD]
    ),
    st.lists(st.one_of(html_fragment, json_ld), max_size=6),
).map(lambda parts: parts[0] + "".join(parts[1]))

MD_PREFIXES = pieces(
    "\xa6\xa6# \xa6## \xa6###### \xa6####### \xa6#\xa6- \xa6* \xa6+ \xa61. \xa62) \xa6"
    "99999999999. \xa6> \xa6>> \xa6    \xa6  - \xa6    1. \xa6| \xa6```\xa6~~~\xa6---\xa6"
    "===\xa6***\xa6<div>\xa6</div>\xa6<!--\xa6-->\xa6[a]: http://x\xa6<br>\xa6- [ ] \xa6"
    "|---|---|",
    "\xa6",
)
MD_INLINE = pieces(
    "* ** _ __ ` `` [ ] ]( ![ ) < > &amp; &#0; \\ | ~~ http://a.org <http://a.org> <a@b.c> "
    "<b> </b> <br/>",
    " ",
)
md_line = st.tuples(
    st.sampled_from(MD_PREFIXES),
    st.lists(st.one_of(st.sampled_from(MD_INLINE), prose_piece), max_size=12),
).map(lambda parts: parts[0] + "".join(parts[1]))
YAML_KEYS = pieces("title author authors by date published url source x", " ")
YAML_VALUES = pieces(
    "Jane\xa6[a, b]\xa6{name: Jane}\xa6[{name: A}, B]\xa6&a [1, 2]\xa6*a\xa6&b [*b]\xa6"
    "2024-01-01\xa62024-02-30\xa699999-01-01\xa6!!python/name:os.system\xa6[[[\xa6"
    "'unclosed\xa6null\xa6~\xa6:\xa6{\xa6|\xa61e999\xa6https://a.org/x\xa6javascript:x\xa6"
    '- a\xa6? a\xa6"\\ud800 x"\xa6"\\udc00"',
    "\xa6",
)
yaml_line = st.tuples(
    st.sampled_from(YAML_KEYS) | st.text(max_size=4),
    st.sampled_from(YAML_VALUES) | st.text(max_size=8),
).map(lambda kv: f"{kv[0]}: {kv[1]}")
markdown = st.tuples(
    st.one_of(
        st.just(""),
        st.lists(yaml_line, max_size=6).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n"),
    ),
    st.lists(md_line, max_size=20).map("\n".join),
).map("".join)

# Word: a body from paragraphs, runs, tables, content controls, with any styles and numbering.
W_TEXT = prose.map(lambda text: escape("".join(c for c in text if c.isprintable() or c == " ")))
RUN_CONTENT = pieces(
    '<w:t>{}</w:t>|<w:t xml:space="preserve">{}</w:t>|<w:tab/>|<w:br/>|<w:cr/>|'
    "<w:noBreakHyphen/>|<w:delText>{}</w:delText>|<w:instrText>{}</w:instrText>|<w:drawing/>",
    "|",
)
RUN_WRAPPERS = pieces(
    "{}|<w:hyperlink>{}</w:hyperlink>|<w:ins>{}</w:ins>|<w:del>{}</w:del>|"
    "<w:smartTag>{}</w:smartTag>|<w:fldSimple>{}</w:fldSimple>|"
    "<w:sdt><w:sdtContent>{}</w:sdtContent></w:sdt>",
    "|",
)
PARAGRAPH_PROPERTIES = pieces(
    '|<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>|'
    '<w:pPr><w:pStyle w:val="Heading9"/></w:pPr>|'
    '<w:pPr><w:pStyle w:val="Title"/></w:pPr>|'
    '<w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>|'
    '<w:pPr><w:pStyle w:val="ListNumber"/></w:pPr>|'
    '<w:pPr><w:pStyle w:val="Nonexistent"/></w:pPr>|'
    '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>|'
    '<w:pPr><w:numPr><w:ilvl w:val="x"/><w:numId w:val="99999999999"/></w:numPr></w:pPr>|'
    '<w:pPr><w:numPr><w:ilvl w:val="-1"/><w:numId w:val="0"/></w:numPr></w:pPr>|'
    "<w:pPr><w:numPr/></w:pPr>",
    "|",
)
word_run = st.builds(
    lambda content, text, wrapper: wrapper.format("<w:r>" + content.format(text) + "</w:r>"),
    st.sampled_from(RUN_CONTENT),
    W_TEXT,
    st.sampled_from(RUN_WRAPPERS),
)
word_paragraph = st.builds(
    lambda properties, runs: f"<w:p>{properties}{''.join(runs)}</w:p>",
    st.sampled_from(PARAGRAPH_PROPERTIES),
    st.lists(word_run, max_size=4),
)


def word_container(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    cell = st.lists(children, max_size=3).map(lambda inner: f"<w:tc>{''.join(inner)}</w:tc>")
    row = st.lists(cell, max_size=3).map(lambda cells: f"<w:tr>{''.join(cells)}</w:tr>")
    return st.one_of(
        st.lists(row, max_size=3).map(lambda rows: f"<w:tbl>{''.join(rows)}</w:tbl>"),
        st.lists(children, max_size=3).map(
            lambda inner: f"<w:sdt><w:sdtContent>{''.join(inner)}</w:sdtContent></w:sdt>"
        ),
        st.lists(children, max_size=3).map(
            lambda inner: f"<w:customXml>{''.join(inner)}</w:customXml>"
        ),
    )


word_body = st.lists(st.recursive(word_paragraph, word_container, max_leaves=12), max_size=8)


@st.composite
def word_files(draw: st.DrawFn) -> bytes:
    """A .docx with a random body, or a damaged one, or one with a part replaced."""
    how = draw(st.sampled_from(["body", "body", "body", "mangled", "part", "poisoned"]))
    if how == "body":
        return docx_with({"word/document.xml": document_xml("".join(draw(word_body)))})
    if how == "poisoned":  # an entity bomb, a control character, an undefined entity
        body = draw(word_body)
        poison = draw(
            st.sampled_from(["&lol9;", "&xxe;", "&#1;", "&#xD800;", "&undefined;", "]]>"])
        )
        body.insert(draw(st.integers(0, len(body))), f"<w:p><w:r><w:t>{poison}</w:t></w:r></w:p>")
        return docx_with({"word/document.xml": document_xml("".join(body), BILLION_LAUGHS_DTD)})
    if how == "mangled":
        return draw(mangled(base_docx()))
    part = draw(
        st.sampled_from(
            ["word/document.xml", "word/styles.xml", "word/numbering.xml", "docProps/core.xml",
             "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"]
        )
    )  # fmt: skip
    content = draw(st.one_of(st.binary(max_size=200), encoded(html_page)))
    return docx_with({part: content if draw(st.booleans()) else None})


DOCUMENTS: dict[str, tuple[str | None, st.SearchStrategy[bytes]]] = {
    "txt": ("article.txt", encoded(hostile_prose)),
    "md": ("article.md", encoded(markdown)),
    "html": ("page.html", encoded(html_page)),
    "docx": ("article.docx", word_files()),
    "sniffed": (
        None,
        st.one_of(encoded(hostile_prose), encoded(markdown), encoded(html_page), word_files()),
    ),
}


def _read(filename: str | None) -> Callable[[bytes], int]:
    def read(data: bytes) -> int:
        return check_document(read_document(data, filename))

    return read


@pytest.mark.parametrize("reader", list(DOCUMENTS))
def test_every_reader_reads_or_refuses(reader: str) -> None:
    filename, documents = DOCUMENTS[reader]
    read = _read(filename)

    @FUZZ
    @given(data=documents)
    def check(data: bytes) -> None:
        attempt(reader, data, lambda: read(data))

    check()


@FUZZ
@given(
    text=st.one_of(hostile_prose, markdown, html_page),
    fmt=st.sampled_from(["txt", "md", "html", None, "docx", "text", "Markdown", "pdf"]),
)
def test_pasted_text_is_read_or_refused(text: str, fmt: str | None) -> None:
    attempt("pasted", text, lambda: check_document(read_text(text, fmt)))


# --- The claim splitter -------------------------------------------------------------------------


@FUZZ
@given(
    text=st.one_of(prose, hostile_prose),
    start=st.integers(-10, 300) | st.none(),
    end=st.integers(-10, 300) | st.none(),
)
def test_sentences_tile_any_text(text: str, start: int | None, end: int | None) -> None:
    def split() -> int:
        spans = sentence_spans(text, 0 if start is None else start, end)
        first, last, _ = slice(start, end).indices(len(text))
        previous_end = first
        for s, e in spans:
            assert previous_end <= s < e <= max(first, last)
            assert not text[s].isspace() and not text[e - 1].isspace()
            assert not text[previous_end:s].strip(), "text between sentences lies in none"
            previous_end = e
        assert first >= last or not text[previous_end:last].strip()
        claims = split_text(text)
        check_claims(text, claims)
        return len(claims)

    attempt("splitter", text, split)


# --- Identifiers --------------------------------------------------------------------------------

ID_PIECES = pieces(
    "10.\xa61000\xa61056\xa6/\xa6NEJMoa\xa6doi:\xa6DOI \xa6doi.org/\xa6https://\xa6"
    "http://\xa6HTTPS://\xa6dx.doi.org/\xa6pubmed.ncbi.nlm.nih.gov/\xa6"
    "ncbi.nlm.nih.gov/pmc/articles/\xa6www.ncbi.nlm.nih.gov/pubmed/\xa6"
    "pmc.ncbi.nlm.nih.gov/articles/\xa6PMC\xa6pmc\xa6PMID\xa6PMID:\xa6PMCID \xa6NCT\xa6"
    "nct\xa6clinicaltrials.gov/study/\xa6clinicaltrials.gov/ct2/show/\xa6,\xa6;\xa6 \xa6"
    "\n\xa6(\xa6)\xa6[\xa6]\xa6<\xa6>\xa6.\xa6:\xa6@\xa6%\xa6%2F\xa6%ED%A0%80\xa6#\xa6?\xa6"
    "=\xa6&\xa6www.\xa6.com\xa6.org\xa6[::1]\xa6[\xa6:80\xa6:99999\xa6javascript:\xa6"
    "data:\xa6file:\xa6ftp://\xa6\u200b\xa6\x00\xa6\x1b\xa6\ud800\xa6\uff11\xa6\uff03\xa6"
    "\xa0\xa6see\xa6and\xa6e.g.\xa61,234\xa6\"\xa6'\xa6\u201c",
    "\xa6",
)
pasted_identifiers = st.lists(
    st.one_of(
        st.sampled_from(ID_PIECES),
        st.integers(0, 10**12).map(str),
        st.text(ANY_CHARACTER, max_size=4),
    ),
    max_size=30,
).map("".join)


def _check_identifier(identifier: Any) -> None:
    assert identifier.kind in IDENTIFIER_KINDS
    assert identifier.value and len(identifier.value) <= MAX_URL_LENGTH
    identifier.value.encode("utf-8")  # storable
    identifier.url().encode("utf-8")
    identifier.label().encode("utf-8")


@FUZZ
@given(text=pasted_identifiers)
def test_one_identifier_is_accepted_or_refused(text: str) -> None:
    def parse() -> str:
        found = parse_identifier(text)
        _check_identifier(found)
        return found.value

    attempt("identifier", text, parse)


@FUZZ
@given(text=pasted_identifiers)
def test_a_paste_of_identifiers_never_fails(text: str) -> None:
    def parse() -> int:
        found, refused = parse_identifiers(text)
        keys = [(identifier.kind, identifier.value) for identifier in found]
        assert len(keys) == len(set(keys)), "an identifier listed twice"
        for identifier in found:
            _check_identifier(identifier)
        for refusal in refused:
            assert refusal.reason.strip() and "\n" not in refusal.reason
            refusal.reason.encode("utf-8")
        return len(found)

    attempt("identifiers", text, parse)


# --- Reference files ----------------------------------------------------------------------------

reference_value = st.one_of(
    prose, st.sampled_from(ID_PIECES), pasted_identifiers, st.text(ANY_CHARACTER, max_size=6)
)
RIS_TAGS = pieces(
    "TY TI T1 CT BT AU A1 JO JA T2 PY Y1 DA VL IS SP EP DO M3 AN DB DP C2 UR ER XX ty",
    " ",
)
ris_line = st.one_of(
    st.builds(
        lambda tag, gap, value: f"{tag}{gap}- {value}",
        st.sampled_from(RIS_TAGS),
        st.sampled_from(["  ", " ", "   "]),
        reference_value,
    ),
    reference_value,
)
MEDLINE_TAGS = pieces(
    "PMID|TI  |BTI |AU  |FAU |CN  |TA  |JT  |DP  |VI  |IP  |PG  |AID |LID |PMC |PT  |      ",
    "|",
)
medline_line = st.one_of(
    st.builds(lambda tag, value: f"{tag}- {value}", st.sampled_from(MEDLINE_TAGS), reference_value),
    st.sampled_from(["", "AID - 10.1000/x [doi]", "PMC - PMC123"]),
    reference_value,
)
BIB_FIELDS = pieces(
    "title author journal shortjournal year date volume number pages doi pmid pmcid eprint "
    "eprinttype url howpublished pubstate x",
    " ",
)
bib_value = st.one_of(
    reference_value.map(lambda v: "{" + v + "}"),
    reference_value.map(lambda v: '"' + v + '"'),
    st.integers(0, 10**6).map(str),
    st.sampled_from(["jan", "m0", "m1", "m0 # m1", "{{{x}}}", "{", "}", '"', "\\url{x}", "#"]),
)
bib_entry = st.builds(
    lambda kind, opener, key, fields, closer: (
        f"@{kind}{opener}{key},"
        + ",\n".join(f"{name} = {value}" for name, value in fields)
        + closer
    ),
    st.sampled_from(["article", "book", "misc", "string", "comment", "preamble", "ARTICLE"]),
    st.sampled_from(["{", "(", " {"]),
    st.sampled_from(["key", "", "a b", "k@y", "m0"]),
    st.lists(st.tuples(st.sampled_from(BIB_FIELDS) | st.just("m0"), bib_value), max_size=6).map(
        lambda fields: [("title", "{A title}"), *fields]
    ),
    st.sampled_from(["}", ")", "", "}}"]),
)
CSL_KEYS = pieces(
    "id type title author family given literal issued date-parts container-title "
    "container-title-short volume issue page DOI PMID PMCID URL genre raw",
    " ",
)
csl_value = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), reference_value
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(CSL_KEYS), children, max_size=6),
    ),
    max_leaves=20,
)
csl_item = st.fixed_dictionaries(
    {"title": reference_value},
    optional={key: csl_value for key in CSL_KEYS if key != "title"},
)


def records(
    first: st.SearchStrategy[str], lines: st.SearchStrategy[str], last: str, between: str
) -> st.SearchStrategy[str]:
    """Records that start as real ones do, with random lines after, and noise around them."""
    record = st.tuples(first, st.lists(lines, max_size=8)).map(
        lambda parts: "\n".join([parts[0], *parts[1], last])
    )
    return st.lists(st.one_of(record, record, lines), max_size=5).map(between.join)


REFERENCE_FILES: dict[str, st.SearchStrategy[str]] = {
    "refs.ris": records(
        st.sampled_from(["TY  - JOUR", "TY  - BOOK", "TY - JOUR", "  TY  - ", "TY  -"]),
        ris_line,
        "ER  - ",
        "\n",
    ),
    "refs.nbib": records(
        st.integers(0, 10**10).map(lambda n: f"PMID- {n}"), medline_line, "", "\n"
    ),
    "refs.bib": st.lists(st.one_of(bib_entry, reference_value), max_size=6).map("\n".join),
    "refs.json": st.one_of(
        st.lists(st.one_of(csl_item, csl_value), max_size=5), csl_item, csl_value
    ).map(lambda value: json.dumps(value, allow_nan=True)),
}


@FUZZ
@given(
    filename=st.sampled_from([*REFERENCE_FILES, "refs.txt", "refs.xyz", "refs", None]),
    data=st.data(),
)
def test_reference_files_are_read_or_refused(filename: str | None, data: st.DataObject) -> None:
    texts = REFERENCE_FILES.get(filename or "", st.one_of(*REFERENCE_FILES.values()))
    content: bytes | str = data.draw(
        st.one_of(encoded(texts), texts, st.binary(max_size=300)), label="content"
    )

    def read() -> int:
        references, problems = read_references_report(content, filename)
        assert references, "an accepted file has references"
        for problem in problems:
            assert isinstance(problem, str) and problem.strip() and "\n" not in problem
        for reference in references:
            reference.identifier()
            for value in (reference.title, reference.doi, reference.url, *reference.authors):
                if value is not None:
                    value.encode("utf-8")
        return len(references)

    attempt("references", content, read)


# --- The JSON import and the article import: a refusal writes nothing ---------------------------

_UNIQUE = count()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_export(tmp_path_factory.mktemp("export") / "source.db")


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            yield from _paths(item, (*prefix, index))


@st.composite
def damaged_exports(draw: st.DrawFn, export: dict[str, Any]) -> dict[str, Any]:
    """The export with one to three of its values replaced, deleted or duplicated."""
    bundle = json.loads(json.dumps(export))
    for _ in range(draw(st.integers(1, 3))):
        paths = [path for path in _paths(bundle) if path and path[0] not in ("format", "audit")]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = bundle
        for key in path[:-1]:
            parent = parent[key]
        how = draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
        if how == "delete":
            del parent[path[-1]]
        elif how == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[path[-1]])))
        else:
            parent[path[-1]] = draw(
                json_value | st.text(ANY_CHARACTER, max_size=10) | st.just("x" * 3000)
            )
    return bundle


def test_damaged_exports_are_refused_whole(database: Any, exported: dict[str, Any]) -> None:
    @FUZZ
    @given(bundle=damaged_exports(exported))
    def check(bundle: dict[str, Any]) -> None:
        article = bundle.get("article")
        if isinstance(article, dict) and isinstance(article.get("text"), str):
            article["text"] += f" {next(_UNIQUE)}"  # a new article each time; spans still hold
        data = json.dumps(bundle, allow_nan=True).encode("utf-8", "surrogatepass")
        before = table_counts(database)
        result = attempt(
            "json-import", bundle, lambda: import_bundle(database, OPERATOR, read_bundle(data))
        )
        after = table_counts(database)
        if result is None:
            assert after == before, "a refused import changed the database"
        else:
            assert after["articles"] == before["articles"] + 1

    check()


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), json_value.map(json.dumps).map(str.encode)))
def test_any_bytes_are_a_bundle_or_refused(data: bytes) -> None:
    attempt("json-import", data, lambda: read_bundle(data))


def test_article_import_writes_nothing_when_it_refuses(database: Any) -> None:
    @FUZZ
    @given(
        reader=st.sampled_from(list(DOCUMENTS)),
        data=st.data(),
    )
    def check(reader: str, data: st.DataObject) -> None:
        filename, documents = DOCUMENTS[reader]
        content = data.draw(documents, label="content")
        before = table_counts(database)
        result = attempt(
            "article-import",
            content,
            lambda: import_file(database, content, filename, actor=EDITOR),
        )
        after = table_counts(database)
        if result is None:
            assert after == before, "a refused import changed the database"
        elif result.created:
            assert after["articles"] == before["articles"] + 1
        else:
            assert after == before  # the same text again: the article that is there

    check()


def test_a_word_file_from_the_strategies_can_be_read() -> None:
    """The Word strategies build files python-docx opens (else they would test nothing)."""
    data = docx_with(
        {"word/document.xml": document_xml("<w:p><w:r><w:t>Hi there.</w:t></w:r></w:p>")}
    )
    assert read_document(data, "a.docx").text == "Hi there."
    with zipfile.ZipFile(io.BytesIO(base_docx())) as archive:
        assert "word/numbering.xml" in archive.namelist()


def test_the_fuzz_settings_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMREVIEW_FUZZ_EXAMPLES", "7")
    assert fuzz_examples() == 7
    monkeypatch.setenv("CLAIMREVIEW_FUZZ_EXAMPLES", "many")
    with pytest.raises(ValueError, match="whole number"):
        fuzz_examples()
    monkeypatch.delenv("CLAIMREVIEW_FUZZ_EXAMPLES")
    assert fuzz_examples() == 50
