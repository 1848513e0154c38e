"""ClinicalTrials.gov API v2 study replies read into records: real studies, trimmed
(eligibility, locations, most outcomes and references left out)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.sources.ctgov import parse_study
from claims.sources.errors import SourceFormatError

DATA = Path(__file__).parent / "data"
RANDOMISED = "ctgov-NCT05013879-randomised-no-results.json"


def reply(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_a_completed_randomised_trial_without_results():
    study = parse_study(reply(RANDOMISED))
    assert (study.kind, study.identifier, study.service) == ("nct", "NCT05013879", "ctgov")
    assert study.title == "Kinesiotape for Edema After Bilateral Total Knee Arthroplasty"
    assert study.overall_status == "COMPLETED"
    assert (study.start_date, study.completion_date) == ("2021-10-18", "2023-11-24")
    assert (study.study_type, study.allocation, study.phases) == (
        "INTERVENTIONAL",
        "RANDOMIZED",
        ("NA",),
    )
    assert study.enrollment == 65
    assert study.has_results is False
    assert study.trial_ids == ("NCT05013879",)
    assert study.year == 2021  # first posted
    assert study.mesh_terms == ("Edema",)


def test_what_a_reviewer_may_want_is_kept_in_extra():
    extra = parse_study(reply(RANDOMISED)).extra
    assert extra["official_title"].startswith("Effect of Kinesiotaping on Edema Management")
    assert extra["lead_sponsor"] == "Montefiore Medical Center"
    assert extra["primary_completion_date"] == "2023-11-24"
    assert extra["fda_regulated"] is False  # neither an FDA-regulated drug nor device
    assert "results_publications" not in extra  # its references are BACKGROUND only


def test_result_publications_are_listed_by_pmid():
    body = json.loads(reply(RANDOMISED))
    body["protocolSection"]["referencesModule"]["references"].append(
        {"pmid": "38000001", "type": "RESULT", "citation": "Results paper."}
    )
    assert parse_study(body).extra["results_publications"] == ["PMID 38000001"]


def test_a_study_without_design_info_leaves_allocation_empty():
    study = parse_study(reply("ctgov-NCT04619758-sparse.json"))
    assert study.allocation == ""
    assert study.enrollment == 140
    assert study.year is None  # no first-posted date in this record
    assert study.extra.get("fda_regulated") is None
    assert study.title.startswith("Emollient Therapy In Preterm")


def test_an_observational_study_that_is_still_recruiting():
    study = parse_study(reply("ctgov-NCT07770022-observational.json"))
    assert study.study_type == "OBSERVATIONAL"
    assert study.overall_status == "RECRUITING"
    assert (study.phases, study.allocation, study.enrollment) == ((), "", None)
    assert study.extra["acronym"] == "VIPER"


def test_completion_falls_back_to_primary_completion():
    body = json.loads(reply(RANDOMISED))
    status = body["protocolSection"]["statusModule"]
    del status["completionDateStruct"]
    status["primaryCompletionDateStruct"]["date"] = "2023-09"
    assert parse_study(body).completion_date == "2023-09"


def test_has_results_is_unknown_when_the_reply_does_not_say():
    body = json.loads(reply(RANDOMISED))
    del body["hasResults"]
    assert parse_study(body).has_results is None
    body["hasResults"] = True
    assert parse_study(json.dumps(body)).has_results is True


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (reply("ctgov-truncated.json"), "cut short or not valid JSON"),
        (b"", "is empty"),
        (b"<html><body>404 Not Found</body></html>", "not valid JSON"),
        (b'{"studies": [], "nextPageToken": "abc"}', "search results without a study"),
        (b'{"protocolSection": {"identificationModule": {"briefTitle": "x"}}}', "no NCT number"),
        (b"[]", "not a JSON object"),
    ],
)
def test_an_unreadable_reply_raises_a_clear_error(body, words):
    with pytest.raises(SourceFormatError) as caught:
        parse_study(body)
    assert words in str(caught.value)
    assert str(caught.value).startswith("ClinicalTrials.gov's reply")


def test_a_trial_is_cited_with_its_registry() -> None:
    from claims.vancouver import format_vancouver

    record = parse_study((DATA / "ctgov-NCT05013879-randomised-no-results.json").read_bytes())
    assert format_vancouver(record) == (
        "Kinesiotape for Edema After Bilateral Total Knee Arthroplasty. ClinicalTrials.gov. 2021."
    )
