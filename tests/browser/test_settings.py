"""An administrator sets the organisation every report is published under; an editor's report
then carries it, and a file that is not a logo is refused with its reason."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import Site, log_in, settle, shot
from tests.report_world import logo_png


def test_the_organisation_set_in_settings_heads_the_report(
    page, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, "root", "/settings")
    page.get_by_role("heading", name="Settings").wait_for(timeout=30_000)
    not_a_logo = tmp_path / "logo.png"
    not_a_logo.write_bytes(b"this is no picture")
    page.get_by_role("textbox", name="Name").fill("Health Desk Review")
    page.get_by_role("textbox", name="Web address").fill("https://healthdesk.example.org")
    page.locator("input[type=file]").set_input_files(str(not_a_logo))
    settle(page)
    page.get_by_role("button", name="Save").click()
    settle(page)
    page.get_by_text("The logo is not an image that can be read").wait_for(timeout=30_000)
    shot(page, "refused-logo")
    logo = tmp_path / "desk.png"
    logo.write_bytes(logo_png())
    page.locator("input[type=file]").set_input_files(str(logo))
    settle(page)
    page.get_by_role("button", name="Save").click()
    settle(page)
    page.get_by_text("The logo reports print now").wait_for(timeout=30_000)
    shot(page, "saved")
    page.get_by_role("button", name="Log out").click()
    settle(page)

    log_in(page, site, "editor", "/claims?article=1")
    page.get_by_text("Report contents, other formats and preview").click()
    settle(page)
    page.get_by_text("Preview the HTML report").click()
    preview = page.frame_locator("iframe").first
    preview.get_by_text("Health Desk Review").wait_for(timeout=30_000)
    assert preview.locator("header.masthead img").count() == 1
    shot(page, "report-preview")
