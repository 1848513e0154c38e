"""Word reader: body in reading order, styles, lists, tables, core properties, zip guards."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from claims.document import Document
from claims.errors import DocumentRefused
from claims.extraction import extract_claims
from claims.readers import read_document
from claims.readers.common import block_problems


def save(word, tmp_path: Path, name: str = "article.docx") -> Path:
    path = tmp_path / name
    word.save(str(path))
    return path


def read_docx(path: Path, **kwargs) -> Document:
    doc = read_document(path.read_bytes(), path.name, **kwargs)
    assert doc.source_format == "docx"
    assert doc.source_text is None
    assert block_problems(doc.text, doc.blocks) == []
    assert "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks) == doc.text
    return doc


def blocks(doc: Document) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks]


def refused(data: bytes, name: str = "article.docx", **kwargs) -> str:
    with pytest.raises(DocumentRefused) as caught:
        read_document(data, name, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".")
    return message


def set_numbering(paragraph, num_id: int, ilvl: int = 0) -> None:
    """Give a paragraph direct numbering, as Word's list buttons do."""
    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), str(ilvl))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(level)
    num_pr.append(num)
    paragraph._p.get_or_add_pPr().append(num_pr)


def style_num_id(word, style_name: str) -> int:
    num_id = word.styles[style_name].element.pPr.find(qn("w:numPr")).find(qn("w:numId"))
    return int(num_id.get(qn("w:val")))


def test_structure_and_metadata(tmp_path):
    word = docx.Document()
    word.add_heading("Do statins harm memory?", level=0)  # the "Title" style
    word.add_paragraph("")
    word.add_heading("Background", level=1)
    para = word.add_paragraph("Statins lower ")
    para.add_run("LDL cholesterol").bold = True
    para.add_run(" by a third.")
    word.add_paragraph("   ")
    word.add_heading("Deep", level=8)
    word.add_paragraph("First finding.", style="List Number")
    word.add_paragraph("Second finding.", style="List Number")
    word.add_paragraph("A bullet.", style="List Bullet")
    table = word.add_table(rows=3, cols=2)
    for row, (drug, dose) in enumerate([("Drug", "Dose"), ("Atorvastatin", "10 mg"), ("", "")]):
        table.cell(row, 0).text = drug
        table.cell(row, 1).text = dose
    word.add_paragraph("Line one\nline two.")
    word.core_properties.author = "Jane Doe"
    word.core_properties.created = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    word.core_properties.title = "Core title"

    doc = read_docx(save(word, tmp_path))
    assert blocks(doc) == [
        ("heading", 1, "Do statins harm memory?"),
        ("heading", 1, "Background"),
        ("paragraph", 0, "Statins lower LDL cholesterol by a third."),
        ("heading", 6, "Deep"),
        ("list_item", 0, "1. First finding."),
        ("list_item", 0, "2. Second finding."),
        ("list_item", 0, "- A bullet."),
        ("paragraph", 0, "Drug"),
        ("paragraph", 0, "Dose"),
        ("paragraph", 0, "Atorvastatin"),
        ("paragraph", 0, "10 mg"),
        ("paragraph", 0, "Line one\nline two."),
    ]
    assert doc.title == "Do statins harm memory?"  # the Title paragraph beats core properties
    assert doc.author == "Jane Doe"
    assert doc.published == date(2024, 3, 5)
    assert doc.source_url is None


def test_title_fallbacks(tmp_path):
    word = docx.Document()
    word.core_properties.title = "Core title"
    word.add_paragraph("Text.")
    assert read_docx(save(word, tmp_path)).title == "Core title"

    word = docx.Document()
    word.add_heading("Sub", level=2)
    word.add_heading("Main heading", level=1)
    word.add_paragraph("Text.")
    assert read_docx(save(word, tmp_path)).title == "Main heading"

    word = docx.Document()
    word.add_paragraph("Text only.")
    assert read_docx(save(word, tmp_path, "statins_memory.docx")).title == "Statins memory"


def test_python_docx_template_defaults_are_not_metadata(tmp_path):
    word = docx.Document()
    word.add_paragraph("Text.")
    doc = read_docx(save(word, tmp_path))
    assert doc.author is None  # the template says "python-docx"
    assert doc.published is None  # the template's 2013 creation date


def test_numbered_lists_count_like_word(tmp_path):
    word = docx.Document()
    word.add_paragraph("One.", style="List Number")
    word.add_paragraph("Two.", style="List Number")
    word.add_paragraph("Nested bullet.", style="List Bullet 2")
    word.add_paragraph("Three.", style="List Number")
    # Direct numbering (a "List Paragraph" with w:numPr), nested levels.
    num_id = style_num_id(word, "List Number 2")
    first = word.add_paragraph("Direct one.", style="List Paragraph")
    set_numbering(first, num_id)
    second = word.add_paragraph("Direct two.", style="List Paragraph")
    set_numbering(second, num_id)
    bullet = word.add_paragraph("Bullet via numbering.")
    set_numbering(bullet, style_num_id(word, "List Bullet"))
    plain_list = word.add_paragraph("Plain list paragraph.", style="List Paragraph")
    assert plain_list.style.name == "List Paragraph"

    doc = read_docx(save(word, tmp_path))
    assert [text for _k, _l, text in blocks(doc)] == [
        "1. One.",
        "2. Two.",
        "- Nested bullet.",
        "3. Three.",
        "1. Direct one.",
        "2. Direct two.",
        "- Bullet via numbering.",
        "- Plain list paragraph.",
    ]
    assert {b.kind for b in doc.blocks} == {"list_item"}


def test_hyperlinks_and_tracked_changes(tmp_path):
    word = docx.Document()
    para = word.add_paragraph("See ")
    link = OxmlElement("w:hyperlink")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the trial"
    run.append(text)
    link.append(run)
    para._p.append(link)
    deleted = OxmlElement("w:del")
    del_run = OxmlElement("w:r")
    del_text = OxmlElement("w:delText")
    del_text.text = " DELETED"
    del_run.append(del_text)
    deleted.append(del_run)
    para._p.append(deleted)
    inserted = OxmlElement("w:ins")
    ins_run = OxmlElement("w:r")
    ins_text = OxmlElement("w:t")
    ins_text.set(qn("xml:space"), "preserve")
    ins_text.text = " now."
    ins_run.append(ins_text)
    inserted.append(ins_run)
    para._p.append(inserted)
    doc = read_docx(save(word, tmp_path))
    assert doc.text == "See the trial now."


def test_layout_table_cells_are_read_as_paragraphs(tmp_path):
    word = docx.Document()
    table = word.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell.text = "First paragraph in a cell."
    cell.add_paragraph("Second paragraph in the same cell.")
    doc = read_docx(save(word, tmp_path))
    assert [text for _k, _l, text in blocks(doc)] == [
        "First paragraph in a cell.",
        "Second paragraph in the same cell.",
    ]


def test_sniffed_without_filename(tmp_path):
    word = docx.Document()
    word.add_paragraph("Sniffed.")
    doc = read_document(save(word, tmp_path).read_bytes())
    assert doc.source_format == "docx" and doc.text == "Sniffed."


def test_document_without_text_is_refused(tmp_path):
    word = docx.Document()
    word.add_paragraph("")
    word.add_table(rows=2, cols=2)
    assert "No article text" in refused(save(word, tmp_path).read_bytes())


def test_not_a_zip_is_refused():
    message = refused(b"This is just text, not a Word file.")
    assert "not a valid .docx" in message and '"article.docx"' in message


def test_legacy_doc_is_refused():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    assert "save it as .docx" in message


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_without_document_part_is_refused():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"})
    assert "word/document.xml" in refused(data)


def test_damaged_zip_is_refused(tmp_path):
    word = docx.Document()
    word.add_paragraph("Text.")
    data = save(word, tmp_path).read_bytes()
    assert "damaged" in refused(data[: len(data) // 2])


def test_broken_document_xml_is_refused(tmp_path):
    word = docx.Document()
    word.add_paragraph("Text.")
    good = zipfile.ZipFile(save(word, tmp_path))
    entries = {info.filename: good.read(info.filename) for info in good.infolist()}
    entries["word/document.xml"] = b"<w:document this is not xml"
    assert "could not be opened as a Word document" in refused(_zip(entries))


def test_zip_bomb_by_compression_ratio_is_refused():
    data = _zip({"word/document.xml": b"<a/>", "word/media/bomb.bin": b"\0" * 5_000_000})
    message = refused(data)
    assert "zip bomb" in message and "word/media/bomb.bin" in message


def test_zip_bomb_by_total_size_is_refused():
    entries = {"word/document.xml": b"<a/>", "word/media/big.bin": bytes(range(256)) * 4096}
    message = refused(_zip(entries), max_bytes=100_000)  # may expand to 10 x max_bytes
    assert "expands to 1.0 MB" in message and "zip bomb" in message


def test_table_cells_are_paragraphs_of_their_own(tmp_path):
    word = docx.Document()
    table = word.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "Aspirin cures headaches."
    table.cell(0, 1).text = "Always works."
    doc = read_docx(save(word, tmp_path))
    assert [text for _k, _l, text in blocks(doc)] == ["Aspirin cures headaches.", "Always works."]
    assert [c.text for c in extract_claims(doc)] == ["Aspirin cures headaches.", "Always works."]


def test_a_typed_bullet_in_a_list_paragraph_is_not_doubled(tmp_path):
    word = docx.Document()
    word.add_paragraph("\u2022 Typed bullet in a list.", style="List Bullet")
    word.add_paragraph("Word's own bullet.", style="List Bullet")
    doc = read_docx(save(word, tmp_path))
    assert [text for _k, _l, text in blocks(doc)] == [
        "\u2022 Typed bullet in a list.",
        "- Word's own bullet.",
    ]
    claims = extract_claims(doc)
    assert [c.text for c in claims] == ["Typed bullet in a list.", "Word's own bullet."]


def test_zero_width_space_between_words_keeps_them_apart(tmp_path):
    word = docx.Document()
    word.add_paragraph("Statins\u200bwork well.")
    assert read_docx(save(word, tmp_path)).text == "Statins work well."
