"""The report as rows and CSV (claims.reports.tabular)."""

from __future__ import annotations

import csv
import io

from claims.reports import build_report, formula_safe, rows, to_csv
from claims.reports.tabular import COLUMNS
from tests.claims.test_reports_model import CLAIM_1, FORMULA, make_bundle


def test_formula_safe():
    for start in ("=", "+", "-", "@", "\t", "\r", "\n"):
        assert formula_safe(f"{start}1+1") == f"'{start}1+1"
    assert formula_safe("plain") == "plain"
    assert formula_safe("") == ""
    assert formula_safe(3) == 3
    assert formula_safe(None) is None


def test_rows_one_per_claim():
    table = rows(build_report(make_bundle()))
    assert [r["ordinal"] for r in table] == [1, 2, 3, 4]
    assert all(isinstance(r["ordinal"], int) for r in table)
    assert [r["status"] for r in table] == ["unreviewed", "decided", "provisional", "disagreement"]
    assert [r["checkable"] for r in table] == ["no", "yes", "yes", "yes"]
    assert table[1]["verdict"] == "Misleading" and table[1]["certainty"] == "Low"
    assert table[1]["claim"] == "'" + CLAIM_1
    assert table[1]["rationale"].startswith(f"Editor: {FORMULA}")
    assert table[1]["cues"] == "Cure or breakthrough talk: cure"
    assert " | " in table[2]["citations"]
    assert table[2]["citations"].startswith("[2] Okafor AN")


def test_rows_unsafe_keeps_raw_text():
    table = rows(build_report(make_bundle()), safe=False)
    assert table[1]["claim"] == CLAIM_1


def test_csv_cells_are_formula_safe():
    text = to_csv(build_report(make_bundle()))
    read = list(csv.DictReader(io.StringIO(text)))
    assert list(read[0].keys()) == list(COLUMNS)
    assert len(read) == 4
    for row in read:
        for column, value in row.items():
            if column == "ordinal":
                assert value.isdigit()
            else:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), value
    assert read[1]["claim"] == "'" + CLAIM_1
    assert read[0]["ordinal"] == "1"


def test_rationale_starting_with_formula_is_prefixed():
    bundle = make_bundle()
    bundle["claims"][0]["reviews"][0]["rationale"] = "=1+1"  # claim 4, bob
    bundle["claims"][0]["reviews"][0]["reviewer"] = "=cmd"
    table = rows(build_report(bundle))
    assert table[3]["rationale"].startswith("'=cmd: =1+1")
