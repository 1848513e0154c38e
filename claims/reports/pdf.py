"""The report as a PDF: the HTML report's design on A4 pages (written with fpdf2).

The organisation's logo and name head the first page; every later page carries a running header
(the report's title, the organisation) and every page a footer with "Page n of N". Each heading
is a bookmark (the PDF's outline). Fonts are embedded: fpdf2's built-in fonts are Latin-1 only
("≥", "–", "⊕" would fail), so DejaVu Sans is embedded in its four styles. ``find_font`` looks,
in order, for the copy matplotlib ships in ``matplotlib/mpl-data/fonts/ttf/`` (found without
importing matplotlib) and for the one Debian's ``fonts-dejavu-core`` installs; a ``font_path``
argument overrides both (that one font then serves every style). With no font found,
``to_pdf`` raises ``ClaimreviewError``.

Text is laid out here, not by ``FPDF.multi_cell`` or ``FPDF.write``: their line breakers
re-measure the line for every character added (quadratic in its length), which made a
2,000-claim report take seconds, and neither draws a run of mixed styles with highlights and
links. ``_Writer.runs`` breaks styled runs into left-aligned lines from per-character widths
(measured once per style with ``get_string_width`` and cached), at the last space that fits, or
inside a word longer than the line, and writes each piece with ``FPDF.text``; a link gets a link
annotation over its text, a cue of overclaiming a highlight behind it. No line is wider than
the space it was given, so no text runs past the margins.

User text is never interpreted: rationales and takeaways are Markdown read by
``claims.reports.richtext`` into styled runs; control characters are dropped.
"""

from __future__ import annotations

import importlib.util
import io
import re
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from claims.errors import ClaimreviewError
from claims.reports.model import (
    PROFILE_COLUMNS,
    Finding,
    Report,
    readable_moment,
)
from claims.reports.richtext import Block, http_url, parse_markdown

__all__ = ["find_font", "to_pdf"]

FAMILY = "DejaVuSans"
_FAMILY_KEY = FAMILY.lower()  # as fpdf2 stores it
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
REGULAR = FONT_FILES[""]
SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MARGIN = 18  # mm, every side
INK = (31, 35, 40)
MUTED = (89, 99, 110)
LINE = (209, 217, 224)
SOFT = (246, 248, 250)
ACCENT = (11, 92, 173)
CUE_BACKGROUND = (255, 241, 184)
CUE_INK = (122, 72, 0)
FLAG_INK = (180, 35, 24)


def _font_dirs() -> list[Path]:
    dirs = []
    spec = importlib.util.find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append(Path(location) / "mpl-data" / "fonts" / "ttf")
    return dirs + list(SYSTEM_FONT_DIRS)


def find_font() -> dict[str, Path]:
    """DejaVu Sans's TTF files by style ("", "B", "I", "BI"); a style whose file is missing
    is set in the regular font. Raises ``ClaimreviewError`` when no regular font is found."""
    for folder in _font_dirs():
        regular = folder / REGULAR
        if regular.is_file():
            return {
                style: (folder / name if (folder / name).is_file() else regular)
                for style, name in FONT_FILES.items()
            }
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


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    style: str = ""  # "", "B", "I", "BI"
    colour: tuple[int, int, int] = INK
    link: str | None = None
    highlight: tuple[int, int, int] | None = None


class _ReportPDF(FPDF):
    """A4 pages with the running header (from page 2) and the page-numbered footer."""

    running_title = ""
    running_org = ""
    generated = ""

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        width = self.epw
        org = self.running_org
        org_width = self.get_string_width(org) + 2 if org else 0
        title = _fit(self, self.running_title, width - org_width - 4)
        self.text(self.l_margin, 11, title)
        if org:
            self.text(self.l_margin + width - self.get_string_width(org), 11, org)
        self.set_draw_color(*LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, 12.5, self.l_margin + width, 12.5)
        self.set_y(MARGIN)

    def footer(self) -> None:
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        label = f"Page {self.page_no()} of {{nb}}"
        self.set_y(-12)
        self.cell(0, 4, label, align="C")
        if self.generated:
            self.text(self.l_margin, self.h - 9.2, _fit(self, self.generated, self.epw / 2 - 12))


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with "…" to fit the width in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Writer:
    def __init__(self, fonts: dict[str, Path]) -> None:
        pdf = _ReportPDF(format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        for style, path in fonts.items():
            pdf.add_font(FAMILY, style, str(path))
        pdf.alias_nb_pages()
        pdf.add_page()
        self.pdf = pdf
        # style -> character -> advance width in font units (1/1000 em)
        self._units: dict[str, dict[str, int]] = {style: {} for style in FONT_FILES}
        self.links: dict[str, int] = {}  # a claim's anchor -> its internal link

    # --- measuring and writing runs

    def _set_font(self, style: str, size: float) -> None:
        pdf = self.pdf  # (set_font itself checks far more before it finds nothing to do)
        if pdf.font_style != style or pdf.font_size_pt != size or pdf.font_family != _FAMILY_KEY:
            pdf.set_font(FAMILY, style, size)

    def _width(self, text: str, style: str, size: float) -> float:
        """The text's width in mm, from cached per-character widths."""
        units = self._units[style]
        total = 0
        for char in text:
            unit = units.get(char)
            if unit is None:
                self._set_font(style, size)
                unit = round(self.pdf.get_string_width(char) * self.pdf.k * 1000 / size)
                units[char] = unit
            total += unit
        return total * size * 0.001 / self.pdf.k

    def _words(self, runs: list[Run]) -> list[list[tuple[Run, str]] | None]:
        """The runs as words, each a list of (run, text) fragments (a word may change style
        mid-way: "*cure*." is one word), the spaces after it kept on its last fragment; None
        stands for a line break."""
        words: list[list[tuple[Run, str]] | None] = []
        glued = False  # the last fragment ended without a space: the next one continues it
        for run in runs:
            for piece in re.findall(r"\n|[^ \n]+ *| +", _t(run.text)):
                if piece == "\n":
                    words.append(None)
                    glued = False
                    continue
                if glued and words and words[-1] is not None and not piece.startswith(" "):
                    words[-1].append((run, piece))
                elif piece.startswith(" ") and words and words[-1] is not None:
                    words[-1].append((run, piece))  # the spaces after the word
                else:
                    words.append([(run, piece)])
                glued = not piece.endswith(" ")
        return words

    def _lines(
        self, runs: list[Run], size: float, width: float
    ) -> list[list[tuple[Run, str, float]]]:
        """The runs broken into lines no wider than ``width``, at spaces (inside a word only
        when the word is longer than a line): each line a list of (run, its text on the line,
        that text's width)."""
        lines: list[list[tuple[Run, str, float]]] = [[]]
        used = 0.0
        for word in self._words(runs):
            if word is None:
                lines.append([])
                used = 0.0
                continue
            pieces = [(run, text, self._width(text, run.style, size)) for run, text in word]
            run, text, _ = pieces[-1]
            trail = len(text) - len(text.rstrip(" "))
            trailing = self._width(" " * trail, run.style, size) if trail else 0.0
            total = sum(p[2] for p in pieces)
            if used + total - trailing <= width + 1e-9:
                lines[-1].extend(pieces)
                used += total
                continue
            if total - trailing <= 0:  # spaces that overflow: dropped at the line's end
                continue
            if lines[-1]:
                lines.append([])
                used = 0.0
            if total - trailing <= width + 1e-9:
                lines[-1].extend(pieces)
                used = total
                continue
            for run, text, text_width in pieces:  # longer than a line: cut where it must
                while used + self._width(text.rstrip(" "), run.style, size) > width + 1e-9:
                    cut = self._cut(text, run.style, size, width - used)
                    if cut == 0 and used:  # not one more character fits: on the next line
                        lines.append([])
                        used = 0.0
                        continue
                    cut = max(cut, 1)
                    head = text[:cut]
                    lines[-1].append((run, head, self._width(head, run.style, size)))
                    lines.append([])
                    used = 0.0
                    text = text[cut:]
                if text:
                    text_width = self._width(text, run.style, size)
                    lines[-1].append((run, text, text_width))
                    used += text_width
        return lines

    def _cut(self, word: str, style: str, size: float, width: float) -> int:
        """How many of the word's characters fit the width (0 when not even one does)."""
        total = 0.0
        for n, char in enumerate(word):
            total += self._width(char, style, size)
            if total > width + 1e-9:
                return n
        return len(word)

    def runs(
        self,
        runs: list[Run],
        *,
        size: float = 9.5,
        indent: float = 0,
        right: float = 0,
        leading: float = 1.45,
        background: tuple[int, int, int] | None = None,
    ) -> None:
        """A paragraph of styled runs, left-aligned, from the left margin plus ``indent`` to
        the right margin less ``right``; a new page where the next line would not fit."""
        pdf = self.pdf
        width = pdf.epw - indent - right
        height = size * leading * 0.3528  # points to mm
        x0 = pdf.l_margin + indent
        for line in self._lines(runs, size, width):
            if pdf.will_page_break(height):
                pdf.add_page(same=True)
            y = pdf.y
            if background is not None:
                pdf.set_fill_color(*background)
                pdf.rect(x0 - 2, y, width + 4, height, style="F")
            baseline = y + height * 0.5 + size * 0.3528 * 0.32
            x = x0
            last = len(line) - 1
            for n, (run, text, text_width) in enumerate(line):
                shown = text.rstrip(" ") if n == last else text
                if not shown:
                    x += text_width
                    continue
                shown_width = self._width(shown, run.style, size)
                if run.highlight is not None:
                    pdf.set_fill_color(*run.highlight)
                    pdf.rect(x, y + height * 0.08, shown_width, height * 0.84, style="F")
                self._set_font(run.style, size)
                pdf.set_text_color(*run.colour)
                pdf.text(x, baseline, shown)
                if run.link:
                    pdf.link(x, y, shown_width, height, run.link)
                x += text_width
            pdf.set_xy(pdf.l_margin, y + height)
        pdf.set_text_color(*INK)

    def text(self, value: object, *, size: float = 9.5, style: str = "", indent: float = 0,
             colour: tuple[int, int, int] = INK) -> None:  # fmt: skip
        self.runs([Run(_t(value), style, colour)], size=size, indent=indent)

    def gap(self, mm: float) -> None:
        self.pdf.set_y(self.pdf.y + mm)

    def keep(self, mm: float) -> None:
        """A new page unless ``mm`` of the page is left (keeps a heading with what follows)."""
        if self.pdf.will_page_break(mm):
            self.pdf.add_page(same=True)

    def heading(self, value: str, *, level: int = 0, size: float = 13.5) -> None:
        pdf = self.pdf
        self.keep(28)
        self.gap(5 if level == 0 else 3)
        pdf.start_section(_t(value), level=level)
        self.text(value, size=size, style="B")
        if level == 0:
            pdf.set_draw_color(*LINE)
            pdf.set_line_width(0.3)
            pdf.line(pdf.l_margin, pdf.y + 0.8, pdf.l_margin + pdf.epw, pdf.y + 0.8)
            self.gap(2.5)
        else:
            self.gap(1)

    def label(self, text: str, colours: tuple[str, str], *, size: float = 8) -> float:
        """A coloured label with its name at the current position; returns its width."""
        pdf = self.pdf
        self._set_font("B", size)
        width = self._width(text, "B", size) + 3.2
        height = size * 0.3528 * 1.55
        pdf.set_fill_color(*_rgb(colours[0]))
        pdf.rect(pdf.x, pdf.y, width, height, style="F", round_corners=True,
                 corner_radius=height / 2)  # fmt: skip
        pdf.set_text_color(*_rgb(colours[1]))
        pdf.text(pdf.x + 1.6, pdf.y + height * 0.5 + size * 0.3528 * 0.34, text)
        pdf.set_text_color(*INK)
        return width

    def table(
        self,
        header: tuple[str, ...],
        rows: list[tuple[str, ...]],
        *,
        size: float = 7.5,
        widths: tuple[float, ...] | None = None,
        width: float | None = None,
    ) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*LINE)
        pdf.set_line_width(0.2)
        self._set_font("", size)
        pdf.set_fill_color(*SOFT)
        pdf.set_text_color(*INK)
        with pdf.table(
            col_widths=widths, text_align="LEFT", line_height=size * 0.3528 * 1.35,
            first_row_as_headings=False, borders_layout="ALL", padding=0.9,
            cell_fill_mode="NONE", width=width or pdf.epw, align="LEFT",
        ) as table:  # fmt: skip
            for number, values in enumerate([header, *rows]):
                row = table.row()
                self._set_font("B" if number == 0 else "", size)
                for value in values:
                    row.cell(_t(value))
        self.gap(1)


# --- rich text


def _block_runs(block: Block) -> list[Run]:
    runs = []
    for span in block.spans:
        style = ("B" if span.bold else "") + ("I" if span.italic else "")
        colour = MUTED if span.address else (ACCENT if span.href else INK)
        runs.append(Run(span.text, style, colour, span.href))
    return runs


def _rich(w: _Writer, text: str, *, size: float = 9.5, indent: float = 0) -> None:
    for block in parse_markdown(text):
        runs = _block_runs(block)
        if block.kind == "item":
            depth = indent + 4 * block.depth
            if block.marker:
                w.runs([Run(block.marker + " "), *runs], size=size, indent=depth - 3.5)
            else:
                w.runs(runs, size=size, indent=depth)
        elif block.kind == "quote":
            w.runs(runs, size=size, indent=indent + 4)
        elif block.kind == "code":
            w.runs(runs, size=size * 0.92, indent=indent + 2, background=SOFT)
        elif block.kind == "heading":
            w.runs([Run(r.text, "B", r.colour, r.link) for r in runs], size=size, indent=indent)
        else:
            w.runs(runs, size=size, indent=indent)
        w.gap(0.8)


# --- the report's parts


def _masthead(w: _Writer, report: Report) -> None:
    pdf = w.pdf
    org = report.organisation
    top = pdf.y
    x = pdf.l_margin
    if org.logo:
        try:
            info = pdf.image(io.BytesIO(org.logo), x=x, y=top, h=12, keep_aspect_ratio=True)
            x += float(getattr(info, "rendered_width", 0) or 24) + 3
        except Exception:
            pass
    if org.name:
        pdf.set_xy(x, top + 3.5)
        w._set_font("B", 11)
        pdf.set_text_color(*INK)
        name = _fit(pdf, _t(org.name), pdf.epw - (x - pdf.l_margin) - 45)
        pdf.text(x, top + 7.5, name)
        if org.url:
            pdf.link(x, top + 3, pdf.get_string_width(name), 6, org.url)
    w._set_font("", 7.5)
    pdf.set_text_color(*MUTED)
    kind = "CLAIM REVIEW REPORT"
    pdf.text(pdf.l_margin + pdf.epw - pdf.get_string_width(kind), top + 7.5, kind)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, top + 14, pdf.l_margin + pdf.epw, top + 14)
    pdf.set_xy(pdf.l_margin, top + 18)
    pdf.set_text_color(*INK)


def _details(w: _Writer, report: Report) -> None:
    for name, value in report.details:
        link = http_url(value) if name == "Source" else None
        w.runs(
            [Run(f"{name}  ", "", MUTED), Run(_t(value), "", ACCENT if link else INK, link)],
            size=9,
        )


def _summary(w: _Writer, report: Report) -> None:
    s = report.summary
    w.heading("Summary")
    w.text(s.headline, size=11, style="B")
    w.gap(2)
    if report.article.key_takeaways:
        w.keep(30)
        pdf = w.pdf
        top = pdf.y
        w.text("Key takeaways", size=10.5, style="B", indent=4)
        w.gap(1)
        _rich(w, report.article.key_takeaways, size=9.5, indent=4)
        if pdf.page_no() and pdf.y > top:  # the accent rule beside them (on this page)
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(1)
            pdf.line(pdf.l_margin + 0.5, top, pdf.l_margin + 0.5, pdf.y)
        w.gap(3)
    if s.chart:
        w.keep(8 + 6 * len(s.chart))
        w.text("Verdicts", size=10.5, style="B")
        w.gap(1)
        _chart(w, report)
        w.gap(2)
    if s.by_certainty:
        w.keep(30)
        w.text("Evidence certainty", size=10.5, style="B")
        w.gap(1)
        w.table(("Certainty", "Claims"), [(label, str(n)) for label, n in s.by_certainty],
                size=8.5, widths=(3, 1), width=70)  # fmt: skip
        w.gap(2)
    w.keep(20)
    w.text("Needs correction first", size=10.5, style="B")
    w.gap(1)
    if not s.needs_correction:
        w.text("No claim was found inaccurate or misleading.")
    for f in s.needs_correction:
        w.keep(12)
        w.pdf.set_x(w.pdf.l_margin)
        width = w.label(f.label, f.colours)
        flag = " (provisional)" if f.provisional else ""
        w.runs(
            [Run(f"Claim {f.ordinal}{flag}: ", "B", link=_anchor(w, f)), Run(f"“{_t(f.text)}”")],
            indent=width + 2,
        )
        w.gap(1.5)


def _chart(w: _Writer, report: Report) -> None:
    """The verdict counts as bars, each with its label (colour and name) and its figure."""
    pdf = w.pdf
    bars = report.summary.chart
    label_width = max(w._width(b.label, "B", 8) for b in bars) + 5
    top = max(b.count for b in bars)
    bar_space = 70.0
    for bar in bars:
        y = pdf.y
        pdf.set_x(pdf.l_margin)
        w.label(bar.label, bar.colours)
        length = max(1.0, bar_space * bar.count / top)
        pdf.set_fill_color(*_rgb(bar.colours[0]))
        pdf.rect(pdf.l_margin + label_width, y + 0.6, length, 3.2, style="F")
        w._set_font("B", 9)
        pdf.set_text_color(*INK)
        pdf.text(pdf.l_margin + label_width + bar_space + 3, y + 3.5, str(bar.count))
        pdf.set_xy(pdf.l_margin, y + 5.6)


def _anchor(w: _Writer, f: Finding) -> int:
    """An internal link to a claim's card (its place is set when the card is drawn)."""
    if f.anchor not in w.links:
        w.links[f.anchor] = w.pdf.add_link()
    return w.links[f.anchor]


def _card(w: _Writer, report: Report, f: Finding) -> None:
    pdf = w.pdf
    w.keep(32 if f.status != "unreviewed" else 22)
    w.gap(2)
    pdf.set_link(_anchor(w, f), y=pdf.y, page=pdf.page_no())
    pdf.start_section(f"Claim {f.ordinal}: {f.label}", level=1)
    top = pdf.y
    # The card's head: a band with the claim's number, its verdict label and its certainty.
    pdf.set_fill_color(*SOFT)
    pdf.rect(pdf.l_margin, top, pdf.epw, 7, style="F")
    w._set_font("B", 10)
    pdf.set_text_color(*INK)
    title = f"Claim {f.ordinal}"
    pdf.text(pdf.l_margin + 2, top + 4.7, title)
    pdf.set_xy(pdf.l_margin + 4 + w._width(title, "B", 10), top + 1.6)
    w.label(f.label, f.colours)
    certainty = f"Certainty: {f.certainty_text}" if f.certainty_label else "Certainty: not rated"
    w._set_font("", 8.5)
    pdf.text(pdf.l_margin + pdf.epw - 2 - w._width(certainty, "", 8.5), top + 4.7, certainty)
    pdf.set_xy(pdf.l_margin, top + 8.5)
    if f.section:
        w.text(f.section, size=8.5, colour=MUTED, indent=2)
    # The claim, quoted, with its cues of overclaiming marked.
    quote = [Run("“")]
    for text, cue in f.pieces():
        if cue is None:
            quote.append(Run(text))
        else:
            quote.append(Run(text, "B", CUE_INK, highlight=CUE_BACKGROUND))
    quote.append(Run("”"))
    w.gap(0.8)
    w.runs(quote, size=10, indent=4, right=2)
    if f.cue_marks:
        w.text("Marked, cues of overclaiming: " + "; ".join(f.cue_labels) + ".", size=7.5,
               colour=MUTED, indent=4)  # fmt: skip
    w.gap(1)
    if f.status != "unreviewed":
        standing_colour = (138, 75, 0) if f.status in ("provisional", "disagreement") else INK
        w.text(f.standing + ".", size=8.5, style="I", colour=standing_colour, indent=2)
        w.gap(0.8)
    for r in f.rationales:
        w.text(f"{r.heading}:", size=9, style="B", indent=2)
        _rich(w, r.text, size=9.5, indent=2)
    if f.citations:
        w.text("Sources", size=9, style="B", indent=2)
        for c in f.citations:
            title = f" {_t(c.title)}" if c.title else ""
            flags = [Run(f" [{flag}]", "B", FLAG_INK) for flag in c.flags]
            w.runs([Run(f"[{c.number}] ", "", ACCENT), Run(c.stance_text, "B"), Run(f".{title}"),
                    *flags], size=9, indent=5)  # fmt: skip
        w.gap(0.8)
    if f.evidence_profiles and report.options.evidence_profiles:
        w.keep(22)
        w.text("Evidence profile (GRADE)", size=8.5, style="B", indent=2)
        w.table(PROFILE_COLUMNS, [(p.by, *p.cells) for p in f.evidence_profiles], size=6.5,
                widths=(11, 13, 12, 14, 13, 13, 12, 10, 14))  # fmt: skip
        for p in f.evidence_profiles:
            for note in p.footnotes:
                w.text(f"{_t(p.by)}, {_t(note)}", size=7, colour=MUTED, indent=4)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.y + 1.2, pdf.l_margin + pdf.epw, pdf.y + 1.2)
    w.gap(2.5)


def _references(w: _Writer, report: Report) -> None:
    w.heading("References")
    if not report.bibliography:
        w.text("No sources cited.")
    for entry in report.bibliography:
        runs = [Run(f"{entry.number}. ", "B"), Run(_t(entry.vancouver), link=entry.link)]
        runs += [Run(f" [{flag}]", "B", FLAG_INK) for flag in entry.flags]
        if entry.study_design:
            runs.append(Run(f" ({entry.study_design})", "I", MUTED))
        w.runs(runs, size=9, indent=0)
        w.gap(1.2)


def _method(w: _Writer, report: Report) -> None:
    m = report.method
    if m is None:
        return
    w.heading("Method")
    w.heading("Review", level=1, size=10.5)
    for line in m.review:
        w.text(line)
        w.gap(0.8)
    w.heading("Agreement between reviewers", level=1, size=10.5)
    for name, text in m.agreement:
        w.runs([Run(f"{name}: ", "B"), Run(text)])
        w.gap(0.8)
    w.heading("How disagreements were settled", level=1, size=10.5)
    for line in m.settled:
        w.text(line)
        w.gap(0.8)
    w.heading("Scales", level=1, size=10.5)
    w.table(("Verdict", "Meaning"), [(r.label, r.description) for r in m.verdict_scale],
            size=8, widths=(1, 3))  # fmt: skip
    w.gap(2)
    w.table(
        ("Certainty (GRADE)", "Symbols", "Meaning"),
        [(r.label, r.symbols, r.description) for r in m.certainty_scale],
        size=8,
        widths=(2, 1.2, 5),
    )


def _others(w: _Writer, report: Report) -> None:
    others = report.other_findings
    if not others:
        return
    w.heading("Sentences not checked")
    for f in others:
        kind = f" ({f.kind})" if f.kind else ""
        w.runs([Run(f"{f.ordinal}. ", "B"), Run(_t(f.text)), Run(kind, "I", MUTED)], size=9)
        w.gap(0.6)


def _annotated(w: _Writer, report: Report) -> None:
    if not report.options.annotated_article:
        return
    w.heading("The article, annotated")
    text = report.article.text
    runs: list[Run] = []
    cursor = 0
    for f in sorted(report.checkable_findings, key=lambda f: (f.start, f.ordinal)):
        if not cursor <= f.start < f.end <= len(text):
            continue
        runs.append(Run(text[cursor : f.start]))
        runs.append(Run(text[f.start : f.end], highlight=(221, 244, 255)))
        runs.append(Run(f" [{f.ordinal}: {f.label}]", "B", _rgb(f.colours[0]), _anchor(w, f)))
        cursor = f.end
    runs.append(Run(text[cursor:]))
    w.runs(runs, size=9.5)


def to_pdf(report: Report, *, font_path: str | Path | None = None) -> bytes:
    """The whole report as PDF bytes. ``font_path``: a Unicode TTF to use instead of DejaVu."""
    if font_path is not None:
        if not Path(font_path).is_file():
            raise ClaimreviewError(f"PDF font not found: {font_path}")
        fonts = {style: Path(font_path) for style in FONT_FILES}
    else:
        fonts = find_font()
    w = _Writer(fonts)
    pdf = w.pdf
    a = report.article
    pdf.set_title(_t(report.title))
    if report.organisation.name:
        pdf.set_author(_t(report.organisation.name))
    pdf.set_creator("claimreview")
    pdf.running_title = _t(report.title)
    pdf.running_org = _t(report.organisation.name or "")
    moment = readable_moment(report.generated_at)
    pdf.generated = f"Generated {moment}" if moment else ""
    _masthead(w, report)
    pdf.start_section(_t(a.title), level=0)
    w.text(a.title, size=18, style="B")
    w.gap(2)
    _details(w, report)
    _summary(w, report)
    w.heading("Claims")
    if not report.checkable_findings:
        w.text("No checkable claims.")
    for f in report.checkable_findings:
        _card(w, report, f)
    _references(w, report)
    _method(w, report)
    _others(w, report)
    _annotated(w, report)
    return bytes(pdf.output())
