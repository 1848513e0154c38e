"""Importing as an editor does: a Word file, a paste, and refusals that say why at once."""

from __future__ import annotations

import re
from pathlib import Path

from db.queries import list_articles
from tests import samples
from tests.browser.conftest import Site, log_in, settle, shot


def _titles(site: Site) -> list[str]:
    from claims.permissions import Actor

    database = site.database()
    with database.read() as session:
        titles = [a.title for a in list_articles(session, Actor.operator("test"))]
    database.dispose()
    return titles


def _upload(page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    settle(page)
    page.get_by_role("button", name="Import file").click()
    settle(page)


def test_an_uploaded_word_file_becomes_an_article_with_its_claims(
    page, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, "editor")
    _upload(page, samples.write_docx(tmp_path))
    page.get_by_text(re.compile(r"Imported Exercise and blood pressure with \d+ claims")).wait_for(
        timeout=30_000
    )
    shot(page, "imported")
    page.get_by_role("link", name="Open its claims").click()
    settle(page)
    assert page.get_by_text("Walking is the only exercise anyone needs.").count() >= 0
    assert "Exercise and blood pressure" in _titles(site)


def test_pasted_text_becomes_an_article(page, site: Site) -> None:
    log_in(page, site, "editor")
    page.get_by_role("tab", name="Paste text").click()
    page.get_by_role("textbox", name="Article text").fill(
        "Coffee and the heart\n\nDrinking three cups of coffee a day was linked to a lower risk "
        "of heart failure in a cohort of 21,000 adults. Coffee cures heart disease.\n"
    )
    page.get_by_role("textbox", name="Title").last.fill("Coffee and the heart")
    page.get_by_role("button", name="Import text").click()
    settle(page)
    page.get_by_text(re.compile(r"Imported Coffee and the heart with \d+ claims")).wait_for()
    assert "Coffee and the heart" in _titles(site)


def test_refused_imports_show_their_reason_at_once(page, site: Site, tmp_path: Path) -> None:
    log_in(page, site, "editor")
    before = _titles(site)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    too_many = tmp_path / "too-many-claims.txt"
    too_many.write_text(
        "\n\n".join(f"Drug {n} lowered blood pressure." for n in range(20_001)), "utf-8"
    )
    for path, reason in (
        (empty, "empty"),
        (binary, "binary"),
        (too_many, "20,000"),
    ):
        _upload(page, path)
        alert = page.get_by_test_id("stAlertContentError").filter(has_text=reason).last
        alert.wait_for(timeout=60_000)
        assert alert.is_visible()  # not folded away in a collapsed box
        assert "nothing was stored" in page.get_by_test_id("stExpander").last.inner_text()
        shot(page, f"refused-{path.stem}")
        page.reload()
        settle(page)
    assert _titles(site) == before  # nothing was stored


def test_a_megabyte_paste_is_refused_at_once_naming_the_limit(page, site: Site) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, site, "editor")
    page.get_by_role("tab", name="Paste text").click()
    seed = Path(__file__).resolve().parents[2] / "claims" / "data" / "demo"
    text = next(seed.iterdir()).read_text("utf-8")
    megabyte = ((text + "\n\n") * (1_000_000 // len(text) + 1))[:1_000_000]
    page.evaluate("text => navigator.clipboard.writeText(text)", megabyte)
    area = page.get_by_role("textbox", name="Article text")
    area.click()
    page.keyboard.press("Control+V")  # a real paste, as a person makes it
    refusal = page.get_by_role("alert").filter(has_text="1,000,000 characters")
    refusal.wait_for(timeout=10_000)
    assert "at most 100,000 characters" in refusal.inner_text()
    assert "Upload a file" in refusal.inner_text()
    assert area.input_value() == ""
    # The page stays usable: the next field takes typing at once.
    page.get_by_role("textbox", name="Title").last.fill("Too long to paste")
    shot(page, "paste-limit")
    # A paste that fits goes in, and the notice goes away.
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    area.click()
    page.keyboard.press("Control+V")
    page.wait_for_function(
        "n => document.querySelector('textarea[aria-label=\"Article text\"]').value.length == n",
        arg=len(text),
    )
    assert refusal.count() == 0
    assert "Too long to paste" not in _titles(site)


HEALTH_PORTAL_PAGE = """<!DOCTYPE html><html><head><title>Peanuts Early May Prevent Allergy</title>
</head><body>
<div id="masthead"><a href="/">Health Portal</a> <a href="/a-z">Health A-Z</a></div>
<div id="page">
  <div class="author_fmt">By <a href="/maria">Maria Lopez, MA</a><br>Health Portal News</div>
  <div class="reviewedBy_fmt">Reviewed by <a href="/hans">Hans D. Berg, MD</a></div>
  <div id="textArea">
    <h2>Babies Who Eat Peanuts Early May Avoid Allergy</h2>
    <p>Feb. 23, 2015 -- Feeding babies peanut snacks before their first birthday cut their
       chances of a peanut allergy by more than 80% in a trial of 640 infants.</p>
    <p><a href="/ss/mrsa">A Closer Look at Food Allergies</a></p>
    <p>The study is published in the New England Journal of Medicine and was presented at the
       annual meeting of the American Academy of Allergy, Asthma and Immunology.</p>
    <p>Loading ...</p>
    <p>Parents have been told for years to avoid peanuts; the trial suggests the opposite.</p>
  </div>
  <div id="thirdCol"><h3>Video: Now Playing</h3>
    <p>Which sex is the worst about washing up? We have the dirty truth on hand washing.</p>
    <a href="/v/2">Truth About Bad Breath</a></div>
</div></body></html>"""


def test_a_saved_health_page_keeps_the_article_and_names_its_medical_reviewer(
    page, site: Site, tmp_path: Path
) -> None:
    log_in(page, site, "editor")
    saved = tmp_path / "peanut-allergy.html"
    saved.write_text(HEALTH_PORTAL_PAGE, "utf-8")
    _upload(page, saved)
    page.get_by_text(re.compile(r"Imported .* with 4 claims")).wait_for(timeout=30_000)
    page.get_by_role("link", name="Open its claims").click()
    settle(page)
    details = page.get_by_text(re.compile("medically reviewed by Hans D. Berg, MD"))
    details.wait_for()
    assert "by Maria Lopez, MA" in details.inner_text()
    shot(page, "health-page-claims")
    # The claims table draws on a canvas: what it lists is read from the database.
    from claims.permissions import Actor
    from db.queries import article_bundle, list_articles

    database = site.database()
    operator = Actor.operator("test")
    with database.read() as session:
        article = next(a for a in list_articles(session, operator) if "Peanuts" in a.title)
        bundle = article_bundle(session, operator, article.id)
    database.dispose()
    claims = " ".join(claim["text"] for claim in bundle["claims"])
    for furniture in ("Loading", "Closer Look", "Now Playing", "hand washing", "Reviewed by"):
        assert furniture not in claims
    assert "cut their chances of a peanut allergy" in claims
