"""Two app servers on one database, and the command line writing beside them: a write made
anywhere shows on every server at its next page run (issue 18), not after a cache expires."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import REPLICA_APPLICATION, Database
from db.reviews import save_review
from tests.browser.conftest import (
    AS_SHIPPED,
    SCRIPT,
    Site,
    log_in,
    new_user,
    serve,
    settle,
    shot,
    start_site,
    stop_site,
)


@pytest.fixture
def two_servers(tmp_path: Path, database: Database) -> Iterator[tuple[Site, Site]]:
    """Two `claimreview serve` processes on one database: on SQLite and, when configured, on
    PostgreSQL (the team's database)."""
    folder = tmp_path / "site"
    folder.mkdir()
    site_a, server_a = start_site(folder, database_url=database.url)
    base_b, server_b = serve(site_a.database_url, folder, log_name="server-b")
    yield site_a, replace(site_a, base=base_b)
    stop_site(server_b)
    stop_site(server_a)


@pytest.fixture
def replica_servers(tmp_path: Path, database: Database) -> Iterator[tuple[Site, Site]]:
    """Server A on the primary; server B also reads its dashboards and exports from a read
    replica (CLAIMREVIEW_READ_DATABASE_URL), here the primary itself standing in for one."""
    if database.dialect != "postgresql":
        pytest.skip("a read replica is a PostgreSQL setting; the SQLite run has nothing to test")
    folder = tmp_path / "site"
    folder.mkdir()
    site_a, server_a = start_site(folder, database_url=database.url)
    base_b, server_b = serve(
        site_a.database_url,
        folder,
        {"CLAIMREVIEW_READ_DATABASE_URL": site_a.database_url},
        log_name="server-b",
    )
    yield site_a, replace(site_a, base=base_b)
    stop_site(server_b)
    stop_site(server_a)


def _metric(page, label: str) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def test_a_write_by_another_process_shows_on_this_server_at_its_next_run(
    page, tmp_path: Path, two_servers: tuple[Site, Site]
) -> None:
    site_a, site_b = two_servers
    log_in(page, site_b, "editor", "/dashboard")
    page.get_by_test_id("stMetric").first.wait_for()
    reviewed = _metric(page, "Reviewed")

    # Server B has drawn its dashboard (and cached its figures). A review is submitted by
    # another process on the same database...
    reviewer = new_user(site_a, "remote")
    database = site_a.database()
    save_review(database, reviewer, site_a.claims[2], verdict="accurate", certainty="high",
                submit=True)  # fmt: skip
    database.dispose()
    # ...and B's next run shows it.
    started = time.monotonic()
    page.reload()
    settle(page)
    page.get_by_test_id("stMetric").first.wait_for()
    assert _metric(page, "Reviewed") == reviewed + 1
    assert time.monotonic() - started < 20  # no minute-long cache in between
    shot(page, "dashboard-after-another-process-reviewed")

    # An article imported from the command line is in B's article picker at once.
    article = tmp_path / "statins.txt"
    article.write_text("Statins and memory\n\nStatins do not harm memory in adults.\n")
    subprocess.run(
        [SCRIPT, "import", str(article), "--title", "Statins and memory"],
        env={**os.environ, **AS_SHIPPED, "CLAIMREVIEW_DATABASE_URL": site_a.database_url},
        cwd=site_a.folder,
        check=True,
        capture_output=True,
    )
    page.goto(site_b.url("/claims"))
    settle(page)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Statins and memory").first.wait_for(timeout=10_000)


def test_a_login_holds_on_either_server_and_disabling_the_user_ends_it_on_both(
    page, two_servers: tuple[Site, Site]
) -> None:
    """No sticky sessions needed: the login lives in the database, behind the browser's cookie."""
    site_a, site_b = two_servers
    log_in(page, site_a, "rita", "/queue")
    # A reconnect that reaches the other server (a proxy without sticky sessions).
    page.goto(site_b.url("/queue"))
    settle(page)
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    assert not page.get_by_role("textbox", name="Password").is_visible()

    # Disabled from the command line: the next run on either server ends the login.
    subprocess.run(
        [SCRIPT, "user", "disable", "rita"],
        env={**os.environ, **AS_SHIPPED, "CLAIMREVIEW_DATABASE_URL": site_a.database_url},
        cwd=site_a.folder,
        check=True,
        capture_output=True,
    )
    page.reload()
    settle(page)
    page.get_by_role("textbox", name="Password").wait_for(timeout=30_000)
    page.goto(site_a.url("/queue"))
    settle(page)
    page.get_by_role("textbox", name="Password").wait_for(timeout=30_000)
    shot(page, "disabled-user-logged-out")


def test_dashboards_and_exports_read_from_the_replica_show_a_write_at_the_next_run(
    page, replica_servers: tuple[Site, Site]
) -> None:
    site_a, site_b = replica_servers
    log_in(page, site_b, "editor", "/dashboard")
    page.get_by_test_id("stMetric").first.wait_for()
    reviewed = _metric(page, "Reviewed")
    page.goto(site_b.url("/claims?article=1"))
    settle(page)
    page.get_by_role("button", name="Download everything (zip)").wait_for(timeout=30_000)

    database = site_a.database()
    remote = new_user(site_a, "remote")
    save_review(database, remote, site_a.claims[2], verdict="accurate", certainty="high",
                rationale="Checked against the replica.", submit=True)  # fmt: skip
    database.dispose()

    page.goto(site_b.url("/dashboard"))
    settle(page)
    page.get_by_test_id("stMetric").first.wait_for()
    assert _metric(page, "Reviewed") == reviewed + 1
    shot(page, "dashboard-from-the-replica")
    page.goto(site_b.url("/claims?article=1"))
    settle(page)
    page.get_by_text("Report contents, other formats and preview").click()
    settle(page)
    page.get_by_role("combobox", name="Other formats").click()
    page.get_by_role("option", name="Everything as data (JSON)", exact=True).click()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Everything as data (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert "Checked against the replica." in json.dumps(exported)

    # B's figures did come through its replica connections.
    database = site_a.database()
    with database.read() as session:
        readers = session.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": REPLICA_APPLICATION},
        )
    database.dispose()
    assert readers >= 1
