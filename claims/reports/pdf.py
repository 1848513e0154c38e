"""The report as a PDF (written with fpdf2, text in an embedded Unicode TrueType font).

fpdf2's built-in fonts are Latin-1 only ("≥", "–" would fail), so a DejaVu Sans TTF is
embedded. ``find_font`` looks, in order, for the copy matplotlib ships in
``matplotlib/mpl-data/fonts/ttf/`` (found without importing matplotlib) and for the one
Debian's ``fonts-dejavu-core`` installs; a ``font_path`` argument overrides both. With no font
found, ``to_pdf`` raises ``ClaimreviewError``.

User text is set as plain text (no Markdown, no links); control characters are dropped.

Paragraphs are laid out here, not by ``FPDF.multi_cell``: fpdf2's line breaker re-measures the
whole line for every character it adds (quadratic in the line's length), which made a
2,000-claim report take seconds. ``_Writer`` breaks lines the way ``multi_cell`` does (the same
widths, integer font units from ``get_string_width`` cached per character; break at the last
space, drop the space there, break inside a word only when the line has no space; lines broken
at a space justified, others left-aligned; the same page breaks) and writes each line with
``FPDF.text`` at the position ``multi_cell`` would use, a justified line word by word. Text
with a soft hyphen or an unusual breaking space (which ``multi_cell`` treats specially), and
text that wraps and holds a character the font has no glyph for, still goes through
``multi_cell``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import NamedTuple

from fpdf import FPDF

from claims.errors import ClaimreviewError
from claims.reports.model import (
    DISAGREEMENT,
    DISAGREEMENT_NOTE,
    PROFILE_COLUMNS,
    Finding,
    Report,
)

__all__ = ["find_font", "to_pdf"]

FAMILY = "DejaVuSans"
_FAMILY_KEY = FAMILY.lower()  # as fpdf2 stores it
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
PROVISIONAL_NOTE = "Provisional: reviewers agree, no editor's decision yet."
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Text that only multi_cell sets right: soft hyphens, breaking spaces other than " ".
_NEEDS_BREAKER = re.compile("[\u00ad\u200b\u2000-\u200a\u205f\u3000]")
NBSP = "\u00a0"
_TOLERANCE = 1e-9  # fpdf2's FloatTolerance: a line overflows only by more than this


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


class _Line(NamedTuple):
    text: str  # as written: no-break spaces already plain spaces, as multi_cell writes them
    units: int  # width in font units (1/1000 em)
    spaces: int  # spaces that take the extra width of a justified line
    justified: bool
    newline: bool = False  # ended by a line break


class _Writer:
    def __init__(self, regular: Path, bold: Path | None) -> None:
        pdf = FPDF(format="A4")
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(FAMILY, "", str(regular))
        pdf.add_font(FAMILY, "B", str(bold or regular))
        pdf.add_page()
        self.pdf = pdf
        # style -> character -> advance width in font units (1/1000 em), as fpdf2 measures it
        self._units: dict[str, dict[str, int]] = {"": {}, "B": {}}
        # style -> characters the font has no glyph for (multi_cell measures them but writes
        # nothing, so a justified line holding one is left to it)
        self._missing: dict[str, set[str]] = {"": set(), "B": set()}

    def _set_font(self, style: str, size: float) -> None:
        pdf = self.pdf  # (set_font itself checks far more before it finds nothing to do)
        if pdf.font_style != style or pdf.font_size_pt != size or pdf.font_family != _FAMILY_KEY:
            pdf.set_font(FAMILY, style, size)

    def _unit(self, char: str, style: str, size: float) -> int:
        units = self._units[style]
        unit = units.get(char)
        if unit is None:
            # fpdf2 measures a character as units * size_pt / 1000 / k: recover the units.
            unit = round(self.pdf.get_string_width(char) * self.pdf.k * 1000 / size)
            units[char] = unit
            cmap = getattr(self.pdf.current_font, "cmap", None)
            if cmap is not None and ord(char) not in cmap and char != " ":
                self._missing[style].add(char)
        return unit

    def _lines(self, text: str, style: str, size: float, max_width: float) -> list[_Line] | None:
        """``text`` broken into lines as ``multi_cell`` breaks it (align "J", word wrap), or
        None when only ``multi_cell`` can set it. Widths are compared exactly as fpdf2
        compares them: (units * size / 1000) / k, overflowing by more than its tolerance."""
        if _NEEDS_BREAKER.search(text):
            return None
        units = self._units[style]
        scale_k = self.pdf.k
        if text and "\n" not in text and NBSP not in text:
            # Most paragraphs fit on one line: measure them in one go (widths only grow, so a
            # paragraph fits when its last character does).
            try:
                total = sum(map(units.__getitem__, text))
            except KeyError:  # a character not measured yet: the loop below measures it
                total = None
            if total is not None:
                last = units[text[-1]]
                if (total - last) * size * 0.001 / scale_k + last * size * 0.001 / scale_k - (
                    max_width
                ) <= _TOLERANCE:
                    # (multi_cell sets no line of zero width)
                    return [_Line(text, total, text.count(" "), False)] if total else []
        lines: list[_Line] = []
        start = i = 0
        n = len(text)
        plain = text.replace(NBSP, " ")  # what multi_cell writes for a no-break space
        while i < n:
            line_units = spaces = 0
            hint: tuple[int, int, int] | None = None  # (space index, units, spaces) before it
            while True:
                if i == n:
                    if line_units:
                        lines.append(_Line(plain[start:], line_units, spaces, False))
                    break
                char = text[i]
                if char == "\n":
                    lines.append(_Line(plain[start:i], line_units, spaces, False, True))
                    i += 1
                    break
                unit = units.get(char)
                if unit is None:
                    unit = self._unit(char, style, size)
                line_width = line_units * size * 0.001 / scale_k
                if line_width + unit * size * 0.001 / scale_k - max_width > _TOLERANCE:
                    if char == " ":  # the overflowing space is dropped
                        lines.append(_Line(plain[start:i], line_units, spaces, True))
                        i += 1
                    elif hint is not None:  # back to the last space, which is dropped
                        at, hint_units, hint_spaces = hint
                        lines.append(_Line(plain[start:at], hint_units, hint_spaces, True))
                        i = at + 1
                    elif i > start:  # a word longer than the line: cut it here
                        lines.append(_Line(plain[start:i], line_units, spaces, False))
                    else:  # not even one character fits
                        return None
                    break
                if char == " ":
                    hint = (i, line_units, spaces)
                    spaces += 1
                elif char == NBSP:
                    spaces += 1
                    unit = self._unit(" ", style, size)  # multi_cell measures it as a space
                line_units += unit
                i += 1
            start = i
        missing = self._missing[style]
        if missing and not missing.isdisjoint(text):
            return None
        return lines

    def text(self, value: object, *, size: float = 10, bold: bool = False, indent: float = 0):
        """A paragraph, as ``multi_cell(epw - indent, size / 2, text)`` would set it (justified,
        then the next paragraph at the left margin), in the given size and weight."""
        pdf = self.pdf
        style = "B" if bold else ""
        self._set_font(style, size)
        text = _t(value)
        width = pdf.epw - indent
        height = size * 0.5
        lines = self._lines(text, style, size, width - pdf.c_margin - pdf.c_margin)
        if lines is None:
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")
            return
        x = pdf.l_margin + indent + pdf.c_margin
        unit_width = size * 0.001 / pdf.k  # one font unit in user units
        for line in lines or (_Line("", 0, 0, False),):
            if pdf.will_page_break(height):
                pdf.add_page(same=True)
            baseline = pdf.y + 0.5 * height + 0.3 * pdf.font_size
            if line.justified and line.spaces:
                self._justified(line, x, baseline, width, unit_width, self._units[style])
            elif line.text:
                pdf.text(x, baseline, line.text)
            pdf.set_xy(pdf.l_margin, pdf.y + height)
        if lines and lines[-1].newline:
            pdf.ln(height)  # multi_cell adds a line for a final line break (no page break)

    def _justified(
        self,
        line: _Line,
        x: float,
        baseline: float,
        width: float,
        unit_width: float,
        units: dict[str, int],
    ) -> None:
        """A justified line: every space widened by the same amount, as multi_cell does (it
        shifts each space and the word after it; here each is written where it lands)."""
        pdf = self.pdf
        extra = (width - pdf.c_margin - pdf.c_margin - line.units * unit_width) / line.spaces
        words = line.text.split(" ")
        advance = 0  # font units written so far
        for n, word in enumerate(words):
            chunk = word if n == 0 else " " + word
            if chunk:
                pdf.text(x + advance * unit_width + n * extra, baseline, chunk)
            advance += sum(units[c] for c in chunk)

    def heading(self, value: object, size: float = 13) -> None:
        self.pdf.ln(3)
        self.text(value, size=size, bold=True)
        self.pdf.ln(1)

    def profile_table(self, rows: list[tuple[str, ...]]) -> None:
        """A claim's evidence profile as GRADE lays it out: a header row, a row per reviewer."""
        pdf = self.pdf
        pdf.ln(1)
        self.text("Evidence profile (GRADE)", size=9, bold=True)
        self._set_font("", 7)
        widths = (11, 13, 12, 14, 13, 13, 12, 10, 14)  # relative: headings fit whole
        with pdf.table(
            col_widths=widths, text_align="LEFT", line_height=3.5, first_row_as_headings=False
        ) as table:
            for number, values in enumerate([PROFILE_COLUMNS, *rows]):
                row = table.row()
                self._set_font("B" if number == 0 else "", 7)
                for value in values:
                    row.cell(_t(value))
        pdf.ln(1)

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
    if f.evidence_profiles:
        w.profile_table([(p.by, *p.cells) for p in f.evidence_profiles])
        for profile in f.evidence_profiles:
            for note in profile.footnotes:
                w.text(f"{_t(profile.by)}, {_t(note)}", size=8, indent=4)
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
        w.text(f"{entry.number}. {_t(entry.reference)}")
    return bytes(w.pdf.output())
