"""Markdown reader: front matter, plain-text rendering, blocks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claims.document import Document
from claims.errors import DocumentRefused
from claims.readers import read_document
from claims.readers.common import block_problems
from claims.readers.markdown import MAX_MARKDOWN_BYTES


def read_md(tmp_path: Path, text: str, name: str = "article.md") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path.read_bytes(), path.name)
    assert doc.source_format == "md"
    assert block_problems(doc.text, doc.blocks) == []
    assert "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks) == doc.text
    return doc


def blocks(doc: Document) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks]


ARTICLE = """---
title: Statins and memory
authors:
  - Jane Doe
  - John Roe
date: 2024-03-05
url: https://example.org/statins
tags: [health]
---
# Do statins *harm* memory?

Statins lower **LDL cholesterol** by about [a third](https://example.org/ldl "LDL").
A 2023 review ![chart](chart.png) found no effect on `memory` &amp; thinking.

## What the trials found

1. Trials enrolled 20,000 people.
2. Few reported problems:
   - headaches
   - muscle pain

> Statins are safe for most people, said Dr Smith.

| Drug | Dose |
|------|------|
| Atorvastatin | 10 mg |

```python
print("not prose")
```

    indented code is dropped too

Line one\\
line two
"""


def test_front_matter_metadata_and_text(tmp_path):
    doc = read_md(tmp_path, ARTICLE)
    assert doc.title == "Statins and memory"
    assert doc.author == "Jane Doe, John Roe"
    assert doc.published == date(2024, 3, 5)
    assert doc.source_url == "https://example.org/statins"
    assert doc.source_text == ARTICLE
    assert "title:" not in doc.text and "---" not in doc.text


def test_markdown_is_rendered_as_plain_text(tmp_path):
    doc = read_md(tmp_path, ARTICLE)
    assert blocks(doc) == [
        ("heading", 1, "Do statins harm memory?"),
        (
            "paragraph",
            0,
            "Statins lower LDL cholesterol by about a third. "
            "A 2023 review found no effect on memory & thinking.",
        ),
        ("heading", 2, "What the trials found"),
        ("list_item", 0, "1. Trials enrolled 20,000 people."),
        ("list_item", 0, "2. Few reported problems:"),
        ("list_item", 0, "- headaches"),
        ("list_item", 0, "- muscle pain"),
        ("paragraph", 0, "Statins are safe for most people, said Dr Smith."),
        ("paragraph", 0, "Drug"),
        ("paragraph", 0, "Dose"),
        ("paragraph", 0, "Atorvastatin"),
        ("paragraph", 0, "10 mg"),
        ("paragraph", 0, "Line one\nline two"),
    ]
    for syntax in ("*", "#", "[", "](", "`", "https://", "&amp;", "chart", "print", "indented"):
        assert syntax not in doc.text


def test_ordered_list_keeps_its_real_numbers(tmp_path):
    doc = read_md(tmp_path, "Intro.\n\n3. three\n4. four\n\n7) seven\n")
    assert [text for _k, _l, text in blocks(doc)] == ["Intro.", "3. three", "4. four", "7. seven"]


def test_loose_list_items_and_paragraph_after_nested_list(tmp_path):
    doc = read_md(tmp_path, "- First para.\n\n  Second para.\n\n- Next\n  - inner\n\n  After.\n")
    assert blocks(doc) == [
        ("list_item", 0, "- First para. Second para."),
        ("list_item", 0, "- Next"),
        ("list_item", 0, "- inner"),
        ("paragraph", 0, "After."),
    ]


def test_inline_html_and_raw_html_blocks(tmp_path):
    text = (
        "Statins <span class='x'>really</span> work.<br>New line.\n\n"
        '<div class="note">\n<p>Raw <b>HTML</b> text.</p>\n<script>track()</script>\n'
        "<style>.x{}</style>\n<ul><li>raw item</li></ul>\n</div>\n\n"
        "<!-- a comment -->\n\nAfter.\n"
    )
    doc = read_md(tmp_path, text)
    assert blocks(doc) == [
        ("paragraph", 0, "Statins really work.\nNew line."),
        ("paragraph", 0, "Raw HTML text."),
        ("list_item", 0, "- raw item"),
        ("paragraph", 0, "After."),
    ]


def test_setext_headings_and_heading_levels(tmp_path):
    doc = read_md(tmp_path, "Title\n=====\n\nSub\n---\n\n###### Six\n\nText.\n")
    assert [(b.kind, b.level) for b in doc.blocks] == [
        ("heading", 1),
        ("heading", 2),
        ("heading", 6),
        ("paragraph", 0),
    ]
    assert doc.title == "Title"


def test_softbreaks_become_spaces_and_entities_are_decoded(tmp_path):
    doc = read_md(tmp_path, "One line\nnext   line &copy; &#8212; &lt;b&gt;\n")
    assert doc.text == "One line next line © — <b>"


def test_title_fallbacks(tmp_path):
    assert read_md(tmp_path, "## Sub\n\n# Main\n\nText.\n").title == "Main"
    assert read_md(tmp_path, "Text only.\n", name="statins-memory.md").title == "Statins memory"
    doc = read_document(b"## Only a subheading\n\nText.", source_format="md")
    assert doc.title == "Text."


@pytest.mark.parametrize(
    ("front", "author", "published", "url"),
    [
        ("by: Ann Lee\npublished: March 5, 2024\nsource: https://a.org/x", "Ann Lee", 5, "a"),
        ("author: {name: Ann Lee}\npublication_date: 2024-03-05T10:00:00Z", "Ann Lee", 5, None),
        ("author: Ann Lee\ndate: sometime\ncanonical_url: not a url", "Ann Lee", None, None),
    ],
)
def test_front_matter_key_variants(tmp_path, front, author, published, url):
    doc = read_md(tmp_path, f"---\n{front}\n---\nText.\n")
    assert doc.author == author
    assert doc.published == (date(2024, 3, published) if published else None)
    assert doc.source_url == ("https://a.org/x" if url else None)


def test_empty_front_matter(tmp_path):
    doc = read_md(tmp_path, "---\n---\n# Title\n\nText.\n")
    assert doc.title == "Title"


def test_malformed_front_matter_is_refused(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\nauthor: x\n---\nText.\n", encoding="utf-8")
    with pytest.raises(DocumentRefused) as caught:
        read_document(path.read_bytes(), path.name)
    message = str(caught.value)
    assert "front matter" in message and '"bad.md"' in message and "\n" not in message


def test_front_matter_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\n- just\n- a list\n---\nText.\n", encoding="utf-8")
    with pytest.raises(DocumentRefused, match="front matter"):
        read_document(path.read_bytes(), path.name)


def test_impossible_date_in_front_matter_is_refused(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ndate: 2024-13-45\n---\nText.\n", encoding="utf-8")
    with pytest.raises(DocumentRefused, match="front matter"):
        read_document(path.read_bytes(), path.name)


def test_markdown_without_text_is_refused(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("---\ntitle: Nothing\n---\n![image](a.png)\n\n```\ncode\n```\n", "utf-8")
    with pytest.raises(DocumentRefused, match="No article text"):
        read_document(path.read_bytes(), path.name)


def test_crlf_markdown(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n# H\r\n\r\nText\r\nmore.\r\n")
    doc = read_document(path.read_bytes(), path.name)
    assert doc.title == "T"
    assert doc.text == "H\n\nText more."
    assert doc.source_text == "---\ntitle: T\n---\n# H\n\nText\nmore.\n"


def test_deeply_nested_raw_html_is_refused(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text("Text.\n\n" + "<div>" * 300 + "x" + "</div>" * 300 + "\n", encoding="utf-8")
    with pytest.raises(DocumentRefused, match=r'"deep\.md" contains HTML nested too deeply'):
        read_document(path.read_bytes(), path.name)


def test_a_list_nested_ten_deep_loses_nothing(tmp_path):
    nested = "".join("  " * depth + f"- item {depth}\n" for depth in range(11))
    doc = read_md(tmp_path, nested + "\nAfter list text.\n\nMore.\n")
    assert [text for _k, _l, text in blocks(doc)] == [
        *(f"- item {depth}" for depth in range(11)),
        "After list text.",
        "More.",
    ]


@pytest.mark.parametrize(
    "markdown",
    [
        "".join("  " * depth + f"- item {depth}\n" for depth in range(60)) + "\nAfter.\n",
        ">" * 120 + " Quoted.\n\nAfter.\n",
    ],
    ids=["list", "block quote"],
)
def test_nesting_markdown_cannot_follow_is_refused_not_cut(tmp_path, markdown):
    path = tmp_path / "deep.md"
    path.write_text(markdown, encoding="utf-8")
    with pytest.raises(DocumentRefused) as caught:
        read_document(path.read_bytes(), path.name)
    message = str(caught.value)
    assert '"deep.md" contains Markdown nested too deeply' in message
    assert "\n" not in message and message.endswith(".")


def test_block_quotes_nested_below_the_limit_are_read(tmp_path):
    doc = read_md(tmp_path, ">" * 60 + " Deep quote.\n\nAfter.\n")
    assert doc.text == "Deep quote.\n\nAfter."


def test_markdown_has_its_own_size_limit(tmp_path):
    paragraph = "Statins lower LDL cholesterol in most adults who take them daily.\n\n"
    text = paragraph * (MAX_MARKDOWN_BYTES // len(paragraph) + 1)
    path = tmp_path / "long.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentRefused) as caught:
        read_document(path.read_bytes(), path.name)
    message = str(caught.value)
    assert '"long.md"' in message and "2 MB" in message
    assert "convert it to plain text or split it" in message
    # The same text as plain text is read: the limit is Markdown's alone.
    as_text = read_document(path.read_bytes(), "long.txt")
    assert len(as_text.blocks) == MAX_MARKDOWN_BYTES // len(paragraph) + 1


def test_table_cells_are_paragraphs_of_their_own(tmp_path):
    doc = read_md(
        tmp_path,
        "| Claim | Note |\n|---|---|\n| Aspirin cures headaches. | Always works. |\n\n"
        "- Item text.\n\n  | In | list |\n  |---|---|\n  | a | b |\n\n  After the table.\n",
    )
    assert [text for _k, _l, text in blocks(doc)] == [
        "Claim",
        "Note",
        "Aspirin cures headaches.",
        "Always works.",
        "- Item text.",
        "In",
        "list",
        "a",
        "b",
        "After the table.",
    ]
    assert "|" not in doc.text


def test_a_typed_bullet_in_a_list_item_is_not_doubled(tmp_path):
    doc = read_md(tmp_path, "- \u2022 Typed bullet.\n- Plain item.\n")
    assert [text for _k, _l, text in blocks(doc)] == ["\u2022 Typed bullet.", "- Plain item."]


def test_zero_width_space_between_words_keeps_them_apart(tmp_path):
    doc = read_md(tmp_path, "Statins\u200bwork for most\u200b people. Soft\u00adhyphen.\n")
    assert doc.text == "Statins work for most people. Softhyphen."


def test_the_front_matter_or_a_byline_names_the_medical_reviewer():
    from claims.readers import read_text

    front = read_text("---\nreviewed_by: John Roe, MD\n---\n\nStatins work.\n", "md")
    assert front.reviewer == "John Roe, MD"
    byline = read_text("# Statins\n\nReviewed by John Roe, MD\n\nStatins work well.\n", "md")
    assert byline.reviewer == "John Roe, MD"
