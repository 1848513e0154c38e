"""Crossref /works/{doi} replies read into records: real replies, trimmed (the reference lists,
licences and most authors left out)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.sources.crossref import parse_work
from claims.sources.errors import SourceFormatError
from claims.sources.records import CORRECTION, RETRACTION, Notice

DATA = Path(__file__).parent / "data"


def reply(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_the_retracted_wakefield_paper_carries_its_retraction_and_correction():
    paper = parse_work(reply("crossref-wakefield-retracted.json"))
    assert (paper.kind, paper.identifier, paper.service) == (
        "doi",
        "10.1016/s0140-6736(97)11096-0",
        "crossref",
    )
    assert paper.title.startswith("RETRACTED: Ileal-lymphoid-nodular hyperplasia")
    assert paper.authors == ("Wakefield AJ", "Murch SH", "Anthony A")
    assert (paper.journal, paper.year, paper.volume, paper.issue, paper.pages) == (
        "The Lancet",
        1998,
        "351",
        "9103",
        "637-641",
    )
    assert paper.notices == (
        Notice(CORRECTION, "doi:10.1016/s0140-6736(04)15715-2", "2004-03-06"),
        Notice(RETRACTION, "doi:10.1016/s0140-6736(10)60175-4", "2010-02-06"),
    )
    assert not paper.is_retraction_notice
    assert paper.publication_types == ("journal-article",)


def test_the_notice_retracting_it_is_a_retraction_notice():
    notice = parse_work(reply("crossref-lancet-retraction-notice.json"))
    assert notice.is_retraction_notice
    assert notice.extra["retraction_of"] == ["doi:10.1016/s0140-6736(97)11096-0"]
    assert notice.notices == ()  # update-to is about another work, not a notice about this one
    assert notice.authors == ()


def test_given_names_become_initials_and_the_preprint_link_is_kept():
    paper = parse_work(reply("crossref-zhou-nature-2020.json"))
    assert paper.authors == ("Zhou P", "Yang XL")
    assert paper.extra["relation"] == {"has-preprint": ["10.1101/2020.01.22.914952"]}
    assert not paper.is_preprint


def test_an_addendum_is_kept_aside_not_counted_as_a_correction():
    paper = parse_work(reply("crossref-zhou-nature-2020.json"))
    assert paper.notices == ()
    assert paper.extra["other_updates"] == [
        {"type": "addendum", "reference": "doi:10.1038/s41586-020-2951-z", "date": "2020-11-17"}
    ]


def test_a_jats_abstract_is_plain_text():
    paper = parse_work(reply("crossref-zhou-nature-2020.json"))
    assert paper.abstract == (
        "Since the outbreak of severe acute respiratory syndrome (SARS) 18 years ago, a large "
        "number of SARS-related coronaviruses (SARSr-CoVs)."
    )


def test_a_biorxiv_posting_is_a_preprint_named_by_its_server():
    preprint = parse_work(reply("crossref-zhou-biorxiv-preprint.json"))
    assert preprint.is_preprint
    assert preprint.publication_types == ("posted-content", "preprint")
    assert preprint.journal == "bioRxiv"
    assert preprint.year == 2020
    assert preprint.extra["published_version"] == "doi:10.1038/s41586-020-2012-7"


def test_crossrefs_test_work_trial_numbers_suffix_and_short_title():
    work = parse_work(reply("crossref-10.5555-12345678-test-work.json"))
    assert work.title == "Toward a Unified Theory of High-Energy Metaphysics: Silly String Theory"
    assert work.authors == ("Carberry J Jr",)
    assert work.journal == "JP"  # short-container-title before "Journal of Psychoceramics"
    assert work.trial_ids == ("ISRCTN12345", "ISRCTN1234", "ISRCTN9999")
    assert work.year == 2008
    assert work.notices == (
        Notice(CORRECTION, "doi:10.5555/12345678", "2018-01-01"),  # a corrigendum
        Notice(RETRACTION, "doi:10.5555/24242424x", "2009-09-14"),
    )
    assert "<jats" not in work.abstract and work.abstract.startswith("The characteristic theme")


def test_the_same_notice_from_two_sources_counts_once_with_its_date():
    body = json.loads(reply("crossref-wakefield-retracted.json"))
    retraction = body["message"]["updated-by"][1]
    body["message"]["updated-by"].insert(0, {**retraction, "source": "publisher", "updated": None})
    notices = parse_work(json.dumps(body)).notices
    assert [n for n in notices if n.kind == RETRACTION] == [
        Notice(RETRACTION, "doi:10.1016/s0140-6736(10)60175-4", "2010-02-06")
    ]


def test_a_withdrawn_preprint_counts_as_retracted():
    body = json.loads(reply("crossref-zhou-biorxiv-preprint.json"))
    body["message"]["updated-by"] = [
        {"DOI": "10.1101/2020.01.22.914952", "type": "withdrawal", "source": "publisher"}
    ]
    assert parse_work(json.dumps(body)).notices == (
        Notice(RETRACTION, "doi:10.1101/2020.01.22.914952"),
    )


def test_a_subtitle_kept_apart_joins_the_title():
    body = json.loads(reply("crossref-zhou-nature-2020.json"))
    body["message"]["title"] = ["Coronavirus of <i>probable</i> bat origin"]
    body["message"]["subtitle"] = ["a pneumonia outbreak"]
    assert (
        parse_work(json.dumps(body)).title
        == "Coronavirus of probable bat origin: a pneumonia outbreak"
    )


def test_missing_fields_stay_empty():
    body = {"status": "ok", "message-type": "work", "message": {"DOI": "10.5555/EMPTY"}}
    work = parse_work(json.dumps(body))
    assert work.doi == "10.5555/empty"
    assert (work.title, work.authors, work.journal, work.year, work.abstract) == (
        "",
        (),
        "",
        None,
        "",
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (reply("crossref-truncated.json"), "cut short or not valid JSON"),
        (reply("crossref-work-agency.json"), '"work-agency" message, not a work'),
        (b"Resource not found.", "no record of that DOI"),
        (b"", "is empty"),
        (
            b'{"status":"failed","message-type":"validation-failure",'
            b'"message":[{"type":"parameter-not-allowed","message":"DOI is not valid"}]}',
            'status "failed": DOI is not valid',
        ),
        (b'{"status":"ok","message-type":"work","message":{"title":["No DOI"]}}', "without a DOI"),
        (b"[" * 100_000, "too deeply"),
    ],
)
def test_an_unreadable_reply_raises_a_clear_error(body, words):
    with pytest.raises(SourceFormatError) as caught:
        parse_work(body)
    assert words in str(caught.value)
    assert str(caught.value).startswith("Crossref's reply")


def test_not_found_says_to_check_the_doi_not_to_retry():
    with pytest.raises(SourceFormatError, match="Check the DOI"):
        parse_work("Resource not found.")
