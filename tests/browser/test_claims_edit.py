"""Fixing the machine's split by picking places in the text, and what the import marks."""

from __future__ import annotations

import re
from pathlib import Path

from claims.permissions import Actor
from db.queries import claim_page, get_article
from review_app.components.split_fixer import word_starts
from tests.browser.conftest import Site, click_text, log_in, new_user, settle, shot

OPERATOR = Actor.operator("test")


def _claims(site: Site, article_id: int = 1) -> list[tuple[int, int, int, str]]:
    """(ordinal, start, end, text) of every claim, and a check that each span is exact."""
    database = site.database()
    with database.read() as session:
        text = get_article(session, OPERATOR, article_id).text
        claims = claim_page(session, OPERATOR, article_id, limit=1000)
        rows = [(c.ordinal, c.start, c.end, c.text) for c in claims]
    database.dispose()
    assert all(text[start:end] == words for _, start, end, words in rows)
    return rows


def test_a_claim_is_split_at_a_place_picked_between_words(page, site: Site) -> None:
    new_user(site, "splitter")
    log_in(page, site, "splitter", f"/review?article=1&claim={site.claims[9]}")
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    _, start, end, text = _claims(site)[8]
    page.get_by_text("Fix the split").click()
    settle(page)
    slider = page.get_by_role("slider", name="Split at")
    slider.focus()
    for _ in range(3):  # three places to the right of the middle, from the keyboard
        slider.press("ArrowRight")
    settle(page)
    places = word_starts(text)
    at = places[len(places) // 2 + 3]
    page.get_by_text(f"Second: {text[at:].strip()}").wait_for(timeout=10_000)
    shot(page, "split-picked")
    click_text(page, "button", "Split here")
    page.get_by_text("The claim's split was changed.").wait_for(timeout=30_000)
    after = _claims(site)
    assert len(after) == 31
    assert (after[8][1], after[8][2]) == (start, start + len(text[:at].rstrip()))
    assert after[9][3] == text[at:].strip() and after[9][2] == end


def test_a_claims_span_is_moved_by_dragging_its_ends(page, site: Site) -> None:
    new_user(site, "spanner")
    claim = _claims(site)[1]  # "It occurs when the plasma cells, ..."
    ordinal, start, end, text = claim
    log_in(page, site, "spanner", f"/review?article=1&claim={site.claims[ordinal]}")
    page.get_by_text(f"Claim {ordinal} of").wait_for(timeout=30_000)
    page.get_by_text("Fix the split").click()
    settle(page)
    handles = page.get_by_role("slider", name="Claim span")
    handles.first.focus()
    handles.first.press("ArrowRight")  # the start, one place on: after "It"
    settle(page)
    page.get_by_text(re.compile(r"^New claim: ")).wait_for(timeout=10_000)
    click_text(page, "button", "Change the span")
    page.get_by_text("The claim's split was changed.").wait_for(timeout=30_000)
    moved = next(c for c in _claims(site) if c[0] == ordinal)
    assert moved[2] == end and moved[1] > start
    assert moved[3] == text[moved[1] - start :]


def test_a_per_unit_every_is_not_marked_as_overclaiming(page, site: Site) -> None:
    log_in(page, site, "editor")
    page.get_by_role("tab", name="Paste text").click()
    page.get_by_role("textbox", name="Article text").fill(
        "Cholesterol and the heart\n\nFor every 1 mmol/L increase in LDL cholesterol, the risk of "
        "heart attack rose by 20% in the cohort. Every patient benefits from statins.\n"
    )
    page.get_by_role("textbox", name="Title").last.fill("Cholesterol and the heart")
    page.get_by_role("button", name="Import text").click()
    settle(page)
    page.get_by_role("link", name="Open its claims").click()
    settle(page)
    grid = page.get_by_test_id("stDataFrame").first
    grid.locator("td").first.wait_for(state="attached")
    rows = grid.locator("tr").all_text_contents()
    per_unit = next(r for r in rows if "For every 1 mmol/L" in r)
    overclaim = next(r for r in rows if "Every patient benefits" in r)
    assert "absolute" not in per_unit
    assert "absolute" in overclaim
    shot(page, "cues")


def test_a_large_upload_shows_its_progress(page, site: Site, tmp_path: Path) -> None:
    log_in(page, site, "editor")
    sentences = [
        f"In trial {n}, drug {n % 97} lowered systolic blood pressure by {n % 11 + 2} mmHg."
        for n in range(12_000)
    ]
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    big = tmp_path / "long-review.txt"
    big.write_text("A long review of blood pressure trials\n\n" + "\n\n".join(paragraphs), "utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
    settle(page)
    page.get_by_role("button", name="Import file").click()
    progress = page.get_by_test_id("stProgress")
    progress.first.wait_for(timeout=30_000)  # seen while the import runs
    shot(page, "import-progress")
    page.get_by_text(re.compile(r"Imported .* with 12,?001 claims|Imported .* claims")).wait_for(
        timeout=120_000
    )
