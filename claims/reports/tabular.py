"""The report as rows: one per claim, for CSV (and any spreadsheet writer).

Spreadsheet programs run a cell whose text begins with ``=``, ``+``, ``-``, ``@``, tab, CR or LF
as a formula. ``rows`` passes every free-text column through ``formula_safe`` (a leading ``'``);
numbers (the ordinal) stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from claims.reports.model import Finding, Report

__all__ = ["COLUMNS", "FREE_TEXT_COLUMNS", "formula_safe", "rows", "to_csv"]

COLUMNS = (
    "ordinal",
    "section",
    "claim",
    "checkable",
    "verdict",
    "certainty",
    "status",
    "rationale",
    "citations",
    "cues",
)
FREE_TEXT_COLUMNS = frozenset(COLUMNS) - {"ordinal"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def formula_safe(text: Any) -> Any:
    """Text that a spreadsheet shows as text: a leading ``'`` when it would start a formula.
    Anything that is not a string (numbers, None) is returned unchanged."""
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _rationale(f: Finding) -> str:
    return " | ".join(f"{r.by}: {r.text}" for r in f.rationales)


def _citations(f: Finding) -> str:
    return " | ".join(f"[{c.number}] {c.vancouver}" for c in f.citations)


def _row(f: Finding) -> dict[str, Any]:
    return {
        "ordinal": f.ordinal,
        "section": f.section or "",
        "claim": f.text,
        "checkable": "yes" if f.checkable else "no",
        "verdict": f.verdict_label or "",
        "certainty": f.certainty_label or "",
        "status": f.status,
        "rationale": _rationale(f),
        "citations": _citations(f),
        "cues": "; ".join(f.cues),
    }


def rows(report: Report, *, safe: bool = True) -> list[dict[str, Any]]:
    """One dict per claim (every claim, in article order), keys as in ``COLUMNS``.
    With ``safe`` (the default) free-text cells are made formula-safe."""
    out = []
    for finding in report.findings:
        row = _row(finding)
        if safe:
            row = {k: formula_safe(v) if k in FREE_TEXT_COLUMNS else v for k, v in row.items()}
        out.append(row)
    return out


def to_csv(report: Report) -> str:
    """The rows as CSV text (header first; RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows(report, safe=True))
    return buffer.getvalue()
