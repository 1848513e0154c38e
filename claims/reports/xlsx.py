"""The report as an Excel workbook (XLSX, written with openpyxl).

Three sheets: "Claims" (one row per claim, the columns of ``claims.reports.tabular.rows``),
"Summary" (article details and the counts by status, verdict and certainty) and
"Bibliography" (the numbered sources).

Every user string is text, never a formula: characters XML cannot hold are dropped, text that a
spreadsheet would run as a formula gets a leading ``'`` (``formula_safe``), and every string cell
is stored with the string data type, so openpyxl never writes it as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from claims.reports.model import Report
from claims.reports.tabular import COLUMNS, FREE_TEXT_COLUMNS, formula_safe, rows

__all__ = ["to_xlsx"]

MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
WIDTHS = {
    "ordinal": 8,
    "section": 20,
    "claim": 60,
    "checkable": 10,
    "verdict": 14,
    "certainty": 14,
    "status": 13,
    "rationale": 60,
    "citations": 50,
    "cues": 30,
}
WRAPPED = frozenset({"section", "claim", "rationale", "citations", "cues"})
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _text(value: Any) -> str:
    """User text as a safe string cell value: XML-legal, within Excel's limit, formula-safe."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_CHARS]
    return formula_safe(text)


def _put(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False):
    """Write one cell; strings always as text (data type "s"), numbers as numbers."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        cell.value = _text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    if bold:
        cell.font = BOLD
    return cell


def _header(ws: Worksheet, names: tuple[str, ...] | list[str]) -> None:
    for col, name in enumerate(names, start=1):
        _put(ws, 1, col, name, bold=True)
    ws.freeze_panes = "A2"


def _claims_sheet(ws: Worksheet, report: Report) -> None:
    _header(ws, COLUMNS)
    for col, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = WIDTHS[name]
    for r, row in enumerate(rows(report, safe=False), start=2):
        for col, name in enumerate(COLUMNS, start=1):
            value = row[name]
            if name not in FREE_TEXT_COLUMNS:
                cell = _put(ws, r, col, value)
            else:
                cell = _put(ws, r, col, "" if value is None else str(value))
            cell.alignment = WRAP if name in WRAPPED else TOP
    if report.findings:
        ws.auto_filter.ref = ws.dimensions


def _summary_sheet(ws: Worksheet, report: Report) -> None:
    a, s = report.article, report.summary
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    details = [
        ("Article", a.title),
        ("Source", a.source_url),
        ("Author", a.author),
        ("Medically reviewed by (per the article)", a.medical_reviewer),
        ("Published", a.published_on),
        ("Reviewers", ", ".join(report.reviewers) or "none yet"),
        ("Last decision", report.last_decided_at),
        ("Report generated", report.generated_at),
    ]
    r = 1
    for name, value in details:
        if value:
            _put(ws, r, 1, name, bold=True)
            _put(ws, r, 2, value).alignment = WRAP
            r += 1
    r += 1
    _put(ws, r, 1, "Checkable claims", bold=True)
    _put(ws, r, 2, s.checkable_claims)
    for heading, counts in (
        ("By status", s.by_status),
        ("By verdict", s.by_verdict),
        ("By certainty", s.by_certainty),
    ):
        r += 2
        _put(ws, r, 1, heading, bold=True)
        _put(ws, r, 2, "Claims", bold=True)
        if not counts:
            r += 1
            _put(ws, r, 1, "none")
        for label, n in counts:
            r += 1
            _put(ws, r, 1, label)
            _put(ws, r, 2, n)


def _bibliography_sheet(ws: Worksheet, report: Report) -> None:
    _header(ws, ["number", "reference", "study design", "url"])
    for letter, width in zip("ABCD", (8, 90, 22, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for r, entry in enumerate(report.bibliography, start=2):
        _put(ws, r, 1, entry.number).alignment = TOP
        _put(ws, r, 2, entry.reference).alignment = WRAP
        _put(ws, r, 3, entry.study_design or "").alignment = TOP
        _put(ws, r, 4, entry.url or "").alignment = WRAP


def to_xlsx(report: Report) -> bytes:
    """The workbook as XLSX bytes (sheets "Claims", "Summary", "Bibliography")."""
    wb = Workbook()
    claims = wb.active
    claims.title = "Claims"
    _claims_sheet(claims, report)
    _summary_sheet(wb.create_sheet("Summary"), report)
    _bibliography_sheet(wb.create_sheet("Bibliography"), report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
