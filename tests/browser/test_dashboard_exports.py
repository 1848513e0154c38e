"""What an editor opens after review: the claim map, every export, the audit trail, users."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

from claims.permissions import Actor
from db.articles import import_file
from db.reviews import save_review
from tests.browser.conftest import Site, log_in, new_user, settle, shot

HOSTILE_TITLE = "<img src=x onerror=alert('title')> Vitamin C"
HOSTILE_TEXT = "Vitamin C cures colds <script>alert('claim')</script> in all people."


@pytest.fixture(scope="module", autouse=True)
def reviewed(site: Site) -> None:
    """Two reviews, so the map, the reports and the audit trail have something to show; and an
    article whose title and text are hostile."""
    actor = new_user(site, "mapper")
    database = site.database()
    save_review(database, actor, site.claims[1], verdict="accurate", certainty="high",
                rationale="Matches **NCI** guidance.", submit=True)  # fmt: skip
    save_review(database, actor, site.claims[9], verdict="misleading", certainty="low",
                rationale="Immunotherapy also affects *healthy* cells.", submit=True)  # fmt: skip
    import_file(database, HOSTILE_TEXT.encode(), None, title=HOSTILE_TITLE,
                actor=Actor.operator("test"))  # fmt: skip
    database.dispose()


def _cells(page) -> list[dict]:
    """The claim map's 30 cells, left to right: each drawn rectangle's place and size on the
    screen. The map is the chart whose axis reads "Claims in article order" (waits until it is
    drawn whole)."""
    return page.wait_for_function(
        "() => { const chart = Array.from(document.querySelectorAll("
        "'[data-testid=stVegaLiteChart]')).find(c => c.textContent.includes("
        "'Claims in article order'));"
        " const cells = chart ? Array.from(chart.querySelectorAll('g.mark-rect path')) : [];"
        " if (cells.length != 30) return false;"
        " return cells.map(p => { const b = p.getBoundingClientRect();"
        " return {x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height}; })"
        ".sort((a, b) => a.x - b.x); }",
        timeout=30_000,
    ).json_value()


def test_the_claim_map_draws_a_cell_per_claim_and_a_cell_opens_the_claim(page, site: Site) -> None:
    log_in(page, site, "editor", "/dashboard?article=1")
    page.get_by_role("heading", name="Claim map").scroll_into_view_if_needed()
    settle(page)
    _cells(page)
    shot(page, "claim-map")
    page.get_by_role("heading", name="Claim map").scroll_into_view_if_needed()
    cells = _cells(page)
    strip = cells
    assert len(strip) == 30
    assert all(c["h"] >= 20 for c in strip), strip  # cells a person can see and click
    ninth = strip[8]
    page.mouse.click(ninth["x"], ninth["y"])  # the cell is a link to the review page
    page.wait_for_url(f"**/review?article=1&claim={site.claims[9]}", timeout=30_000)
    settle(page)
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    assert not page.get_by_role("heading", name="Log in to claimreview").is_visible()


REPORTS = {
    "Report (PDF)": "pdf",
    "Report (Word)": "docx",
    "Report (HTML)": "html",
    "Report (Markdown)": "md",
}
FORMATS = {
    "Annotated article (HTML)": "annotated",
    "Claims table (CSV)": "csv",
    "Claims table (Excel)": "xlsx",
    "Everything as data (JSON)": "json",
    "schema.org ClaimReview (JSON-LD)": "claimreview",
    "W3C Web Annotations (JSON-LD)": "annotations",
}


def _open_with_its_reader(kind: str, data: bytes) -> str:
    """Open a download as its own program would, and give back its text."""
    if kind == "pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if kind == "docx":
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if kind in ("html", "annotated"):
        return lxml_html.fromstring(data).text_content()
    if kind == "csv":
        return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8"))))
    if kind in ("json", "claimreview", "annotations"):
        return json.dumps(json.loads(data), ensure_ascii=False)
    return data.decode("utf-8")


def _check(kind: str, data: bytes) -> None:
    text = _open_with_its_reader(kind, data)
    assert "Multiple myeloma" in text or "multiple myeloma" in text.lower(), kind
    if kind not in ("annotated", "annotations", "csv", "xlsx"):
        assert "Misleading" in text or "misleading" in text, kind


def test_every_export_downloads_and_opens_with_its_reader(page, site: Site) -> None:
    log_in(page, site, "editor", "/claims?article=1")
    page.get_by_role("button", name="Download everything (zip)").wait_for(timeout=30_000)
    shot(page, "claims-exports")
    # Everything in one click: a zip holding every format.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything (zip)").click()
    assert download.value.suggested_filename == "article-1-multiple-myeloma-immunotherapy.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
        assert len(names) == 10
        report = next(n for n in names if n.endswith("/report.pdf"))
        _check("pdf", archive.read(report))
    # The report in each design, one click each.
    for label, kind in REPORTS.items():
        with page.expect_download() as download:
            page.get_by_role("button", name=label, exact=True).click()
        assert download.value.suggested_filename.startswith("article-1-multiple-myeloma")
        _check(kind, Path(download.value.path()).read_bytes())
    page.get_by_text("Report contents, other formats and preview").click()
    settle(page)
    for label, kind in FORMATS.items():
        page.get_by_role("combobox", name="Other formats").click()
        page.get_by_role("option", name=label, exact=True).click()
        settle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name=f"Download {label}").click()
        _check(kind, Path(download.value.path()).read_bytes())
    # The preview is the designed report, not a page in the browser's default serif.
    page.get_by_text("Preview the HTML report").click()
    preview = page.frame_locator("iframe").first
    preview.get_by_role("heading", name="Multiple myeloma immunotherapy").wait_for(timeout=30_000)
    font = preview.locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    assert not font.lower().startswith(("georgia", "times", "serif")), font
    assert preview.locator(".chart .label").count() >= 2
    shot(page, "exports")


def test_hostile_titles_and_claims_show_as_text(page, site: Site) -> None:
    log_in(page, site, "editor", "/claims")
    page.wait_for_function(
        "document.body.innerHTML.includes(\"&lt;img src=x onerror=alert('title')&gt; Vitamin C\")",
        timeout=30_000,
    )
    assert page.dialogs == []  # no injected script ran
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script:text('alert')").count() == 0


def test_the_audit_trail_and_users_read_as_words(page, site: Site) -> None:
    log_in(page, site, "editor", "/audit")
    page.get_by_role("heading", name="Audit trail").wait_for()
    page.get_by_role("textbox", name="User").fill("mapper")
    page.get_by_role("textbox", name="User").press("Enter")
    settle(page)
    grid = page.get_by_test_id("stDataFrame")
    grid.locator("td").first.wait_for(state="attached")
    cells = " ".join(grid.locator("td").all_text_contents())
    assert "verdict: Accurate" in cells or "verdict: Misleading" in cells
    assert "None" not in cells and "{" not in cells
    shot(page, "audit")
    page.get_by_role("button", name="Log out").click()
    settle(page)
    log_in(page, site, "root", "/users")
    grid = page.get_by_test_id("stDataFrame")
    grid.locator("td").first.wait_for(state="attached")
    cells = grid.locator("td").all_text_contents()
    assert "Never" in cells and "None" not in cells
    shot(page, "users")


def test_the_dashboard_says_all_articles_when_no_article_is_chosen(page, site: Site) -> None:
    log_in(page, site, "editor", "/dashboard")
    page.get_by_test_id("stMetric").first.wait_for(timeout=30_000)
    picker = page.get_by_role("combobox", name="Article")
    shown = picker.input_value() or picker.get_attribute("placeholder")  # what a person reads
    assert shown == "All articles"
