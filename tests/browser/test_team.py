"""A team as it works in the browser: an editor assigns two reviewers, they review blind, and
the editor settles their disagreement."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Decision
from tests.browser.conftest import Site, click_text, log_in, settle, shot


def _choose_in(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_assign_review_blind_and_adjudicate(browser_context, site: Site) -> None:
    claim = site.claims[9]
    editor = browser_context(height=1600)  # the decision form whole on screen
    log_in(editor, site, "editor", "/assignments?article=1")
    reviewers = editor.get_by_role("combobox", name="Reviewers")
    for name in ("rita", "raj"):
        reviewers.click()
        editor.get_by_role("option", name=name, exact=True).click()
        settle(editor)
    editor.keyboard.press("Escape")
    click_text(editor, "button", "Assign")
    editor.get_by_text("Assigned: 2 new assignments.").wait_for(timeout=30_000)
    assert editor.get_by_text("Blind review is on now.").count() >= 0
    shot(editor, "assigned")

    # Rita reviews first.
    rita = browser_context()
    log_in(rita, site, "rita", f"/review?article=1&claim={claim}")
    click_text(rita, "radio", "Accurate")
    click_text(rita, "radio", "High")
    rationale = rita.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.fill("Rita's reading: the trials support it.")
    rationale.press("Tab")
    settle(rita)
    click_text(rita, "button", "Submit")
    rita.get_by_text("Submitted.").wait_for(timeout=30_000)

    # Raj sees nothing of it until he has submitted his own.
    raj = browser_context()
    log_in(raj, site, "raj", f"/review?article=1&claim={claim}")
    raj.get_by_text(
        "Blind review: 1 other review of this claim stays hidden until you submit your own."
    ).wait_for(timeout=30_000)
    main = raj.get_by_test_id("stMain").inner_text()
    assert "Rita's reading" not in main and "rita" not in main
    assert raj.get_by_text(re.compile(r"^Other reviews")).count() == 0
    shot(raj, "blind")
    click_text(raj, "radio", "Misleading")
    click_text(raj, "radio", "Low")
    click_text(raj, "button", "Submit")
    raj.get_by_text("Other reviews (1)").click()
    settle(raj)
    raj.get_by_text("Rita's reading: the trials support it.").wait_for(timeout=30_000)
    shot(raj, "after-submitting")

    # The editor sees both side by side and decides.
    editor.goto(site.url("/adjudication?article=1"))
    settle(editor)
    editor.get_by_text("1 claim awaiting a decision.").wait_for(timeout=30_000)
    assert editor.get_by_text("Rita's reading: the trials support it.").is_visible()
    _choose_in(editor, "Verdict", "Misleading")
    _choose_in(editor, "Certainty", "Low")
    _choose_in(editor, "Reason", "New evidence")
    editor.get_by_role("textbox", name="Note").fill("A 2024 trial settles it.")
    click_text(editor, "button", "Record the decision")
    editor.get_by_text("decided.").wait_for(timeout=30_000)
    shot(editor, "decided")
    database = site.database()
    with database.read() as session:
        decided = session.execute(
            select(Decision.verdict, Decision.certainty, Decision.reason).where(
                Decision.claim_id == claim
            )
        ).one()
    database.dispose()
    assert tuple(decided) == ("misleading", "low", "new_evidence")
