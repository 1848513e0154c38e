"""What every AppTest module shares: the app's entry file, a database the app will open, and a
run that fails on any exception the page raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review_app
from db.engine import Database

APP = str(Path(review_app.__file__).parent / "app.py")


@pytest.fixture
def app_database(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database that the app's cached resources point at."""
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    monkeypatch.setenv("CLAIMREVIEW_BACKGROUND_MATCHING", "0")  # the tests match explicitly
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    return sqlite_database


def run_app(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, label: str) -> AppTest:
    """Choose the review form's verdict or certainty option whose label starts with ``label``
    ("Misleading", "Low": the certainty options carry GRADE's symbols after their name)."""
    from claims.scales import default_scales

    scales = default_scales()
    for name in ("verdict", "certainty"):
        codes = [c for c, text in scales[name].labels().items() if text == label]
        if codes:
            at.pills(key=f"review_form_{name}").set_value(codes[0])
            return run_app(at)
    raise AssertionError(f"no verdict or certainty is labelled {label!r}")
