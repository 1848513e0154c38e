"""PubMed efetch replies read into records: the fixtures are real efetch XML, trimmed (each file
says what was left out and where it came from)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from claims.errors import ClaimreviewError
from claims.sources.errors import SourceFormatError
from claims.sources.pubmed import parse_efetch
from claims.sources.records import CORRECTION, RETRACTION, Notice

DATA = Path(__file__).parent / "data"
DAPA = (DATA / "pubmed-32970396-dapa-ckd-rct.xml").read_bytes()


def reply(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(scope="module")
def wakefield_set() -> dict:
    return parse_efetch(reply("pubmed-9500320-20137807-wakefield-and-retraction.xml"))


def test_one_reply_gives_each_article_under_its_pmid(wakefield_set):
    assert sorted(wakefield_set) == ["20137807", "9500320"]
    assert wakefield_set["9500320"].kind == "pmid"
    assert wakefield_set["9500320"].identifier == "9500320"
    assert wakefield_set["9500320"].service == "pubmed"


def test_the_retracted_wakefield_paper_reads_as_cited_and_retracted(wakefield_set):
    paper = wakefield_set["9500320"]
    assert paper.title == (
        "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
        "developmental disorder in children."
    )
    assert paper.authors[:3] == ("Wakefield AJ", "Murch SH", "Anthony A")
    assert paper.authors[-1] == "Walker-Smith JA"
    assert len(paper.authors) == 13
    assert (paper.journal, paper.year, paper.volume, paper.issue, paper.pages) == (
        "Lancet",
        1998,
        "351",
        "9103",
        "637-41",
    )
    assert paper.doi == "10.1016/s0140-6736(97)11096-0"  # lower-cased from PubMed's S0140
    assert paper.notices == (Notice(kind=RETRACTION, reference="PMID 20137807"),)
    assert not paper.is_retraction_notice
    assert paper.extra["partial_retraction_in"] == ["PMID 15016483"]  # 2004, kept, not a flag
    assert "Retracted Publication" in paper.publication_types
    assert "Humans" in paper.mesh_terms


def test_a_structured_abstract_keeps_its_labels(wakefield_set):
    assert wakefield_set["9500320"].abstract.splitlines() == [
        "BACKGROUND: We investigated a consecutive series of children with chronic "
        "enterocolitis and regressive developmental disorder.",
        "INTERPRETATION: We identified associated gastrointestinal disease and developmental "
        "regression in a group of previously normal children, which was generally associated "
        "in time with possible environmental triggers.",
    ]


def test_the_lancets_retraction_is_a_notice_with_a_group_author(wakefield_set):
    notice = wakefield_set["20137807"]
    assert notice.is_retraction_notice
    assert notice.extra["retraction_of"] == ["PMID 9500320"]
    assert notice.authors == ("Editors of The Lancet",)
    assert notice.notices == ()  # nothing retracts the notice itself
    assert notice.doi == "10.1016/s0140-6736(10)60175-4"


def test_retracted_publication_type_alone_still_marks_the_paper_retracted():
    xml = reply("pubmed-9500320-20137807-wakefield-and-retraction.xml")
    start = xml.index(b"<CommentsCorrectionsList>")
    end = xml.index(b"</CommentsCorrectionsList>") + len(b"</CommentsCorrectionsList>")
    paper = parse_efetch(xml[:start] + xml[end:])["9500320"]
    assert paper.notices == (Notice(kind=RETRACTION),)  # PubMed's type, no notice named


def test_an_rct_with_a_group_author_and_a_registered_trial():
    trial = parse_efetch(reply("pubmed-32970396-dapa-ckd-rct.xml"))["32970396"]
    assert trial.title == "Dapagliflozin in Patients with Chronic Kidney Disease."
    assert trial.authors[0] == "Heerspink HJL"
    assert "Stefánsson BV" in trial.authors
    assert "Sjöström CD" in trial.authors
    assert trial.authors[-1] == "DAPA-CKD Trial Committees and Investigators"
    assert trial.trial_ids == ("NCT03036150",)
    assert "Randomized Controlled Trial" in trial.publication_types
    assert trial.doi == "10.1056/nejmoa2024816"
    assert trial.notices == ()
    assert trial.abstract.startswith("BACKGROUND: Patients with chronic kidney disease")


def test_an_erratum_named_only_by_its_citation():
    report = parse_efetch(reply("pubmed-21507618-erratum.xml"))["21507618"]
    assert report.notices == (
        Notice(kind=CORRECTION, reference="J Clin Anesth. 2011 Aug;23(5):433"),
    )
    assert report.authors == ("Goldfarb JW", "Bittner EA", "George E", "Welch C", "Schmidt U")
    assert report.doi == "10.1016/j.jclinane.2010.05.009"
    assert report.abstract.startswith("Electroconvulsive therapy (ECT)")  # unlabelled, as given


def test_inner_markup_and_escaped_quotes_flatten_to_text():
    sparse = parse_efetch(reply("pubmed-30108519-sparse.xml"))["30108519"]
    assert sparse.title.startswith('A "Blood Relationship" Between the Overlooked Minimum')
    assert '"Minimum Lactate Equivalent" (LEmin)' in sparse.abstract
    telomere = parse_efetch(reply("pubmed-27797938-observational.xml"))["27797938"]
    assert "TERT" in telomere.title and "<i>" not in telomere.title
    assert telomere.pmcid == "PMC5442267"


def test_a_record_without_issue_or_mesh_leaves_them_empty():
    sparse = parse_efetch(reply("pubmed-30108519-sparse.xml"))["30108519"]
    assert (sparse.issue, sparse.mesh_terms, sparse.notices) == ("", (), ())
    assert (sparse.volume, sparse.pages, sparse.year) == ("9", "1034", 2018)
    assert sparse.authors == ("Garcia-Tabar I", "Gorostiaga EM")


def test_the_doi_falls_back_to_elocation_when_pubmed_data_has_none():
    xml = reply("pubmed-30108519-sparse.xml").replace(
        b'<ArticleId IdType="doi">10.3389/fphys.2018.01034</ArticleId>', b""
    )
    assert parse_efetch(xml)["30108519"].doi == "10.3389/fphys.2018.01034"


def test_year_from_medline_date_then_article_date():
    xml = reply("pubmed-30108519-sparse.xml")
    pub_date = re.compile(rb"<PubDate>\s*<Year>2018</Year>\s*</PubDate>")
    medline = pub_date.sub(b"<PubDate><MedlineDate>2017 Dec-2018 Jan</MedlineDate></PubDate>", xml)
    assert parse_efetch(medline)["30108519"].year == 2017
    no_pub_date = re.sub(rb"(<ArticleDate[^>]*>\s*<Year>)2018", rb"\g<1>2016", xml)
    no_pub_date = pub_date.sub(b"<PubDate></PubDate>", no_pub_date)
    assert parse_efetch(no_pub_date)["30108519"].year == 2016  # the ArticleDate's


def test_pages_from_start_and_end_page_without_medline_pagination():
    xml = reply("pubmed-32970396-dapa-ckd-rct.xml").replace(
        b"<MedlinePgn>1436-1446</MedlinePgn>", b""
    )
    assert parse_efetch(xml)["32970396"].pages == "1436-1446"


def test_a_genereviews_book_chapter_has_no_journal_fields():
    chapter = parse_efetch(reply("pubmed-20301340-genereviews-book.xml"))["20301340"]
    assert chapter.title == "Alzheimer Disease Overview"
    assert chapter.authors == ("Bird TD",)  # the chapter's author, not the book's editors
    assert chapter.journal == "GeneReviews®"
    assert chapter.year == 1993
    assert (chapter.doi, chapter.issue, chapter.pages, chapter.mesh_terms) == ("", "", "", ())
    assert chapter.publication_types == ("Review",)
    assert chapter.extra["publisher"] == "University of Washington, Seattle"


def test_a_chapter_without_authors_does_not_take_the_books_editors():
    xml = reply("pubmed-20301340-genereviews-book.xml")
    start = xml.index(b'<AuthorList Type="authors">')
    end = xml.index(b"</AuthorList>", start) + len(b"</AuthorList>")
    assert parse_efetch(xml[:start] + xml[end:])["20301340"].authors == ()


def test_an_empty_article_set_is_no_records_not_an_error():
    assert parse_efetch(reply("pubmed-empty-set.xml")) == {}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (reply("pubmed-truncated.xml"), "cut short"),
        (DAPA[: DAPA.index(b'ValidYN="Y"') + 5], "cut short"),  # cut inside an attribute
        (reply("pubmed-malformed.xml"), "not well-formed XML (line 8"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b'{"error":"API rate limit exceeded","count":"4","limit":"3"}', "looks like JSON"),
        (
            b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
            "nothing todo",
        ),
        (b"<html><body>Service unavailable</body></html>", "<html> document"),
    ],
)
def test_an_unreadable_reply_raises_a_clear_error_not_an_lxml_one(body, words):
    with pytest.raises(SourceFormatError) as caught:
        parse_efetch(body)
    assert words in str(caught.value)
    assert str(caught.value).startswith("PubMed's reply")
    assert isinstance(caught.value, ClaimreviewError)
    assert not isinstance(caught.value, etree.LxmlError)


def test_entities_are_not_resolved_so_a_reply_cannot_read_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    hostile = f"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>Before &secret; after</ArticleTitle></Article></MedlineCitation></PubmedArticle>
</PubmedArticleSet>""".encode()
    title = parse_efetch(hostile)["1"].title
    assert title.startswith("Before") and title.endswith("after")
    assert "TOP-SECRET-MARKER" not in title


def test_a_text_reply_is_read_as_well_as_bytes():
    text = reply("pubmed-21507618-erratum.xml").decode("utf-8")
    assert parse_efetch(text)["21507618"].journal == "J Clin Anesth"


def test_a_byte_order_mark_before_the_declaration_is_allowed():
    body = b"\xef\xbb\xbf" + reply("pubmed-21507618-erratum.xml")
    assert parse_efetch(body)["21507618"].year == 2011
