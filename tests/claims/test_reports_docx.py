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
    assert paragraphs[0] == "Claim review: Cancer news <script>alert(1)</script>"
    assert document.paragraphs[0].style.name == "Title"
    assert "Author: Jane Writer <img src=x onerror=alert(1)>" in paragraphs
    assert "Reviewers: alice, bob, carol" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Summary",
        "Claims",
        "Claim 2 (Immunotherapy today)",
        "Claim 3 (Immunotherapy today)",
        "Claim 4 (Immunotherapy today)",
        "References",
    ]


def test_every_checkable_claim_with_verdict_and_notes():
    document, paragraphs = _read()
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [CLAIM_1, CLAIM_2, CLAIM_3]  # hostile text kept literally
    assert "Verdict: Misleading" in paragraphs
    assert "Verdict: Accurate" in paragraphs
    assert "Verdict: none (reviewers disagree)" in paragraphs
    assert "Certainty: Low" in paragraphs and "Certainty: High" in paragraphs
    assert "Decision reason: Reviewer error" in paragraphs
    assert any(p.startswith("Provisional:") for p in paragraphs)
    assert any(p.startswith("Reviewers disagree:") for p in paragraphs)
    assert "Sources: [1]" in paragraphs
    assert "Sources: [2] [3]" in paragraphs
    assert "[1] Contradicts" in paragraphs
    assert f"Editor: {FORMULA} settled" in paragraphs
    assert "carol: Well supported." in paragraphs


def test_summary_table_and_bibliography():
    document, paragraphs = _read()
    table = document.tables[0]
    rows = [tuple(c.text for c in row.cells) for row in table.rows]
    assert rows[0] == ("Group", "Label", "Claims")
    assert ("Verdict", "Misleading", "1") in rows
    assert ("Certainty", "Not rated", "1") in rows
    assert ("Status", "Reviewers disagree", "1") in rows
    refs = paragraphs[paragraphs.index("References") + 1 :]
    assert [r.split(".", 1)[0] for r in refs] == ["1", "2", "3"]
    assert refs[1].startswith("2. Okafor AN, Lindqvist B. Early statin therapy")
    assert any(p.startswith("Claim 2: Misleading: ") for p in paragraphs)  # needs correction


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
    assert "carol:   First\tpoint.\nSecond line.  " in paragraphs
    assert document.element.body[-1].tag == qn("w:sectPr")  # the section stays last
