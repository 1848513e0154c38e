"""The report as a PDF (claims.reports.pdf)."""

from __future__ import annotations

import io

import pytest
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
