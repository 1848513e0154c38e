"""The Streamlit pages, run headless with AppTest against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from claims.permissions import Actor
from db.accounts import create_user
from db.articles import import_demo_if_empty
from db.engine import Database
from tests.app.conftest import APP, run_app


@pytest.fixture
def editor_id(app_database: Database) -> int:
    user, _ = create_user(
        app_database, Actor.operator("test"), "edna", ["editor"], password="editor-password-1"
    )
    return user.id


def _app(user_id: int) -> AppTest:
    """The app as a logged-in user sees it."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = user_id
    return at


def _run(at: AppTest) -> AppTest:
    return run_app(at)


def test_articles_page_lists_the_demo_article(app_database: Database, editor_id: int) -> None:
    result = import_demo_if_empty(app_database)
    at = _run(_app(editor_id))
    assert at.title[0].value == "Articles"
    table = at.dataframe[0].value
    assert list(table.index) == [result.article_id]
    assert table.loc[result.article_id, "Title"] == "Multiple myeloma immunotherapy"
    assert table.loc[result.article_id, "Claims"] == result.claim_count


def test_pasting_text_imports_it_and_a_refusal_says_why(
    app_database: Database, editor_id: int
) -> None:
    at = _run(_app(editor_id))
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


def test_claims_page_shows_claims_with_sections_from_a_link(
    app_database: Database, editor_id: int
) -> None:
    result = import_demo_if_empty(app_database)
    at = _app(editor_id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    table = at.dataframe[0].value
    assert len(table) == result.claim_count
    assert "Targeted Treatment" in set(table["section"])
    row = table[table["text"].str.startswith("Here are some positive")].iloc[0]
    assert not row["checkable"]


def test_claims_page_with_an_unknown_article_says_so(
    app_database: Database, editor_id: int
) -> None:
    import_demo_if_empty(app_database)
    at = _app(editor_id)
    at.query_params["article"] = "9999"
    at.switch_page("views/claims.py")
    _run(at)
    assert any("no article 9999" in w.value for w in at.warning)


def test_claims_page_filters_narrow_the_list(app_database: Database, editor_id: int) -> None:
    result = import_demo_if_empty(app_database)
    at = _app(editor_id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    at.toggle(key="claims_checkable_only").set_value(True)
    _run(at)
    table = at.dataframe[0].value
    assert len(table) == result.claim_count - 6  # the signpost and the five labels are gone
    assert table["checkable"].all()
    at.multiselect(key="claims_cue_kinds").set_value(["cure"])
    _run(at)
    texts = list(at.dataframe[0].value["text"])
    assert any("potentially even a cure" in t for t in texts)
    assert any("breakthrough" in t for t in texts)
    assert all("cure" in t.lower() or "breakthrough" in t.lower() for t in texts)


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_uploading_a_file_imports_it(
    fmt: str, app_database: Database, editor_id: int, tmp_path: Path
) -> None:
    from tests.samples import TITLE, WRITERS

    path = WRITERS[fmt](tmp_path)
    at = _run(_app(editor_id))
    at.file_uploader(key="importer_file").upload(path.name, path.read_bytes())
    at.button[0].click()  # "Import file"
    _run(at)
    assert any(TITLE in s.value for s in at.success), [e.value for e in at.error]
    assert list(at.dataframe[0].value["Title"]) == [TITLE]


def test_uploading_a_refused_file_says_why_and_stores_nothing(
    app_database: Database, editor_id: int
) -> None:
    at = _run(_app(editor_id))
    at.file_uploader(key="importer_file").upload("old.docx", b"PK\x03\x04 not a zip at all")
    at.button[0].click()
    _run(at)
    assert at.error and "docx" in at.error[0].value.lower()
    assert not at.dataframe  # still no article


def test_selecting_a_claim_shows_its_history(app_database: Database, editor_id: int) -> None:
    from db.accounts import actor_for, get_user
    from db.claim_edits import set_checkable
    from db.queries import claim_page

    result = import_demo_if_empty(app_database)
    with app_database.read() as session:
        editor = actor_for(get_user(app_database, editor_id))
        ninth = claim_page(session, editor, result.article_id, offset=8, limit=1)[0]
    set_checkable(app_database, editor, ninth.id, False)
    at = _app(editor_id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    at.session_state["claims_table"] = {"selection": {"rows": [8], "columns": [], "cells": []}}
    _run(at)
    assert at.subheader[-1].value == "History of claim 9"
    history = at.dataframe[-1].value
    assert list(history["Who"]) == ["edna"]
    assert list(history["What"]) == ["claim set checkable"]
    assert "checkable: yes → no" in history["Changes"][0]


def test_editors_download_each_export_and_reviewers_see_none(
    app_database: Database, editor_id: int
) -> None:
    result = import_demo_if_empty(app_database)
    at = _app(editor_id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    labels = [b.proto.label for b in at.get("download_button")]
    # Everything in one click, and the report in each design in one click each.
    assert labels[:5] == [
        "Download everything (zip)",
        "Report (PDF)",
        "Report (Word)",
        "Report (HTML)",
        "Report (Markdown)",
    ]
    for fmt, label in (("csv", "Claims table (CSV)"), ("json", "Everything as data (JSON)")):
        at.selectbox(key="export_format").set_value(fmt)
        _run(at)
        assert at.get("download_button")[-1].proto.label == f"Download {label}"
    reviewer, _ = create_user(
        app_database, Actor.operator("test"), "rev", ["reviewer"], password="reviewer-password-1"
    )
    at = _app(reviewer.id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    assert not at.get("download_button")


def test_editors_write_the_key_takeaways_and_choose_the_reports_parts(
    app_database: Database, editor_id: int
) -> None:
    from db.queries import article_bundle

    result = import_demo_if_empty(app_database)
    at = _app(editor_id)
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/claims.py")
    _run(at)
    box = f"report_takeaways_{result.article_id}"
    at.text_area(key=box).set_value("- **Claim 9** overstates: immunotherapy harms healthy cells.")
    at.checkbox(key=f"report_method_{result.article_id}").uncheck()
    at.checkbox(key=f"report_non_checkable_{result.article_id}").check()
    next(b for b in at.button if b.label == "Save report contents").click()
    _run(at)
    with app_database.read() as session:
        article = article_bundle(session, Actor.operator("test"), result.article_id)["article"]
    assert article["key_takeaways"].startswith("- **Claim 9** overstates")
    assert article["report_settings"]["method"] is False
    assert article["report_settings"]["non_checkable"] is True

    # Another editor saves meanwhile: my text stays in the box, theirs is shown, nothing lost.
    from db.reports import set_key_takeaways

    other, _ = create_user(
        app_database, Actor.operator("test"), "otto", ["editor"], password="editor-password-2"
    )
    from db.accounts import actor_for

    set_key_takeaways(app_database, actor_for(other), result.article_id, "Theirs, saved first.")
    at.text_area(key=box).set_value("Mine, typed meanwhile.")
    next(b for b in at.button if b.label == "Save report contents").click()
    _run(at)
    assert any("Another editor saved these takeaways" in w.value for w in at.warning)
    assert at.text_area(key=box).value == "Mine, typed meanwhile."
    assert any("Theirs, saved first." in t.value for t in at.text)
    next(b for b in at.button if b.label == "Save report contents").click()  # knowingly
    _run(at)
    with app_database.read() as session:
        article = article_bundle(session, Actor.operator("test"), result.article_id)["article"]
    assert article["key_takeaways"] == "Mine, typed meanwhile."


def test_administrators_set_the_organisation_and_a_bad_logo_is_refused(
    app_database: Database,
) -> None:
    from db.reports import organisation_data

    admin, _ = create_user(
        app_database, Actor.operator("test"), "ada", ["admin"], password="admin-password-1"
    )
    at = _app(admin.id)
    at.switch_page("views/settings.py")
    _run(at)
    at.text_input(key="settings_org_name").set_value("Health Desk Review")
    at.text_input(key="settings_org_url").set_value("javascript:alert(1)")
    at.button[0].click()
    _run(at)
    assert any("web address" in e.value and "http" in e.value for e in at.error)
    with app_database.read() as session:
        assert organisation_data(session) is None  # refused whole
    at.text_input(key="settings_org_url").set_value("https://healthdesk.example.org")
    at.button[0].click()
    _run(at)
    with app_database.read() as session:
        assert organisation_data(session)["name"] == "Health Desk Review"
