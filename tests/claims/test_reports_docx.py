"""The report as a Word document (claims.reports.docx_report)."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from claims.reports import build_report
from claims.reports.docx_report import _Body, to_docx
from tests.claims.test_reports_model import CLAIM_1, CLAIM_2, CLAIM_3, FORMULA, make_bundle


def _read(bundle=None):
    document = docx.Document(io.BytesIO(to_docx(build_report(bundle or make_bundle()))))
    paragraphs = [p.text for p in document.paragraphs]
    return document, paragraphs


def test_title_details_and_headings():
    document, paragraphs = _read()
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == "Cancer news <script>alert(1)</script>"
    assert "Author: Jane Writer <img src=x onerror=alert(1)>" in paragraphs
    assert "Published: 30 April 2024" in paragraphs
    assert "Reviewed: 3 May 2024" in paragraphs  # the last decision
    assert "Reviewers: alice, bob, carol" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    # Word's own heading styles: the navigation pane lists every part and every claim.
    assert headings == [
        "Summary",
        "Verdicts",
        "Evidence certainty",
        "Needs correction first",
        "Claims",
        "Claim 2: Misleading",
        "Claim 3: Accurate",
        "Claim 4: Reviewers disagree",
        "References",
        "Method",
        "Review",
        "Agreement between reviewers",
        "How disagreements were settled",
        "Scales",
    ]


def test_every_checkable_claim_with_verdict_and_notes():
    document, paragraphs = _read()
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [CLAIM_1, CLAIM_2, CLAIM_3]  # hostile text kept literally
    assert any(p.startswith("\u00a0Misleading\u00a0   Certainty: Low ⊕⊕◯◯") for p in paragraphs)
    assert any("Certainty: High ⊕⊕⊕⊕" in p for p in paragraphs)
    assert "Editor's decision: Reviewer error." in paragraphs
    assert any(p.startswith("Provisional:") for p in paragraphs)
    assert any(p.startswith("No verdict yet: the reviewers disagree") for p in paragraphs)
    assert "[1] Contradicts. Hype review <script>alert(1)</script> [link](javascript:alert(1))" in (
        paragraphs
    )
    assert f"{FORMULA} settled" in paragraphs  # the editor's note, as text
    assert "Editor's note:" in paragraphs and "carol:" in paragraphs
    assert "Well supported." in paragraphs


def test_cues_are_highlighted_in_the_quote():
    document, _ = _read()
    quote = next(p for p in document.paragraphs if p.style.name == "Quote")
    marked = [run.text for run in quote.runs if run.font.highlight_color is not None]
    assert marked == ["cure"]
    assert all(run.bold for run in quote.runs if run.text == "cure")


def test_summary_chart_and_bibliography():
    document, paragraphs = _read()
    chart = document.tables[0]
    rows = [tuple(c.text for c in row.cells) for row in chart.rows]
    assert [row[0].strip("\u00a0") for row in rows] == [
        "Accurate",
        "Misleading",
        "Reviewers disagree",
    ]
    assert [row[2] for row in rows] == ["1", "1", "1"]
    assert all(set(row[1]) == {"█"} for row in rows)
    certainty = [tuple(c.text for c in row.cells) for row in document.tables[1].rows]
    assert certainty[0] == ("Certainty", "Claims") and ("Not rated", "1") in certainty
    refs = paragraphs[paragraphs.index("References") + 1 : paragraphs.index("Method")]
    assert [r.split(".", 1)[0] for r in refs] == ["1", "2", "3"]
    assert refs[1].startswith("2.\tOkafor AN, Lindqvist B. Early statin therapy")
    # the claims to correct first, with their verdict's label
    correct = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert correct == ["\u00a0Misleading\u00a0 Claim 2: “" + CLAIM_1 + "”"]


def test_running_header_and_page_numbers():
    document, _ = _read()
    section = document.sections[0]
    assert (
        section.header.paragraphs[0].text == "Claim review: Cancer news <script>alert(1)</script>"
    )
    footer = etree.tostring(section.footer._element).decode()
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_control_characters_and_empty_report():
    bundle = make_bundle()
    bundle["claims"][2]["text"] = "Bad\x00 char\x0b text"
    document, _ = _read(bundle)
    assert "Bad char text" in [p.text for p in document.paragraphs]
    _, paragraphs = _read({"article": {"id": 1, "title": "", "text": ""}, "claims": []})
    assert "No checkable claims." in paragraphs and "No sources cited." in paragraphs


# --- _Body writes paragraphs as python-docx's own API writes them, without its per-paragraph
# --- costs (a style lookup by name scanning every style, an insert scanning the whole body).

RUN_TEXTS = [
    "plain",
    " leading",
    "trailing ",
    "a\tb",
    "one\ntwo\r\nthree\rfour",
    "",
    "\t",
    "x\u00a0",
]
STYLES = [None, "Normal", "Title", "Heading 1", "Heading 2", "Quote", "List Bullet"]


def _body_xml(document) -> bytes:
    return etree.tostring(document.element.body)


@pytest.mark.parametrize("style", STYLES)
def test_paragraphs_are_written_as_python_docx_writes_them(style):
    reference = docx.Document()
    ours = docx.Document()
    body = _Body(ours)
    for text in RUN_TEXTS:
        reference.add_paragraph(text, style=style)
        body.text(text, style=style)
        p = reference.add_paragraph(style=style)
        p.add_run("Name: ").bold = True
        p.add_run(text)
        body.field("Name", text, style=style)
        reference.add_paragraph().add_run(text).italic = True
        body.paragraph(((text, "italic"),))
    reference.add_table(rows=1, cols=1)  # python-docx's own blocks still land in order
    ours.add_table(rows=1, cols=1)
    reference.add_paragraph("after")
    body.text("after")
    assert _body_xml(ours) == _body_xml(reference)


def test_rationale_keeps_tabs_line_breaks_and_spaces():
    bundle = make_bundle()
    two = next(c for c in bundle["claims"] if c["ordinal"] == 3)
    two["reviews"][0]["rationale"] = "  First\tpoint.\nSecond line.  "
    document, paragraphs = _read(bundle)
    # Markdown: a single line break joins the lines, as Markdown readers show them
    assert "First\tpoint. Second line." in paragraphs
    assert document.element.body[-1].tag == qn("w:sectPr")  # the section stays last


def test_the_parts_an_editor_adds_are_written():
    from claims.reports.model import ReportOptions

    options = ReportOptions(non_checkable=True, annotated_article=True, method=False)
    document = docx.Document(io.BytesIO(to_docx(build_report(make_bundle(), options=options))))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Claims", "References", "Sentences not checked",
                        "The article, annotated"]  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1. Immunotherapy today (heading)" in text and "[2: Misleading]" in text
