"""Europe PMC search replies (resultType=core) read into records: real replies, trimmed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.sources.errors import SourceFormatError
from claims.sources.europepmc import parse_search
from claims.sources.records import RETRACTION, Notice

DATA = Path(__file__).parent / "data"


def reply(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_a_pmcid_lookup_gives_the_article_with_all_its_identifiers():
    (article,) = parse_search(reply("europepmc-PMC3206455.json"))
    assert (article.kind, article.identifier, article.service) == (
        "pmcid",
        "PMC3206455",
        "europepmc",
    )
    assert (article.pmid, article.pmcid, article.doi) == (
        "21999661",
        "PMC3206455",
        "10.1186/1758-2946-3-47",
    )
    assert article.title == "Open bibliography for science, technology, and medicine."
    assert article.authors[:3] == ("Jones R", "Macgillivray M", "Murray-Rust P")
    assert "O'Steen B" in article.authors
    assert (article.journal, article.year, article.volume, article.pages) == (
        "J Cheminform",
        2011,
        "3",
        "47",
    )
    assert not article.is_preprint
    assert article.extra["europepmc_id"] == "MED:21999661"


def test_a_biorxiv_preprint_and_its_published_version():
    (preprint,) = parse_search(reply("europepmc-zhou-preprint.json"))
    assert preprint.is_preprint
    assert (preprint.kind, preprint.identifier) == ("doi", "10.1101/2020.01.22.914952")
    assert preprint.journal == "bioRxiv"
    assert preprint.extra["preprint_server"] == "bioRxiv"
    assert preprint.extra["published_version"] == "PMID 32015507"
    # no authorList here: the names come from authorString, as Europe PMC wrote them
    assert preprint.authors[:3] == ("Zhou P", "Yang X", "Wang X")
    assert preprint.year == 2020


def test_a_page_of_preprints_keeps_order_and_flattens_html():
    records = parse_search(reply("europepmc-long-covid-preprints.json"))
    assert [r.extra["europepmc_id"] for r in records] == [
        "PPR:PPR1332534",
        "PPR:PPR1332498",
        "PPR:PPR1330587",
    ]
    assert all(r.is_preprint and r.journal == "medRxiv" for r in records)
    assert records[0].title.startswith(
        "Persistent Borrelia burgdorferi protein antigen in CD16 + monocytes"
    )
    assert records[0].authors[2] == "Castaño N"
    assert records[1].abstract.startswith("Background: The neuropsychiatric sequelae")


def test_a_preprint_publication_type_marks_a_preprint_from_any_source():
    body = json.loads(reply("europepmc-PMC3206455.json"))
    body["resultList"]["result"][0]["pubTypeList"] = {"pubType": ["Preprint"]}
    assert parse_search(body)[0].is_preprint


def test_notices_from_the_comment_correction_list():
    body = json.loads(reply("europepmc-PMC3206455.json"))
    article = body["resultList"]["result"][0]
    article["commentCorrectionList"] = {
        "commentCorrection": [
            {"id": "20137807", "source": "MED", "type": "Retraction in", "orderIn": 1},
            {"id": "9500313", "source": "MED", "type": "Comment in", "orderIn": 2},
        ]
    }
    assert parse_search(body)[0].notices == (Notice(RETRACTION, "PMID 20137807"),)


def test_retracted_publication_type_alone_marks_the_record_retracted():
    body = json.loads(reply("europepmc-PMC3206455.json"))
    body["resultList"]["result"][0]["pubTypeList"] = {"pubType": "Retracted Publication"}
    assert parse_search(body)[0].notices == (Notice(RETRACTION),)


def test_no_hits_is_an_empty_list():
    assert parse_search(reply("europepmc-no-hits.json")) == []


def test_a_result_with_almost_nothing_leaves_fields_empty():
    body = {"hitCount": 1, "resultList": {"result": [{"id": "AGR123", "source": "AGR"}]}}
    (record,) = parse_search(json.dumps(body))
    assert (record.kind, record.identifier) == ("europepmc", "AGR:AGR123")
    assert (record.title, record.authors, record.journal, record.year) == ("", (), "", None)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (reply("europepmc-truncated.json"), "cut short or not valid JSON"),
        (b"", "is empty"),
        (
            b'{"version": "6.9", "errMsg": "Invalid query"}',
            "no resultList (Europe PMC says: Invalid",
        ),
        (b'"just a string"', "not a JSON object"),
    ],
)
def test_an_unreadable_reply_raises_a_clear_error(body, words):
    with pytest.raises(SourceFormatError) as caught:
        parse_search(body)
    assert words in str(caught.value)
    assert str(caught.value).startswith("Europe PMC's reply")
