"""The report as a PDF (written with fpdf2, text in an embedded Unicode TrueType font).

fpdf2's built-in fonts are Latin-1 only ("≥", "–" would fail), so a DejaVu Sans TTF is
embedded. ``find_font`` looks, in order, for the copy matplotlib ships in
``matplotlib/mpl-data/fonts/ttf/`` (found without importing matplotlib) and for the one
Debian's ``fonts-dejavu-core`` installs; a ``font_path`` argument overrides both. With no font
found, ``to_pdf`` raises ``ClaimreviewError``.

User text is set as plain text (no Markdown, no links); control characters are dropped.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from fpdf import FPDF

from claims.errors import ClaimreviewError
from claims.reports.model import DISAGREEMENT, DISAGREEMENT_NOTE, Finding, Report

__all__ = ["find_font", "to_pdf"]

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
PROVISIONAL_NOTE = "Provisional: reviewers agree, no editor's decision yet."
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _font_dirs() -> list[Path]:
    dirs = []
    spec = importlib.util.find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append(Path(location) / "mpl-data" / "fonts" / "ttf")
    return dirs + list(SYSTEM_FONT_DIRS)


def find_font() -> tuple[Path, Path | None]:
    """The regular and (when present) bold DejaVu Sans TTF files.
    Raises ``ClaimreviewError`` when no regular font is found."""
    for folder in _font_dirs():
        regular = folder / REGULAR
        if regular.is_file():
            bold = folder / BOLD
            return regular, bold if bold.is_file() else None
    raise ClaimreviewError(
        "PDF reports need the DejaVu Sans font: install matplotlib (it ships the font) or "
        "the fonts-dejavu-core system package, or pass font_path to to_pdf."
    )


def _t(value: object) -> str:
    """User text fit for the PDF: tabs as spaces, CRLF as LF, other control characters gone."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


class _Writer:
    def __init__(self, regular: Path, bold: Path | None) -> None:
        pdf = FPDF(format="A4")
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FAMILY, "", str(regular))
        pdf.add_font(FAMILY, "B", str(bold or regular))
        pdf.add_page()
        self.pdf = pdf

    def text(self, value: object, *, size: float = 10, bold: bool = False, indent: float = 0):
        pdf = self.pdf
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.5, _t(value), new_x="LMARGIN", new_y="NEXT")

    def heading(self, value: object, size: float = 13) -> None:
        self.pdf.ln(3)
        self.text(value, size=size, bold=True)
        self.pdf.ln(1)

    def field(self, name: str, value: object, indent: float = 0) -> None:
        self.text(f"{name}: {_t(value)}", indent=indent)


def _finding(w: _Writer, f: Finding) -> None:
    title = f"Claim {f.ordinal}"
    if f.section:
        title += f" ({_t(f.section)})"
    w.heading(title, size=11)
    w.text(f.text, indent=6)
    w.pdf.ln(1)
    w.field("Verdict", f.verdict_text)
    w.field("Certainty", f.certainty_label or "none")
    w.field("Status", f.status_label)
    if f.provisional:
        w.text(PROVISIONAL_NOTE)
    elif f.status == DISAGREEMENT:
        w.text(DISAGREEMENT_NOTE)
    if f.decision_reason:
        w.field("Decision reason", f.decision_reason)
    if f.citations:
        w.field("Sources", " ".join(f"[{n}]" for n in f.citation_numbers))
        for c in f.citations:
            w.text(f"[{c.number}] {', '.join(c.stances) if c.stances else 'cited'}", indent=6)
    if f.rationales:
        w.text("Rationale:")
        for r in f.rationales:
            w.field(r.by, r.text, indent=6)


def to_pdf(report: Report, *, font_path: str | Path | None = None) -> bytes:
    """The whole report as PDF bytes. ``font_path``: a Unicode TTF to use instead of DejaVu."""
    if font_path is not None:
        if not Path(font_path).is_file():
            raise ClaimreviewError(f"PDF font not found: {font_path}")
        regular, bold = Path(font_path), None
    else:
        regular, bold = find_font()
    w = _Writer(regular, bold)
    a, s = report.article, report.summary
    w.pdf.set_title(_t(f"Claim review: {a.title}"))
    w.text(f"Claim review: {a.title}", size=16, bold=True)
    w.pdf.ln(2)
    for name, value in report.details:
        w.field(name, value)

    w.heading("Summary")
    w.text(f"Checkable claims: {s.checkable_claims}")
    for heading, counts in (
        ("Status", s.by_status),
        ("By verdict", s.by_verdict),
        ("By certainty", s.by_certainty),
    ):
        if counts:
            w.text(f"{heading}:", bold=True)
            for label, n in counts:
                w.text(f"{_t(label)}: {n}", indent=6)
    w.text("Needs correction first:", bold=True)
    if not s.needs_correction:
        w.text("none", indent=6)
    for f in s.needs_correction:
        flag = " (provisional)" if f.provisional else ""
        w.text(f"Claim {f.ordinal}: {_t(f.verdict_label)}{flag}: {_t(f.text)}", indent=6)

    w.heading("Claims")
    if not report.checkable_findings:
        w.text("No checkable claims.")
    for f in report.checkable_findings:
        _finding(w, f)

    w.heading("References")
    if not report.bibliography:
        w.text("No sources cited.")
    for entry in report.bibliography:
        w.text(f"{entry.number}. {_t(entry.vancouver)}")
    return bytes(w.pdf.output())
