"""The app behind a login: every page refused until then, pages by role, timeouts, logout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review_app
from claims.permissions import Actor
from db.accounts import create_user, set_active
from db.articles import import_demo_if_empty
from db.engine import Database
from review_app.navigation import PAGES as PAGE_SPECS

APP = str(Path(review_app.__file__).parent / "app.py")
OPERATOR = Actor.operator("test")
PASSWORD = "a long password"


@pytest.fixture
def app_database(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    monkeypatch.setenv("CLAIMREVIEW_BACKGROUND_MATCHING", "0")  # the tests match explicitly
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    import_demo_if_empty(sqlite_database)
    for role in ("reviewer", "editor", "admin"):
        create_user(sqlite_database, OPERATOR, role, [role], password=PASSWORD)
    return sqlite_database


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _login(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="auth_username").set_value(username)
    at.text_input(key="auth_password").set_value(password)
    at.button[0].click()
    return _run(at)


PROTECTED_TITLES = {
    "Articles",
    "Review",
    "Claims",
    "Evidence gaps",
    "Citation library",
    "Users",
    "Audit trail",
    "My account",
}


def _shows_nothing_protected(at: AppTest) -> bool:
    # Streamlit answers an address outside the current navigation with its main page (the
    # browser test checks that); AppTest draws nothing then. Either way: no protected content.
    titles = {t.value for t in at.title}
    return not at.dataframe and not titles & PROTECTED_TITLES


@pytest.mark.parametrize("page", [None, "views/articles.py", "views/claims.py", "views/users.py"])
def test_every_page_asks_for_a_login_first(app_database: Database, page: str | None) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    if page:
        at.switch_page(page)
    _run(at)
    assert _shows_nothing_protected(at)
    if page is None:
        assert at.title[0].value == "Log in to claimreview"


def test_logging_in_opens_the_articles_and_a_wrong_password_is_refused(
    app_database: Database,
) -> None:
    at = _run(AppTest.from_file(APP, default_timeout=30))
    _login(at, "editor", "wrong password")
    assert at.error[0].value == "Wrong username or password."
    _login(at, "editor")
    assert at.title[0].value == "Articles"
    assert "Multiple myeloma immunotherapy" in set(at.dataframe[0].value["Title"])


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (
            "reviewer",
            [
                "Articles",
                "My queue",
                "Review",
                "Claims",
                "Search",
                "Citation library",
                "My account",
            ],
        ),
        (
            "editor",
            [
                "Articles",
                "My queue",
                "Review",
                "Claims",
                "Search",
                "Evidence gaps",
                "Assignments",
                "Adjudication",
                "Citation library",
                "Audit trail",
                "My account",
            ],
        ),
        ("admin", ["Audit trail", "Users", "Settings", "My account"]),
    ],
)
def test_each_role_opens_only_its_pages(
    app_database: Database, role: str, pages: list[str]
) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), role)
    opened = []
    for spec in PAGE_SPECS:
        try:
            at.switch_page(f"views/{spec.file}")
        except ValueError as refused:  # the page is not in this user's navigation at all
            assert "Could not find a navigation page" in str(refused)
            continue
        _run(at)
        if any(t.value == spec.title for t in at.title):
            opened.append(spec.title)
    assert opened == pages


def test_a_reviewer_cannot_import(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "reviewer")
    assert at.title[0].value == "Articles"
    assert not [b for b in at.button if b.label in ("Import file", "Import text")]


def test_an_idle_session_ends(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "editor")
    at.session_state["auth_last_seen"] = time.monotonic() - 24 * 3600
    _run(at)
    assert "auth_user_id" not in at.session_state
    assert _shows_nothing_protected(at)


def test_a_disabled_account_is_logged_out_at_once(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "reviewer")
    set_active(app_database, OPERATOR, "reviewer", False)
    _run(at)
    assert "auth_user_id" not in at.session_state
    assert _shows_nothing_protected(at)


def test_logout_ends_the_session(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "editor")
    at.sidebar.button(key="auth_logout").click()
    _run(at)
    assert "auth_user_id" not in at.session_state
    assert _shows_nothing_protected(at)


def test_a_new_user_must_choose_a_password_first(app_database: Database) -> None:
    _, generated = create_user(app_database, OPERATOR, "newbie", ["reviewer"])
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "newbie", generated)
    assert at.title[0].value == "Choose a new password"
    at.text_input(key="auth_new").set_value("my chosen password")
    at.text_input(key="auth_again").set_value("my chosen password")
    at.button[0].click()
    _run(at)
    assert at.title[0].value == "Articles"


def test_an_admin_adds_a_user_and_sees_the_password_once(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "admin")
    at.switch_page("views/users.py")
    _run(at)
    at.text_input(key="users_add_name").set_value("newreviewer")
    at.multiselect(key="users_add_roles").set_value(["reviewer", "editor"])
    next(b for b in at.button if b.label == "Add user").click()
    _run(at)
    [password] = [c.value for c in at.code]
    assert len(password) >= 16
    table = at.dataframe[0].value
    row = table[table["Username"] == "newreviewer"].iloc[0]
    assert row["Roles"] == "editor, reviewer" and row["Active"]
    _run(at)
    assert not at.code  # shown once only


def test_the_audit_trail_page_lists_changes_by_user(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "editor")
    at.switch_page("views/audit.py")
    _run(at)
    table = at.dataframe[0].value
    assert {"import", "create", "login"} <= set(table["Action"])
    at.text_input(key="audit_user").set_value("editor")
    _run(at)
    assert set(at.dataframe[0].value["Who"]) <= {"editor", "(test)"}
    at.text_input(key="audit_user").set_value("nobody")
    _run(at)
    assert any("no user" in e.value for e in at.error)


def test_my_account_changes_my_password(app_database: Database) -> None:
    at = _login(_run(AppTest.from_file(APP, default_timeout=30)), "reviewer")
    at.switch_page("views/account.py")
    _run(at)
    at.text_input(key="auth_current").set_value(PASSWORD)
    at.text_input(key="auth_new").set_value("a brand new passphrase")
    at.text_input(key="auth_again").set_value("a brand new passphrase")
    next(b for b in at.button if b.label == "Change password").click()
    _run(at)
    assert any("Password changed" in s.value for s in at.success)
    from db.accounts import PasswordIdentity

    assert PasswordIdentity(app_database).authenticate("reviewer", "a brand new passphrase")
