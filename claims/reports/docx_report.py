"""The report as a Word document (DOCX, written with python-docx).

Title, article details, a summary table, every checkable claim (heading, the claim as a quote,
verdict, certainty, status notes, rationale and source numbers) and the numbered references.

User text is only ever set as run text, never interpreted; characters XML cannot hold are
dropped. Table rows are filled through ``table.add_row().cells`` (``table.cell(r, c)`` is
quadratic in python-docx).

Paragraphs are written by ``_Body`` as the same WordprocessingML python-docx writes for
``add_paragraph(text, style)`` / ``add_run(text).bold = True``, but without its per-paragraph
costs, which made a 2,000-claim report take over ten seconds: setting a style by name scans
every style in the document to find the default one, and each new paragraph is inserted
before the section properties by searching all of the body's children (quadratic in the
number of paragraphs). ``_Body`` looks each style up once and inserts before the section
properties element it found once. Run text follows python-docx's rules: a tab becomes
``<w:tab/>``, a line break ``<w:br/>``, and ``xml:space="preserve"`` is set on text with
leading or trailing whitespace.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from claims.reports.model import (
    DISAGREEMENT,
    DISAGREEMENT_NOTE,
    PROFILE_COLUMNS,
    Finding,
    Report,
)

__all__ = ["to_docx"]

# Characters XML 1.0 does not allow (python-docx refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PROVISIONAL_NOTE = "Provisional: reviewers agree, no editor's decision yet."

# A run's text: tabs and line breaks become elements of their own (as python-docx writes them).
_RUN_BREAKS = re.compile("[\t\r\n]")
_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_W_R, _W_RPR, _W_T, _W_TAB, _W_BR = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:tab"), qn("w:br")
_XML_SPACE = qn("xml:space")
_FORMAT = {"bold": qn("w:b"), "italic": qn("w:i")}

# A run: (text, None | "bold" | "italic")
Run = tuple[str, str | None]


def _t(value: object) -> str:
    """User text safe for a DOCX run (never None)."""
    return "" if value is None else _NOT_XML.sub("", str(value))


class _Body:
    """Appends paragraphs to the end of a document's body (before its section properties)."""

    def __init__(self, doc: DocumentType) -> None:
        self.doc = doc
        body = doc.element.body
        self._body = body
        self._end = body.find(qn("w:sectPr"))
        self._style_ids: dict[str, str | None] = {}
        self._default_style = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def _style_id(self, name: str) -> str | None:
        """The style's id, None for the default paragraph style (python-docx's rule)."""
        if name not in self._style_ids:
            style = self.doc.styles[name]
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                raise ValueError(f"not a paragraph style: {name}")
            self._style_ids[name] = None if style == self._default_style else style.style_id
        return self._style_ids[name]

    def paragraph(self, runs: Iterable[Run] = (), style: str | None = None) -> None:
        p = self._body.makeelement(_W_P, {})
        if style:  # python-docx adds paragraph properties even for the default style
            ppr = etree.SubElement(p, _W_PPR)
            style_id = self._style_id(style)
            if style_id:
                etree.SubElement(ppr, _W_PSTYLE, {_W_VAL: style_id})
        for text, fmt in runs:
            r = etree.SubElement(p, _W_R)
            if fmt:
                etree.SubElement(etree.SubElement(r, _W_RPR), _FORMAT[fmt])
            _run_text(r, text)
        if self._end is not None:
            self._end.addprevious(p)
        else:
            self._body.append(p)

    def text(self, text: str, style: str | None = None) -> None:
        """Like ``add_paragraph(text, style)``: no run for empty text."""
        self.paragraph(((text, None),) if text else (), style)

    def field(self, name: str, value: object, style: str | None = None) -> None:
        """A paragraph "Name: value" with the name in bold."""
        self.paragraph(((f"{_t(name)}: ", "bold"), (_t(value), None)), style)


def _run_text(r: etree._Element, text: str) -> None:
    start = 0
    for match in _RUN_BREAKS.finditer(text):
        if match.start() > start:
            _t_element(r, text[start : match.start()])
        etree.SubElement(r, _W_TAB if match.group() == "\t" else _W_BR)
        start = match.end()
    if start < len(text):
        _t_element(r, text[start:])


def _t_element(r: etree._Element, text: str) -> None:
    t = etree.SubElement(r, _W_T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(_XML_SPACE, "preserve")


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


def _details(out: _Body, report: Report) -> None:
    for name, value in report.details:
        out.field(name, value)


def _summary(out: _Body, report: Report) -> None:
    s = report.summary
    out.text("Summary", style="Heading 1")
    out.text(f"Checkable claims: {s.checkable_claims}")
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
        _table(out.doc, ("Group", "Label", "Claims"), body)
    out.paragraph((("Needs correction first", "bold"),))
    if not s.needs_correction:
        out.text("none", style="List Bullet")
    for f in s.needs_correction:
        flag = " (provisional)" if f.provisional else ""
        out.text(_t(f"Claim {f.ordinal}: {f.verdict_label}{flag}: {f.text}"), style="List Bullet")


def _finding(out: _Body, f: Finding) -> None:
    title = f"Claim {f.ordinal}"
    if f.section:
        title += f" ({f.section})"
    out.text(_t(title), style="Heading 2")
    out.text(_t(f.text), style="Quote")
    out.field("Verdict", f.verdict_text)
    out.field("Certainty", f.certainty_label or "none")
    if f.evidence_profiles:
        out.text("Evidence profile (GRADE)", style="Heading 4")
        _table(out.doc, PROFILE_COLUMNS, [(p.by, *p.cells) for p in f.evidence_profiles])
        for profile in f.evidence_profiles:
            for note in profile.footnotes:
                out.text(_t(f"{profile.by}, {note}"))
    out.field("Status", f.status_label)
    if f.provisional:
        out.paragraph(((PROVISIONAL_NOTE, "italic"),))
    elif f.status == DISAGREEMENT:
        out.paragraph(((DISAGREEMENT_NOTE, "italic"),))
    if f.decision_reason:
        out.field("Decision reason", f.decision_reason)
    if f.citations:
        out.field("Sources", " ".join(f"[{n}]" for n in f.citation_numbers))
        for c in f.citations:
            stance = ", ".join(c.stances) if c.stances else "cited"
            out.text(_t(f"[{c.number}] {stance}"), style="List Bullet")
    if f.rationales:
        out.paragraph((("Rationale", "bold"),))
        for r in f.rationales:
            out.field(r.by, r.text, style="List Bullet")


def to_docx(report: Report) -> bytes:
    """The whole report as DOCX bytes."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = _t(f"Claim review: {report.article.title}")[:255]
    out = _Body(doc)
    out.text(_t(f"Claim review: {report.article.title}"), style="Title")
    _details(out, report)
    _summary(out, report)
    out.text("Claims", style="Heading 1")
    findings = report.checkable_findings
    if not findings:
        out.text("No checkable claims.")
    for f in findings:
        _finding(out, f)
    out.text("References", style="Heading 1")
    if not report.bibliography:
        out.text("No sources cited.")
    for entry in report.bibliography:
        out.text(_t(f"{entry.number}. {entry.reference}"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
