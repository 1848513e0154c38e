"""The review page as a reviewer meets it: the navigator, the form's state, citing in one step,
a stale save settled, where Review opens, the keyboard, labels that read whole."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.permissions import Actor
from db.accounts import set_active
from db.audit import list_events
from db.citations import search_library
from db.reviews import reviews_of_claim, save_review
from review_app.deferred_saves import DELAY_SECONDS
from tests.browser.conftest import Site, click_text, log_in, new_user, settle, shot

OPERATOR = Actor.operator("test")


def _stored(site: Site, actor: Actor, claim_id: int):
    """The reviewer's review of the claim as stored, once a Submit & next clicked just before
    has been saved (about a quarter second after its run: review_app/deferred_saves.py)."""
    time.sleep(DELAY_SECONDS + 0.5)
    database = site.database()
    try:
        reviews = reviews_of_claim(database, OPERATOR, claim_id)
    finally:
        database.dispose()
    return next((r for r in reviews if r.reviewer_id == actor.user_id), None)


def _save(site: Site, actor: Actor, ordinal: int, **values) -> None:
    database = site.database()
    try:
        save_review(database, actor, site.claims[ordinal], **values)
    finally:
        database.dispose()


def _navigator(page):
    """The navigator's table of claims."""
    table = page.get_by_test_id("claim-navigator")
    table.locator("td").first.wait_for(state="attached", timeout=10_000)
    return table


def _open(page, site: Site, username: str, ordinal: int | None = None) -> None:
    path = "/review?article=1" + (f"&claim={site.claims[ordinal]}" if ordinal else "")
    log_in(page, site, username, path)
    if ordinal:
        page.get_by_text(f"Claim {ordinal} of 30").wait_for(timeout=30_000)


def _header(page) -> str:
    return re.search(r"Claim \d+ of 30", page.inner_text("body")).group(0)


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_navigator_shows_my_status_and_verdict_beside_each_claim(
    browser_context, site: Site, width: int
) -> None:
    actor = new_user(site, f"nav{width}")
    _save(site, actor, 1, verdict="misleading", certainty="low", submit=True)
    _save(site, actor, 2, verdict="accurate", certainty=None)
    page = browser_context(width=width, height=900)
    _open(page, site, f"nav{width}")
    table = _navigator(page)
    assert table.locator("th").all_inner_texts() == ["#", "Mine", "Claim", "Cues"]
    cells = table.locator("td").all_inner_texts()
    assert "✓ Misleading" in cells and "✎ Accurate" in cells and "○ To do" in cells
    # On screen beside the claim's start, not cut off: status, verdict and the claim's words.
    for text in ("✓ Misleading", "✎ Accurate"):
        assert table.get_by_role("cell", name=text, exact=True).is_visible()
    claim_cell = table.locator("tbody tr").first.locator("td").nth(2)
    assert claim_cell.bounding_box()["width"] > 120
    assert page.get_by_text("You have submitted 1 of 24 checkable claims").is_visible()
    shot(page, f"navigator-{width}")


def test_the_form_shows_where_my_review_stands(page, site: Site) -> None:
    new_user(site, "stan")
    _open(page, site, "stan", 3)
    assert page.get_by_text("Your review: Not reviewed yet").is_visible()
    click_text(page, "radio", "Needs context")
    assert page.get_by_text("unsaved changes").is_visible()
    shot(page, "unsaved")
    click_text(page, "button", "Save draft")
    status = page.get_by_text(re.compile(r"Your review: Draft · last saved today, \d\d:\d\d"))
    assert status.is_visible()
    assert page.get_by_text("unsaved changes").count() == 0
    click_text(page, "radio", "Low")
    click_text(page, "button", "Submit")
    assert page.get_by_text(re.compile(r"Submitted · last saved today, \d\d:\d\d")).is_visible()
    assert page.get_by_text("unsaved changes").count() == 0
    shot(page, "submitted")


def test_a_pasted_source_gets_its_stance_and_design_and_one_save_keeps_all(
    page, site: Site
) -> None:
    actor = new_user(site, "cita")
    _open(page, site, "cita", 4)
    click_text(page, "radio", "Misleading")
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 27557302, NCT01234567")
    paste.press("Tab")
    settle(page)
    page.get_by_text("1. PMID 27557302 (new to the library)").wait_for(timeout=10_000)
    page.get_by_text("2. ClinicalTrials.gov NCT01234567 (new to the library)").wait_for()
    assert _stored(site, actor, site.claims[4]) is None  # nothing saved yet
    first = page.locator("[class*='st-key-review_'][class*='_s0_box']")
    first.get_by_role("combobox", name="Stance").click()
    page.get_by_role("option", name="Supports").click()
    settle(page)
    first.get_by_role("combobox", name="Study design").click()
    page.get_by_role("option", name="Randomised trial", exact=True).click()
    settle(page)
    first.get_by_role("textbox", name="Quoted passage").fill("no overall survival benefit")
    first.get_by_role("textbox", name="Quoted passage").press("Tab")
    settle(page)
    shot(page, "sources")
    click_text(page, "button", "Save draft")
    stored = _stored(site, actor, site.claims[4])
    assert stored is not None and stored.verdict == "misleading" and len(stored.citations) == 2
    database = site.database()
    [pubmed] = search_library(database, OPERATOR, "27557302")
    database.dispose()
    cited = {c.citation_id: c for c in stored.citations}
    assert cited[pubmed.id].stance == "supports"
    assert cited[pubmed.id].quote == "no overall survival benefit"
    assert pubmed.study_design == "rct"


def _two_tabs(browser_context, site: Site, username: str, ordinal: int) -> tuple:
    """A new reviewer with the claim open in two tabs: (the reviewer, first tab, second)."""
    actor = new_user(site, username)
    first, second = browser_context(), browser_context()
    for tab in (first, second):
        _open(tab, site, username, ordinal)
    return actor, first, second


def _write_rationale(page, text: str):
    """Type the rationale and leave the box (which sends it); the box."""
    box = page.get_by_role("textbox", name="Rationale (Markdown)")
    box.fill(text)
    box.press("Tab")
    settle(page)
    return box


def test_a_stale_save_keeps_my_typing_and_keep_mine_wins(browser_context, site: Site) -> None:
    actor, first, second = _two_tabs(browser_context, site, "twotabs", 5)
    _write_rationale(first, "Written in the first tab.")
    click_text(first, "button", "Save draft")
    mine = _write_rationale(second, "Written in the second tab.")
    click_text(second, "radio", "Accurate")
    click_text(second, "button", "Save draft")
    second.get_by_text("saved elsewhere").wait_for(timeout=10_000)
    table = second.get_by_test_id("stTable").inner_text()
    assert "Written in the first tab." in table and "Written in the second tab." in table
    assert "Accurate" in table
    assert mine.input_value() == "Written in the second tab."  # nothing typed was lost
    shot(second, "conflict")
    click_text(second, "button", "Keep mine")
    stored = _stored(site, actor, site.claims[5])
    assert (stored.rationale, stored.verdict, stored.version) == (
        "Written in the second tab.",
        "accurate",
        2,
    )
    database = site.database()
    events = list_events(database, OPERATOR, username="twotabs")
    database.dispose()
    assert [e.action for e in events if e.entity_type == "review"] == ["create", "keep_mine"]
    assert second.get_by_test_id("stTable").count() == 0
    # Kept from inside the claim's panel: the navigator beside it shows my draft too.
    assert "✎ Accurate" in _navigator(second).locator("td").all_inner_texts()


def test_a_submit_and_next_refused_after_its_click_is_shown_and_taken_back(
    browser_context, site: Site
) -> None:
    """Submit & next shows the next claim while its save is made. The same review saved from
    another tab meanwhile refuses that save: the reviewer's next key on the next claim shows
    it, with the navigator as stored, and one click brings the review back whole to keep."""
    actor, first, second = _two_tabs(browser_context, site, "latetabs", 5)
    click_text(first, "radio", "Inaccurate")
    click_text(first, "button", "Save draft")
    first.get_by_text("Your review: Draft").wait_for(timeout=10_000)
    rationale = _write_rationale(second, "Written in the second tab.")
    click_text(second, "radio", "Accurate")
    click_text(second, "radio", "High")
    click_text(second, "button", "Submit & next")
    assert _header(second) == "Claim 6 of 30"
    assert _stored(site, actor, site.claims[5]).verdict == "inaccurate"  # nothing overwritten
    second.evaluate("document.activeElement && document.activeElement.blur()")
    second.keyboard.press("3")  # the next key, on claim 6: this panel alone reruns
    notice = second.get_by_text("Your review of claim 5 was not saved")
    notice.wait_for(timeout=10_000)
    assert "changed elsewhere" in second.get_by_role("alert").first.inner_text()
    settle(second)
    assert "✎ Inaccurate" in _navigator(second).locator("td").all_inner_texts()
    shot(second, "not-saved")
    second.keyboard.press("3")  # claim 6's choice taken back: nothing unsaved there
    settle(second)
    click_text(second, "button", "Open claim 5 with my review")
    assert _header(second) == "Claim 5 of 30"
    assert rationale.input_value() == "Written in the second tab."
    table = second.get_by_test_id("stTable").inner_text()
    assert "Accurate" in table and "Inaccurate" in table
    assert notice.count() == 0
    shot(second, "taken-back")
    click_text(second, "button", "Keep mine")
    stored = _stored(site, actor, site.claims[5])
    assert (stored.verdict, stored.certainty, stored.rationale, stored.status) == (
        "accurate", "high", "Written in the second tab.", "submitted",
    )  # fmt: skip


def test_a_refused_review_outlives_a_reload_and_opens_in_its_own_article(
    browser_context, site: Site
) -> None:
    """The page left for another article right after the Submit & next whose save is then
    refused: the reviewer's next page shows it, and taking it back opens its claim in its own
    article with every value they entered."""
    from db.articles import import_file

    database = site.database()
    try:
        other = import_file(database, b"Coffee lowers the risk of liver disease.\n",
                            "coffee.txt", actor=OPERATOR)  # fmt: skip
    finally:
        database.dispose()
    actor, first, second = _two_tabs(browser_context, site, "reloader", 4)
    click_text(first, "radio", "Inaccurate")
    click_text(first, "button", "Save draft")
    first.get_by_text("Your review: Draft").wait_for(timeout=10_000)
    click_text(second, "radio", "Misleading")
    click_text(second, "radio", "Low")
    click_text(second, "button", "Submit & next")
    assert _header(second) == "Claim 5 of 30"
    second.goto(site.url(f"/review?article={other.article_id}"))  # a new page: a new session
    # Claim 4 of the demo, not of the article on screen: the notice names the demo.
    second.get_by_text(
        "Your review of claim 4 of “Multiple myeloma immunotherapy” was not saved"
    ).wait_for(timeout=30_000)
    settle(second)
    shot(second, "not-saved-after-reload")
    click_text(second, "button", "Open claim 4 with my review")
    second.get_by_text("Claim 4 of 30").wait_for(timeout=30_000)
    settle(second)
    table = second.get_by_test_id("stTable").inner_text()
    assert "Misleading" in table and "Inaccurate" in table
    assert _stored(site, actor, site.claims[4]).verdict == "inaccurate"


def test_after_next_a_save_acts_on_the_claim_shown_and_the_navigator_shows_it(
    page, site: Site
) -> None:
    """Next and Previous redraw the claim and its form but not the save buttons below them
    (nor the navigator): a save must still act on the claim on screen, with the version of my
    review the form holds, and show in the navigator."""
    actor = new_user(site, "mover")
    _open(page, site, "mover", 2)
    click_text(page, "button", "Next")
    click_text(page, "button", "Next")
    click_text(page, "button", "← Previous")
    click_text(page, "button", "Next")
    shown = int(_header(page).split()[1])
    assert shown > 3
    click_text(page, "radio", "Accurate")
    click_text(page, "button", "Save draft")
    page.get_by_text("Your review: Draft").wait_for(timeout=10_000)
    assert _stored(site, actor, site.claims[shown]).version == 1
    click_text(page, "button", "Next")  # the draft's version is now what the form must hold
    click_text(page, "button", "← Previous")
    assert _header(page) == f"Claim {shown} of 30"
    click_text(page, "radio", "High")
    click_text(page, "button", "Submit & next")
    assert page.get_by_text("saved elsewhere").count() == 0  # no conflict with my own draft
    assert _header(page) != f"Claim {shown} of 30"
    stored = _stored(site, actor, site.claims[shown])
    assert (stored.verdict, stored.certainty, stored.status, stored.version) == (
        "accurate", "high", "submitted", 2,
    )  # fmt: skip
    for ordinal in (2, 3):  # the claims the buttons were first drawn with saw nothing
        assert _stored(site, actor, site.claims[ordinal]) is None
    assert page.get_by_text("You have submitted 1 of 24 checkable claims").is_visible()
    assert "✓ Accurate" in _navigator(page).locator("td").all_inner_texts()


def test_a_row_picked_in_the_navigator_opens_its_claim_by_click_or_keyboard(
    page, site: Site
) -> None:
    actor = new_user(site, "picker")
    _open(page, site, "picker", 2)
    table = _navigator(page)
    number = page.get_by_role("button", name="Open claim 5", exact=True)  # within the row
    table.locator("tbody tr", has=number).locator("td").nth(2).click()  # the claim's words
    page.get_by_text("Claim 5 of 30").wait_for(timeout=30_000)
    assert f"claim={site.claims[5]}" in page.url
    # Next moves on from the claim picked; nothing pulls the reviewer back to it.
    page.get_by_role("button", name=re.compile(r"^Next →")).click()
    page.get_by_text("Claim 6 of 30").wait_for(timeout=30_000)
    # The keyboard: the table is one Tab stop; the arrows move between its rows' numbers, and
    # Enter opens one (and is not Submit and next).
    numbers = table.get_by_role("button", name=re.compile(r"^Open claim"))
    tab_stops = "bs => bs.filter(b => b.tabIndex === 0).map(b => b.ariaLabel)"
    assert numbers.evaluate_all(tab_stops) == ["Open claim 5"]  # the row picked, redrawn
    table.get_by_role("button", name="Open claim 6", exact=True).focus()
    page.keyboard.press("ArrowDown")  # claims 7 and 8 are not checkable: not listed
    expect(table.get_by_role("button", name="Open claim 9", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    settle(page)
    assert page.get_by_text("Choose a verdict").count() == 0
    assert _stored(site, actor, site.claims[9]) is None
    # The keys are the page's again: Enter is Submit and next, not the row left behind.
    for key in ("1", "H", "Enter"):
        page.keyboard.press(key)
        settle(page)
    assert _stored(site, actor, site.claims[9]).status == "submitted"
    here = _header(page)
    assert here != "Claim 9 of 30"
    # With unsaved changes a pick is held back, and says so; discarding them moves on to it.
    page.get_by_role("textbox", name="Rationale (Markdown)").fill("Half a thought")
    page.get_by_role("textbox", name="Rationale (Markdown)").press("Tab")
    settle(page)
    table.get_by_role("button", name="Open claim 14", exact=True).click()
    settle(page)
    assert _header(page) == here
    assert page.get_by_text("This claim has unsaved changes").is_visible()
    shot(page, "navigator-pick-held-back")
    page.get_by_role("button", name="Discard my changes and move on").click()
    page.get_by_text("Claim 14 of 30").wait_for(timeout=30_000)


def test_the_navigator_pages_a_long_article_and_shows_its_claims_as_text(page, site: Site) -> None:
    from db.articles import import_file

    # 120 claims (three pages of 50); the first one's words look like markup.
    lines = ['<img src=x onerror="window.__navigatorXss=1"> Drug 0 lowered blood pressure.']
    lines += [f"Drug {i} lowered blood pressure in trial {i}." for i in range(1, 120)]
    database = site.database()
    try:
        long = import_file(database, "\n\n".join(lines).encode(), "pages.txt", actor=OPERATOR)
    finally:
        database.dispose()
    new_user(site, "pager")
    log_in(page, site, "pager", f"/review?article={long.article_id}")
    table = _navigator(page)
    progress = page.get_by_text("You have submitted 0 of 120 checkable claims · 120 listed")
    assert progress.is_visible()
    bar = page.get_by_role("progressbar", name="Checkable claims you have submitted")
    assert bar.get_attribute("aria-valuenow") == "0"
    # The claim's words are text in its cell, never an element of the page.
    first = table.locator("tbody tr").first.locator("td").nth(2)
    assert first.inner_text().startswith('<img src=x onerror="window.__navigatorXss=1">')
    assert table.locator("img").count() == 0
    assert page.evaluate("() => window.__navigatorXss") is None
    pages = page.get_by_role("group", name="Pages of claims")
    expect(pages).to_contain_text("of 3")
    assert pages.get_by_role("button", name="Previous page").is_disabled()
    pages.get_by_role("button", name="Next page").click()
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text("51")
    # A page typed in the field: its digit is not a verdict key, nor its Enter Submit and next.
    field = pages.get_by_role("spinbutton", name="Page")
    field.select_text()
    field.press_sequentially("3")
    field.press("Enter")
    first_number = table.locator("tbody tr").first.locator("td").first
    expect(first_number).to_have_text("101")
    assert table.locator("tbody tr").count() == 20
    assert pages.get_by_role("button", name="Next page").is_disabled()
    settle(page)
    assert page.get_by_role("radio", checked=True).count() == 0  # no verdict chosen
    assert page.get_by_text("Choose a verdict").count() == 0  # nothing submitted
    shot(page, "navigator-pages")
    # Enter on ‹ pages back; on the first page the field takes the focus from the disabled ‹,
    # so one more Enter is still the pager's, never Submit and next.
    pages.get_by_role("button", name="Previous page").focus()
    page.keyboard.press("Enter")
    expect(first_number).to_have_text("51")
    page.keyboard.press("Enter")
    expect(first_number).to_have_text("1")
    expect(field).to_be_focused()
    page.keyboard.press("Enter")
    settle(page)
    assert page.get_by_text("Choose a verdict").count() == 0
    expect(first_number).to_have_text("1")
    # Clicked with the mouse up to the last page, › leaves the keys to the page: a save by its
    # keys shows at once in the progress line and its bar.
    pages.get_by_role("button", name="Next page").click()
    expect(first_number).to_have_text("51")
    pages.get_by_role("button", name="Next page").click()
    expect(first_number).to_have_text("101")
    for key in ("1", "H", "S"):
        page.keyboard.press(key)
        settle(page)
    expect(field).to_have_value("3")
    expect(page.get_by_text("You have submitted 1 of 120 checkable claims")).to_be_visible()
    assert bar.get_attribute("aria-valuenow") == "1"
    # A filter that leaves one page of claims takes the pager away, and the table shows that
    # page (the claim just submitted, the one on screen), not an empty third page; without the
    # filter, three pages again.
    page.get_by_text("Filters", exact=True).click()
    page.get_by_test_id("stMultiSelect").filter(has_text="My status").click()
    page.get_by_role("option", name="✓ Submitted").click()
    page.keyboard.press("Escape")
    settle(page)
    expect(page.get_by_text("1 listed", exact=False)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(first_number).to_have_text("1")
    expect(pages).to_have_count(0)
    shot(page, "navigator-one-page")
    filters = page.get_by_test_id("stExpander").filter(has_text="Filters")
    if not filters.get_by_text("My status").is_visible():
        page.get_by_text("Filters", exact=True).click()
    filters.get_by_role("button", name=re.compile("Clear all", re.I)).first.click()
    settle(page)
    expect(page.get_by_text("120 listed", exact=False)).to_be_visible()
    expect(pages).to_contain_text("of 3")


def test_review_opens_on_the_first_claim_i_have_not_reviewed(page, site: Site) -> None:
    actor = new_user(site, "resume")
    for ordinal in (1, 2, 3):
        _save(site, actor, ordinal, verdict="accurate", certainty="high", submit=True)
    _open(page, site, "resume")
    page.get_by_text("Claim 4 of 30").wait_for(timeout=30_000)
    assert f"claim={site.claims[4]}" in page.url


def test_a_claim_link_naming_the_wrong_article_opens_the_claim_in_its_own(page, site: Site) -> None:
    new_user(site, "linker")
    log_in(page, site, "linker", f"/review?article=999&claim={site.claims[9]}")
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    assert page.get_by_test_id("stAlert").count() == 0  # no contradictory warnings
    assert "article=1" in page.url


def test_the_review_loop_runs_from_the_keyboard(page, site: Site) -> None:
    actor = new_user(site, "keys")
    _open(page, site, "keys", 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # not in a field
    expected = {}
    for verdict_key, verdict, certainty_key, certainty in (
        ("2", "mostly_accurate", "M", "moderate"),
        ("4", "misleading", "L", "low"),
        ("1", "accurate", "H", "high"),
    ):
        ordinal = int(_header(page).split()[1])
        page.keyboard.press(verdict_key)
        settle(page)
        page.keyboard.press(certainty_key)
        settle(page)
        page.keyboard.press("Enter")  # submit and go to the next claim to review
        settle(page)
        expected[ordinal] = (verdict, certainty)
        assert _header(page) != f"Claim {ordinal} of 30"
    for ordinal, values in expected.items():
        stored = _stored(site, actor, site.claims[ordinal])
        assert (stored.verdict, stored.certainty, stored.status) == (*values, "submitted")
    # P and N move back and forth.
    here = _header(page)
    page.keyboard.press("n")
    settle(page)
    assert _header(page) != here
    page.keyboard.press("p")
    settle(page)
    assert _header(page) == here
    # Keys typed into a text field are text, never shortcuts.
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.click()
    page.keyboard.type("1 S n")
    page.wait_for_timeout(500)
    assert _header(page) == here
    assert rationale.input_value() == "1 S n"
    assert page.get_by_text("Your review: Not reviewed yet").is_visible()
    shot(page, "keyboard")
    # The help panel lists them.
    page.get_by_role("button", name=re.compile("Keys")).click()
    page.get_by_text("submit and go to the next claim to review").wait_for(timeout=10_000)
    shot(page, "keyboard-help")


def test_labels_read_whole_and_focus_is_not_an_error(page, site: Site) -> None:
    new_user(site, "looks")
    _open(page, site, "looks", 1)
    button = page.get_by_role("button", name=re.compile("^Submit & next"))
    clipped = button.evaluate(
        "b => Array.from(b.querySelectorAll('*')).some(e => e.scrollWidth > e.clientWidth + 1)"
    )
    assert not clipped
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.focus()
    page.wait_for_timeout(300)
    colour = rationale.evaluate(
        "t => { let e = t; for (let i = 0; i < 4 && e; i++, e = e.parentElement) {"
        " const c = getComputedStyle(e).borderColor; if (!c.startsWith('rgba(0, 0, 0, 0)')"
        " && c !== 'rgb(0, 0, 0)') return c; } return ''; }"
    )
    red, green, blue = (int(x) for x in re.findall(r"\d+", colour)[:3])
    assert not (red > 150 and green < 110 and blue < 110), colour  # not an error's red


def test_readme_screenshot_of_the_review_page(page, site: Site) -> None:
    """`make screenshots` writes it to docs/ (CLAIMREVIEW_SCREENSHOTS=docs); every run keeps
    it among the run's screenshots."""
    actor = new_user(site, "readme")
    for ordinal, verdict in ((1, "accurate"), (2, "mostly_accurate"), (3, "needs_context")):
        _save(site, actor, ordinal, verdict=verdict, certainty="moderate", submit=True)
    page.set_viewport_size({"width": 1440, "height": 1400})
    _open(page, site, "readme", 9)
    click_text(page, "radio", "Misleading")
    click_text(page, "radio", "Low")
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.fill(
        "Immunotherapy also affects healthy cells: immune-related side effects are common "
        '(**NCI**). "Only cancer cells" overstates it.'
    )
    rationale.press("Tab")
    settle(page)
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 27557302")
    paste.press("Tab")
    settle(page)
    # What the picture is meant to show, there to be seen: my marks beside the claims done, the
    # form's state, the pasted source as a row to give a stance and design, no error.
    assert {"✓ Accurate", "✓ Mostly accurate", "○ To do"} <= set(
        _navigator(page).locator("td").all_inner_texts()
    )
    assert page.get_by_text("unsaved changes").is_visible()
    assert page.get_by_text("PMID 27557302").first.is_visible()
    assert page.get_by_role("combobox", name="Stance").count() >= 1
    assert page.get_by_test_id("stException").count() == 0
    # Tab left the focus on the library finder's switch: its focus ring is not what the
    # picture is about.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    path = shot(page, "readme-review-page")
    folder = os.environ.get("CLAIMREVIEW_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / "review-page.png"))
    assert path.stat().st_size > 50_000  # a page drawn, not a blank one


def test_moving_on_from_unsaved_changes_keeps_me_here_until_i_save_or_discard(
    page, site: Site
) -> None:
    actor = new_user(site, "careful")
    _open(page, site, "careful", 1)
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.fill("Half a thought I have not saved")
    # Straight from the text box to Next, as people do: the typing must not be lost.
    page.get_by_role("button", name="Next →").click()
    settle(page)
    page.get_by_text("This claim has unsaved changes, so you were kept here").wait_for()
    assert _header(page) == "Claim 1 of 30"
    assert rationale.input_value() == "Half a thought I have not saved"
    shot(page, "kept-here")
    # The keyboard's N is held back the same way.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("n")
    settle(page)
    assert _header(page) == "Claim 1 of 30"
    page.get_by_role("button", name="Discard my changes and move on").click()
    settle(page)
    assert _header(page) != "Claim 1 of 30"
    assert _stored(site, actor, site.claims[1]) is None  # nothing was saved on the way
    page.keyboard.press("p")
    settle(page)
    assert _header(page) == "Claim 1 of 30"
    assert page.get_by_role("textbox", name="Rationale (Markdown)").input_value() == ""


def test_a_click_after_my_account_is_disabled_shows_the_login_form_and_saves_nothing(
    page, site: Site
) -> None:
    actor = new_user(site, "leaver")
    _open(page, site, "leaver", 1)
    click_text(page, "radio", "Misleading")
    database = site.database()
    try:
        set_active(database, OPERATOR, "leaver", False)
    finally:
        database.dispose()
    # A click inside the review reruns only its fragment: the login is checked there too.
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Your account is no longer active.").wait_for(timeout=30_000)
    assert page.get_by_role("textbox", name="Password").is_visible()
    assert page.get_by_text(re.compile(r"Claim \d+ of 30")).count() == 0
    assert _stored(site, actor, site.claims[1]) is None
    shot(page, "disabled")


def test_certainty_rated_by_grade_domains_with_footnotes_and_an_override(page, site: Site) -> None:
    actor = new_user(site, "grader")
    _open(page, site, "grader", 6)
    click_text(page, "radio", "Misleading")
    page.get_by_text("Rate certainty by GRADE domains").click()
    settle(page)
    page.get_by_text("Use GRADE domains for my certainty").click()
    settle(page)
    page.get_by_text("Randomised trials", exact=True).click()
    settle(page)

    def rate(domain: str, level: str, why: str) -> None:
        page.get_by_role("combobox", name=domain, exact=True).click()
        page.keyboard.type(level)  # opens the list, narrowed to it
        page.get_by_role("option", name=level, exact=True).click()
        settle(page)
        field = page.get_by_role("textbox", name=f"Why ({domain.lower()})")
        field.fill(why)
        field.press("Tab")
        settle(page)

    rate("Risk of bias", "Serious", "outcome assessors not blinded in 2 of 3 trials")
    rate("Imprecision", "Very serious", "few events; the interval crosses no effect")
    page.get_by_text("The domains give: Very low").wait_for()
    assert page.get_by_text(
        "a. Rated down one level for risk of bias: outcome assessors not blinded in 2 of 3 trials."
    ).is_visible()
    assert page.get_by_text(re.compile(r"^b\. Rated down two levels for imprecision")).is_visible()
    shot(page, "grade-domains")
    click_text(page, "button", "Use Very low for my certainty")
    click_text(page, "button", "Save draft")
    stored = _stored(site, actor, site.claims[6])
    assert stored.certainty == "very_low" and stored.grade.computed() == "very_low"
    # Choosing another certainty is an override: refused without a reason, kept with one.
    click_text(page, "radio", "Low")
    click_text(page, "button", "Save draft")
    page.get_by_text(re.compile("override")).first.wait_for()
    assert _stored(site, actor, site.claims[6]).certainty == "very_low"  # nothing saved
    why = page.get_by_role("textbox", name=re.compile("^Why your certainty differs"))
    why.fill("a second large trial reported since")
    why.press("Tab")
    settle(page)
    click_text(page, "button", "Save draft")
    stored = _stored(site, actor, site.claims[6])
    assert stored.certainty == "low" and stored.grade.override == "low"
    assert "a second large trial" in stored.grade.footnotes()[-1]
    shot(page, "grade-override")


def test_keys_pressed_faster_than_the_page_redraws_are_all_saved(page, site: Site) -> None:
    """A practised reviewer presses a verdict, a certainty and Enter without waiting for the
    page: the submitted review holds both, on every claim (the choices reach the server before
    the save's own callback reads the form, however the requests are merged)."""
    actor = new_user(site, "quick")
    _open(page, site, "quick", 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # not in a field
    expected = {}
    for verdict_key, verdict, certainty_key, certainty in (
        ("2", "mostly_accurate", "H", "high"),
        ("4", "misleading", "L", "low"),
        ("1", "accurate", "M", "moderate"),
        ("3", "needs_context", "V", "very_low"),
    ):
        ordinal = int(_header(page).split()[1])
        page.keyboard.press(verdict_key)
        page.keyboard.press(certainty_key)
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"!document.body.innerText.includes('Claim {ordinal} of 30')", timeout=10_000
        )
        settle(page)
        expected[ordinal] = (verdict, certainty)
    for ordinal, values in expected.items():
        stored = _stored(site, actor, site.claims[ordinal])
        assert stored is not None, ordinal
        assert (stored.verdict, stored.certainty, stored.status) == (*values, "submitted")


def test_a_paste_left_by_clicking_save_is_saved_with_its_sources(page, site: Site) -> None:
    """Identifiers pasted, then Save draft clicked at once (which is what leaves the box): the
    saved draft cites them."""
    actor = new_user(site, "hasty")
    _open(page, site, "hasty", 6)
    click_text(page, "radio", "Accurate")
    paste = page.get_by_role("textbox", name=re.compile("^Add sources"))
    paste.fill("PMID 27557302")
    page.get_by_role("button", name=re.compile("^Save draft")).click()
    page.get_by_text(re.compile("^Saved as draft")).wait_for(timeout=10_000)
    settle(page)
    stored = _stored(site, actor, site.claims[6])
    assert stored is not None and stored.status == "draft"
    assert len(stored.citations) == 1


def test_save_keys_after_a_mouse_click_on_an_option_or_a_save_button(page, site: Site) -> None:
    """D, S and Enter save from wherever the mouse left the focus: on a verdict option just
    clicked, or on a save button just clicked (whose "Saving…" is gone once the page has
    answered)."""
    actor = new_user(site, "mouse")
    _open(page, site, "mouse", 9)
    click_text(page, "radio", "Misleading")
    page.keyboard.press("D")
    page.get_by_text(re.compile("^Saved as draft")).wait_for(timeout=10_000)
    settle(page)
    stored = _stored(site, actor, site.claims[9])
    assert (stored.verdict, stored.status) == ("misleading", "draft")
    click_text(page, "radio", "Low")
    page.get_by_role("button", name=re.compile("^Save draft")).click()
    settle(page)
    assert _stored(site, actor, site.claims[9]).certainty == "low"
    bar = page.get_by_role("group", name="Save my review")
    assert bar.locator("button span").all_inner_texts() == ["Save draft", "Submit", "Submit & next"]
    # Enter on a control reached with Tab is that control's: the finder opens, nothing saved.
    finder = page.get_by_role("button", name="Find a source in the library")
    finder.focus()
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Title, author, journal or identifier").wait_for()
    settle(page)
    assert _stored(site, actor, site.claims[9]).status == "draft"
    finder.click()  # closed again, by the mouse: the keys are the page's
    settle(page)
    page.keyboard.press("Enter")  # the focus left the button: Submit & next
    page.get_by_text("Claim 9 of 30").wait_for(state="detached", timeout=10_000)
    settle(page)
    assert _stored(site, actor, site.claims[9]).status == "submitted"
    # Previous clicked with the mouse, then a verdict, a certainty and Enter: Submit & next.
    page.get_by_role("button", name=re.compile(r"^← Previous")).click()
    page.get_by_text("Claim 9 of 30").wait_for(timeout=10_000)
    settle(page)
    click_text(page, "button", "Next →")
    page.get_by_text("Claim 10 of 30").wait_for(timeout=10_000)
    settle(page)
    for key in ("2", "M", "Enter"):
        page.keyboard.press(key)
        settle(page)
    stored = _stored(site, actor, site.claims[10])
    assert stored is not None
    assert (stored.verdict, stored.certainty, stored.status) == (
        "mostly_accurate", "moderate", "submitted")  # fmt: skip
