"""A claim the desk has seen before, as a reviewer meets it on the review page: the earlier
finding in the panel's title, its sources inside, and "Reuse these sources" filling a draft;
and the same claim in several articles, matched by the server in the background, on the
dashboard's list of recurring claims."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.articles import import_file
from db.citations import add_citations
from db.decisions import record_decision
from db.models import Claim, ClaimMatchQueue
from db.reviews import CitedSource, reviews_of_claim, save_review
from tests.browser.conftest import Site, click_text, log_in, new_user, settle, shot
from tests.samples import MYELOMA_RETELLINGS

OPERATOR = Actor.operator("test")
EARLIER = (
    "Myeloma explained\n\n"
    "Multiple myeloma is a cancer of the bone marrow, the soft tissue in bones that makes "
    "blood cells.\n"
)


def test_a_claim_seen_before_shows_its_finding_and_its_sources_are_reused(page, site: Site) -> None:
    editor, reviewer = new_user(site, "seeneditor", ("editor",)), new_user(site, "seenrita")
    database = site.database()
    earlier = import_file(database, EARLIER.encode(), "earlier.txt", actor=OPERATOR)
    with database.read() as session:
        old = session.scalar(select(Claim.id).where(Claim.article_id == earlier.article_id,
                                                    Claim.text.startswith("Multiple")))  # fmt: skip
    cited = add_citations(database, editor, parse_identifiers("PMID 24656952")[0])
    save_review(
        database, editor, old, verdict="accurate", certainty="high", submit=True,
        rationale="Standard haematology.", citations=[CitedSource(cited[0].id, "supports")],
    )  # fmt: skip
    record_decision(database, editor, old, verdict="accurate", certainty="high", reason="other")
    database.dispose()

    log_in(page, site, "seenrita", f"/review?article=1&claim={site.claims[1]}")
    page.get_by_text("Claim 1 of 30").wait_for(timeout=30_000)
    panel = page.get_by_text("Seen before: 1 earlier claim like this one")
    panel.wait_for(timeout=30_000)
    assert "Accurate, certainty high (editor's decision)" in panel.inner_text()
    panel.click()
    page.get_by_text("soft tissue in bones").wait_for(timeout=30_000)
    settle(page)
    shot(page, "seen-before-open")
    click_text(page, "button", "Reuse these sources")
    page.get_by_text(
        "1 source from the earlier claim added to your draft, with its stance"
    ).wait_for(timeout=30_000)
    settle(page)
    assert page.get_by_text("PMID 24656952 · supports").is_visible()
    assert page.get_by_role("button", name="Reuse these sources").is_disabled()
    # The navigator, drawn outside the panel the button is in, shows the new draft too.
    assert page.get_by_text(re.compile(r"checkable claims · 1 draft · ")).is_visible()
    shot(page, "seen-before-reused")
    database = site.database()
    [draft] = reviews_of_claim(database, reviewer, site.claims[1])
    database.dispose()
    assert (draft.status, draft.verdict, [c.stance for c in draft.citations]) == (
        "draft", None, ["supports"]
    )  # fmt: skip


def test_recurring_claims_are_found_by_the_background_matcher_and_listed_on_the_dashboard(
    page, site: Site
) -> None:
    new_user(site, "mytheditor", ("editor",))
    database = site.database()
    for n, wording in enumerate(MYELOMA_RETELLINGS):
        import_file(database, f"Myeloma {n}\n\n{wording}\n".encode(), f"myth{n}.txt",
                    actor=OPERATOR)  # fmt: skip
    database.dispose()
    # The server's background matcher matches the new claims (and the demo's) on its own.
    log_in(page, site, "mytheditor", "/")
    deadline = time.monotonic() + 60
    while True:
        database = site.database()
        with database.read() as session:
            waiting = session.scalar(select(func.count()).select_from(ClaimMatchQueue))
        database.dispose()
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert waiting == 0, "the background matcher did not drain the queue"
    page.goto(site.url("/dashboard"))
    page.get_by_role("heading", name="Recurring claims").wait_for(timeout=30_000)
    settle(page)
    heading = page.get_by_role("heading", name="Recurring claims")
    heading.scroll_into_view_if_needed()
    myth = page.get_by_test_id("stExpander").filter(has_text="4 articles")
    label = myth.locator("summary").inner_text()
    assert "Multiple myeloma is a cancer of the bone marrow" in label
    assert "Not reviewed ×" in label
    shot(page, "recurring")
    # Open it: each article's claim is listed, with its verdict and a link to review it.
    myth.locator("summary").click()
    places = myth.locator("table")
    places.wait_for(timeout=10_000)
    settle(page)
    cells = places.locator("td").all_inner_texts()
    assert {"Myeloma 0", "Myeloma 1"} <= set(cells)
    assert myth.get_by_role("link", name="Review →").count() == 4
    places.scroll_into_view_if_needed()
    shot(page, "recurring-selected")
