"""Searching from the sidebar as a reviewer does: results ranked and marked, each one opening
its claim, and a co-reviewer's blind review never found."""

from __future__ import annotations

from claims.permissions import Actor
from db.assignments import assign
from db.reviews import save_review
from tests.browser.conftest import Site, log_in, new_user, settle, shot

OPERATOR = Actor.operator("test")


def test_the_sidebar_search_finds_marks_and_opens_a_claim(page, site: Site) -> None:
    new_user(site, "searcher")
    log_in(page, site, "searcher", "/claims?article=1")
    box = page.get_by_placeholder("Search claims…")
    box.fill("bone marrow")
    box.press("Enter")
    page.get_by_role("heading", name="Search").wait_for(timeout=30_000)
    settle(page)
    assert "q=bone+marrow" in page.url or "q=bone%20marrow" in page.url
    marked = page.locator("mark, span").filter(has_text="marrow").first
    marked.wait_for(timeout=10_000)
    results = page.get_by_role("link", name="Open claim")
    assert results.count() >= 1
    first = page.get_by_text("bone marrow", exact=False).first
    assert first.is_visible()
    shot(page, "search-results")
    results.first.click()
    page.get_by_role("heading", name="Review").wait_for(timeout=30_000)
    page.get_by_text("Claim 1 of 30").wait_for(timeout=30_000)
    # The address keeps the search: a reload shows the same results.
    page.go_back()
    page.get_by_role("heading", name="Search").wait_for(timeout=30_000)


def test_a_blind_co_reviewers_rationale_is_not_found(page, site: Site) -> None:
    first, second = new_user(site, "blindone"), new_user(site, "blindtwo")
    database = site.database()
    assign(database, OPERATOR, 1, [first.user_id, second.user_id])
    save_review(
        database, first, site.claims[3], verdict="accurate", certainty="high",
        rationale="Immunophenotyping atlas confirms it.", submit=True,
    )  # fmt: skip
    database.dispose()
    log_in(page, site, "blindtwo", "/search?q=immunophenotyping")
    page.get_by_role("heading", name="Search").wait_for(timeout=30_000)
    page.get_by_text("No claim matches").wait_for(timeout=30_000)
    shot(page, "search-blind-nothing")
