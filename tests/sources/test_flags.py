"""The flags a reviewer sees on a source, from real records and from the trial-results rule."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from claims.sources.crossref import parse_work
from claims.sources.ctgov import parse_study
from claims.sources.europepmc import parse_search
from claims.sources.flags import Flag, flags
from claims.sources.pubmed import parse_efetch
from claims.sources.records import (
    CORRECTION,
    EXPRESSION_OF_CONCERN,
    RETRACTION,
    Notice,
    SourceRecord,
)

DATA = Path(__file__).parent / "data"
WAKEFIELD = "pubmed-9500320-20137807-wakefield-and-retraction.xml"
TRIAL = "ctgov-NCT05013879-randomised-no-results.json"  # completed 2023-11-24, no results


def codes(record: SourceRecord, **kwargs) -> list[str]:
    return [flag.code for flag in flags(record, **kwargs)]


def trial(**changes) -> SourceRecord:
    return replace(parse_study((DATA / TRIAL).read_bytes()), **changes)


def test_the_wakefield_paper_in_pubmed_is_flagged_retracted_by_its_notice():
    paper = parse_efetch((DATA / WAKEFIELD).read_bytes())["9500320"]
    assert flags(paper) == (Flag("retracted", "Retracted", "Retraction notice: PMID 20137807."),)


def test_the_wakefield_paper_in_crossref_is_retracted_and_corrected_with_dates():
    paper = parse_work((DATA / "crossref-wakefield-retracted.json").read_bytes())
    found = flags(paper)
    assert [f.code for f in found] == ["retracted", "corrected"]
    assert found[0].detail == "Retraction notice: doi:10.1016/s0140-6736(10)60175-4 (2010-02-06)."
    assert found[1].label == "Corrected"
    assert found[1].detail == "Correction: doi:10.1016/s0140-6736(04)15715-2 (2004-03-06)."


def test_the_retraction_notice_is_flagged_as_a_notice_not_as_retracted():
    notice = parse_efetch((DATA / WAKEFIELD).read_bytes())["20137807"]
    (flag,) = flags(notice)
    assert flag.code == "retraction_notice"
    assert flag.label == "Retraction notice (not a study)"
    assert "retracts PMID 9500320" in flag.detail


def test_a_retraction_without_a_named_notice_says_who_marks_it():
    paper = SourceRecord("pmid", "1", "pubmed", notices=(Notice(RETRACTION),))
    assert flags(paper)[0].detail == "PubMed marks it retracted without naming the notice."


def test_an_expression_of_concern_and_several_corrections():
    paper = SourceRecord(
        "pmid",
        "1",
        "pubmed",
        notices=(
            Notice(CORRECTION, "PMID 3"),
            Notice(EXPRESSION_OF_CONCERN, "PMID 2"),
            Notice(CORRECTION, "PMID 4"),
        ),
    )
    found = flags(paper)
    assert [(f.code, f.label) for f in found] == [
        ("expression_of_concern", "Expression of concern"),
        ("corrected", "Corrected"),
    ]
    assert found[1].detail == "Corrections: PMID 3; PMID 4."


def test_a_preprint_names_its_server_and_its_published_version():
    preprint = parse_work((DATA / "crossref-zhou-biorxiv-preprint.json").read_bytes())
    assert flags(preprint) == (
        Flag(
            "preprint",
            "Preprint (not peer reviewed)",
            "Posted on bioRxiv; not peer reviewed. "
            "A published version exists: doi:10.1038/s41586-020-2012-7.",
        ),
    )
    (from_europe_pmc,) = parse_search((DATA / "europepmc-zhou-preprint.json").read_bytes())
    assert flags(from_europe_pmc)[0].detail.endswith("exists: PMID 32015507.")


def test_a_sound_trial_report_has_no_flags():
    paper = parse_efetch((DATA / "pubmed-32970396-dapa-ckd-rct.xml").read_bytes())["32970396"]
    assert flags(paper) == ()


def test_a_completed_trial_without_results_after_twelve_months():
    (flag,) = flags(trial(), today=date(2025, 6, 1))
    assert (flag.code, flag.label) == ("no_results_posted", "No results posted")
    assert flag.detail.startswith("Completed 2023-11-24; no results posted on ClinicalTrials.gov")
    assert "FDAAA 801 requires results within 12 months of primary completion" in flag.detail
    assert "names no FDA-regulated drug or device" in flag.detail


@pytest.mark.parametrize(
    ("completion", "today", "flagged"),
    [
        ("2023-11-24", date(2024, 11, 24), False),  # twelve months to the day: not yet late
        ("2023-11-24", date(2024, 11, 25), True),
        ("2023-11", date(2024, 11, 30), False),  # a month-only date counts from its last day
        ("2023-11", date(2024, 12, 1), True),
        ("2024-02-29", date(2025, 2, 28), False),
        ("2024-02-29", date(2025, 3, 1), True),
        ("", date(2030, 1, 1), False),
        ("unknown", date(2030, 1, 1), False),
    ],
)
def test_the_twelve_month_deadline(completion, today, flagged):
    record = trial(completion_date=completion)
    assert ("no_results_posted" in codes(record, today=today)) is flagged


@pytest.mark.parametrize(
    "changes",
    [
        {"has_results": True},
        {"has_results": None},  # the reply did not say
        {"overall_status": "RECRUITING"},
        {"overall_status": "TERMINATED"},
    ],
)
def test_no_results_flag_only_for_completed_trials_known_to_lack_results(changes):
    assert codes(trial(**changes), today=date(2030, 1, 1)) == []


def test_when_fda_regulation_is_unknown_the_detail_does_not_excuse_the_trial():
    body = json.loads((DATA / "ctgov-NCT04619758-sparse.json").read_bytes())
    (flag,) = flags(parse_study(body), today=date(2020, 1, 1))
    assert flag.detail.startswith("Completed 2018-06-30")
    assert "may not bind" not in flag.detail


def test_today_defaults_to_the_current_date():
    assert codes(trial()) == ["no_results_posted"]  # completed in 2023, no results


def test_flags_come_gravest_first():
    record = SourceRecord(
        "doi",
        "10.1/x",
        "crossref",
        is_preprint=True,
        notices=(Notice(CORRECTION, "doi:10.1/c"), Notice(RETRACTION, "doi:10.1/r")),
    )
    assert codes(record) == ["retracted", "corrected", "preprint"]
