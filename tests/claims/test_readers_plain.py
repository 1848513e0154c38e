"""Plain-text reader: verbatim text, blocks inferred from the layout."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from claims.document import Document
from claims.extraction import extract_claims
from claims.readers import read_document, read_text
from claims.readers.common import block_problems

DEMO = Path(str(files("claims") / "data" / "demo" / "multiple-myeloma-immunotherapy.txt"))


def read_txt(tmp_path: Path, text: str, name: str = "article.txt") -> Document:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    doc = read_document(path.read_bytes(), path.name)
    assert doc.source_format == "txt"
    assert block_problems(doc.text, doc.blocks) == []
    return doc


def blocks(doc: Document) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks]


def test_demo_article_structure():
    doc = read_document(DEMO.read_bytes(), DEMO.name)
    assert doc.title == "Multiple myeloma immunotherapy"
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 2 + ["list_item"] * 5 + ["paragraph"]
    assert all(b.level == 0 for b in doc.blocks)
    items = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "list_item"]
    assert items[0].startswith("1. Targeted Treatment: One of ")
    assert [item[:3] for item in items] == ["1. ", "2. ", "3. ", "4. ", "5. "]
    assert doc.text[doc.blocks[-1].start :].startswith("In conclusion, immunotherapy")
    assert doc.text == DEMO.read_text(encoding="utf-8")
    assert doc.source_text == doc.text
    assert block_problems(doc.text, doc.blocks) == []


def test_text_is_kept_verbatim(tmp_path):
    raw = "  Indented first line.  \n\n\n\tTabbed   spacing   kept.\n   \n  \nEnd.  \n\n"
    doc = read_txt(tmp_path, raw)
    assert doc.text == raw
    assert [text for _kind, _level, text in blocks(doc)] == [
        "Indented first line.",
        "Tabbed   spacing   kept.",
        "End.",
    ]


def test_offsets_match_the_source_after_crlf_normalization(tmp_path):
    raw = "Title line\r\n\r\nFirst claim here.\r\nSecond line of it.\r\n"
    path = tmp_path / "a.txt"
    path.write_bytes(raw.encode())
    doc = read_document(path.read_bytes(), path.name)
    assert doc.text == raw.replace("\r\n", "\n")
    assert blocks(doc) == [
        ("heading", 1, "Title line"),
        ("paragraph", 0, "First claim here.\nSecond line of it."),
    ]


def test_hard_wrapped_prose_stays_one_paragraph(tmp_path):
    text = (
        "Statins are among the most widely prescribed drugs in the world, and\n"
        "many people who take them worry about side effects such as memory loss\n"
        "Large trials have not found any such effect in people over 70 years\n"
        "Of age, according to a 2023 review of 12 randomised trials.\n\n"
        "Researchers at the University of Oslo found that the new drug reduced\n"
        "Blood pressure in most patients.\n"
    )
    doc = read_txt(tmp_path, text)
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]
    assert doc.text[doc.blocks[0].start : doc.blocks[0].end].endswith("randomised trials.")


def test_headings_are_inferred(tmp_path):
    text = (
        "Statins and memory\n\n"
        "Statins lower cholesterol.\n\n"
        "Key findings\n"
        "The trials enrolled 20,000 people. Few reported memory problems.\n\n"
        "What we still do not know\n\n"
        "Much.\n"
    )
    doc = read_txt(tmp_path, text)
    assert blocks(doc) == [
        ("heading", 1, "Statins and memory"),
        ("paragraph", 0, "Statins lower cholesterol."),
        ("heading", 2, "Key findings"),
        ("paragraph", 0, "The trials enrolled 20,000 people. Few reported memory problems."),
        ("heading", 2, "What we still do not know"),
        ("paragraph", 0, "Much."),
    ]
    assert doc.title == "Statins and memory"


def test_what_is_not_a_heading(tmp_path):
    text = (
        "Benefits include:\n\n"
        "It works.\n\n"
        "A line that is far too long to be a heading because it has more than fourteen words "
        "in it\n\n"
        "2024\n\n"
        "https://example.org/statins\n"
    )
    doc = read_txt(tmp_path, text)
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 5


def test_hash_headings_in_text(tmp_path):
    doc = read_txt(tmp_path, "Intro paragraph.\n\n# Main title\n## Section\nBody text.\n")
    assert blocks(doc) == [
        ("paragraph", 0, "Intro paragraph."),
        ("heading", 1, "# Main title"),
        ("heading", 2, "## Section"),
        ("paragraph", 0, "Body text."),
    ]
    assert doc.title == "Main title"


def test_list_items(tmp_path):
    text = (
        "What we still do not know:\n"
        "1. Whether long-term use\n"
        "   changes dementia risk.\n"
        "2) Whether dose matters.\n"
        "a. A lettered item\n"
        "b) Another\n"
        "- A bullet\n"
        "  continued here\n"
        "* Star\n"
        "• Dot\n"
        "+ Plus\n"
        "10. Tenth\n"
    )
    doc = read_txt(tmp_path, text)
    assert blocks(doc) == [
        ("paragraph", 0, "What we still do not know:"),
        ("list_item", 0, "1. Whether long-term use\n   changes dementia risk."),
        ("list_item", 0, "2) Whether dose matters."),
        ("list_item", 0, "a. A lettered item"),
        ("list_item", 0, "b) Another"),
        ("list_item", 0, "- A bullet\n  continued here"),
        ("list_item", 0, "* Star"),
        ("list_item", 0, "• Dot"),
        ("list_item", 0, "+ Plus"),
        ("list_item", 0, "10. Tenth"),
    ]
    # The span starts at the marker.
    assert doc.text[doc.blocks[1].start :].startswith("1. Whether")


def test_heading_then_list(tmp_path):
    doc = read_txt(tmp_path, "Intro.\n\nKey points\n1. One.\n2. Two.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "list_item", "list_item"]


def test_blank_lines_with_spaces_separate_blocks(tmp_path):
    doc = read_txt(tmp_path, "First paragraph.\n   \t\nSecond paragraph.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph"]


def test_title_from_filename(tmp_path):
    doc = read_txt(tmp_path, "Statins lower cholesterol.\n", name="statins_and-memory.txt")
    assert doc.title == "Statins and memory"


def test_title_from_first_paragraph_without_filename():
    doc = read_text(
        "Researchers at the University of Oslo found that the new drug reduced blood "
        "pressure in most patients who took it."
    )
    assert doc.title is not None and len(doc.title) <= 80
    assert doc.title.startswith("Researchers at the University of Oslo found")
    assert doc.title.endswith("…")
    assert doc.author is None and doc.published is None and doc.source_url is None


def test_single_line(tmp_path):
    doc = read_txt(tmp_path, "Statins work.")
    assert blocks(doc) == [("paragraph", 0, "Statins work.")]


def test_underlined_headings(tmp_path):
    doc = read_txt(
        tmp_path, "Statins and memory\n==================\n\nText.\n\nMore\n----\nBody.\n"
    )
    assert blocks(doc) == [
        ("heading", 1, "Statins and memory\n=================="),
        ("paragraph", 0, "Text."),
        ("heading", 2, "More\n----"),
        ("paragraph", 0, "Body."),
    ]
    assert doc.title == "Statins and memory"


def test_separator_lines_are_not_list_items(tmp_path):
    doc = read_txt(tmp_path, "Text.\n\n* * *\n\n- - -\n\nMore text.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph"] * 4


def test_byline_and_dateline(tmp_path):
    text = (
        "Statins and memory\n\nBy Jane Doe, MD\n\nPublished: 5 March 2024\n\n"
        "Statins lower cholesterol.\n\nBy the numbers\n\nMore.\n"
    )
    doc = read_txt(tmp_path, text)
    assert doc.author == "Jane Doe"
    assert doc.published == date(2024, 3, 5)
    assert blocks(doc)[:4] == [
        ("heading", 1, "Statins and memory"),
        ("paragraph", 0, "By Jane Doe, MD"),
        ("paragraph", 0, "Published: 5 March 2024"),
        ("paragraph", 0, "Statins lower cholesterol."),
    ]
    assert blocks(doc)[4] == ("heading", 2, "By the numbers")


def test_heading_claims_leave_out_underlines_and_closing_hashes(tmp_path):
    doc = read_txt(
        tmp_path, "My Title\n========\n\nSome text here.\n\n## Hash heading ##\n\nMore text here.\n"
    )
    claims = extract_claims(doc)
    assert [(c.text, c.kind, c.section) for c in claims] == [
        ("My Title", "heading", "My Title"),
        ("Some text here.", "claim", "My Title"),
        ("Hash heading", "heading", "Hash heading"),
        ("More text here.", "claim", "Hash heading"),
    ]
    assert claims[0].end == doc.text.index("\n")
    assert all(doc.text[c.start : c.end] == c.text for c in claims)
    assert read_text("# Hash heading #\n\nText.\n").title == "Hash heading"


@pytest.mark.parametrize(
    "marker", ["- ", "* ", "+ ", "\u2022 ", "\u25cf ", "\u25e6 ", "\u25aa ", "\u2013 ", "1. ",
               "2) ", "(3) ", "a. ", "b) ", "(c) ", "7.\t", "8.\u00a0"],
)  # fmt: skip
def test_every_list_marker_the_reader_sees_is_left_out_of_the_claim(tmp_path, marker):
    doc = read_txt(tmp_path, f"Intro text here.\n\n{marker}Bullet one is here.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "list_item"]
    assert [c.text for c in extract_claims(doc)] == ["Intro text here.", "Bullet one is here."]


def test_vertical_tab_and_stray_controls_in_text(tmp_path):
    text = "First claim here.\vSecond claim here. It has a\vbreak.\n\nOne NEL\x85here.\n"
    doc = read_txt(tmp_path, text)
    assert doc.text == text
    claims = extract_claims(doc)
    assert [c.text for c in claims] == [
        "First claim here.",
        "Second claim here.",
        "It has a\vbreak.",
        "One NEL\x85here.",
    ]
    assert all(doc.text[c.start : c.end] == c.text for c in claims)


def test_a_medical_reviewer_named_at_the_top_or_the_end_is_the_articles_reviewer(tmp_path):
    text = (
        "Statins and memory\n\n"
        "By Jane Doe\n\n"
        "Statins do not harm memory, a review of 40 trials found.\n\n"
        "The review covered 23,000 people.\n\n"
        "Medically reviewed by John Roe, MD on 5 March 2024\n"
    )
    doc = read_txt(tmp_path, text)
    assert (doc.author, doc.reviewer) == ("Jane Doe", "John Roe, MD")
    kinds = {c.text: c.kind for c in extract_claims(doc)}
    assert kinds["Medically reviewed by John Roe, MD on 5 March 2024"] == "byline"
