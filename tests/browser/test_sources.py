"""Looked-up sources as reviewers and editors meet them: a retracted paper pasted into a review
shows its flag and the design its record suggests; the library lists flags and lookups."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from claims.sources.pubmed import parse_efetch
from db.citations import add_citations
from db.models import Citation
from db.source_lookups import apply_lookup
from tests.browser.conftest import (
    Site,
    click_text,
    log_in,
    new_user,
    settle,
    shot,
    start_site,
    stop_site,
)
from tests.sources.stub_server import (
    CROSSREF_WORKS,
    CTGOV_STUDIES,
    EFETCH,
    StubResponse,
    StubServer,
)

OPERATOR = Actor.operator("test")
WAKEFIELD = (
    Path(__file__).parents[1]
    / "sources"
    / "data"
    / "pubmed-9500320-20137807-wakefield-and-retraction.xml"
)


def _looked_up_wakefield(site: Site) -> None:
    """PMID 9500320 in the library, as a lookup of PubMed's real record leaves it."""
    record = parse_efetch(WAKEFIELD.read_bytes())["9500320"]
    outcome = SimpleNamespace(
        status="found", record=record, service="pubmed", fetched_at=datetime.now(UTC), reason=""
    )
    database = site.database()
    try:
        identifiers, _ = parse_identifiers("PMID 9500320")
        [entry] = add_citations(database, OPERATOR, identifiers)
        with database.write() as session:
            apply_lookup(session, session.get(Citation, entry.id), outcome)
    finally:
        database.dispose()


def test_a_retracted_source_shows_its_flag_in_the_review_and_the_library(
    browser_context, site: Site
) -> None:
    _looked_up_wakefield(site)
    new_user(site, "flags")
    page = browser_context(width=1440, height=1200)
    log_in(page, site, "flags", f"/review?article=1&claim={site.claims[4]}")
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 9500320")
    paste.press("Tab")
    settle(page)
    row = page.locator("[class*='st-key-review_'][class*='_s0_box']")
    row.get_by_text(re.compile(r"Wakefield AJ, Murch SH")).wait_for(timeout=10_000)
    assert row.get_by_text(re.compile(r"Retracted$")).first.is_visible()
    assert row.get_by_text("Its record suggests: Retracted").is_visible()
    shot(page, "review-row")
    click_text(page, "button", "Use it")
    assert row.get_by_text("Its record suggests").count() == 0  # taken: the design is set
    click_text(page, "button", "Save draft")
    database = site.database()
    try:
        with database.read() as session:
            stored = session.scalar(select(Citation).where(Citation.identifier == "9500320"))
            assert stored.study_design == "retracted"
    finally:
        database.dispose()
    # The library, as an editor sees it.
    editor = browser_context(width=1440, height=900)
    log_in(editor, site, "editor", "/library")
    grid = editor.get_by_test_id("stDataFrame").first
    grid.locator("td").first.wait_for(state="attached", timeout=10_000)
    cells = grid.locator("td").all_inner_texts()
    assert "⚠ Retracted" in cells
    assert any(re.fullmatch(r"PubMed, \d+ \w{3} \d{4}, \d\d:\d\d UTC", c) for c in cells), cells
    shot(editor, "library")


@pytest.fixture(scope="module")
def stub_and_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StubServer, Site]]:
    """A server whose source lookups go to the local stub of the services."""
    with StubServer() as stub:
        running, process = start_site(tmp_path_factory.mktemp("lookups"), env=stub.env())
        try:
            yield stub, running
        finally:
            stop_site(process)


def test_a_pasted_pmid_doi_and_nct_are_looked_up_while_the_reviewer_goes_on(
    browser_context, stub_and_site
) -> None:
    stub, site = stub_and_site
    data = Path(__file__).parents[1] / "sources" / "data"
    stub.queue(EFETCH, StubResponse(body=WAKEFIELD.read_bytes(), delay=2.0))  # a slow PubMed
    stub.queue(
        CROSSREF_WORKS, StubResponse(body=(data / "crossref-zhou-nature-2020.json").read_bytes())
    )
    stub.queue(
        CTGOV_STUDIES,
        StubResponse(body=(data / "ctgov-NCT05013879-randomised-no-results.json").read_bytes()),
    )
    new_user(site, "paster")
    page = browser_context(width=1440, height=1200)
    log_in(page, site, "paster", f"/review?article=1&claim={site.claims[5]}")
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 9500320, doi:10.1038/s41586-020-2012-7, NCT05013879")
    paste.press("Tab")

    def row(n: int):
        return page.locator(f"[class*='st-key-review_'][class*='_s{n}_box']")

    # At once: the rows, saying they are being looked up; the form does not wait.
    row(0).get_by_text("1. PMID 9500320 (new to the library)").wait_for(timeout=5_000)
    assert row(0).get_by_text("Looking up in PubMed…").is_visible()
    shot(page, "looking-up")
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.click()
    page.keyboard.type("Typed while PubMed answers")
    # Then what each service said: authors, title, journal, year; flags; suggested designs.
    row(0).get_by_text(re.compile(r"Wakefield AJ, Murch SH.* Lancet\. 1998")).wait_for(
        timeout=15_000
    )
    assert row(0).get_by_text(re.compile(r"Retracted$")).first.is_visible()
    assert row(0).get_by_text("Its record suggests: Retracted").is_visible()
    row(1).get_by_text(
        re.compile(r"Zhou P, Yang XL\. A pneumonia outbreak .* Nature\. 2020")
    ).wait_for(timeout=15_000)
    row(2).get_by_text(re.compile(r"Kinesiotape .* ClinicalTrials\.gov\. 2021")).wait_for(
        timeout=15_000
    )
    assert row(2).get_by_text(re.compile(r"No results posted$")).first.is_visible()
    assert row(2).get_by_text("Its record suggests: Randomised trial").is_visible()
    assert rationale.input_value() == "Typed while PubMed answers"  # no typing lost
    shot(page, "looked-up")
    assert (stub.count(EFETCH), stub.count(CROSSREF_WORKS), stub.count(CTGOV_STUDIES)) == (1, 1, 1)
    assert stub.requests(EFETCH)[0].param("tool") == "claimreview"
    click_text(page, "button", "Save draft")
    database = site.database()
    try:
        with database.read() as session:
            pasted = ("9500320", "10.1038/s41586-020-2012-7", "NCT05013879")
            stored = {
                c.kind: c
                for c in session.scalars(select(Citation).where(Citation.identifier.in_(pasted)))
            }
            assert stored["pmid"].title.startswith("Ileal-lymphoid-nodular hyperplasia")
            assert "retracted" in stored["pmid"].flags.split(",")
            assert stored["doi"].journal == "Nature" and stored["doi"].year == 2020
            assert stored["nct"].suggested_design == "rct"
            assert {c.fetched_from for c in stored.values()} == {"pubmed", "crossref", "ctgov"}
    finally:
        database.dispose()


def test_an_imported_reference_file_is_looked_up_for_what_it_lacks(
    browser_context, stub_and_site, tmp_path: Path
) -> None:
    stub, site = stub_and_site
    dapa = Path(__file__).parents[1] / "sources" / "data" / "pubmed-32970396-dapa-ckd-rct.xml"
    stub.queue(EFETCH, StubResponse(body=dapa.read_bytes(), delay=1.0))
    ris = tmp_path / "mine.ris"
    ris.write_text("TY  - JOUR\nTI  - Our own short title\nAN  - 32970396\nDB  - PubMed\nER  - \n")
    page = browser_context(width=1440, height=900)
    log_in(page, site, "editor", "/library")
    page.get_by_text("Import a reference file").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(ris))
    click_text(page, "button", "Import")
    page.get_by_text("1 new source added; 0 already in the library.").wait_for(timeout=10_000)
    page.get_by_text(re.compile(r"Looking up 1 of 1 sources")).wait_for(timeout=5_000)
    shot(page, "looking-up")
    grid = page.get_by_test_id("stDataFrame").first

    def cells() -> list[str]:
        grid.locator("td").first.wait_for(state="attached", timeout=10_000)
        return grid.locator("td").all_inner_texts()

    page.get_by_text(re.compile(r"Looking up")).wait_for(state="detached", timeout=15_000)
    settle(page)
    [reference] = [c for c in cells() if "Our own short title" in c]
    assert "N Engl J Med. 2020" in reference  # the journal and year the file lacked
    assert "Suggested design" in " ".join(grid.locator("th").all_inner_texts())
    assert "Randomised trial" in cells()  # suggested from PubMed's publication types
    shot(page, "looked-up")


def test_a_failing_service_leaves_the_source_as_given_and_the_save_works(
    browser_context, stub_and_site
) -> None:
    stub, site = stub_and_site
    stub.queue(EFETCH, *[StubResponse.server_error(500)] * 3)  # PubMed down
    new_user(site, "unlucky")
    page = browser_context(width=1440, height=1200)
    log_in(page, site, "unlucky", f"/review?article=1&claim={site.claims[9]}")
    click_text(page, "radio", "Misleading")
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 27557302")
    paste.press("Tab")
    row = page.locator("[class*='st-key-review_'][class*='_s0_box']")
    row.get_by_text(re.compile(r"^Not looked up: PubMed answered 500")).wait_for(timeout=20_000)
    assert row.get_by_text("1. PMID 27557302 (new to the library)").is_visible()
    shot(page, "service-down")
    click_text(page, "button", "Save draft")
    page.get_by_text(re.compile(r"^Your review: Draft")).wait_for()
    database = site.database()
    try:
        with database.read() as session:
            kept = session.scalar(select(Citation).where(Citation.identifier == "27557302"))
            assert kept is not None and kept.title is None  # kept as given
            assert kept.lookup_status == "failed"  # and left for the next refresh
    finally:
        database.dispose()


def test_a_source_found_in_the_library_is_cited_and_a_chosen_verdict_is_cleared(
    browser_context, site: Site
) -> None:
    """The library finder opens under the paste box, finds a source by its title's words, and
    cites it in one click; it stays open from claim to claim until closed. A click on the
    chosen verdict clears it, as a second click on a chosen option does."""
    # A source no other reviewer cites (blind review hides those from the finder); 10.5555 is
    # the DOI prefix kept for tests.
    database = site.database()
    try:
        add_citations(database, OPERATOR, parse_identifiers("doi:10.5555/claimreview.finder")[0])
    finally:
        database.dispose()
    new_user(site, "finder")
    page = browser_context(width=1440, height=1200)
    log_in(page, site, "finder", f"/review?article=1&claim={site.claims[5]}")
    query = page.get_by_role("textbox", name="Title, author, journal or identifier")
    assert query.count() == 0  # closed: nothing of the finder is drawn
    finder = page.get_by_role("button", name="Find a source in the library")
    finder.click()
    query.wait_for(timeout=10_000)
    assert finder.get_attribute("aria-expanded") == "true"
    query.fill("claimreview.finder")
    query.press("Enter")
    settle(page)
    click_text(page, "button", "Cite")
    row = page.locator("[class*='st-key-review_'][class*='_s0_box']")
    row.get_by_text(re.compile(r"10\.5555/claimreview\.finder")).wait_for(timeout=10_000)
    assert page.get_by_text(re.compile(r"none yet")).count() == 0
    shot(page, "library-finder")
    # A verdict chosen, then clicked again: cleared. After each settle the picker shows what
    # the server holds (its data says which choice the server saw last).
    verdict = page.get_by_role("radio", name="Accurate", exact=True)
    verdict.click()
    settle(page)
    expect(verdict).to_have_attribute("aria-checked", "true")
    verdict.click()
    settle(page)
    expect(verdict).to_have_attribute("aria-checked", "false")
    # Closed again: gone.
    finder.click()
    query.wait_for(state="detached", timeout=10_000)
    assert finder.get_attribute("aria-expanded") == "false"
