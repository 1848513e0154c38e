"""The HTML report as a reader opens it in Chromium: on a desktop, on a phone, and printed. The
report is the demo article reviewed by two reviewers and an editor (tests/report_world.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from claims.exports import export
from db.engine import Database
from db.setup import prepare_database
from tests.browser.conftest import SHOTS
from tests.report_world import reviewed_demo


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    database = prepare_database(Database(f"sqlite:///{folder / 'report.db'}"))
    try:
        html = export(reviewed_demo(database).bundle(), "html")
    finally:
        database.dispose()
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def _open(browser_context, report_file: Path, width: int, height: int = 900):
    page = browser_context(width=width, height=height)
    page.goto(report_file.as_uri())
    page.get_by_role("heading", name="Multiple myeloma immunotherapy").wait_for()
    return page


def test_readme_screenshot_of_the_html_report(browser_context, report_file: Path) -> None:
    """`make screenshots` writes the top of the report to docs/."""
    page = _open(browser_context, report_file, 1100, 1500)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert not font.lower().startswith(("georgia", "times", "serif")), font
    # The verdicts as labels that name them (colour is never the only signal), and bars.
    labels = page.locator(".chart .label").all_inner_texts()
    assert labels == ["Accurate", "Misleading", "Inaccurate", "Reviewers disagree",
                      "Not yet reviewed"]  # fmt: skip
    widths = page.locator(".chart .bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert widths[-1] > 100 and all(w >= 3 for w in widths)  # drawn, longest for most claims
    card = page.locator("#claim-9")
    assert card.locator(".label").inner_text() == "Inaccurate"
    assert "Low ⊕⊕◯◯" in card.locator(".certainty").inner_text()
    assert card.locator("mark.cue").all_inner_texts() == ["only"]
    assert card.locator(".rationale strong").first.inner_text() == "cytokine release syndrome"
    assert card.locator("a[href='https://www.nejm.org/doi/full/10.1056/NEJMoa2024850']").count()
    assert page.locator("img").count() == 1  # the logo, embedded
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "report-html.png"
    page.screenshot(path=str(path))
    page.screenshot(path=str(SHOTS / "report-html-full.png"), full_page=True)
    assert path.stat().st_size > 50_000
    folder = os.environ.get("CLAIMREVIEW_SCREENSHOTS")
    if folder:
        shutil.copyfile(path, Path(folder) / "report-html.png")


def test_the_html_report_reads_on_a_phone(browser_context, report_file: Path) -> None:
    page = _open(browser_context, report_file, 390, 844)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px wider than the phone"
    wide = page.evaluate(
        "() => Array.from(document.querySelectorAll('main *')).filter(e => "
        "!e.closest('.table-wrap') && e.getBoundingClientRect().right > "
        "document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"
    )
    assert wide == []
    bars = page.locator(".chart .bar").evaluate_all(
        "bars => bars.map(b => b.getBoundingClientRect().width)"
    )
    assert bars[-1] > 80  # the chart still draws on a phone
    page.screenshot(path=str(SHOTS / "report-html-phone.png"), full_page=True)


def test_the_html_report_prints_each_claim_on_one_page(browser_context, report_file: Path) -> None:
    page = _open(browser_context, report_file, 1100)
    page.emulate_media(media="print")
    breaks = page.locator("article.claim").evaluate_all(
        "cards => cards.map(c => getComputedStyle(c).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
