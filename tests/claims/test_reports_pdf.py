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
    assert f"Cancer news {SCRIPT}" in text
    for heading in ("Summary", "Needs correction first", "Claims", "References", "Method"):
        assert heading in text
    assert CLAIM_2 in text
    assert "Immunotherapy can cure every cancer" in text
    assert FORMULA in text  # shown literally
    assert "Claim 2 Misleading Certainty: Low ⊕⊕◯◯" in text
    assert "Claim 3 Accurate Certainty: High ⊕⊕⊕⊕" in text
    assert "Claim 4 Reviewers disagree Certainty: not rated" in text
    assert "Provisional: the reviewers agree" in text
    assert "Editor's decision: Reviewer error." in text
    assert "[1] Contradicts." in text
    assert "2. Okafor AN, Lindqvist B. Early statin therapy after minor stroke." in text
    assert "3. Smith J." in text
    assert "Published 30 April 2024" in text


def test_pages_are_numbered_with_a_running_header_and_bookmarks():
    bundle = make_bundle()
    for claim in bundle["claims"]:  # a long report: several pages
        claim["text"] = claim["text"] + " " + "More words of the claim. " * 60
    reader = PdfReader(io.BytesIO(to_pdf(build_report(bundle))))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert all("Claim review: Cancer news" in page for page in pages[1:])
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary" in outline and "Claims" in outline and "References" in outline
    claims = next(item for item in reader.outline if isinstance(item, list))
    assert [c.title for c in claims][:3] == [
        "Claim 2: Misleading",
        "Claim 3: Accurate",
        "Claim 4: Reviewers disagree",
    ]


def test_rationale_markdown_is_rendered_not_printed():
    bundle = make_bundle()
    bundle["claims"][0]["reviews"][1]["rationale"] = (
        "**Per the trial**, see [NEJM](https://www.nejm.org/x).\n\n- one\n- two"
    )
    data = to_pdf(build_report(bundle))
    text = _text(data)
    assert "Per the trial, see NEJM (https://www.nejm.org/x)." in text
    assert "• one • two" in text
    assert "**Per" not in text and "[NEJM]" not in text
    assert b"/URI (https://www.nejm.org/x)" in data  # a link a reader can follow


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
    regular = find_font()[""]
    text = _text(to_pdf(build_report(_unicode_bundle()), font_path=regular))
    assert UNICODE in text


# --- Layout: _Writer breaks styled runs into lines itself (fpdf2's breakers are quadratic).


@functools.cache
def _writer():
    """One writer for measuring only (loading the fonts for each example would be slow)."""
    return pdf_module._Writer(find_font())


def _line_texts(lines) -> list[str]:
    return ["".join(text for _run, text, _width in line) for line in lines]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.sampled_from("ab cde≥µ–\n\u00e9W"), max_size=120),
            st.sampled_from(["", "B", "I", "BI"]),
        ),
        max_size=6,
    ),
    st.floats(min_value=20, max_value=170),
)
def test_no_line_is_wider_than_its_space_and_no_word_is_lost(pieces, width):
    w = _writer()
    runs = [pdf_module.Run(text, style) for text, style in pieces]
    lines = w._lines(runs, 9.5, width)
    for line in lines:
        shown = list(line)
        if shown:  # trailing spaces are not drawn
            run, text, _ = shown[-1]
            shown[-1] = (run, text.rstrip(" "), 0)
        drawn = sum(w._width(text, run.style, 9.5) for run, text, _ in shown)
        assert drawn <= width + 1e-6
    words = " ".join(text for text, _ in pieces).split()
    joined = "".join(_line_texts(lines))
    # Every character but the spaces that ended a line is drawn, in order.
    assert joined.replace(" ", "").replace("\n", "") == "".join(words).replace(" ", "")


def test_lines_break_at_spaces_and_keep_a_word_whole_across_styles():
    w = _writer()
    runs = [pdf_module.Run("no trial shows a "), pdf_module.Run("cure", "I"), pdf_module.Run(".")]
    width = w._width("no trial shows a cure", "", 9.5) + 0.5  # "." does not fit
    assert _line_texts(w._lines(runs, 9.5, width)) == ["no trial shows a ", "cure."]
    long = [pdf_module.Run("x" * 300 + " end")]
    lines = _line_texts(w._lines(long, 9.5, 50))
    assert len(lines) > 2 and lines[-1].endswith("end")
    assert _line_texts(w._lines([pdf_module.Run("one\ntwo")], 9.5, 100)) == ["one", "two"]


def test_the_parts_an_editor_adds_are_printed():
    from claims.reports.model import ReportOptions

    options = ReportOptions(non_checkable=True, annotated_article=True, method=False)
    text = _text(to_pdf(build_report(make_bundle(), options=options)))
    assert "Sentences not checked" in text and "1. Immunotherapy today (heading)" in text
    assert "The article, annotated" in text and "[2: Misleading]" in text
    assert "Agreement between reviewers" not in text
