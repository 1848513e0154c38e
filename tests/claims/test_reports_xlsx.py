"""The report as an XLSX workbook (claims.reports.xlsx)."""

from __future__ import annotations

import io

import openpyxl

from claims.reports import build_report
from claims.reports.tabular import COLUMNS
from claims.reports.xlsx import to_xlsx
from tests.claims.test_reports_model import CLAIM_2, FORMULA, make_bundle


def _workbook(bundle=None):
    data = to_xlsx(build_report(bundle or make_bundle()))
    return openpyxl.load_workbook(io.BytesIO(data))


def _cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_sheets_and_claim_rows():
    wb = _workbook()
    assert wb.sheetnames == ["Claims", "Summary", "Bibliography"]
    ws = wb["Claims"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 5  # header + 4 claims (the heading too)
    ordinals = [ws.cell(row=r, column=1).value for r in range(2, 6)]
    assert ordinals == [1, 2, 3, 4]  # numbers stay numbers
    claim_col = COLUMNS.index("claim") + 1
    assert ws.cell(row=4, column=claim_col).value == CLAIM_2
    assert ws.cell(row=4, column=claim_col).alignment.wrap_text
    verdicts = [ws.cell(row=r, column=COLUMNS.index("verdict") + 1).value for r in range(2, 6)]
    assert verdicts[1:3] == ["Misleading", "Accurate"]
    citations = ws.cell(row=3, column=COLUMNS.index("citations") + 1).value
    assert citations.startswith("[1] ")
    assert ws.column_dimensions["C"].width == 60


def test_no_formulas_and_hostile_text_is_inert():
    wb = _workbook()
    cells = list(_cells(wb))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    strings = [c.value for c in cells if isinstance(c.value, str)]
    assert not [s for s in strings if s.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))]
    # the hostile =HYPERLINK(...) claim and note survive as visible, prefixed text
    claim = wb["Claims"].cell(row=3, column=COLUMNS.index("claim") + 1).value
    assert claim.startswith("'" + FORMULA)
    rationale = wb["Claims"].cell(row=3, column=COLUMNS.index("rationale") + 1).value
    assert f"Editor: {FORMULA} settled" in rationale
    # a source title starting with "=" also stays text (formula-safe even mid-sheet)
    bib = [c.value for c in wb["Bibliography"]["B"]]
    assert any("HYPERLINK" in str(v) for v in bib)


def test_formula_leading_everywhere_is_text():
    bundle = make_bundle()
    bundle["claims"][2]["section"] = "=1+1"
    bundle["citations"][2]["authors"] = None
    bundle["citations"][2]["title"] = "@SUM(A1)"
    bundle["article"]["title"] = "-2+3"
    bundle["claims"][2]["text"] = "\x01=cmd|' /C calc'!A0"
    wb = _workbook(bundle)
    cells = list(_cells(wb))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'=1+1" in values
    assert "'-2+3" in values
    assert "'=cmd|' /C calc'!A0" in values  # control character dropped, then made safe


def test_summary_and_bibliography():
    wb = _workbook()
    summary = {row[0].value: row[1].value for row in wb["Summary"].iter_rows() if row[0].value}
    assert summary["Checkable claims"] == 3
    assert summary["Misleading"] == 1 and summary["Accurate"] == 1
    assert summary["Low"] == 1 and summary["High"] == 1 and summary["Not rated"] == 1
    assert summary["Reviewers disagree"] == 1
    assert summary["Reviewers"] == "alice, bob, carol"
    assert summary["Article"].startswith("Cancer news")
    bib = wb["Bibliography"]
    assert [c.value for c in bib[1]] == ["number", "reference", "study design", "url"]
    assert [bib.cell(row=r, column=1).value for r in range(2, 5)] == [1, 2, 3]
    assert bib.cell(row=3, column=2).value.startswith("Okafor AN, Lindqvist B.")
    assert bib.cell(row=3, column=3).value == "Randomised trial"


def test_empty_report():
    wb = _workbook({"article": {"id": 1, "title": "", "text": ""}, "claims": []})
    assert wb["Claims"].max_row == 1
    assert wb["Bibliography"].max_row == 1
