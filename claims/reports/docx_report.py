"""The report as a Word document (DOCX, written with python-docx).

Title, article details, a summary table, every checkable claim (heading, the claim as a quote,
verdict, certainty, status notes, rationale and source numbers) and the numbered references.

User text is only ever set as run text, never interpreted; characters XML cannot hold are
dropped. Table rows are filled through ``table.add_row().cells`` (``table.cell(r, c)`` is
quadratic in python-docx).
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import Pt

from claims.reports.model import DISAGREEMENT, DISAGREEMENT_NOTE, Finding, Report

__all__ = ["to_docx"]

# Characters XML 1.0 does not allow (python-docx refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PROVISIONAL_NOTE = "Provisional: reviewers agree, no editor's decision yet."


def _t(value: object) -> str:
    """User text safe for a DOCX run (never None)."""
    return "" if value is None else _NOT_XML.sub("", str(value))


def _field(doc: DocumentType, name: str, value: object, style: str | None = None) -> None:
    """A paragraph "Name: value" with the name in bold."""
    p = doc.add_paragraph(style=style)
    p.add_run(f"{name}: ").bold = True
    p.add_run(_t(value))


def _table(doc: DocumentType, header: tuple[str, ...], body: list[tuple[object, ...]]) -> None:
    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    cells = table.add_row().cells
    for cell, name in zip(cells, header, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for values in body:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _t(value)


def _details(doc: DocumentType, report: Report) -> None:
    for name, value in report.details:
        _field(doc, name, value)


def _summary(doc: DocumentType, report: Report) -> None:
    s = report.summary
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(f"Checkable claims: {s.checkable_claims}")
    body: list[tuple[object, ...]] = [
        (group, label, n)
        for group, counts in (
            ("Status", s.by_status),
            ("Verdict", s.by_verdict),
            ("Certainty", s.by_certainty),
        )
        for label, n in counts
    ]
    if body:
        _table(doc, ("Group", "Label", "Claims"), body)
    doc.add_paragraph().add_run("Needs correction first").bold = True
    if not s.needs_correction:
        doc.add_paragraph("none", style="List Bullet")
    for f in s.needs_correction:
        flag = " (provisional)" if f.provisional else ""
        doc.add_paragraph(
            _t(f"Claim {f.ordinal}: {f.verdict_label}{flag}: {f.text}"), style="List Bullet"
        )


def _finding(doc: DocumentType, f: Finding) -> None:
    title = f"Claim {f.ordinal}"
    if f.section:
        title += f" ({f.section})"
    doc.add_heading(_t(title), level=2)
    doc.add_paragraph(_t(f.text), style="Quote")
    _field(doc, "Verdict", f.verdict_text)
    _field(doc, "Certainty", f.certainty_label or "none")
    _field(doc, "Status", f.status_label)
    if f.provisional:
        doc.add_paragraph().add_run(PROVISIONAL_NOTE).italic = True
    elif f.status == DISAGREEMENT:
        doc.add_paragraph().add_run(DISAGREEMENT_NOTE).italic = True
    if f.decision_reason:
        _field(doc, "Decision reason", f.decision_reason)
    if f.citations:
        _field(doc, "Sources", " ".join(f"[{n}]" for n in f.citation_numbers))
        for c in f.citations:
            stance = ", ".join(c.stances) if c.stances else "cited"
            doc.add_paragraph(_t(f"[{c.number}] {stance}"), style="List Bullet")
    if f.rationales:
        doc.add_paragraph().add_run("Rationale").bold = True
        for r in f.rationales:
            _field(doc, r.by, r.text, style="List Bullet")


def to_docx(report: Report) -> bytes:
    """The whole report as DOCX bytes."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = _t(f"Claim review: {report.article.title}")[:255]
    doc.add_heading(_t(f"Claim review: {report.article.title}"), level=0)
    _details(doc, report)
    _summary(doc, report)
    doc.add_heading("Claims", level=1)
    findings = report.checkable_findings
    if not findings:
        doc.add_paragraph("No checkable claims.")
    for f in findings:
        _finding(doc, f)
    doc.add_heading("References", level=1)
    if not report.bibliography:
        doc.add_paragraph("No sources cited.")
    for entry in report.bibliography:
        doc.add_paragraph(_t(f"{entry.number}. {entry.vancouver}"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
