"""The app in a real browser: headless Chromium (Debian's package) driven by Playwright.

Skipped, with the reason, where Chromium or Playwright is missing; .ci/run installs both.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from claims.permissions import Actor
from db.accounts import create_user
from db.articles import import_demo_if_empty, import_file
from db.engine import Database
from db.models import Review, User
from db.queries import claim_page
from db.setup import prepare_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'"
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium is not installed: apt-get install chromium (Debian) to run the browser tests",
        allow_module_level=True,
    )

SCRIPT = shutil.which("claimreview", path=str(Path(sys.executable).parent))
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
PASSWORD = "browser test password"
HOSTILE_TITLE = "<img src=x onerror=alert('title')> Vitamin C"
HOSTILE_TEXT = "Vitamin C cures colds <script>alert('claim')</script> in all people."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLAIMS: dict[int, int] = {}  # demo ordinal -> claim id, filled by the server fixture
DATABASE_URL: list[str] = []


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.db'}"
    database = prepare_database(Database(url))
    operator = Actor.operator("test")
    create_user(database, operator, "editor", ["editor"], password=PASSWORD)
    create_user(database, operator, "marathon", ["reviewer"], password=PASSWORD)
    DATABASE_URL.append(url)
    demo = import_demo_if_empty(database)
    with database.read() as session:
        CLAIMS.update(
            (c.ordinal, c.id) for c in claim_page(session, operator, demo.article_id, limit=100)
        )
    import_file(database, HOSTILE_TEXT.encode(), None, title=HOSTILE_TITLE, actor=operator)
    database.dispose()
    port = _free_port()
    process = subprocess.Popen(
        [SCRIPT, "serve", "--port", str(port)],
        env={**os.environ, "CLAIMREVIEW_DATABASE_URL": url},
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.3)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        pytest.fail("claimreview serve did not answer /_stcore/health within 60 s")
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


@pytest.fixture
def page(server: str) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()


def _settle(page) -> None:
    page.wait_for_selector(READY, timeout=30_000)
    page.wait_for_timeout(500)
    page.wait_for_selector(READY, timeout=30_000)


def _log_in(page, base: str, username: str = "editor") -> None:
    page.goto(base)
    _settle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Articles").wait_for(timeout=30_000)
    _settle(page)


def test_nothing_is_shown_before_login(page, server: str) -> None:
    for path in ("/", "/articles", "/claims?article=1", "/users", "/audit"):
        page.goto(server + path)
        _settle(page)
        assert page.get_by_role("heading", name="Log in to claimreview").is_visible()
        assert "Multiple myeloma" not in page.content()


def test_log_in_see_articles_and_claims_then_log_out(page, server: str) -> None:
    _log_in(page, server)
    page.get_by_role("link", name="Claims").first.click()
    _settle(page)
    assert page.get_by_role("heading", name="Claims").is_visible()
    assert "claims?article=" in page.url  # the address names the article shown
    page.get_by_role("button", name="Log out").click()
    _settle(page)
    assert page.get_by_role("heading", name="Log in to claimreview").is_visible()


def test_hostile_titles_and_claims_show_as_text(page, server: str) -> None:
    _log_in(page, server)
    page.get_by_role("link", name="Claims").first.click()
    _settle(page)
    # The newest article, with the hostile title, is selected: its title is escaped text.
    page.wait_for_function(
        "document.body.innerHTML.includes(\"&lt;img src=x onerror=alert('title')&gt; Vitamin C\")",
        timeout=30_000,
    )
    assert page.dialogs == []  # no injected script ran
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script:text('alert')").count() == 0


def test_review_a_claim_then_reload_and_find_it(page, server: str) -> None:
    _log_in(page, server)
    claim = CLAIMS[9]
    # A link to one claim opens it, and the login survives the new page load.
    page.goto(f"{server}/review?article=1&claim={claim}")
    _settle(page)
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    page.get_by_role("combobox", name="Verdict").click()
    page.get_by_role("option", name="Misleading").click()
    _settle(page)
    page.get_by_role("combobox", name="Evidence certainty (GRADE)").click()
    page.get_by_role("option", name="Low", exact=True).click()
    _settle(page)
    rationale = page.get_by_role("textbox", name="Rationale (Markdown)")
    rationale.fill("Immunotherapy also affects healthy cells; 'only' overstates it.")
    rationale.press("Tab")
    _settle(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    _settle(page)
    page.get_by_text("Submitted.").wait_for(timeout=30_000)
    page.reload()
    _settle(page)
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    shots = os.environ.get("CLAIMREVIEW_SCREENSHOTS")  # `make screenshots` sets it
    if shots:
        page.set_viewport_size({"width": 1400, "height": 1300})
        _settle(page)
        page.screenshot(path=str(Path(shots) / "review-page.png"))
    saved = page.get_by_role("textbox", name="Rationale (Markdown)").input_value()
    assert saved == "Immunotherapy also affects healthy cells; 'only' overstates it."
    # Logging out ends the login for good: a reload shows the login page again.
    page.get_by_role("button", name="Log out").click()
    _settle(page)
    page.reload()
    _settle(page)
    assert page.get_by_role("heading", name="Log in to claimreview").is_visible()


def test_a_reviewer_reviews_every_checkable_claim_of_the_demo(page, server: str) -> None:
    _log_in(page, server, "marathon")
    page.goto(f"{server}/review?article=1&claim={CLAIMS[1]}")
    _settle(page)
    verdicts = ["Accurate", "Needs context", "Misleading", "Mostly accurate"]
    for step in range(30):
        if page.get_by_text("Every checkable claim has your review.").is_visible():
            break
        page.get_by_role("combobox", name="Verdict").click()
        page.get_by_role("option", name=verdicts[step % 4], exact=True).click()
        _settle(page)
        page.get_by_role("combobox", name="Evidence certainty (GRADE)").click()
        page.get_by_role("option", name="Moderate", exact=True).click()
        _settle(page)
        page.get_by_role("button", name="Submit and next unreviewed").click()
        _settle(page)
    database = Database(DATABASE_URL[0])
    with database.read() as session:
        submitted = session.scalar(
            select(func.count())
            .select_from(Review)
            .join(User, User.id == Review.reviewer_id)
            .where(User.username == "marathon", Review.status == "submitted")
        )
    database.dispose()
    assert submitted == 24  # every checkable claim of the demo, each reviewed once
    assert page.get_by_text("Every checkable claim has your review.").is_visible()


def test_a_claim_link_opens_that_claim_after_logging_in(page, server: str) -> None:
    page.goto(f"{server}/review?article=1&claim={CLAIMS[11]}")
    _settle(page)
    page.keyboard.press("Escape")  # Streamlit's "page not found" notice for a logged-out link
    page.get_by_role("textbox", name="Username").fill("editor")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Claim 11 of 30").wait_for(timeout=30_000)
    assert f"claim={CLAIMS[11]}" in page.url
