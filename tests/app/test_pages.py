"""The Streamlit pages, run headless with AppTest against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review_app
from db.articles import import_demo_if_empty
from db.engine import Database

APP = str(Path(review_app.__file__).parent / "app.py")


@pytest.fixture
def app_database(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    return sqlite_database


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_articles_page_lists_the_demo_article(app_database: Database) -> None:
    result = import_demo_if_empty(app_database)
    at = _run(AppTest.from_file(APP, default_timeout=30))
    assert at.title[0].value == "Articles"
    table = at.dataframe[0].value
    assert list(table.index) == [result.article_id]
    assert table.loc[result.article_id, "Title"] == "Multiple myeloma immunotherapy"
    assert table.loc[result.article_id, "Claims"] == result.claim_count


def test_pasting_text_imports_it_and_a_refusal_says_why(app_database: Database) -> None:
    at = _run(AppTest.from_file(APP, default_timeout=30))
    at.text_area(key="importer_text").set_value("Green tea cures cancer. Always.")
    at.text_input(key="importer_t2").set_value("Tea piece")
    at.button[1].click()  # "Import text"
    _run(at)
    assert any("Imported" in s.value and "Tea piece" in s.value for s in at.success)
    assert "Tea piece" in set(at.dataframe[0].value["Title"])

    at.text_area(key="importer_text").set_value("Another claim.")
    at.text_input(key="importer_u2").set_value("javascript:alert(1)")
    at.button[1].click()
    _run(at)
    assert any("http" in e.value for e in at.error)
    assert len(at.dataframe[0].value) == 1  # nothing imported


def test_claims_page_shows_claims_with_sections_from_a_link(app_database: Database) -> None:
    result = import_demo_if_empty(app_database)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("pages/claims.py")
    _run(at)
    table = at.dataframe[0].value
    assert len(table) == result.claim_count
    assert "Targeted Treatment" in set(table["section"])
    row = table[table["text"].str.startswith("Here are some positive")].iloc[0]
    assert not row["checkable"]


def test_claims_page_with_an_unknown_article_says_so(app_database: Database) -> None:
    import_demo_if_empty(app_database)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["article"] = "9999"
    at.switch_page("pages/claims.py")
    _run(at)
    assert any("no article 9999" in w.value for w in at.warning)
