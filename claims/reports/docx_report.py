"""The report as a Word document (DOCX, written with python-docx): the HTML report's design.

The organisation and the article's title block; the summary (key takeaways, the verdicts as a
small bar chart in a table with their figures, certainty, what needs correction first); a card
per checkable claim (its verdict as a coloured label with its name, certainty in words and
GRADE's symbols, the claim quoted with its cues of overclaiming highlighted, whether the
verdict is decided or provisional, rationales rendered from Markdown, sources with stances,
the evidence profile); references; the method appendix. Word's own heading styles (Title,
Heading 1 for the parts, Heading 2 for each claim) make the navigation pane and a table of
contents work; a running header and "Page n of N" in the footer.

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
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from claims.reports.model import PROFILE_COLUMNS, Finding, Report
from claims.reports.richtext import parse_markdown

__all__ = ["to_docx"]

# Characters XML 1.0 does not allow (python-docx refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MUTED = "59636e"
ACCENT = "0b5cad"
SOFT = "f6f8fa"
FLAG = "b42318"

# A run's text: tabs and line breaks become elements of their own (as python-docx writes them).
_RUN_BREAKS = re.compile("[\t\r\n]")
_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_W_R, _W_RPR, _W_T, _W_TAB, _W_BR = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:tab"), qn("w:br")
_XML_SPACE = qn("xml:space")
_FORMAT = {"bold": qn("w:b"), "italic": qn("w:i")}

# A run: (text, None | "bold" | "italic"), or a Styled run
Run = tuple[str, str | None]


@dataclass(frozen=True)
class Styled:
    """A run with more than one format: colours, a highlight, a size."""

    text: str
    bold: bool = False
    italic: bool = False
    colour: str | None = None  # "1f2328"
    shade: str | None = None  # background colour of the run, "b42318"
    highlight: str | None = None  # a Word highlight colour name: "yellow"
    size: float | None = None  # points


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

    def paragraph(
        self, runs: Iterable[Run | Styled] = (), style: str | None = None, *, indent: int = 0
    ) -> etree._Element:
        """Append a paragraph of runs; ``indent`` in twentieths of a point."""
        p = self._body.makeelement(_W_P, {})
        if style or indent:  # python-docx adds paragraph properties even for the default style
            ppr = etree.SubElement(p, _W_PPR)
            style_id = self._style_id(style) if style else None
            if style_id:
                etree.SubElement(ppr, _W_PSTYLE, {_W_VAL: style_id})
            if indent:
                etree.SubElement(ppr, qn("w:ind"), {qn("w:left"): str(indent)})
        for run in runs:
            r = etree.SubElement(p, _W_R)
            if isinstance(run, Styled):
                _styled(r, run)
                _run_text(r, run.text)
                continue
            text, fmt = run
            if fmt:
                etree.SubElement(etree.SubElement(r, _W_RPR), _FORMAT[fmt])
            _run_text(r, text)
        if self._end is not None:
            self._end.addprevious(p)
        else:
            self._body.append(p)
        return p

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


def _styled(r: etree._Element, run: Styled) -> None:
    """A run's properties, in the order WordprocessingML's schema asks for."""
    rpr = etree.SubElement(r, _W_RPR)
    if run.bold:
        etree.SubElement(rpr, qn("w:b"))
    if run.italic:
        etree.SubElement(rpr, qn("w:i"))
    if run.colour:
        etree.SubElement(rpr, qn("w:color"), {_W_VAL: run.colour.lstrip("#")})
    if run.size:
        etree.SubElement(rpr, qn("w:sz"), {_W_VAL: str(round(run.size * 2))})
    if run.highlight:
        etree.SubElement(rpr, qn("w:highlight"), {_W_VAL: run.highlight})
    if run.shade:
        etree.SubElement(
            rpr,
            qn("w:shd"),
            {_W_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): run.shade.lstrip("#")},
        )


def _shade_cell(cell, colour: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    etree.SubElement(
        tcpr,
        qn("w:shd"),
        {_W_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): colour.lstrip("#")},
    )


def _table(
    doc: DocumentType,
    header: tuple[str, ...],
    body: list[tuple[object, ...]],
    *,
    size: float | None = None,
) -> None:
    """A grid table, its header row bold and shaded; moved to the end of the body."""
    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    cells = table.add_row().cells
    for cell, name in zip(cells, header, strict=True):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        if size:
            run.font.size = Pt(size)
        _shade_cell(cell, SOFT)
    for values in body:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            if size:
                cell.paragraphs[0].add_run(_t(value)).font.size = Pt(size)
            else:
                cell.text = _t(value)


def _label(text: str, colours: tuple[str, str]) -> Styled:
    """A verdict's label: its name in bold on its colour."""
    return Styled(f"\u00a0{text}\u00a0", bold=True, colour=colours[1], shade=colours[0])


def _rich(out: _Body, text: str, *, indent: int = 0) -> None:
    """A rationale's Markdown as paragraphs of runs (see claims.reports.richtext)."""
    for block in parse_markdown(text):
        runs = [
            Styled(
                _t(span.text),
                bold=span.bold,
                italic=span.italic,
                colour=MUTED if span.address else (ACCENT if span.href else None),
            )
            for span in block.spans
        ]
        if block.kind == "item":
            marker = [Styled(f"{block.marker}\t")] if block.marker else []
            out.paragraph([*marker, *runs], indent=indent + 360 * block.depth)
        elif block.kind == "quote":
            out.paragraph(runs, "Quote", indent=indent)
        elif block.kind == "heading":
            out.paragraph([Styled(r.text, True, r.italic, r.colour) for r in runs], indent=indent)
        else:
            out.paragraph(runs, indent=indent)


def _masthead(out: _Body, report: Report) -> None:
    org = report.organisation
    runs: list[Run | Styled] = []
    if org.name:
        runs.append(Styled(_t(org.name), bold=True, size=13))
    if org.url:
        runs.append(Styled(f"  {_t(org.url)}", colour=MUTED, size=9))
    if not runs and not org.logo:
        return
    p = out.paragraph(runs)
    if org.logo:
        from docx.shared import Cm
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(p, out.doc._body)
        try:
            first = paragraph.runs[0] if paragraph.runs else paragraph.add_run()
            picture = paragraph.add_run()
            picture.add_picture(io.BytesIO(org.logo), height=Cm(1.2))
            first._r.addprevious(picture._r)  # the logo before the name
            if runs:
                picture.add_text("  ")
        except Exception:
            pass
    out.paragraph([Styled("CLAIM REVIEW REPORT", colour=MUTED, size=8)])


def _details(out: _Body, report: Report) -> None:
    for name, value in report.details:
        out.paragraph([Styled(f"{name}: ", colour=MUTED), Styled(_t(value))])


def _summary(out: _Body, report: Report) -> None:
    s = report.summary
    out.text("Summary", style="Heading 1")
    out.paragraph([Styled(s.headline, bold=True, size=12)])
    if report.article.key_takeaways:
        out.text("Key takeaways", style="Heading 2")
        _rich(out, report.article.key_takeaways)
    if s.chart:
        out.text("Verdicts", style="Heading 2")
        top = max(bar.count for bar in s.chart)
        table = out.doc.add_table(rows=0, cols=3)
        for bar in s.chart:
            cells = table.add_row().cells
            label = cells[0].paragraphs[0].add_run(f"\u00a0{bar.label}\u00a0")
            label.bold = True
            _styled_existing(label._r, colour=bar.colours[1], shade=bar.colours[0])
            blocks = max(1, round(16 * bar.count / top))  # the longest fits its cell
            bar_run = cells[1].paragraphs[0].add_run("█" * blocks)
            _styled_existing(bar_run._r, colour=bar.colours[0])
            cells[2].paragraphs[0].add_run(str(bar.count)).bold = True
    if s.by_certainty:
        out.text("Evidence certainty", style="Heading 2")
        _table(out.doc, ("Certainty", "Claims"), [(label, n) for label, n in s.by_certainty])
    out.text("Needs correction first", style="Heading 2")
    if not s.needs_correction:
        out.text("No claim was found inaccurate or misleading.")
    for f in s.needs_correction:
        flag = " (provisional)" if f.provisional else ""
        out.paragraph(
            [
                _label(f.label, f.colours),
                Styled(f" Claim {f.ordinal}{flag}: ", bold=True),
                Styled(_t(f"“{f.text}”")),
            ],
            "List Number",
        )


def _styled_existing(r: etree._Element, **formats: str) -> None:
    """Colours for a run python-docx made (its properties element may exist already)."""
    rpr = r.find(_W_RPR)
    if rpr is None:
        rpr = etree.SubElement(r, _W_RPR)
        r.insert(0, rpr)
    if formats.get("colour"):
        etree.SubElement(rpr, qn("w:color"), {_W_VAL: formats["colour"].lstrip("#")})
    if formats.get("shade"):
        etree.SubElement(
            rpr,
            qn("w:shd"),
            {_W_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): formats["shade"].lstrip("#")},
        )


def _finding(out: _Body, report: Report, f: Finding) -> None:
    out.text(_t(f"Claim {f.ordinal}: {f.label}"), style="Heading 2")
    out.paragraph(
        [
            _label(f.label, f.colours),
            Styled("   Certainty: ", colour=MUTED),
            Styled(f.certainty_text if f.certainty_label else "not rated"),
        ]
    )
    if f.section:
        out.paragraph([Styled(_t(f.section), colour=MUTED, size=9)])
    quote = [
        Styled(_t(text)) if cue is None else Styled(_t(text), bold=True, highlight="yellow")
        for text, cue in f.pieces()
    ]
    out.paragraph(quote, "Quote")
    if f.cue_marks:
        note = "Marked, cues of overclaiming: " + "; ".join(f.cue_labels) + "."
        out.paragraph([Styled(note, colour=MUTED, size=8.5)])
    if f.status != "unreviewed":
        out.paragraph([Styled(f.standing + ".", italic=True)])
    for r in f.rationales:
        out.paragraph([Styled(f"{_t(r.heading)}:", bold=True)])
        _rich(out, r.text)
    if f.citations:
        out.paragraph([Styled("Sources", bold=True)])
        for c in f.citations:
            title = f" {_t(c.title)}" if c.title else ""
            flags = [Styled(f" [{flag}]", bold=True, colour=FLAG) for flag in c.flags]
            out.paragraph(
                [Styled(f"[{c.number}] "), Styled(c.stance_text, bold=True), Styled(f".{title}"),
                 *flags],
                indent=360,
            )  # fmt: skip
    if f.evidence_profiles and report.options.evidence_profiles:
        out.paragraph([Styled("Evidence profile (GRADE)", bold=True)])
        _table(out.doc, PROFILE_COLUMNS, [(p.by, *p.cells) for p in f.evidence_profiles], size=7.5)
        for profile in f.evidence_profiles:
            for note in profile.footnotes:
                out.paragraph([Styled(_t(f"{profile.by}, {note}"), colour=MUTED, size=8)])


def _references(out: _Body, report: Report) -> None:
    out.text("References", style="Heading 1")
    if not report.bibliography:
        out.text("No sources cited.")
    for entry in report.bibliography:
        runs: list[Run | Styled] = [
            Styled(f"{entry.number}.\t", bold=True),
            Styled(_t(entry.vancouver)),
        ]
        runs += [Styled(f" [{flag}]", bold=True, colour=FLAG) for flag in entry.flags]
        if entry.study_design:
            runs.append(Styled(f" ({entry.study_design})", italic=True, colour=MUTED))
        out.paragraph(runs)


def _method(out: _Body, report: Report) -> None:
    m = report.method
    if m is None:
        return
    out.text("Method", style="Heading 1")
    out.text("Review", style="Heading 2")
    for line in m.review:
        out.text(line)
    out.text("Agreement between reviewers", style="Heading 2")
    for name, text in m.agreement:
        out.paragraph([Styled(f"{name}: ", bold=True), Styled(text)])
    out.text("How disagreements were settled", style="Heading 2")
    for line in m.settled:
        out.text(line)
    out.text("Scales", style="Heading 2")
    _table(out.doc, ("Verdict", "Meaning"), [(r.label, r.description) for r in m.verdict_scale])
    out.text("")
    _table(
        out.doc,
        ("Certainty (GRADE)", "Symbols", "Meaning"),
        [(r.label, r.symbols, r.description) for r in m.certainty_scale],
    )


def _others(out: _Body, report: Report) -> None:
    others = report.other_findings
    if not others:
        return
    out.text("Sentences not checked", style="Heading 1")
    for f in others:
        kind = [Styled(f" ({f.kind})", italic=True, colour=MUTED)] if f.kind else []
        out.paragraph([Styled(f"{f.ordinal}. ", bold=True), Styled(_t(f.text)), *kind])


def _annotated(out: _Body, report: Report) -> None:
    if not report.options.annotated_article:
        return
    out.text("The article, annotated", style="Heading 1")
    text = report.article.text
    cursor = 0
    runs: list[Run | Styled] = []
    for f in sorted(report.checkable_findings, key=lambda f: (f.start, f.ordinal)):
        if not cursor <= f.start < f.end <= len(text):
            continue
        runs.append(Styled(_t(text[cursor : f.start])))
        runs.append(Styled(_t(text[f.start : f.end]), highlight="lightGray"))
        runs.append(Styled(f" [{f.ordinal}: {f.label}]", bold=True, colour=f.colours[0]))
        cursor = f.end
    runs.append(Styled(_t(text[cursor:])))
    # One paragraph per paragraph of the article (a line break inside one).
    paragraph: list[Run | Styled] = []
    for run in runs:
        assert isinstance(run, Styled)
        parts = run.text.split("\n\n")
        for n, part in enumerate(parts):
            if n:
                out.paragraph(paragraph)
                paragraph = []
            if part:
                paragraph.append(
                    Styled(part, run.bold, run.italic, run.colour, run.shade, run.highlight)
                )
    if paragraph:
        out.paragraph(paragraph)


def _page_furniture(doc: DocumentType, report: Report) -> None:
    """The running header (title, organisation) and the footer's page numbers."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    org = f"   ·   {report.organisation.name}" if report.organisation.name else ""
    run = header.add_run(_t(report.title) + _t(org))
    run.font.size = Pt(8)
    _styled_existing(run._r, colour=MUTED)
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    for text, field in (("Page ", None), (None, "PAGE"), (" of ", None), (None, "NUMPAGES")):
        if field is None:
            footer.add_run(text).font.size = Pt(8)
            continue
        simple = etree.SubElement(footer._p, qn("w:fldSimple"), {qn("w:instr"): field})
        r = etree.SubElement(simple, _W_R)
        etree.SubElement(r, _W_T).text = "1"


def to_docx(report: Report) -> bytes:
    """The whole report as DOCX bytes."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.styles["Normal"].font.name = "Calibri"
    doc.core_properties.title = _t(report.title)[:255]
    if report.organisation.name:
        doc.core_properties.author = _t(report.organisation.name)[:255]
    _page_furniture(doc, report)
    out = _Body(doc)
    _masthead(out, report)
    out.text(_t(report.article.title), style="Title")
    _details(out, report)
    _summary(out, report)
    out.text("Claims", style="Heading 1")
    findings = report.checkable_findings
    if not findings:
        out.text("No checkable claims.")
    for f in findings:
        _finding(out, report, f)
    _references(out, report)
    _method(out, report)
    _others(out, report)
    _annotated(out, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
