"""Identifiers a reviewer pastes: each accepted form, each refusal and its reason, whole pastes."""

from __future__ import annotations

import contextlib

import pytest

from claims.errors import ClaimreviewError
from claims.identifiers import (
    IDENTIFIER_KINDS,
    MAX_URL_LENGTH,
    Identifier,
    IdentifierRefused,
    Refused,
    parse_identifier,
    parse_identifiers,
)


def refusal(text: str) -> str:
    """The reason parse_identifier gives for ``text``: one sentence, ending with a full stop."""
    with pytest.raises(ClaimreviewError) as caught:
        parse_identifier(text)
    assert isinstance(caught.value, IdentifierRefused)
    reason = str(caught.value)
    assert "\n" not in reason
    assert reason.endswith(".")
    assert reason[0].isupper() or reason.startswith('"')
    return reason


def pairs(text: str) -> list[tuple[str, str]]:
    found, _ = parse_identifiers(text)
    return [(identifier.kind, identifier.value) for identifier in found]


# Accepted forms, normalized as the review standards say


@pytest.mark.parametrize(
    ("pasted", "value"),
    [
        ("10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("doi:10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("DOI: 10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("DOI 10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("https://doi.org/10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("http://dx.doi.org/10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("doi.org/10.1056/NEJMoa1606038", "10.1056/nejmoa1606038"),
        ("https://doi.org/10.1002%2F%28SICI%291097-4636", "10.1002/(sici)1097-4636"),
        ("10.1016/S0140-6736(16)31012-1.", "10.1016/s0140-6736(16)31012-1"),
        ("(doi:10.1000/xyz123)", "10.1000/xyz123"),
        ("10.1000/xyz123;", "10.1000/xyz123"),
        ("10.123456789/abc", "10.123456789/abc"),
        ("10.1000.10/abc", "10.1000.10/abc"),
        (
            "10.1002/(SICI)1097-4628(19960705)61:1<1::AID-APP1>3.0.CO;2-Z",
            "10.1002/(sici)1097-4628(19960705)61:1<1::aid-app1>3.0.co;2-z",
        ),
    ],
)
def test_dois_are_lower_cased_without_prefix(pasted, value):
    identifier = parse_identifier(pasted)
    assert (identifier.kind, identifier.value) == ("doi", value)
    assert identifier.label() == f"DOI {value}"


@pytest.mark.parametrize(
    ("pasted", "value"),
    [
        ("27557302", "27557302"),
        ("1", "1"),
        ("PMID: 27557302", "27557302"),
        ("PMID 27557302", "27557302"),
        ("pmid:27557302", "27557302"),
        ("00027557302", "27557302"),
        ("https://pubmed.ncbi.nlm.nih.gov/27557302/", "27557302"),
        ("https://pubmed.ncbi.nlm.nih.gov/27557302", "27557302"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/27557302", "27557302"),
        ("ncbi.nlm.nih.gov/pubmed/27557302", "27557302"),
        ("PMID: https://pubmed.ncbi.nlm.nih.gov/27557302/", "27557302"),
    ],
)
def test_pmids(pasted, value):
    identifier = parse_identifier(pasted)
    assert (identifier.kind, identifier.value) == ("pmid", value)
    assert identifier.label() == f"PMID {value}"


@pytest.mark.parametrize(
    "pasted",
    [
        "PMC5012345",
        "pmc5012345",
        "PMCID: PMC5012345",
        "PMCID: 5012345",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5012345/",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC5012345/",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5012345/pdf/nihms.pdf",
    ],
)
def test_pmcids(pasted):
    identifier = parse_identifier(pasted)
    assert (identifier.kind, identifier.value) == ("pmcid", "PMC5012345")
    assert identifier.label() == "PMCID PMC5012345"


@pytest.mark.parametrize(
    "pasted",
    [
        "NCT01234567",
        "nct01234567",
        "NCT 01234567",
        "https://clinicaltrials.gov/study/NCT01234567",
        "https://clinicaltrials.gov/study/NCT01234567?tab=results",
        "https://clinicaltrials.gov/ct2/show/NCT01234567",
        "https://www.clinicaltrials.gov/ct2/show/nct01234567",
    ],
)
def test_nct_numbers(pasted):
    identifier = parse_identifier(pasted)
    assert (identifier.kind, identifier.value) == ("nct", "NCT01234567")
    assert identifier.label() == "ClinicalTrials.gov NCT01234567"


@pytest.mark.parametrize(
    ("pasted", "value"),
    [
        ("https://www.nhs.uk/conditions/statins/", "https://www.nhs.uk/conditions/statins/"),
        ("HTTPS://WWW.NHS.UK/Conditions/Statins/", "https://www.nhs.uk/Conditions/Statins/"),
        ("  http://Example.org:8080/A?B=C#D  ", "http://example.org:8080/A?B=C#D"),
        ("<https://example.org/page>", "https://example.org/page"),
        ("https://example.org/page.", "https://example.org/page"),
        (
            "(https://en.wikipedia.org/wiki/Statin_(drug))",
            "https://en.wikipedia.org/wiki/Statin_(drug)",
        ),
        ("https://www.nejm.org/doi/full/10.1056/NEJMoa1606038", None),
        ("https://pubmed.ncbi.nlm.nih.gov/?term=statins", None),
    ],
)
def test_other_web_addresses_stay_urls(pasted, value):
    identifier = parse_identifier(pasted)
    assert identifier.kind == "url"
    assert identifier.value == (value or pasted)
    assert identifier.url() == identifier.value
    assert identifier.label() == identifier.value


def test_where_identifiers_resolve():
    assert parse_identifier("10.1056/NEJMoa1606038").url() == (
        "https://doi.org/10.1056/nejmoa1606038"
    )
    assert parse_identifier("PMID: 27557302").url() == "https://pubmed.ncbi.nlm.nih.gov/27557302/"
    assert parse_identifier("PMC5012345").url() == (
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5012345/"
    )
    assert parse_identifier("NCT01234567").url() == "https://clinicaltrials.gov/study/NCT01234567"
    # Characters a URL cannot carry are escaped in the doi.org link, not in the DOI.
    sici = parse_identifier("10.1002/(SICI)1097-4628(19960705)61:1<1::AID-APP1>3.0.CO;2-Z")
    assert "<" in sici.value
    assert sici.url() == (
        "https://doi.org/10.1002/(sici)1097-4628(19960705)61:1%3C1::aid-app1%3E3.0.co;2-z"
    )
    assert parse_identifier("10.1000/a#b?c").url() == "https://doi.org/10.1000/a%23b%3Fc"


def test_source_is_what_was_pasted():
    assert parse_identifier("  doi:10.1056/NEJMoa1606038.  ").source == "doi:10.1056/NEJMoa1606038"
    found, _ = parse_identifiers("see PMID:\n27557302 and doi:10.1000/X.")
    assert [i.source for i in found] == ["PMID: 27557302", "doi:10.1000/X"]


def test_identifier_is_a_frozen_value():
    identifier = parse_identifier("NCT01234567")
    assert identifier == Identifier("nct", "NCT01234567", "NCT01234567")
    assert identifier.kind in IDENTIFIER_KINDS
    with pytest.raises(AttributeError):
        identifier.value = "x"  # type: ignore[misc]


# Refusals, each with its reason


@pytest.mark.parametrize(
    ("pasted", "words"),
    [
        ("javascript:alert(1)", ['"javascript:" address', "http:// or https://"]),
        ("JavaScript:alert(document.cookie)", ['"javascript:" address']),
        ("data:text/html;base64,PHNjcmlwdD4=", ['"data:" address']),
        ("file:///etc/passwd", ['"file:" address']),
        ("ftp://ftp.example.org/paper.pdf", ['"ftp:" address']),
        ("mailto:editor@example.org", ['"mailto:" address']),
        ("NCT1234567", ["has 7 digits", "exactly 8"]),
        ("NCT012345678", ["has 9 digits", "exactly 8"]),
        ("NCT0123456X", ['"NCT" followed by exactly 8 digits']),
        ("123456789", ["has 9 digits", "at most 8"]),
        ("PMID: 123456789", ["has 9 digits", "at most 8"]),
        ("PMID: 12a", ["1 to 8 digits"]),
        ("0", ["PMIDs start at 1"]),
        ("10.1056/", ["prefix without the suffix"]),
        ("doi:10.1056", ["prefix without the suffix"]),
        ("https://doi.org/10.1056/", ["prefix without the suffix"]),
        ("https://doi.org/", ["doi.org address without a DOI"]),
        ("doi:10.12/abc", ["4 to 9 digits, not 2"]),
        ("doi:abc", ["is not a DOI"]),
        ("https://", ["no host name"]),
        ("https:///page", ["no host name"]),
        ("http:/example.org", ["no host name"]),
        ("https://user:secret@example.org/", ["user name or password"]),
        ("http://exa mple.org", ["contains spaces"]),
        ("https://example.org:99999/", ["not a valid web address"]),
        ("https://exa<mple.org/", ["invalid host name"]),
        ("www.example.org/page", ["no http:// or https://"]),
        ("nejm.org", ["no http:// or https://"]),
        ("PMC12a", ["is not a PMCID"]),
        ("1,234", ["thousands separators"]),
        ("statins", ["not a DOI, PMID, PMCID, NCT number or web address"]),
        ("ISBN978-3-16-148410-0", ["not a DOI, PMID, PMCID, NCT number or web address"]),
        ("a\x07b", ["control characters"]),
        ("10.1056/NEJMoa1606038 27557302", ["contains spaces", "single identifier"]),
        ("   ", ["Nothing was pasted"]),
    ],
)
def test_refusals_say_why_and_what_to_do(pasted, words):
    reason = refusal(pasted)
    for word in words:
        assert word in reason, reason


def test_too_long_url_is_refused():
    reason = refusal("https://example.org/" + "a" * MAX_URL_LENGTH)
    assert f"longer than {MAX_URL_LENGTH} characters" in reason


def test_refused_reason_is_the_error_message():
    with pytest.raises(IdentifierRefused) as caught:
        parse_identifier("NCT123")
    assert caught.value.source == "NCT123"
    assert caught.value.reason == str(caught.value)


# Whole pastes


def test_running_text():
    found, refused = parse_identifiers("see doi:10.1000/xyz123, PMID: 12345678 and NCT01234567.")
    assert [(i.kind, i.value) for i in found] == [
        ("doi", "10.1000/xyz123"),
        ("pmid", "12345678"),
        ("nct", "NCT01234567"),
    ]
    assert refused == []


def test_separators_whitespace_commas_semicolons_newlines():
    text = "27557302,12345678;PMC5012345\n10.1000/a , 10.1000/b;\t NCT01234567\r\n\nhttps://x.org/"
    assert pairs(text) == [
        ("pmid", "27557302"),
        ("pmid", "12345678"),
        ("pmcid", "PMC5012345"),
        ("doi", "10.1000/a"),
        ("doi", "10.1000/b"),
        ("nct", "NCT01234567"),
        ("url", "https://x.org/"),
    ]
    assert pairs("10.1000/a,10.1000/b;https://x.org/a,https://y.org/b") == [
        ("doi", "10.1000/a"),
        ("doi", "10.1000/b"),
        ("url", "https://x.org/a"),
        ("url", "https://y.org/b"),
    ]


def test_commas_inside_an_identifier_do_not_split_it():
    assert pairs("https://example.org/page?ids=1,2") == [
        ("url", "https://example.org/page?ids=1,2")
    ]
    assert pairs("10.1002/(SICI)1097-4628(19960705)61:1<1::AID-APP1>3.0.CO;2-Z") == [
        ("doi", "10.1002/(sici)1097-4628(19960705)61:1<1::aid-app1>3.0.co;2-z")
    ]


def test_mixed_paste_keeps_order_and_collects_refusals():
    text = (
        "PMID: 27557302\n"
        "javascript:alert(1)\n"
        "https://doi.org/10.1056/NEJMoa1606038\n"
        "NCT1234567\n"
        "pmc5012345, 123456789; ftp://example.org/x https:// 10.1056/\n"
        "https://www.nhs.uk/conditions/statins/\n"
    )
    found, refused = parse_identifiers(text)
    assert [i.label() for i in found] == [
        "PMID 27557302",
        "DOI 10.1056/nejmoa1606038",
        "PMCID PMC5012345",
        "https://www.nhs.uk/conditions/statins/",
    ]
    assert [r.source for r in refused] == [
        "javascript:alert(1)",
        "NCT1234567",
        "123456789",
        "ftp://example.org/x",
        "https://",
        "10.1056/",
    ]
    assert all(isinstance(r, Refused) and r.reason.endswith(".") for r in refused)
    assert "exactly 8" in refused[1].reason


def test_duplicates_appear_once_at_their_first_place():
    text = (
        "10.1056/NEJMoa1606038 PMID 27557302 https://doi.org/10.1056/nejmoa1606038 "
        "doi:10.1056/NEJMOA1606038. 27557302 https://pubmed.ncbi.nlm.nih.gov/27557302/ "
        "NCT01234567 nct01234567 NCT1 NCT1"
    )
    found, refused = parse_identifiers(text)
    assert [(i.kind, i.value) for i in found] == [
        ("doi", "10.1056/nejmoa1606038"),
        ("pmid", "27557302"),
        ("nct", "NCT01234567"),
    ]
    assert found[0].source == "10.1056/NEJMoa1606038"
    assert [r.source for r in refused] == ["NCT1"]


def test_words_are_skipped_but_a_paste_of_only_words_is_refused():
    assert parse_identifiers("") == ([], [])
    assert parse_identifiers("  \n ") == ([], [])
    found, refused = parse_identifiers("Statins lower LDL cholesterol, e.g. in older adults.")
    assert found == []
    assert len(refused) == 1
    assert "No DOI, PMID, PMCID, NCT number or web address was found" in refused[0].reason
    # A label followed by a word is a word too.
    assert pairs("the DOI is 10.1000/xyz, the PMID is 123") == [
        ("doi", "10.1000/xyz"),
        ("pmid", "123"),
    ]


def test_a_pasted_id_next_to_prose_numbers():
    found, refused = parse_identifiers("PMID 27557302 (n = 1,234 patients; 95% CI)")
    assert [i.value for i in found] == ["27557302"]
    assert {r.source for r in refused} >= {"1,234", "95%"}


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "1" * 1_000_000,
        "1," * 500_000,
        ";" * 1_000_000,
        ")" * 1_000_000,
        "10.1000/" + "(" * 1_000_000,
        "10.1000/x" + ")" * 1_000_000,
        "https://" + "a." * 500_000,
        "https://x.org/" + "a," * 500_000,
        "PMID " * 200_000,
        "see doi:10.1000/xyz123, PMID: 12345678 and NCT01234567. " * 17_000,
        " ".join(str(n) for n in range(1, 150_000)),
    ],
    ids=lambda text: repr(text[:16]),
)
def test_a_megabyte_paste_is_read_in_linear_time(text):
    found, refused = parse_identifiers(text)
    with contextlib.suppress(ClaimreviewError):
        parse_identifier(text)
    assert len(found) + len(refused) <= len(text)
