"""Fixed hostile inputs: each is read or refused with a one-line ClaimreviewError, in time.

Every case runs in a forked child process with a memory cap (what the parent used plus
MEMORY_HEADROOM) and is killed if it runs past KILL_AFTER seconds; it must finish within
HOSTILE_SECONDS (environment variable CLAIMREVIEW_HOSTILE_SECONDS, default 5). A case that
names an expectation must be accepted, or refused with a message that says why.

The database cases (the article import path and ``import-json``) run in the test process on
the ``database`` fixture and check that a refusal leaves every table's row count unchanged.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import struct
import sys
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from claims.errors import ClaimreviewError
from claims.extraction import split_text
from claims.identifiers import IDENTIFIER_KINDS, parse_identifier, parse_identifiers
from claims.permissions import Actor
from claims.readers import DEFAULT_MAX_BYTES, read_document, read_text
from claims.readers.markdown import MAX_MARKDOWN_BYTES
from claims.references import MAX_REFERENCE_BYTES, read_references_report
from claims.sentences import sentence_spans
from db.articles import import_file, read_and_split, save_article
from db.transfer import MAX_JSON_BYTES, import_bundle, read_bundle
from tests.reliability import (
    BILLION_LAUGHS_DTD,
    TALLY,
    base_docx,
    build_export,
    check_claims,
    check_document,
    check_refusal,
    document_xml,
    docx_with,
    table_counts,
    tally_report,
    time_bound,
)

HOSTILE_SECONDS = float(os.environ.get("CLAIMREVIEW_HOSTILE_SECONDS", "5"))
KILL_AFTER = max(30.0, 4 * HOSTILE_SECONDS)
MEMORY_HEADROOM = 1024 * 1024 * 1024
MB = 1_000_000
MIB = 1024 * 1024

EDITOR = Actor(user_id=None, username="ed", roles=frozenset({"editor"}), channel="test")
REVIEWER = Actor(user_id=None, username="rev", roles=frozenset({"reviewer"}), channel="test")
OPERATOR = Actor.operator("test")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from tally_report(request)


# --- Running one case in a bounded child --------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str  # accepted | refused | crashed | hung | died
    detail: str
    seconds: float


def _cap_memory() -> None:
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("VmSize:"))
        used = int(line.split()[1]) * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # no cap where the platform cannot set one; the time bound still holds


def _child(make: Callable[[], Any], run: Callable[[Any], str], send: Any) -> None:
    _cap_memory()
    try:
        given = make()
        start = time.perf_counter()
        try:
            outcome = ("accepted", str(run(given)))
        except ClaimreviewError as error:
            try:
                outcome = ("refused", check_refusal(error))
            except AssertionError as problem:
                outcome = ("crashed", f"bad refusal message: {problem}")
        except BaseException as error:  # everything else is what this test looks for
            text = "".join(traceback.format_exception(error))
            outcome = ("crashed", text[-4000:])
        send.send((*outcome, time.perf_counter() - start))
    except BaseException as error:  # building the input failed: a broken test case
        send.send(("crashed", f"building the input failed: {error!r}", 0.0))
    finally:
        send.close()
        os._exit(0)  # no pytest or atexit clean-up in the child


def run_bounded(make: Callable[[], Any], run: Callable[[Any], str]) -> Outcome:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(make, run, send), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(KILL_AFTER):
            process.kill()
            return Outcome("hung", f"no result after {KILL_AFTER:.0f} s (killed)", KILL_AFTER)
        try:
            kind, detail, seconds = receive.recv()
        except EOFError:
            process.join(5)
            return Outcome("died", f"the child died (exit code {process.exitcode})", 0.0)
        return Outcome(kind, detail, seconds)
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


@dataclass(frozen=True)
class Case:
    id: str
    reader: str
    make: Callable[[], Any]
    run: Callable[[Any], str]
    expect: str | None = None  # "accepted", "refused" or None (either)
    says: str | None = None  # a refusal's message must contain this


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods() or sys.platform == "win32",
    reason="the hostile cases run in forked child processes (Linux, macOS)",
)


# --- What each entry point does with an input (runs in the child) -------------------------------


def as_document(filename: str | None) -> Callable[[bytes], str]:
    def run(data: bytes) -> str:
        doc = read_document(data, filename)
        claims = check_document(doc)
        assert "root:x:" not in doc.text, "an external entity was resolved"
        return f"{doc.source_format}: {len(doc.text)} characters, {claims} claims"

    return run


def as_pasted(fmt: str | None) -> Callable[[str], str]:
    def run(text: str) -> str:
        doc = read_text(text, fmt)
        return f"{doc.source_format}: {check_document(doc)} claims"

    return run


def as_sentences(text: str) -> str:
    spans = sentence_spans(text)
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        assert not text[previous_end:s].strip(), "text between sentences lies in none"
        previous_end = e
    assert not text[previous_end:].strip()
    claims = split_text(text)
    check_claims(text, claims)
    return f"{len(spans)} sentences, {len(claims)} claims"


def as_identifier(text: str) -> str:
    found = parse_identifier(text)
    assert found.kind in IDENTIFIER_KINDS
    found.value.encode("utf-8")
    found.url().encode("utf-8")
    return found.label()


def as_identifiers(text: str) -> str:
    found, refused = parse_identifiers(text)
    for identifier in found:
        assert identifier.kind in IDENTIFIER_KINDS
        identifier.value.encode("utf-8")
        identifier.url()
    for refusal in refused:
        assert refusal.reason.strip() and "\n" not in refusal.reason
        refusal.reason.encode("utf-8")
    return f"{len(found)} found, {len(refused)} refused"


def as_references(filename: str | None) -> Callable[[bytes | str], str]:
    def run(data: bytes | str) -> str:
        references, problems = read_references_report(data, filename)
        assert references, "an accepted file has references"
        for problem in problems:
            assert isinstance(problem, str) and problem and "\n" not in problem
        return f"{len(references)} references, {len(problems)} problems"

    return run


def as_bundle(data: bytes) -> str:
    bundle = read_bundle(data)
    return f"bundle with {len(bundle)} keys"


# --- Inputs -------------------------------------------------------------------------------------


def seeded_bytes(n: int, *, nul: bool = True, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) for _ in range(n))
    return data if nul else data.replace(b"\x00", b"\x01")


def repeat(pattern: bytes | str, size: int):
    return pattern * (size // len(pattern))


ONE_MB_LINE = repeat(b"aspirin cures headaches in most adults and ", MB)
NESTED_DIVS = b"<html><body>" + b"<div>" * 100_000 + b"Deep text." + b"</div>" * 100_000
BILLION_LAUGHS_HTML = (
    '<?xml version="1.0"?>\n' + BILLION_LAUGHS_DTD + "<html><body><p>Start &lol9; &xxe; end."
    "</p><p>Aspirin cures headaches.</p></body></html>"
).encode()


def html_page(head: str = "", body: str = "<p>Aspirin cures headaches. It works.</p>") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def json_ld(value: object) -> bytes:
    raw = value if isinstance(value, str) else json.dumps(value)
    return html_page(f'<script type="application/ld+json">{raw}</script>')


def front_matter(yaml_text: str, body: str = "Body text here. Another sentence.\n") -> bytes:
    return f"---\n{yaml_text}\n---\n{body}".encode()


YAML_LAUGHS = "\n".join(
    [
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)),
        "author: *a9",
        "title: *a9",
        "date: *a9",
        "url: *a9",
    ]
)


def text_cases(fmt: str | None, filename: str | None) -> list[Case]:
    """What every reader gets: empty, binary, undecodable, control characters, too large."""
    reader = fmt or "sniffed"
    run = as_document(filename)
    binary = "not a valid .docx" if fmt == "docx" else None
    limit = MAX_MARKDOWN_BYTES if fmt == "md" else DEFAULT_MAX_BYTES
    too_large = "Markdown" if fmt == "md" else "import limit"
    cases = [
        Case("empty", reader, lambda: b"", run, "refused", "empty"),
        Case("whitespace", reader, lambda: b" \n\t\r\n ", run, "refused", "empty"),
        Case("binary", reader, lambda: seeded_bytes(65536), run, "refused", binary),
        Case("binary-no-nul", reader, lambda: seeded_bytes(65536, nul=False), run, "refused"),
        Case("invalid-utf8", reader, lambda: b"Aspirin \xff\xfe\x81 cures. " * 50, run, "refused"),
        Case("cp1252-fallback", reader, lambda: b"Caf\xe9 au lait cures headaches.", run),
        Case("utf16-odd-length", reader, lambda: b"\xff\xfeA\x00B", run, "refused"),
        Case("utf16-bom", reader, lambda: "Aspirin cures.".encode("utf-16"), run),
        Case("nul-bytes", reader, lambda: b"Aspirin\x00 cures headaches.", run, "refused"),
        Case(
            "control-characters",
            reader,
            lambda: b"Aspirin \x01\x02\x03\x1b[31m cures headaches. " * 20,
            run,
            "refused",
        ),
        Case("a-few-control-characters", reader, lambda: b"Tab\x0bform\x0cfeed. " * 200, run),
        Case(
            "legacy-doc",
            reader,
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            run,
            "refused",
            "legacy Word",
        ),
        Case("over-the-limit", reader, lambda: b"a" * (limit + 1), run, "refused", too_large),
        Case("one-mb-single-line", reader, lambda: ONE_MB_LINE, run),
        Case("one-mb-no-spaces", reader, lambda: b"a" * MB, run),
        Case("one-mb-of-newlines", reader, lambda: b"x" + b"\n" * MB + b"y", run),
    ]
    if fmt == "docx":
        for index, case in enumerate(cases):
            if case.id in ("one-mb-single-line", "one-mb-no-spaces", "one-mb-of-newlines"):
                cases[index] = replace(case, expect="refused", says="not a valid .docx")
    return [replace(case, id=f"{reader}-{case.id}") for case in cases]


def html_cases() -> list[Case]:
    run = as_document("page.html")
    deep = "nested too deeply"
    cases = [
        Case("100k-nested-divs", "html", lambda: NESTED_DIVS, run, "refused", deep),
        Case("100k-unclosed-divs", "html", lambda: b"<div>" * 100_000 + b"Text.", run, "refused"),
        Case("100k-nested-tables", "html", lambda: b"<table><tr><td>" * 100_000, run, "refused"),
        Case("100k-nested-lists", "html", lambda: b"<ul><li>" * 100_000 + b"Item.", run),
        Case("100k-nested-inline", "html", lambda: b"<b>" * 100_000 + b"Bold.", run),
        Case("billion-laughs-entities", "html", lambda: BILLION_LAUGHS_HTML, run),
        Case(
            "one-mb-paragraph", "html", lambda: html_page(body=f"<p>{'word ' * 200_000}</p>"), run
        ),
        Case(
            "json-ld-headline-object",
            "html",
            lambda: json_ld({"@type": "Article", "headline": {"a": 1}}),
            run,
        ),
        Case(
            "json-ld-headline-list",
            "html",
            lambda: json_ld({"@type": "Article", "headline": ["a", 2]}),
            run,
        ),
        Case(
            "json-ld-headline-number",
            "html",
            lambda: json_ld('{"@type": "Article", "headline": NaN}'),
            run,
        ),
        Case(
            "json-ld-type-numbers",
            "html",
            lambda: json_ld({"@type": [1, None], "headline": "x"}),
            run,
        ),
        Case(
            "json-ld-deep-author",
            "html",
            lambda: json_ld('{"@type": "Article", "author": ' + "[" * 900 + "]" * 900 + "}"),
            run,
        ),
        Case(
            "json-ld-deep-graph",
            "html",
            lambda: json_ld(
                {"@graph": [{"@graph": [{"@graph": [{"@type": "Article", "headline": ["x"]}]}]}]}
            ),
            run,
        ),
        Case(
            "json-ld-lone-surrogates",
            "html",
            lambda: json_ld('{"@type": "Article", "headline": "A \\ud800", "author": "\\udc00"}'),
            run,
            "accepted",
        ),
        Case(
            "json-ld-one-mb",
            "html",
            lambda: json_ld({"@type": "Article", "headline": "x" * MB}),
            run,
        ),
        Case(
            "long-canonical-url",
            "html",
            lambda: html_page(f'<link rel="canonical" href="https://a.org/{"x" * 5000}">'),
            run,
        ),
        Case(
            "character-references",
            "html",
            lambda: html_page(body="<p>A &#0; &#xD800; &#x110000; &#99999999999; &#1; b.</p>"),
            run,
        ),
        Case(
            "huge-list-numbers",
            "html",
            lambda: html_page(
                body=f'<ol start="{"9" * 5000}"><li value="-{"9" * 50}">A.</li></ol>'
            ),
            run,
        ),
        Case("comment-only", "html", lambda: b"<!-- nothing -->", run, "refused", "No article"),
        Case("doctype-only", "html", lambda: b"<!DOCTYPE html>", run, "refused", "No article"),
        Case("20k-scripts", "html", lambda: html_page(body="<script>x</script>" * 20_000), run),
    ]
    return [replace(case, id=f"html-{case.id}") for case in cases]


def markdown_cases() -> list[Case]:
    run = as_document("article.md")
    deep = "nested too deeply"
    inline = 64 * 1024  # hostile inline markup: linear, but up to ~14 µs a character
    cases = [
        Case("100k-nested-divs", "md", lambda: NESTED_DIVS, run, "refused", deep),
        Case(
            "60-nested-lists",
            "md",
            lambda: "".join("  " * d + "- item\n" for d in range(60)).encode(),
            run,
            "refused",
            deep,
        ),
        Case("100k-block-quotes", "md", lambda: b">" * 100_000 + b" Quote.", run, "refused", deep),
        Case("yaml-billion-laughs", "md", lambda: front_matter(YAML_LAUGHS), run, "accepted"),
        Case("yaml-recursive-alias", "md", lambda: front_matter("author: &a [*a]"), run),
        Case("yaml-recursive-mapping", "md", lambda: front_matter("author: &a {name: *a}"), run),
        Case(
            "yaml-10k-deep",
            "md",
            lambda: front_matter("a: " + "[" * 10_000 + "]" * 10_000),
            run,
            "refused",
            "front matter",
        ),
        Case(
            "yaml-python-tag",
            "md",
            lambda: front_matter("a: !!python/object/apply:os.system ['echo owned']"),
            run,
            "refused",
            "front matter",
        ),
        Case(
            "yaml-impossible-date", "md", lambda: front_matter("date: 2024-02-30"), run, "refused"
        ),
        Case(
            "yaml-lone-surrogates",
            "md",
            lambda: front_matter(
                'title: "A \\ud800"\nauthor: "\\udc00"\nurl: "https://a.org/\\ud800"'
            ),
            run,
            "accepted",
        ),
        Case("yaml-one-mb-value", "md", lambda: front_matter(f"title: '{'x' * MB}'"), run),
        Case("unclosed-brackets", "md", lambda: repeat(b"[", inline), run),
        Case("unclosed-images", "md", lambda: repeat(b"![", inline), run),
        Case("emphasis-soup", "md", lambda: repeat(b"*a_", inline), run),
        Case("link-openers", "md", lambda: repeat(b"[a](", inline), run),
        Case("angle-brackets", "md", lambda: repeat(b"<", inline), run),
        Case("setext-headings", "md", lambda: repeat(b"a\n=\n", inline), run),
        Case("wide-table", "md", lambda: b"|" + b"a|" * 20_000 + b"\n|" + b"-|" * 20_000, run),
        Case("html-comment-soup", "md", lambda: repeat(b"<!--", inline), run),
        Case("huge-list-number", "md", lambda: b"9" * 5000 + b". Item text.\n", run),
    ]
    return [replace(case, id=f"md-{case.id}") for case in cases]


# Word files: zip bombs are built from blocks of zeros compressed once and repeated (a full
# flush between blocks makes the repeats a valid deflate stream), so a 2 GiB bomb costs 2 MB.

BOMB_BLOCK = 16 * MIB


def _deflate(content: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(content) + compressor.flush()


def _zip(entries: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A zip archive from (name, data, method, flags, crc, declared size) written by hand."""
    body, central = bytearray(), bytearray()
    for name, data, method, flags, crc, size in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(data), size,
            len(encoded), 0,
        )  # fmt: skip
        body += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21, crc, len(data),
            size, len(encoded), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0
    )
    return bytes(body + central + end)


def _base_entries(
    skip: str | None = None, method: int = 8, flags: int = 0, on: str | None = None
) -> list[tuple[str, bytes, int, int, int, int]]:
    entries = []
    with zipfile.ZipFile(io.BytesIO(base_docx())) as source:
        for info in source.infolist():
            if info.filename == skip:
                continue
            content = source.read(info.filename)
            special = info.filename == on
            entries.append(
                (
                    info.filename,
                    _deflate(content) if not special or method == 8 else content,
                    method if special else 8,
                    flags if special else 0,
                    zlib.crc32(content),
                    len(content),
                )
            )
    return entries


def zip_bomb(part: str, inflated: int, declared: int | None = None) -> bytes:
    """The base .docx with ``part`` replaced by zeros that inflate to ``inflated`` bytes;
    the headers declare ``declared`` bytes (default: the truth)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(b"\0" * BOMB_BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = inflated // BOMB_BLOCK
    data = block * count + compressor.flush()
    size = count * BOMB_BLOCK if declared is None else declared
    return _zip([*_base_entries(skip=part), (part, data, 8, 0, 0, size)])


def with_entry_flags(part: str, *, method: int = 8, flags: int = 0) -> bytes:
    return _zip(_base_entries(method=method, flags=flags, on=part))


def many_entries(count: int) -> bytes:
    """The base .docx with ``count`` more (empty) parts."""
    return docx_with({f"customXml/item{index}.xml": b"" for index in range(count)})


def body_xml(inner: str, doctype: str = "") -> bytes:
    return docx_with({"word/document.xml": document_xml(inner, doctype)})


def stored_body(inner: str) -> bytes:
    return docx_with({"word/document.xml": document_xml(inner)}, compression=zipfile.ZIP_STORED)


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def laughs_in(part: str, root: str) -> bytes:
    return docx_with({part: f'<?xml version="1.0"?>\n{BILLION_LAUGHS_DTD}{root}'.encode()})


def docx_cases() -> list[Case]:
    run = as_document("article.docx")
    bomb = "zip bomb"
    core_ns = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    cases = [
        Case("base", "docx", base_docx, run, "accepted"),
        Case(
            "zip-bomb-2gib-document",
            "docx",
            lambda: zip_bomb("word/document.xml", 2048 * MIB),
            run,
            "refused",
            bomb,
        ),
        Case(
            "zip-bomb-understated-1000-bytes",
            "docx",
            lambda: zip_bomb("word/document.xml", 1024 * MIB, declared=1000),
            run,
            "refused",
            bomb,
        ),
        Case(
            "zip-bomb-understated-zero",
            "docx",
            lambda: zip_bomb("word/document.xml", 1024 * MIB, declared=0),
            run,
            "refused",
            bomb,
        ),
        Case(
            "zip-bomb-understated-styles",
            "docx",
            lambda: zip_bomb("word/styles.xml", 1024 * MIB, declared=500),
            run,
            "refused",
            bomb,
        ),
        Case(
            "zip-bomb-understated-rels",
            "docx",
            lambda: zip_bomb("_rels/.rels", 1024 * MIB, declared=500),
            run,
            "refused",
            bomb,
        ),
        Case(
            "zip-bomb-media-part",
            "docx",
            lambda: zip_bomb("word/media/image1.png", 2048 * MIB),
            run,
            "refused",
            bomb,
        ),
        Case("10001-entries", "docx", lambda: many_entries(10_001), run, "refused", bomb),
        Case(
            "encrypted-entry",
            "docx",
            lambda: with_entry_flags("word/document.xml", flags=1),
            run,
            "refused",
            "encrypted",
        ),
        Case(
            "bzip2-entry",
            "docx",
            lambda: docx_with({}, compression=zipfile.ZIP_BZIP2),
            run,
            "refused",
            "compression",
        ),
        Case(
            "lzma-entry",
            "docx",
            lambda: docx_with({}, compression=zipfile.ZIP_LZMA),
            run,
            "refused",
            "compression",
        ),
        Case(
            "unknown-method-rels-without-document",
            "docx",
            lambda: _zip(
                [
                    e if e[0] != "_rels/.rels" else (e[0], e[1], 99, 0, e[4], e[5])
                    for e in _base_entries(skip="word/document.xml")
                ]
            ),
            run,
            "refused",
            "compression",
        ),
        Case("truncated", "docx", lambda: base_docx()[: len(base_docx()) // 2], run, "refused"),
        Case("empty-zip", "docx", lambda: b"PK\x05\x06" + b"\0" * 18, run, "refused", "no word/"),
        Case(
            "no-document-part",
            "docx",
            lambda: docx_with({"word/document.xml": None}),
            run,
            "refused",
        ),
        Case(
            "document-without-body",
            "docx",
            lambda: docx_with({"word/document.xml": _no_body()}),
            run,
            "refused",
            "no body",
        ),
        Case("document-not-xml", "docx", lambda: docx_with({"word/document.xml": b"x"}), run),
        Case(
            "document-invalid-utf8",
            "docx",
            lambda: docx_with({"word/document.xml": document_xml(paragraph("A\udcff."))}),
            run,
            "refused",
        ),
        Case(
            "document-control-characters",
            "docx",
            lambda: body_xml(paragraph("Bad \x01\x02 characters.")),
            run,
            "refused",
        ),
        Case(
            "document-control-references",
            "docx",
            lambda: body_xml(paragraph("Bad &#1;&#27; characters.")),
            run,
            "refused",
        ),
        Case(
            "billion-laughs-document",
            "docx",
            lambda: body_xml(paragraph("Start &lol9; end."), BILLION_LAUGHS_DTD),
            run,
            "refused",
        ),
        Case(
            "external-entity-document",
            "docx",
            lambda: body_xml(paragraph("Start &xxe; end. Aspirin cures."), BILLION_LAUGHS_DTD),
            run,
        ),
        Case(
            "billion-laughs-styles",
            "docx",
            lambda: laughs_in("word/styles.xml", f'<w:styles xmlns:w="{_W}">&lol9;</w:styles>'),
            run,
            "refused",
        ),
        Case(
            "billion-laughs-core-properties",
            "docx",
            lambda: laughs_in(
                "docProps/core.xml",
                f'<cp:coreProperties xmlns:cp="{core_ns}" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol9;</dc:title>'
                "</cp:coreProperties>",
            ),
            run,
            "refused",
        ),
        Case(
            "billion-laughs-content-types",
            "docx",
            lambda: laughs_in(
                "[Content_Types].xml",
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                "&lol9;</Types>",
            ),
            run,
            "refused",
        ),
        Case(
            "billion-laughs-rels",
            "docx",
            lambda: laughs_in(
                "_rels/.rels",
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships">&lol9;</Relationships>',
            ),
            run,
            "refused",
        ),
        Case(
            "100k-nested-custom-xml",
            "docx",
            lambda: stored_body(
                "<w:customXml>" * 100_000 + paragraph("Deep.") + "</w:customXml>" * 100_000
            ),
            run,
            "refused",
        ),
        Case(
            "100k-nested-runs",
            "docx",
            lambda: stored_body("<w:p>" + "<w:r>" * 100_000 + "<w:t>D.</w:t>" + "</w:r>" * 100_000),
            run,
            "refused",
        ),
        Case(
            "5000-nested-tables",
            "docx",
            lambda: stored_body(
                "<w:tbl><w:tr><w:tc>" * 5000 + paragraph("Deep.") + "</w:tc></w:tr></w:tbl>" * 5000
            ),
            run,
            "refused",
        ),
        Case("one-mb-paragraph", "docx", lambda: body_xml(paragraph("word " * 200_000)), run),
        Case(
            "20k-paragraphs",
            "docx",
            lambda: stored_body(paragraph("Aspirin cures headaches.") * 20_000),
            run,
            "accepted",
        ),
        Case(
            "style-cycle-and-wild-numbering",
            "docx",
            lambda: docx_with(
                {
                    "word/styles.xml": _cyclic_styles(),
                    "word/document.xml": document_xml(
                        '<w:p><w:pPr><w:pStyle w:val="A"/><w:numPr><w:ilvl w:val="x"/>'
                        '<w:numId w:val="99999999999999999999"/></w:numPr></w:pPr>'
                        "<w:r><w:t>Item text.</w:t></w:r></w:p>"
                    ),
                }
            ),
            run,
        ),
        Case("html-named-docx", "docx", lambda: b"<html><body>x</body></html>", run, "refused"),
    ]
    return [replace(case, id=f"docx-{case.id}") for case in cases]


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _no_body() -> bytes:
    return f'<?xml version="1.0"?><w:document xmlns:w="{_W}"/>'.encode()


def _cyclic_styles() -> bytes:
    return (
        f'<?xml version="1.0"?><w:styles xmlns:w="{_W}">'
        '<w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/>'
        "</w:style></w:styles>"
    ).encode()


def pasted_cases() -> list[Case]:
    """Pasted text (a str, which may hold what no file can: unpaired surrogates)."""
    cases = [
        Case("surrogates", "pasted", lambda: "Aspirin \ud800 cures.", as_pasted("txt"), "refused"),
        Case("not-a-string", "pasted", lambda: b"bytes", as_pasted("txt"), "refused"),
        Case("docx-format", "pasted", lambda: "text", as_pasted("docx"), "refused"),
        Case("unknown-format", "pasted", lambda: "text", as_pasted("pdf"), "refused"),
        Case(
            "over-the-limit",
            "pasted",
            lambda: "a" * (DEFAULT_MAX_BYTES + 1),
            as_pasted(None),
            "refused",
            "limit",
        ),
        Case("one-mb-html", "pasted", lambda: NESTED_DIVS.decode(), as_pasted("html"), "refused"),
        Case("one-mb-line", "pasted", lambda: ONE_MB_LINE.decode(), as_pasted(None), "accepted"),
    ]
    return [replace(case, id=f"pasted-{case.id}") for case in cases]


def splitter_cases() -> list[Case]:
    # One sentence of 1 MB; the patterns that make many sentences (and claims) at 256 KB.
    many = 256 * 1024
    patterns: dict[str, str] = {
        "one-mb-single-line": ONE_MB_LINE.decode(),
        "one-mb-no-spaces": "a" * MB,
        "one-mb-of-full-stops": "." * MB,
        "one-mb-of-newlines": "x" + "\n" * MB + "y",
        "one-mb-of-brackets": "(" * (MB // 2) + ")" * (MB // 2),
        "one-mb-of-whitespace": "a" + " \t\u00a0\u2003" * (MB // 4) + "b",
        "dot-space": repeat(". ", many),
        "initials": repeat("a. ", many),
        "abbreviations": repeat("Dr. e.g. U.S. J. Clin. vs. ", many),
        "list-markers": repeat("1.\n", many),
        "citations": repeat("Word.[1] ", many),
        "superscripts": repeat("word.1 2 ", many),
        "question-marks": repeat("?!", many),
        "ellipses": repeat("\u2026 ", many),
        "labels": repeat("Big Label: ", many),
        "quotes": repeat('"Stop." ', many),
        "headings": repeat("# Heading\n", many),
        "control-characters": "Aspirin \x01\x02 cures.\x0b\x0c Next \x1b[31m one. " * 1000,
    }
    return [
        Case(f"splitter-{name}", "splitter", lambda text=text: text, as_sentences, "accepted")
        for name, text in patterns.items()
    ]


def identifier_cases() -> list[Case]:
    one = as_identifier
    many = as_identifiers
    cases = [
        Case("empty", "identifiers", lambda: "", one, "refused", "Nothing was pasted"),
        Case("one-mb-paste", "identifiers", lambda: "10.1000/abc PMID 123 " * 50_000, many),
        Case("500k-commas", "identifiers", lambda: "1," * 500_000, many),
        Case("brackets", "identifiers", lambda: "(" * 500_000 + ")" * 500_000 + ".", many),
        Case("labels-only", "identifiers", lambda: "PMID " * 200_000, many),
        Case("one-mb-url", "identifiers", lambda: "https://" + "a" * MB, many),
        Case("one-mb-url-single", "identifiers", lambda: "https://a.org/" + "a" * MB, one),
        Case("one-mb-doi", "identifiers", lambda: "10.1000/" + "x" * MB, one, "refused"),
        Case("one-mb-pmid", "identifiers", lambda: "1" * MB, one, "refused"),
        Case("control-characters", "identifiers", lambda: "10.1000/a\x1b[2Jb", one, "refused"),
        Case("nul", "identifiers", lambda: "10.1000/a\x00b", one, "refused"),
        Case("surrogate", "identifiers", lambda: "10.1000/\ud800", one, "refused"),
        Case("surrogates-in-paste", "identifiers", lambda: "10.1000/\udc80 x \ud800", many),
        Case("ipv6-unclosed", "identifiers", lambda: "http://[::1", one, "refused"),
        Case("fullwidth-hash-host", "identifiers", lambda: "http://a\uff03b.org/", one, "refused"),
        Case("port-overflow", "identifiers", lambda: "http://a.org:99999999/", one, "refused"),
        Case("doi-url-bad-escape", "identifiers", lambda: "https://doi.org/%ED%A0%80", one),
        Case("javascript", "identifiers", lambda: "javascript:alert(1)", one, "refused"),
    ]
    return [replace(case, id=f"identifiers-{case.id}") for case in cases]


BIBTEX_MACRO_BOMB = (
    '@string{a0 = "xxxxxxxxxx"}\n'
    + "".join(f"@string{{a{n} = {' # '.join([f'a{n - 1}'] * 10)}}}\n" for n in range(1, 10))
    + "@article{key, title = a9, doi = {10.1000/x}}\n"
).encode()


def reference_cases() -> list[Case]:
    cases: list[Case] = []
    for name in ("refs.ris", "refs.nbib", "refs.bib", "refs.json", "refs.txt", None):
        run = as_references(name)
        label = name.split(".")[-1] if name else "sniffed"
        cases += [
            Case(f"{label}-empty", "references", lambda: b"", run, "refused", "empty"),
            Case(f"{label}-binary", "references", lambda: seeded_bytes(65536), run, "refused"),
            Case(
                f"{label}-over-the-limit",
                "references",
                lambda: b"x" * (MAX_REFERENCE_BYTES + 1),
                run,
                "refused",
                "limit",
            ),
            Case(
                f"{label}-undecodable",
                "references",
                lambda: b"TY  - JOUR\nTI  - \x81\x8d\nER  -\n",
                run,
            ),
            Case(f"{label}-utf16-odd", "references", lambda: b"\xff\xfeA", run, "refused"),
            Case(
                f"{label}-control-characters",
                "references",
                lambda: b"TY  - JOUR\nTI  - a\x01\x02b\nER  -\n",
                run,
                "refused",
            ),
            Case(
                f"{label}-surrogates-in-a-string",
                "references",
                lambda: "TY  - JOUR\nTI  - \ud800\nER  -\n",
                run,
                "refused",
            ),
            Case(f"{label}-one-mb-line", "references", lambda: ONE_MB_LINE, run),
        ]
    bib = as_references("refs.bib")
    ris = as_references("refs.ris")
    nbib = as_references("refs.nbib")
    csl = as_references("refs.json")
    cases += [
        Case("bibtex-macro-bomb", "references", lambda: BIBTEX_MACRO_BOMB, bib, "refused", "macro"),
        Case(
            "bibtex-100k-braces",
            "references",
            lambda: b"@article{k, title = " + b"{" * 100_000 + b"x" + b"}" * 100_000 + b"}",
            bib,
            "refused",
        ),
        Case(
            "bibtex-unclosed",
            "references",
            lambda: b"@article{k, title = {" * 100_000,
            bib,
            "refused",
        ),
        Case("bibtex-300k-heads", "references", lambda: b"\n@a{" * 300_000, bib, "refused"),
        Case("bibtex-1m-at-signs", "references", lambda: b"@" * MB, bib, "refused"),
        Case(
            "bibtex-1m-concatenations",
            "references",
            lambda: b"@a{k, t = " + b"x # " * 250_000 + b"x}",
            bib,
            "refused",
        ),
        Case(
            "bibtex-500k-authors",
            "references",
            lambda: b"@a{k, title={t}, author = {" + b"a and " * 500_000 + b"}}",
            bib,
        ),
        Case(
            "bibtex-one-mb-of-accents",
            "references",
            lambda: b"@a{k, title = {" + b"\\'" * 500_000 + b"}}",
            bib,
        ),
        Case("csl-100k-deep", "references", lambda: b"[" * 100_000, csl, "refused"),
        Case(
            "csl-5000-digit-year",
            "references",
            lambda: b'[{"title": "x", "issued": {"date-parts": [[' + b"9" * 5000 + b"]]}}]",
            csl,
            "refused",
        ),
        Case(
            "csl-odd-values",
            "references",
            lambda: json.dumps(
                [
                    {
                        "title": {"a": 1},
                        "author": {"x": 1},
                        "issued": [1],
                        "DOI": [[1]],
                        "URL": ["javascript:x"],
                        "id": {"a": 1},
                        "page": 5,
                    },
                    5,
                    None,
                    "x",
                    {"title": "Kept", "author": [{"family": {"a": 1}, "given": [1]}, 5, "X"]},
                ]
            ).encode(),
            csl,
        ),
        Case(
            "csl-lone-surrogates",
            "references",
            lambda: b'[{"title": "A \\ud800", "author": [{"family": "\\udc00"}], "id": "\\ud800"}]',
            csl,
            "accepted",
        ),
        Case(
            "csl-nan-and-infinity",
            "references",
            lambda: b'[{"title": NaN, "DOI": Infinity, "issued": {"date-parts": [[NaN]]}}]',
            csl,
        ),
        Case(
            "csl-20001-records",
            "references",
            lambda: json.dumps([{"title": "t"}] * 20_001).encode(),
            csl,
            "refused",
            "20,000",
        ),
        Case(
            "ris-20001-records",
            "references",
            lambda: b"TY  - JOUR\nTI  - t\nER  -\n" * 20_001,
            ris,
            "refused",
            "20,000",
        ),
        Case(
            "nbib-20001-records",
            "references",
            lambda: b"PMID- 1\nTI  - t\n\n" * 20_001,
            nbib,
            "refused",
            "20,000",
        ),
        Case(
            "ris-9-mb-title",
            "references",
            lambda: b"TY  - JOUR\nTI  - " + b"x" * 9 * MB + b"\nER  -\n",
            ris,
            "accepted",
        ),
        Case(
            "nbib-2m-continuation-lines",
            "references",
            lambda: b"PMID- 1\nTI  - t\n" + b"      more\n" * 2_000_000,
            nbib,
        ),
    ]
    return [replace(case, id=f"references-{case.id}") for case in cases]


def bundle_cases() -> list[Case]:
    cases = [
        Case("empty", "json-import", lambda: b"", as_bundle, "refused", "not valid JSON"),
        Case("binary", "json-import", lambda: seeded_bytes(65536), as_bundle, "refused"),
        Case("invalid-utf8", "json-import", lambda: b'{"a": "\xff"}', as_bundle, "refused"),
        Case("100k-deep", "json-import", lambda: b"[" * 100_000, as_bundle, "refused"),
        Case(
            "5000-digit-number",
            "json-import",
            lambda: b'{"format": ' + b"9" * 5000 + b"}",
            as_bundle,
            "refused",
        ),
        Case("not-an-object", "json-import", lambda: b"[1, 2]", as_bundle, "refused"),
        Case("nan", "json-import", lambda: b'{"format": NaN}', as_bundle, "refused"),
        Case(
            "over-the-limit",
            "json-import",
            lambda: b" " * (MAX_JSON_BYTES + 1),
            as_bundle,
            "refused",
            "200 MB",
        ),
    ]
    return [replace(case, id=f"json-import-{case.id}") for case in cases]


CASES: list[Case] = [
    *text_cases("txt", "article.txt"),
    *text_cases("md", "article.md"),
    *text_cases("html", "article.html"),
    *text_cases("docx", "article.docx"),
    *text_cases(None, None),
    *html_cases(),
    *markdown_cases(),
    *docx_cases(),
    *pasted_cases(),
    *splitter_cases(),
    *identifier_cases(),
    *reference_cases(),
    *bundle_cases(),
]


@needs_fork
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_is_read_or_refused_in_time(case: Case) -> None:
    outcome = run_bounded(case.make, case.run)
    ok = outcome.kind in ("accepted", "refused") and outcome.seconds <= HOSTILE_SECONDS
    if ok:
        TALLY.add("hostile", case.reader, outcome.kind)
    else:
        TALLY.fail("hostile", case.reader, f"{outcome.kind}: {outcome.detail[-300:]}", case.id)
    assert outcome.kind in ("accepted", "refused"), f"{outcome.kind}:\n{outcome.detail}"
    assert outcome.seconds <= HOSTILE_SECONDS, (
        f"took {outcome.seconds:.1f} s, more than {HOSTILE_SECONDS} s ({outcome.detail})"
    )
    if case.expect:
        assert outcome.kind == case.expect, f"{outcome.kind}: {outcome.detail}"
    if case.says and outcome.kind == "refused":
        assert case.says.lower() in outcome.detail.lower(), outcome.detail


def test_the_zip_bomb_is_real() -> None:
    """The bombs above inflate to what they claim (checked on the first 64 MiB)."""
    data = zip_bomb("word/document.xml", 2048 * MIB)
    assert len(data) < 4 * MIB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size == 2048 * MIB
        start = info.header_offset + 30 + len(info.filename)
        raw = data[start : start + info.compress_size]
    inflated = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, 64 * MIB)
    assert len(inflated) == 64 * MIB and not inflated.strip(b"\0")


# --- The database: a refusal writes nothing -----------------------------------------------------

IMPORT_CASES: dict[str, Callable[[], tuple[bytes, str | None]]] = {
    "empty": lambda: (b"", "a.txt"),
    "binary": lambda: (seeded_bytes(4096), "a.txt"),
    "undecodable": lambda: (b"Aspirin \xff\xfe\x81 cures.", "a.txt"),
    "control-characters": lambda: (b"A \x01\x02\x03\x04 b. " * 10, "a.md"),
    "over-the-limit": lambda: (b"a" * (DEFAULT_MAX_BYTES + 1), "a.txt"),
    "wrong-extension": lambda: (b"text", "a.pdf"),
    "nested-divs": lambda: (NESTED_DIVS, "a.html"),
    "markdown-too-deep": lambda: (b">" * 1000 + b" x", "a.md"),
    "yaml-python-tag": lambda: (front_matter("a: !!python/name:os.system"), "a.md"),
    "zip-bomb": lambda: (zip_bomb("word/document.xml", 1024 * MIB), "a.docx"),
    "zip-bomb-understated": lambda: (zip_bomb("word/document.xml", 256 * MIB, 100), "a.docx"),
    "docx-without-body": lambda: (docx_with({"word/document.xml": _no_body()}), "a.docx"),
    "docx-encrypted": lambda: (with_entry_flags("word/document.xml", flags=1), "a.docx"),
    "docx-billion-laughs": lambda: (
        body_xml(paragraph("&lol9;"), BILLION_LAUGHS_DTD),
        "a.docx",
    ),
    "html-no-text": lambda: (b"<html><body><script>x</script></body></html>", "a.html"),
    "only-markup": lambda: (b"# \n\n***\n\n---\n", "a.md"),
    # Read, but hostile in their metadata: they must be stored or refused, never crash.
    "html-long-canonical-url": lambda: (
        html_page(f'<link rel="canonical" href="https://a.org/{"x" * 5000}"><title>T</title>'),
        "a.html",
    ),
    "html-lone-surrogates-in-metadata": lambda: (
        json_ld('{"@type": "Article", "headline": "A \\ud800", "author": "\\udc00"}'),
        "a.html",
    ),
    "markdown-lone-surrogates-in-metadata": lambda: (
        front_matter('title: "A \\ud800"\nauthor: "\\udc00"'),
        "a.md",
    ),
    "html-long-title": lambda: (html_page(f"<title>{'Long ' * 2000}</title>"), "a.html"),
    "yaml-billion-laughs": lambda: (front_matter(YAML_LAUGHS), "a.md"),
    "long-section": lambda: (("# " + "Heading " * 200 + "\n\nBody text.").encode(), "a.md"),
}


@pytest.mark.parametrize("name", list(IMPORT_CASES))
def test_article_import_writes_nothing_when_it_refuses(database, name: str) -> None:
    data, filename = IMPORT_CASES[name]()
    before = table_counts(database)
    start = time.perf_counter()
    result = attempt_db(
        "article-import", name, lambda: import_file(database, data, filename, actor=EDITOR)
    )
    assert time.perf_counter() - start <= HOSTILE_SECONDS
    after = table_counts(database)
    if result is None:
        assert after == before, "a refused import changed the database"
    else:
        assert result.created and after["articles"] == before["articles"] + 1


def test_save_article_without_permission_writes_nothing(database) -> None:
    document, claims = read_and_split(b"Aspirin cures headaches. It always works.", "a.txt")
    before = table_counts(database)
    assert (
        attempt_db(
            "article-import",
            "no permission",
            lambda: save_article(database, document, claims, actor=REVIEWER),
        )
        is None
    )
    assert table_counts(database) == before


def attempt_db(reader: str, given: object, call: Callable[[], Any]) -> Any:
    """Like the child's verdict, in the test process (the database is not forked): the
    result, or None for a refusal; a hang is stopped after KILL_AFTER seconds."""
    try:
        with time_bound(KILL_AFTER):
            result = call()
    except ClaimreviewError as error:
        check_refusal(error)
        TALLY.add("hostile", reader, "refused")
        return None
    except BaseException as error:
        TALLY.fail("hostile", reader, f"{type(error).__name__}: {error}"[:300], given)
        raise
    TALLY.add("hostile", reader, "accepted")
    return result


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A claimreview JSON export of a reviewed article (reviews, citations, a decision)."""
    return build_export(tmp_path_factory.mktemp("export") / "source.db")


def _claim_with_review(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(claim for claim in bundle["claims"] if claim["reviews"])


def _set(path: tuple, value: object) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        target: Any = bundle
        for key in path[:-1]:
            target = _claim_with_review(target) if key == "reviewed" else target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()

BUNDLE_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "no-article": _set(("article",), _DELETE),
    "article-a-list": _set(("article",), [1, 2]),
    "text-missing": _set(("article", "text"), _DELETE),
    "text-a-number": _set(("article", "text"), 5),
    "text-null": _set(("article", "text"), None),
    "text-with-surrogate": _set(("article", "text"), "\ud800"),
    "title-null": _set(("article", "title"), None),
    "title-an-object": _set(("article", "title"), {"a": 1}),
    "title-3000-characters": _set(("article", "title"), "x" * 3000),
    "title-with-nul": _set(("article", "title"), "a\x00b"),
    "source-format-a-list": _set(("article", "source_format"), []),
    "published-not-a-date": _set(("article", "published_on"), "yesterday"),
    "claims-an-object": _set(("claims",), {"a": 1}),
    "claims-of-numbers": _set(("claims",), [1, 2, 3]),
    "claim-span-mismatch": _set(("claims", 0, "end"), 3),
    "claim-start-a-string": _set(("claims", 0, "start"), "0"),
    "claim-ordinal-huge": _set(("claims", 0, "ordinal"), 10**30),
    "claim-ordinal-duplicate": _set(("claims", 1, "ordinal"), 1),
    "claim-checkable-a-string": _set(("claims", 0, "checkable"), "x"),
    "claim-kind-a-list": _set(("claims", 0, "kind"), ["claim"]),
    "claim-section-600-characters": _set(("claims", 0, "section"), "s" * 600),
    "cues-of-strings": _set(("claims", 0, "cues"), ["x"]),
    "cue-with-unknown-field": _set(("claims", 0, "cues"), [{"kind": "absolute", "x": 1}]),
    "review-unknown-verdict": _set(("reviewed", "reviews", 0, "verdict"), "maybe"),
    "review-reviewer-a-number": _set(("reviewed", "reviews", 0, "reviewer"), 5),
    "review-bad-time": _set(("reviewed", "reviews", 0, "created_at"), "noon"),
    "review-unknown-citation": _set(("reviewed", "reviews", 0, "citations", 0, "citation_id"), 99),
    "decision-unknown-review": _set(("reviewed", "decision", "based_on_reviews"), [12345]),
    "citations-an-object": _set(("citations",), {"a": 1}),
    "citation-unknown-field": _set(("citations", 0, "hack"), 1),
    "citation-kind-null": _set(("citations", 0, "kind"), None),
    "citation-year-huge": _set(("citations", 0, "year"), 10**30),
    "citation-identifier-3000": _set(("citations", 0, "identifier"), "x" * 3000),
}


@pytest.mark.parametrize("name", list(BUNDLE_CHANGES))
def test_json_import_writes_nothing_when_it_refuses(
    database, exported: dict[str, Any], name: str
) -> None:
    bundle = json.loads(json.dumps(exported))
    BUNDLE_CHANGES[name](bundle)
    data = json.dumps(bundle, ensure_ascii=True).encode()
    before = table_counts(database)
    result = attempt_db(
        "json-import", name, lambda: import_bundle(database, OPERATOR, read_bundle(data))
    )
    after = table_counts(database)
    if result is None:
        assert after == before, "a refused import changed the database"
    else:
        assert after["articles"] == before["articles"] + 1


def test_the_unchanged_export_imports(database, exported: dict[str, Any]) -> None:
    """The cases above change one thing in an export that does import."""
    data = json.dumps(exported).encode()
    result = import_bundle(database, OPERATOR, read_bundle(data))
    assert result.created and result.claim_count == len(exported["claims"])
