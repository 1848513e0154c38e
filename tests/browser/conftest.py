"""The end-to-end browser suite: Debian's Chromium, driven by Playwright, against `claimreview
serve` as a user starts it.

Skipped, with the reason, where Chromium or Playwright is missing (.ci/run installs Chromium).
Every screen a test visits is saved as a PNG under ``browser-screenshots/<run>/`` (git-ignored;
the run is named by its start time, or by ``CLAIMREVIEW_SCREENSHOT_RUN``), and the folder is
named at the end of the run, so a person can look at what the tests saw.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from claims.permissions import Actor
from db.accounts import create_user
from db.articles import import_demo_if_empty
from db.engine import Database
from db.queries import claim_page
from db.setup import prepare_database
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, READY

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = shutil.which("claimreview", path=str(Path(sys.executable).parent))
PASSWORD = "browser test password"
AS_SHIPPED = {"CLAIMREVIEW_IDLE_GC": "1"}  # tests/conftest.py turns it off for AppTest only
SHOTS = (
    ROOT
    / "browser-screenshots"
    / (os.environ.get("CLAIMREVIEW_SCREENSHOT_RUN") or datetime.now().strftime("%Y%m%d-%H%M%S"))
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed: pip install -e '.[test]'"
    if reason is None and not Path(CHROMIUM).exists():
        reason = "Chromium is not installed: apt-get install chromium (Debian) to run them"
    if reason is None and SCRIPT is None:
        reason = "the claimreview command is not installed: pip install -e ."
    if reason:
        skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}")
        for item in items:
            if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if SHOTS.exists() and any(SHOTS.iterdir()):
        count = len(list(SHOTS.glob("*.png")))
        terminalreporter.write_line(f"browser screenshots ({count}): {SHOTS}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    """A running `claimreview serve` with its own database and users."""

    base: str
    database_url: str
    folder: Path
    claims: dict[int, int] = field(default_factory=dict)  # demo ordinal -> claim id

    def database(self) -> Database:
        return Database(self.database_url)

    def url(self, path: str) -> str:
        return self.base + path


USERS = {"editor": ["editor"], "rita": ["reviewer"], "raj": ["reviewer"], "root": ["admin"]}


def start_site(
    folder: Path,
    prepare: Callable[[Database], None] | None = None,
    env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> tuple[Site, subprocess.Popen]:
    url = database_url or f"sqlite:///{folder / 'browser.db'}"
    database = prepare_database(Database(url))
    operator = Actor.operator("test")
    for name, roles in USERS.items():
        create_user(database, operator, name, roles, password=PASSWORD)
    demo = import_demo_if_empty(database)
    site = Site(base="", database_url=url, folder=folder)
    with database.read() as session:
        site.claims.update(
            (c.ordinal, c.id) for c in claim_page(session, operator, demo.article_id, limit=1000)
        )
    if prepare is not None:
        prepare(database)
    database.dispose()
    site.base, process = serve(url, folder, env)
    return site, process


def serve(
    database_url: str, folder: Path, env: dict[str, str] | None = None, log_name: str = "server"
) -> tuple[str, subprocess.Popen]:
    """Start `claimreview serve` on a database (another server may share it): its base URL."""
    port = _free_port()
    log = (folder / f"{log_name}.log").open("wb")
    process = subprocess.Popen(
        [SCRIPT, "serve", "--port", str(port)],
        env={**os.environ, **AS_SHIPPED, "CLAIMREVIEW_DATABASE_URL": database_url, **(env or {})},
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return base, process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    pytest.fail("claimreview serve did not answer /_stcore/health within 60 s")


def stop_site(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A server with the demo article and the users editor, rita, raj and root (admin)."""
    running, process = start_site(tmp_path_factory.mktemp("browser"))
    yield running
    stop_site(process)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_failed = report.failed  # type: ignore[attr-defined]


@pytest.fixture
def browser_context(chromium, request: pytest.FixtureRequest) -> Iterator[Callable[..., object]]:
    """Opens new browser windows (each its own cookies), closed after the test. A failed
    test leaves a screenshot of each window among the run's screenshots."""
    opened = []

    def new_page(width: int = 1400, height: int = 1000):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        opened.append(context)
        tab = context.new_page()
        tab.dialogs = []
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
        return tab

    yield new_page
    if getattr(request.node, "browser_failed", False):
        for number, context in enumerate(opened):
            for tab in context.pages:
                SHOTS.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(SHOTS / f"FAILED-{request.node.name}-{number}.png"))
    for context in opened:
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context()


def settle(page) -> None:
    """Wait until the script has finished its run, and stays finished."""
    page.wait_for_selector(READY, timeout=30_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=30_000)


def log_in(page, site: Site, username: str = "editor", path: str = "/") -> None:
    page.goto(site.url(path))
    settle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    settle(page)


def shot(page, name: str) -> Path:
    """Save the whole page (the app scrolls inside its main area) as ``<test>-<name>.png``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', test)}-{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight), "
        "window.innerHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(200)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def new_user(site: Site, username: str, roles: tuple[str, ...] = ("reviewer",)) -> Actor:
    """A user of this test alone (each test reviews the demo afresh as someone new)."""
    from db.accounts import actor_for

    database = site.database()
    user, _ = create_user(database, Actor.operator("test"), username, list(roles),
                          password=PASSWORD)  # fmt: skip
    database.dispose()
    return actor_for(user)


def click_text(page, role: str, pattern: str) -> None:
    """Click the element of that role whose accessible name starts with ``pattern``."""
    page.get_by_role(role, name=re.compile("^" + re.escape(pattern))).first.click()
    settle(page)
