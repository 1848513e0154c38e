"""Vancouver (ICMJE / NLM) references and citation numbers."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from claims.references import ET_AL, Reference, read_references
from claims.vancouver import MAX_AUTHORS, elide_pages, format_vancouver, number_citations

ARTICLE = Reference(
    title="Early statin therapy after minor stroke",
    authors=("Okafor AN",),
    journal="N Engl J Med",
    year=2016,
    volume="375",
    issue="8",
    pages="717-729",
    doi="10.5555/nejmoa1606038",
)
SEVEN = ("Aa A", "Bb B", "Cc C", "Dd D", "Ee E", "Ff F", "Gg G")


def article(**changes) -> Reference:
    return replace(ARTICLE, **changes)


def test_one_author():
    assert format_vancouver(ARTICLE) == (
        "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. "
        "2016;375(8):717-29. doi:10.5555/nejmoa1606038"
    )


def test_six_authors_are_all_listed():
    assert MAX_AUTHORS == 6
    text = format_vancouver(article(authors=SEVEN[:6]))
    assert text.startswith("Aa A, Bb B, Cc C, Dd D, Ee E, Ff F. Early statin")
    assert "et al" not in text


@pytest.mark.parametrize("count", [7, 8, 30])
def test_more_than_six_authors_give_the_first_six_and_et_al(count):
    authors = tuple(f"Author{n} X" for n in range(count))
    text = format_vancouver(article(authors=authors))
    assert text.startswith(
        "Author0 X, Author1 X, Author2 X, Author3 X, Author4 X, Author5 X, et al. Early statin"
    )
    assert "Author6" not in text


def test_a_file_that_says_others_gives_et_al():
    assert format_vancouver(article(authors=("Smith J", ET_AL))).startswith(
        "Smith J, et al. Early statin"
    )
    assert format_vancouver(article(authors=(*SEVEN, ET_AL))).startswith(
        "Aa A, Bb B, Cc C, Dd D, Ee E, Ff F, et al. Early"
    )


def test_title_ends_with_one_full_stop():
    assert "Is it safe? N Engl" in format_vancouver(article(title="Is it safe?"))
    assert "Statins work. N Engl" in format_vancouver(article(title="Statins work."))
    assert "Statins work. N Engl" in format_vancouver(article(title="  Statins   work  "))
    assert ".." not in format_vancouver(article(title="Ends with dot.", journal="J Abbrev."))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"authors": ()},
            "Early statin therapy after minor stroke. N Engl J Med. 2016;375(8):717-29. "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"doi": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 2016;375(8):717-29.",
        ),
        (
            {"issue": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 2016;375:717-29. "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"volume": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 2016;(8):717-29. "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"pages": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 2016;375(8). "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"year": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 375(8):717-29. "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"volume": None, "issue": None, "pages": None},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. 2016. "
            "doi:10.5555/nejmoa1606038",
        ),
        (
            {"journal": None, "volume": None, "issue": None, "pages": None, "year": None},
            "Okafor AN. Early statin therapy after minor stroke. doi:10.5555/nejmoa1606038",
        ),
        (
            {"title": None},
            "Okafor AN. N Engl J Med. 2016;375(8):717-29. doi:10.5555/nejmoa1606038",
        ),
        (
            {"year": None, "volume": None, "issue": None, "pages": "e12"},
            "Okafor AN. Early statin therapy after minor stroke. N Engl J Med. e12. "
            "doi:10.5555/nejmoa1606038",
        ),
    ],
)
def test_missing_parts_leave_no_stray_punctuation(changes, expected):
    assert format_vancouver(article(**changes)) == expected


def test_url_only_source():
    page = Reference(title="Statins: side effects", url="https://www.nhs.uk/statins/")
    assert format_vancouver(page) == (
        "Statins: side effects [Internet]. Available from: https://www.nhs.uk/statins/"
    )
    dated = Reference(
        title="Statins: side effects.",
        authors=("World Health Organization",),
        year=2023,
        url="https://www.nhs.uk/statins/",
    )
    assert format_vancouver(dated) == (
        "World Health Organization. Statins: side effects [Internet]. 2023. "
        "Available from: https://www.nhs.uk/statins/"
    )
    # Nothing but an address: the address, never "[Internet]" with no title before it.
    assert format_vancouver(Reference(url="https://example.org/")) == "https://example.org/"


def test_a_pubmed_id_ends_the_reference():
    assert format_vancouver(article(pmid="27541989")).endswith(
        "2016;375(8):717-29. doi:10.5555/nejmoa1606038. PMID: 27541989."
    )
    assert format_vancouver(article(doi=None, pmid="27541989")).endswith(
        "2016;375(8):717-29. PMID: 27541989."
    )


def test_article_with_url_but_no_doi():
    text = format_vancouver(article(doi=None, url="https://example.org/a"))
    assert text.endswith("2016;375(8):717-29. Available from: https://example.org/a")
    assert "[Internet]" not in text


def test_any_object_or_mapping_with_the_attributes():
    obj = SimpleNamespace(title="A title", authors=["Smith J"], journal="BMJ", year="2020")
    assert format_vancouver(obj) == "Smith J. A title. BMJ. 2020."
    assert format_vancouver({"title": "A title", "journal": "BMJ"}) == "A title. BMJ."
    assert format_vancouver(SimpleNamespace()) == ""


@pytest.mark.parametrize(
    ("pages", "elided"),
    [
        ("717-729", "717-29"),
        ("123-128", "123-8"),
        ("1909-1920", "1909-20"),
        ("1000--1010", "1000-10"),
        ("99-101", "99-101"),
        ("717-29", "717-29"),
        ("e0123", "e0123"),
        ("S12-S18", "S12-S18"),
        ("12–19", "12-9"),
        ("", ""),
    ],
)
def test_page_ranges_are_elided_as_nlm_does(pages, elided):
    assert elide_pages(pages) == elided


def test_references_read_from_a_file_format_cleanly():
    ris = (
        "TY  - JOUR\nAU  - Okafor, Adaeze N.\nTI  - A trial.\nJO  - Lancet\nPY  - 2016\n"
        "VL  - 387\nSP  - 1909\nEP  - 1920\nDO  - 10.5555/X\nER  - \n"
    )
    (reference,) = read_references(ris.encode(), "x.ris")
    assert format_vancouver(reference) == (
        "Okafor AN. A trial. Lancet. 2016;387:1909-20. doi:10.5555/x"
    )


def test_numbering_in_order_of_first_citation():
    cited = ["doi:b", "pmid:a", "doi:b", "nct:c", "pmid:a", "url:d"]
    assert number_citations(cited) == {"doi:b": 1, "pmid:a": 2, "nct:c": 3, "url:d": 4}
    assert list(number_citations(iter([3, 1, 3, 2]))) == [3, 1, 2]
    assert number_citations([]) == {}
