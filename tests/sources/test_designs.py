"""Study designs suggested from what the services index: first for the real records of the
fixtures, then for the table's rows one by one."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from claims.scales import default_scales
from claims.sources.crossref import parse_work
from claims.sources.ctgov import parse_study
from claims.sources.designs import DESIGN_RULES, suggest_design
from claims.sources.europepmc import parse_search
from claims.sources.pubmed import parse_efetch
from claims.sources.records import RETRACTION, Notice, SourceRecord

DATA = Path(__file__).parent / "data"


def pubmed(name: str, pmid: str) -> SourceRecord:
    return parse_efetch((DATA / name).read_bytes())[pmid]


def crossref(name: str) -> SourceRecord:
    return parse_work((DATA / name).read_bytes())


def ctgov(name: str) -> SourceRecord:
    return parse_study((DATA / name).read_bytes())


@pytest.mark.parametrize(
    ("record", "design"),
    [
        (pubmed("pubmed-9500320-20137807-wakefield-and-retraction.xml", "9500320"), "retracted"),
        (pubmed("pubmed-9500320-20137807-wakefield-and-retraction.xml", "20137807"), None),
        (pubmed("pubmed-32970396-dapa-ckd-rct.xml", "32970396"), "rct"),
        # Observational Study + Prospective Studies outranks its Case-Control Studies heading
        (pubmed("pubmed-27797938-observational.xml", "27797938"), "cohort"),
        (pubmed("pubmed-21507618-erratum.xml", "21507618"), "case_series"),
        (pubmed("pubmed-20301340-genereviews-book.xml", "20301340"), "narrative_review"),
        (pubmed("pubmed-30108519-sparse.xml", "30108519"), None),  # "Journal Article" only
        (crossref("crossref-wakefield-retracted.json"), "retracted"),
        (crossref("crossref-zhou-biorxiv-preprint.json"), "preprint"),
        (crossref("crossref-zhou-nature-2020.json"), None),
        (parse_search((DATA / "europepmc-zhou-preprint.json").read_bytes())[0], "preprint"),
        (ctgov("ctgov-NCT05013879-randomised-no-results.json"), "rct"),
        (ctgov("ctgov-NCT07770022-observational.json"), "cohort"),
        (ctgov("ctgov-NCT04619758-sparse.json"), None),  # interventional, allocation not given
    ],
    ids=lambda value: getattr(value, "identifier", str(value)),
)
def test_the_design_suggested_for_real_records(record, design):
    assert suggest_design(record) == design


def record(types: tuple[str, ...] = (), mesh: tuple[str, ...] = (), **fields) -> SourceRecord:
    return SourceRecord(
        kind="pmid",
        identifier="1",
        service="pubmed",
        publication_types=types,
        mesh_terms=mesh,
        **fields,
    )


@pytest.mark.parametrize(
    ("types", "mesh", "design"),
    [
        (("Meta-Analysis", "Review"), (), "systematic_review"),
        (("Journal Article", "Systematic Review"), (), "systematic_review"),
        (("Practice Guideline", "Systematic Review"), (), "guideline"),
        (("Consensus Development Conference",), (), "guideline"),
        (("Clinical Trial, Phase III",), ("Humans", "Random Allocation"), "rct"),
        (("Clinical Trial, Phase III",), ("Humans",), None),  # not said to be randomised
        (("Randomized Controlled Trial",), ("Animals", "Rats"), "preclinical"),
        (("Randomized Controlled Trial",), ("Animals", "Humans"), "rct"),
        (("Journal Article",), ("Cell Line, Tumor", "Humans"), "preclinical"),
        (("Observational Study",), ("Retrospective Studies", "Humans"), "cohort"),
        (("Comparative Study",), ("Longitudinal Studies",), "cohort"),
        (("Observational Study",), ("Humans",), None),  # no cohort heading
        (("Journal Article",), ("Case-Control Studies",), "case_series"),
        (("Case Reports",), ("Humans",), "case_series"),
        (("review",), (), "narrative_review"),  # Europe PMC's lower-case type
        (("Journal Article",), ("Humans",), None),
    ],
)
def test_each_row_of_the_table(types, mesh, design):
    assert suggest_design(record(types, mesh)) == design


def test_retracted_comes_before_preprint_and_preprint_before_any_design():
    trial = ("Randomized Controlled Trial",)
    assert suggest_design(record(trial, is_preprint=True)) == "preprint"
    retracted = record(trial, is_preprint=True, notices=(Notice(RETRACTION, "PMID 2"),))
    assert suggest_design(retracted) == "retracted"


def test_randomised_only_on_clinicaltrials_gov_when_interventional():
    assert suggest_design(record(study_type="INTERVENTIONAL", allocation="RANDOMIZED")) == "rct"
    assert suggest_design(record(study_type="OBSERVATIONAL")) == "cohort"
    assert suggest_design(record(study_type="INTERVENTIONAL", allocation="NON_RANDOMIZED")) is None


def test_every_row_names_a_design_of_the_scale_and_sets_a_condition():
    codes = set(default_scales()["study_design"].codes())
    conditions = [f.name for f in fields(DESIGN_RULES[0]) if f.name not in ("design", "reason")]
    for rule in DESIGN_RULES:
        assert rule.design in codes
        assert any(getattr(rule, name) for name in conditions if name != "mesh_none"), rule
    assert {"retracted", "preprint"} <= codes
