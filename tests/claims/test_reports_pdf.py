"""The report as a PDF (claims.reports.pdf)."""

from __future__ import annotations

import functools
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from claims.errors import ClaimreviewError
from claims.reports import build_report
from claims.reports import pdf as pdf_module
from claims.reports.pdf import find_font, to_pdf
from tests.claims.test_reports_model import CLAIM_2, FORMULA, SCRIPT, make_bundle

UNICODE = "≥ 2.5 µg – Müller, café"


def _unicode_bundle() -> dict:
    bundle = make_bundle()
    two = next(c for c in bundle["claims"] if c["ordinal"] == 3)
    two["text"] = f"Take {UNICODE} daily."
    two["reviews"][0]["rationale"] = f"Dose {UNICODE} is supported."
    return bundle


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # wrapped lines joined


def test_pdf_holds_claims_verdicts_and_references():
    data = to_pdf(build_report(make_bundle()))
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert f"Claim review: Cancer news {SCRIPT}" in text
    for heading in ("Summary", "Claims", "References"):
        assert heading in text
    assert CLAIM_2 in text
    assert "Immunotherapy can cure every cancer" in text
    assert FORMULA in text  # shown literally
    assert "Verdict: Misleading" in text
    assert "Verdict: Accurate" in text
    assert "Verdict: none (reviewers disagree)" in text
    assert "Certainty: Low" in text
    assert "Provisional: reviewers agree" in text
    assert "Sources: [2] [3]" in text
    assert "[1] Contradicts" in text
    assert "2. Okafor AN, Lindqvist B. Early statin therapy after minor stroke." in text
    assert "3. Smith J." in text


def test_unicode_text_is_embedded_and_extractable():
    data = to_pdf(build_report(_unicode_bundle()))
    text = _text(data)
    assert f"Take {UNICODE} daily." in text
    assert f"Dose {UNICODE} is supported." in text
    assert b"/FontFile2" in data  # an embedded TrueType font


def test_long_words_control_characters_and_empty_report():
    bundle = make_bundle()
    bundle["claims"][2]["text"] = "x" * 400 + "\x00\x07 end\ttab"
    text = _text(to_pdf(build_report(bundle)))
    assert "end tab" in text
    empty = to_pdf(build_report({"article": {"id": 1, "title": "", "text": ""}, "claims": []}))
    text = _text(empty)
    assert "No checkable claims." in text and "No sources cited." in text


def test_missing_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "_font_dirs", lambda: [tmp_path])
    with pytest.raises(ClaimreviewError, match="DejaVu Sans"):
        find_font()
    with pytest.raises(ClaimreviewError, match="DejaVu Sans"):
        to_pdf(build_report(make_bundle()))
    with pytest.raises(ClaimreviewError, match="font not found"):
        to_pdf(build_report(make_bundle()), font_path=tmp_path / "none.ttf")


def test_explicit_font_path():
    regular, _ = find_font()
    text = _text(to_pdf(build_report(_unicode_bundle()), font_path=regular))
    assert UNICODE in text


# --- Layout: _Writer sets paragraphs as multi_cell would, without its quadratic line breaker.

NBSP = "\u00a0"
LAYOUT_TEXTS = [
    "",
    "One short line.",
    "Word " * 60,
    f"Dose {UNICODE} is supported; " * 8,
    "x" * 400 + " end",
    "y" * 300 + " " + "z" * 300,
    "many   spaces    between     words " * 12,
    "ends with spaces" + " " * 300,
    " " * 10 + "leading " * 30,
    f"5{NBSP}mg twice daily, " * 20,
    "First line\nsecond line " + "x " * 80 + "\n\n\nafter a blank line\n",
    "\n",
    "a\n",
    "hyphen\u00adation " * 40,  # soft hyphens: left to multi_cell
    "Dose 中文 twice daily " * 12,  # no glyph in DejaVu Sans: wrapped text left to multi_cell
]


def _writer():
    return pdf_module._Writer(*find_font())


@functools.cache
def _shared_writer():
    """One writer for measuring only (loading the font for each example would be slow)."""
    return _writer()


def _multi_cell_lines(text, size=10, bold=False, indent=0):
    pdf = _shared_writer().pdf
    pdf.set_font(pdf_module.FAMILY, "B" if bold else "", size)
    return pdf.multi_cell(pdf.epw - indent, size * 0.5, text, dry_run=True, output="LINES")


def _our_lines(text, size=10, bold=False, indent=0):
    w = _shared_writer()
    style = "B" if bold else ""
    w._set_font(style, size)
    max_width = w.pdf.epw - indent - 2 * w.pdf.c_margin
    return w._lines(text, style, size, max_width)


@pytest.mark.parametrize("text", LAYOUT_TEXTS)
@pytest.mark.parametrize(
    ("size", "bold", "indent"), [(10, False, 0), (10, False, 6), (13, True, 0)]
)
def test_lines_break_where_multi_cell_breaks_them(text, size, bold, indent):
    lines = _our_lines(text, size, bold, indent)
    if lines is None:  # set by multi_cell itself
        assert "\u00ad" in text or "中" in text
        return
    ours = [line.text for line in lines] or [""]  # multi_cell sets one empty line for ""
    assert ours == _multi_cell_lines(text, size, bold, indent)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["a", "word", "longerword", "x" * 40, " ", "  ", "\n", NBSP, "≥", "µg", ","]
        ),
        max_size=200,
    )
)
def test_line_breaking_matches_multi_cell_on_any_text(pieces):
    text = "".join(pieces)
    ours = [line.text for line in _our_lines(text)] or [""]
    assert ours == _multi_cell_lines(text)


def _place(text, *, via_multi_cell, start_y=None, **style):
    """Set ``text`` at ``start_y`` with _Writer.text or plain multi_cell; (page, y, text)."""
    w = _writer()
    pdf = w.pdf
    if start_y is not None:
        pdf.set_y(start_y)
    if via_multi_cell:
        size, indent = style.get("size", 10), style.get("indent", 0)
        pdf.set_font(pdf_module.FAMILY, "B" if style.get("bold") else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    else:
        w.text(text, **style)
    page, y = pdf.page, pdf.y
    return page, y, _text(bytes(pdf.output()))


@pytest.mark.parametrize("text", LAYOUT_TEXTS)
@pytest.mark.parametrize("start_y", [None, 270.0])  # 270 mm: the paragraph runs onto page 2
def test_paragraphs_take_the_place_multi_cell_gives_them(text, start_y):
    ours = _place(text, via_multi_cell=False, start_y=start_y, indent=6)
    theirs = _place(text, via_multi_cell=True, start_y=start_y, indent=6)
    assert ours[0] == theirs[0]  # same page
    assert ours[1] == pytest.approx(theirs[1])  # same height
    assert ours[2] == theirs[2]  # same text


@pytest.mark.parametrize(
    "text",
    [
        "Statins lower the risk of a second stroke. " * 6,
        f"Take 5{NBSP}mg twice daily with food, " * 11,  # no-break spaces widen too
    ],
)
def test_wrapped_lines_are_justified_and_the_last_line_is_not(text):
    w = _writer()
    w.text(text)
    pdf = w.pdf
    pdf.set_font(pdf_module.FAMILY, "", 10)
    right_edge = (pdf.w - pdf.r_margin - pdf.c_margin) * pdf.k  # in points
    chunks: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            chunks.append((round(tm[5], 2), tm[4], text))

    page = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]
    page.extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in chunks:
        lines.setdefault(y, []).append((x, text))
    assert len(lines) >= 3
    ends = []
    for y in sorted(lines, reverse=True):  # top line first
        x, text = max(lines[y])
        ends.append(x + pdf.get_string_width(text) * pdf.k)
    for end in ends[:-1]:
        assert end == pytest.approx(right_edge, abs=0.05)
    assert ends[-1] < right_edge - 10


def test_plain_paragraphs_do_not_use_multi_cell(monkeypatch):
    """multi_cell's line breaker is quadratic in the line length: a report of many claims
    took seconds. Only text it alone sets right (soft hyphens) may still go through it."""
    calls = []
    original = pdf_module.FPDF.multi_cell

    def counting(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pdf_module.FPDF, "multi_cell", counting)
    bundle = _unicode_bundle()
    bundle["claims"][2]["text"] = "A long claim that wraps. " * 20 + "\nNew line."
    to_pdf(build_report(bundle))
    assert calls == []


def test_wrapped_text_with_a_character_the_font_lacks_is_left_to_multi_cell():
    """multi_cell measures such a character but writes nothing for it, so the words after it
    on a justified line sit where only multi_cell itself would put them."""
    assert _our_lines("Dose 中文 twice daily " * 12) is None
    assert _our_lines("Dose 中文 twice daily") is not None  # one line: written alike
