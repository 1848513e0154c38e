"""The readers' public API: format choice, sniffing, decoding, limits and refusals."""

from __future__ import annotations

import io
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from claims.document import Block, Document
from claims.errors import ClaimreviewError, DocumentRefused
from claims.readers import (
    DEFAULT_MAX_BYTES,
    SUPPORTED_FORMATS,
    read_document,
    read_text,
    sniff_format,
)
from claims.readers.common import block_problems

DEMO = Path(str(files("claims") / "data" / "demo" / "multiple-myeloma-immunotherapy.txt"))


def read_file(path: Path, **kwargs) -> Document:
    return read_document(path.read_bytes(), path.name, **kwargs)


def refusal(func, *args, **kwargs) -> str:
    """The message of the DocumentRefused that ``func`` raises; it must be one sentence."""
    with pytest.raises(DocumentRefused) as caught:
        func(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert message.endswith(".") and message[0].isupper()
    return message


def block_texts(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def minimal_docx(text: str = "A claim about statins.") -> bytes:
    import docx

    word = docx.Document()
    word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# Constants and format choice


def test_public_constants():
    assert SUPPORTED_FORMATS == ("txt", "md", "html", "docx")
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("notes.txt", "txt"),
        ("NOTES.TXT", "txt"),
        ("notes.text", "txt"),
        ("notes.md", "md"),
        ("notes.markdown", "md"),
        ("page.html", "html"),
        ("page.HTM", "html"),
    ],
)
def test_format_from_extension(tmp_path, name, expected):
    path = tmp_path / name
    path.write_text("# Statins\n\nStatins lower cholesterol.\n", encoding="utf-8")
    assert read_file(path).source_format == expected


def test_docx_extension(tmp_path):
    path = tmp_path / "article.docx"
    path.write_bytes(minimal_docx())
    doc = read_file(path)
    assert doc.source_format == "docx"
    assert doc.text == "A claim about statins."


def test_source_format_overrides_extension():
    data = b"# Statins\n\nStatins lower *LDL*.\n"
    assert read_document(data, "notes.txt").text.startswith("# Statins")
    doc = read_document(data, "notes.txt", source_format="md")
    assert doc.source_format == "md"
    assert doc.text == "Statins\n\nStatins lower LDL."
    assert read_document(data, "x.bin", source_format="markdown").source_format == "md"


def test_unknown_extension_is_refused_naming_supported_ones(tmp_path):
    path = tmp_path / "article.pdf"
    path.write_bytes(b"%PDF-1.4 whatever")
    message = refusal(read_file, path)
    assert "article.pdf" in message
    for ext in (".txt", ".md", ".html", ".docx"):
        assert ext in message


def test_doc_extension_is_refused_with_save_as_docx_advice(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"Some text")
    assert "save it as .docx" in refusal(read_file, path)


def test_unknown_source_format_is_refused():
    message = refusal(read_document, b"text", source_format="pdf")
    assert "'pdf'" in message and "txt, md, html, docx" in message


# Sniffing without a file name


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>Statins work.</p></body></html>", "html"),
        (b"  <html><body><p>Statins work.</p></body></html>", "html"),
        (b"<div><p>Statins work.</p></div>", "html"),
        (b"---\ntitle: Statins\n---\nStatins work.\n", "md"),
        (b"# Statins\n\nStatins work.\n", "md"),
        (b"Intro\n\n- one\n- two\n", "md"),
        (b"See [the trial](https://example.org).\n", "md"),
        (b"Statins work.\n\nThey lower cholesterol.\n", "txt"),
        (b"1. First point.\n\n2. Second point.\n", "txt"),
        (b"Price < 5 dollars and > 2.\n", "txt"),
    ],
)
def test_sniffing_text_formats(data, expected):
    assert sniff_format(data) == expected
    assert read_document(data).source_format == expected
    assert read_document(data, "-").source_format == expected  # stdin-like name


def test_sniffing_docx_bytes():
    data = minimal_docx()
    assert sniff_format(data) == "docx"
    doc = read_document(data)
    assert doc.source_format == "docx" and doc.text == "A claim about statins."


def test_demo_without_filename_is_plain_text():
    doc = read_document(DEMO.read_bytes())
    assert doc.source_format == "txt"
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 2 + ["list_item"] * 5 + ["paragraph"]


def test_read_text_pasted():
    doc = read_text("Statins lower LDL.\r\n\r\nThey are cheap.")
    assert doc.source_format == "txt"
    assert doc.text == "Statins lower LDL.\n\nThey are cheap."
    assert block_texts(doc) == ["Statins lower LDL.", "They are cheap."]
    assert read_text("# Statins\n\nStatins *work*.", "md").text == "Statins\n\nStatins work."
    assert read_text("<p>Statins <b>work</b>.</p>", "html").text == "Statins work."
    assert read_text("# Statins\n\nText.", None).source_format == "md"


def test_read_text_refuses_docx_format():
    assert ".docx" in refusal(read_text, "text", "docx")


# Decoding, newlines and BOM


def test_crlf_and_cr_are_normalized():
    doc = read_document(b"First line.\r\nSecond line.\r\rThird.\r\n", "a.txt")
    assert doc.text == "First line.\nSecond line.\n\nThird.\n"
    assert "\r" not in doc.source_text
    assert block_texts(doc) == ["First line.\nSecond line.", "Third."]


def test_utf8_bom_is_removed():
    doc = read_document("\ufeffCafé au lait.\n".encode(), "a.txt")
    assert doc.text == "Café au lait.\n"
    assert doc.blocks[0].start == 0


def test_utf16_with_bom():
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(encoding)
        doc = read_document(bom + "Café\r\n\r\nSecond.".encode(encoding), "a.txt")
        assert doc.text == "Café\n\nSecond."


def test_cp1252_fallback():
    doc = read_document("Caf\u00e9 \u2013 \u201cquoted\u201d.".encode("cp1252"), "a.txt")
    assert doc.text == "Café – “quoted”."


def test_md_and_html_are_decoded_the_same_way():
    assert read_document("\ufeff# Caf\u00e9\r\n".encode(), "a.md").title == "Café"
    html = "<p>Caf\u00e9</p>".encode("cp1252")
    assert read_document(html, "a.html").text == "Café"


# Refusals


@pytest.mark.parametrize("data", [b"", b"   \n\t \r\n", "\ufeff  ".encode(), b"\xff\xfe"])
def test_empty_input_is_refused(data):
    assert "empty" in refusal(read_document, data, "empty.txt")


def test_empty_pasted_text_is_refused():
    assert "empty" in refusal(read_text, "  \n  ")


def test_too_large_is_refused_with_size_limit_and_env_var():
    message = refusal(read_document, b"x" * 3000, "big.txt", max_bytes=2048)
    assert "big.txt" in message
    assert "2.9 KB" in message and "2.0 KB" in message
    assert "CLAIMREVIEW_MAX_IMPORT_MB" in message


def test_limit_from_environment(monkeypatch):
    monkeypatch.setenv("CLAIMREVIEW_MAX_IMPORT_MB", "0.001")
    message = refusal(read_document, b"word " * 400, "a.txt")
    assert "CLAIMREVIEW_MAX_IMPORT_MB" in message
    refusal(read_text, "word " * 400)
    assert read_document(b"word " * 100, "a.txt").text.startswith("word")
    # An explicit max_bytes wins over the environment.
    assert read_document(b"word " * 400, "a.txt", max_bytes=10_000).blocks


def test_default_limit_is_20_mb(monkeypatch):
    monkeypatch.delenv("CLAIMREVIEW_MAX_IMPORT_MB", raising=False)
    message = refusal(read_document, b"a" * (DEFAULT_MAX_BYTES + 1), "huge.txt")
    assert "20 MB" in message


def test_bad_limit_environment_variable_is_refused(monkeypatch):
    monkeypatch.setenv("CLAIMREVIEW_MAX_IMPORT_MB", "lots")
    assert "CLAIMREVIEW_MAX_IMPORT_MB" in refusal(read_document, b"text", "a.txt")


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", None])
def test_nul_bytes_are_refused_as_binary(name):
    assert "binary" in refusal(read_document, b"Statins\x00\x00\x01 work", name)


def test_control_characters_are_refused_as_binary():
    data = bytes(range(1, 9)) * 20 + b"some text"
    assert "binary" in refusal(read_document, data, "a.txt")
    assert "binary" in refusal(read_text, "text\x01\x02\x03")


def test_a_stray_control_character_is_tolerated():
    text = "Statins work. " * 20 + "\x1a"
    assert read_text(text).text == text


def test_undecodable_bytes_are_refused():
    message = refusal(read_document, b"abc \x81\x8d\x8f\x90\x9d def", "a.txt")
    assert "UTF-8" in message and "save it as UTF-8" in message


def test_broken_utf16_is_refused():
    assert "encoding" in refusal(read_document, b"\xff\xfe\x00\xd8", "a.txt")


def test_unpaired_surrogates_in_pasted_text_are_refused():
    assert "surrogates" in refusal(read_text, "abc \ud800 def")


@pytest.mark.parametrize("name", ["old.docx", "old.txt", None])
def test_legacy_word_doc_is_refused(name):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    message = refusal(read_document, data, name)
    assert "Word 97-2003" in message and "save it as .docx" in message


def test_zip_that_is_not_word_without_filename_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8 not really")
    assert "word/document.xml" in refusal(read_document, out.getvalue())


def test_refusals_are_claimreview_errors():
    with pytest.raises(ClaimreviewError):
        read_document(b"", "a.txt")


# Every reader keeps the text/blocks contract


def _sample_documents(tmp_path: Path) -> list[Document]:
    txt = tmp_path / "sample.txt"
    txt.write_text(
        "Statins and memory\n\nStatins lower LDL cholesterol\nby about a third.\n\n"
        "Key points\n1. They are cheap.\n2) They are safe\n   for most people.\n- Bullet\n",
        encoding="utf-8",
    )
    md = tmp_path / "sample.md"
    md.write_text(
        "# Statins\n\nSome *claims*  here.\n\n1. one\n2. two\n   - nested\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n",
        encoding="utf-8",
    )
    html = tmp_path / "sample.html"
    html.write_text(
        "<html><body><nav>Menu</nav><article><h1>T</h1><p>A <b>b</b>\n c.</p>"
        "<ul><li>x<ol><li>y</li></ol></li></ul></article></body></html>",
        encoding="utf-8",
    )
    docs = [read_file(txt), read_file(md), read_file(html), read_document(DEMO.read_bytes())]
    docx_path = tmp_path / "sample.docx"
    docx_path.write_bytes(minimal_docx("One.\nTwo."))
    docs.append(read_file(docx_path))
    return docs


def test_block_contract_holds_for_every_reader(tmp_path):
    for doc in _sample_documents(tmp_path):
        assert doc.blocks, doc.source_format
        assert block_problems(doc.text, doc.blocks) == [], doc.source_format
        if doc.source_format != "txt":
            # Built texts: blocks separated by exactly one blank line, nothing else.
            assert "\n\n".join(block_texts(doc)) == doc.text
            assert "\n\n\n" not in doc.text


def test_block_problems_detects_broken_blocks():
    text = "Alpha beta\n\nGamma"
    assert block_problems(text, [Block("paragraph", 0, 10), Block("paragraph", 12, 17)]) == []
    assert block_problems(text, [Block("paragraph", 0, 10)])  # "Gamma" in no block
    assert block_problems(text, [Block("paragraph", 0, 11), Block("paragraph", 12, 17)])
    assert block_problems(text, [Block("paragraph", 0, 10), Block("paragraph", 5, 17)])
    assert block_problems(text, [Block("heading", 0, 10, 0), Block("paragraph", 12, 17)])
    assert block_problems(text, [Block("paragraph", 0, 10, 2), Block("paragraph", 12, 17)])
    assert block_problems("a\r\nb", [Block("paragraph", 0, 4)])


def test_one_megabyte_of_text_reads(tmp_path):
    paragraph = (
        "Immunotherapy helps the immune system recognise and attack myeloma cells in the\n"
        "bone marrow, and trials report longer remissions for many patients today.\n\n"
    )
    path = tmp_path / "big.txt"
    path.write_text(paragraph * (1_000_000 // len(paragraph) + 1), encoding="utf-8")
    doc = read_file(path)
    assert len(doc.text) > 1_000_000
    assert len(doc.blocks) == 1_000_000 // len(paragraph) + 1
    assert {b.kind for b in doc.blocks} == {"paragraph"}


@pytest.mark.parametrize("text", ["Hi\x85there.", "A\x85B", "Short\x1a\x1b."])
def test_one_or_two_stray_controls_in_a_short_text_are_no_binary(text):
    assert read_text(text).text == text


def test_c1_controls_do_not_count_as_binary_but_many_c0_controls_do():
    assert read_text("\x85\x86\x87\x88 text").text == "\x85\x86\x87\x88 text"
    assert "binary" in refusal(read_text, "ab\x01\x02\x03")


def test_zero_width_space_is_kept_verbatim_in_plain_text():
    text = "Statins\u200bwork. They help."
    doc = read_text(text)
    assert doc.text == text
    assert read_text(text, "html").text == "Statins work. They help."


def test_legacy_word_doc_is_refused_whatever_reads_it():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    for name in ("old.md", "old.html"):
        assert "Word 97-2003" in refusal(read_document, data, name)
    assert "Word 97-2003" in refusal(read_document, data, source_format="docx")
    assert "Word 97-2003" in refusal(sniff_format, data)
