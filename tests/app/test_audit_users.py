"""The Audit trail and Users pages show values as people read them: no "None", no JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from claims.display import format_datetime
from claims.permissions import Actor
from db.accounts import PasswordIdentity, actor_for, create_user, set_active, set_roles
from db.articles import import_demo_if_empty
from db.audit import list_events
from db.engine import Database
from db.models import Claim
from db.reviews import save_review
from tests.app.conftest import APP, run_app

OPERATOR = Actor.operator("test")
PASSWORD = "a long test password"
LOGIN_AT = datetime(2026, 12, 6, 14, 3, 27, tzinfo=UTC)
READABLE_TIME = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC")


@pytest.fixture
def events(app_database: Database) -> dict[str, int]:
    """Real events: users created, a role change, an account disabled, an import, a login, and
    a reviewer's draft then submitted review. Returns the users' ids."""
    ada, _ = create_user(app_database, OPERATOR, "ada", ["admin", "editor"], password=PASSWORD)
    root, _ = create_user(app_database, OPERATOR, "root", ["admin"], password=PASSWORD)
    create_user(app_database, OPERATOR, "bo", ["reviewer"], password=PASSWORD)
    cy, _ = create_user(app_database, OPERATOR, "cy", ["reviewer"], password=PASSWORD)
    set_roles(app_database, OPERATOR, "bo", ["reviewer", "editor"])
    set_active(app_database, OPERATOR, "bo", False)
    result = import_demo_if_empty(app_database)
    PasswordIdentity(app_database).authenticate("ada", PASSWORD, now=LOGIN_AT)
    with app_database.read() as session:
        claim_id = session.scalar(
            select(Claim.id).where(Claim.article_id == result.article_id).order_by(Claim.ordinal)
        )
    reviewer = actor_for(cy)
    draft = save_review(app_database, reviewer, claim_id, verdict="mostly_accurate", certainty=None)
    save_review(
        app_database,
        reviewer,
        claim_id,
        verdict="inaccurate",
        certainty="low",
        rationale="The trial says otherwise.",
        submit=True,
        expected_version=draft.version,
    )
    return {"ada": ada.id, "root": root.id}


def _page(user_id: int, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = user_id
    run_app(at)
    at.switch_page(page)
    return run_app(at)


def _assert_no_raw_values(at: AppTest, table: pd.DataFrame) -> None:
    assert not at.error
    assert not table.isna().any().any(), table[table.isna().any(axis=1)]
    for column in table.columns:
        for cell in table[column]:
            if isinstance(cell, bool):  # a checkbox column ("Active")
                continue
            assert isinstance(cell, str), (column, cell)
            assert "None" not in cell and "{" not in cell and "}" not in cell, (column, cell)
    shown = [e.value for kind in ("markdown", "caption", "info", "text") for e in getattr(at, kind)]
    assert not any("None" in str(text) for text in shown), shown


def _lines(table: pd.DataFrame) -> list[str]:
    return [line for cell in table["Changes"] for line in cell.split("; ")]


def test_the_audit_trail_shows_each_changed_field_before_and_after(
    app_database: Database, events: dict[str, int]
) -> None:
    at = _page(events["ada"], "views/audit.py")
    assert at.title[0].value == "Audit trail"
    table = at.dataframe[0].value
    _assert_no_raw_values(at, table)
    assert all(READABLE_TIME.fullmatch(when) for when in table["When"]), list(table["When"])
    lines = _lines(table)
    # A role change and a disabled account: only what changed, booleans in words.
    assert "roles: reviewer → editor, reviewer" in lines
    assert "is active: yes → no" in lines
    assert not any(line.startswith("username: bo →") for line in lines)  # unchanged: not shown
    # A reviewer's draft, then the same review submitted: codes as their labels.
    assert "verdict: Mostly accurate" in lines  # the draft, created
    assert "verdict: Mostly accurate → Inaccurate" in lines
    assert "certainty: — → Low" in lines
    assert "rationale: — → The trial says otherwise." in lines
    assert "status: draft → submitted" in lines
    # An import, and a new user: what was created.
    assert "title: Multiple myeloma immunotherapy" in lines
    assert "roles: admin, editor" in lines
    logins = table[table["Action"] == "login"]
    [when] = logins["When"]  # the event's own time (the clock's), not the login time passed
    [login] = [e for e in list_events(app_database, OPERATOR) if e.action == "login"]
    assert when == format_datetime(login.occurred_at)
    assert list(logins["Changes"]) == [""]
    assert set(table.loc[table["Entity"].str.startswith("user"), "Article"]) == {"—"}


def test_reviews_hidden_from_an_administrator_say_so_in_words(
    app_database: Database, events: dict[str, int]
) -> None:
    at = _page(events["root"], "views/audit.py")
    table = at.dataframe[0].value
    _assert_no_raw_values(at, table)
    reviews = table[table["Entity"].str.startswith("review")]
    assert len(reviews) == 2
    assert all(cell.startswith("Review contents are shown only") for cell in reviews["Changes"])
    assert "roles: reviewer → editor, reviewer" in _lines(table)


def test_the_users_page_shows_never_and_readable_login_times(
    app_database: Database, events: dict[str, int]
) -> None:
    at = _page(events["ada"], "views/users.py")
    assert at.title[0].value == "Users"
    table = at.dataframe[0].value
    _assert_no_raw_values(at, table)
    last_login = dict(zip(table["Username"], table["Last login"], strict=True))
    # ada logged in above; opening the page as her does not log in again.
    assert last_login["ada"] == "6 Dec 2026, 14:03 UTC"
    assert last_login["bo"] == "Never" and last_login["cy"] == "Never"
