"""Accounts: argon2 passwords, login throttling, the first administrator, audited changes."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from claims.errors import ClaimreviewError
from claims.permissions import Actor, PermissionDenied
from db.accounts import (
    FREE_LOGIN_FAILURES,
    LoginRefused,
    PasswordIdentity,
    actor_for,
    create_user,
    ensure_first_admin,
    list_users,
    set_active,
    set_password,
    set_roles,
)
from db.audit import list_events
from db.engine import Database
from db.models import AuditEvent, LoginSession, UnknownNameFailure, User, utcnow

OPERATOR = Actor.operator("test")
PASSWORD = "correct horse battery"


def _add(database: Database, name: str, *roles: str, password: str = PASSWORD):
    user, _ = create_user(database, OPERATOR, name, list(roles), password=password)
    return user


def test_passwords_are_stored_as_argon2_hashes_and_never_audited(database: Database) -> None:
    _add(database, "rita", "reviewer")
    set_password(database, OPERATOR, "rita", "another secret phrase")
    with database.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "rita"))
        audit_text = json.dumps([(e.before, e.after) for e in session.scalars(select(AuditEvent))])
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PASSWORD not in audit_text and "another secret phrase" not in audit_text
    assert "argon2" not in audit_text


def test_login_checks_the_password_and_says_nothing_about_which_part_was_wrong(
    database: Database,
) -> None:
    _add(database, "rita", "reviewer")
    identity = PasswordIdentity(database)
    assert identity.authenticate("rita", PASSWORD).username == "rita"
    with pytest.raises(LoginRefused) as wrong_password:
        identity.authenticate("rita", "not the password")
    with pytest.raises(LoginRefused) as unknown_user:
        identity.authenticate("nobody", PASSWORD)
    assert str(wrong_password.value) == str(unknown_user.value) == "Wrong username or password."


def test_after_five_failures_each_try_waits_longer(database: Database) -> None:
    _add(database, "rita", "reviewer")
    identity = PasswordIdentity(database)
    now = utcnow()
    for _ in range(FREE_LOGIN_FAILURES):
        with pytest.raises(LoginRefused, match="Wrong"):
            identity.authenticate("rita", "guess", now=now)
    waits = []
    for attempt in range(3):
        # Even the right password is refused while the wait lasts; the message says how long.
        with pytest.raises(LoginRefused, match=r"try again in \d+ s") as refused:
            identity.authenticate("rita", PASSWORD, now=now)
        seconds = int(re.search(r"try again in (\d+) s", str(refused.value)).group(1))
        waits.append(seconds)
        now += timedelta(seconds=seconds)
        if attempt < 2:
            with pytest.raises(LoginRefused, match="Wrong"):
                identity.authenticate("rita", "guess again", now=now)
    assert waits[0] < waits[1] < waits[2]
    assert identity.authenticate("rita", PASSWORD, now=now).username == "rita"
    # A success resets the count: one more mistake costs no wait.
    with pytest.raises(LoginRefused, match="Wrong"):
        identity.authenticate("rita", "typo", now=now)
    assert identity.authenticate("rita", PASSWORD, now=now).username == "rita"


def _answers(identity: PasswordIdentity, name: str, now, tries: int) -> list[str]:
    answers = []
    for _ in range(tries):
        try:
            identity.authenticate(name, "wrong guess", now=now)
        except LoginRefused as refused:
            answers.append(re.sub(name, "NAME", str(refused)))
    return answers


def test_a_name_with_no_account_is_throttled_exactly_like_a_real_one(database: Database) -> None:
    _add(database, "rita", "reviewer")
    identity = PasswordIdentity(database)
    now = utcnow()
    real = _answers(identity, "rita", now, FREE_LOGIN_FAILURES + 2)
    made_up = _answers(identity, "no-such-reviewer", now, FREE_LOGIN_FAILURES + 2)
    assert real == made_up  # the same words, so the message tells no real name apart
    assert made_up[-1].startswith("Too many failed logins for NAME; try again in")
    # A day after the last failure both are forgotten alike: four more, then the same again.
    later = now + timedelta(days=1, minutes=1)
    assert _answers(identity, "rita", later, 6) == _answers(identity, "no-such-reviewer", later, 6)
    # What was typed as a name with no account is not stored, only a one-way key of it.
    with database.read() as session:
        stored = " ".join(
            " ".join(str(v) for v in row)
            for row in session.execute(select(UnknownNameFailure.__table__))
        )
    assert "no-such-reviewer" not in stored


def test_a_flood_of_made_up_names_is_forgotten_after_a_day(database: Database) -> None:
    identity = PasswordIdentity(database)
    now = utcnow()
    for number in range(3):
        _answers(identity, f"made-up-{number}", now, 1)
    _answers(identity, "one-more", now + timedelta(days=2), 1)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(UnknownNameFailure)) == 1


def test_a_disabled_account_cannot_log_in(database: Database) -> None:
    _add(database, "rita", "reviewer")
    set_active(database, OPERATOR, "rita", False)
    with pytest.raises(LoginRefused, match="disabled"):
        PasswordIdentity(database).authenticate("rita", PASSWORD)
    set_active(database, OPERATOR, "rita", True)
    assert PasswordIdentity(database).authenticate("rita", PASSWORD).is_active


def test_first_admin_is_created_once_with_a_password_to_change(database: Database) -> None:
    password = ensure_first_admin(database)
    assert password and len(password) >= 16
    assert ensure_first_admin(database) is None
    admin = PasswordIdentity(database).authenticate("admin", password)
    assert admin.roles == ("admin",) and admin.must_change_password
    set_password(database, actor_for(admin), "admin", "my own admin password")
    again = PasswordIdentity(database).authenticate("admin", "my own admin password")
    assert not again.must_change_password


def test_changing_ones_own_password_needs_the_current_one(database: Database) -> None:
    rita = actor_for(_add(database, "rita", "reviewer"))
    with pytest.raises(ClaimreviewError, match="current password is wrong"):
        set_password(database, rita, "rita", "a brand new secret", current_password="wrong")
    with pytest.raises(ClaimreviewError, match="too short"):
        set_password(database, rita, "rita", "short", current_password=PASSWORD)
    set_password(database, rita, "rita", "a brand new secret", current_password=PASSWORD)
    with pytest.raises(PermissionDenied):
        set_password(database, rita, "admin2", "a brand new secret")


def test_an_admin_reset_makes_the_user_choose_a_new_password(database: Database) -> None:
    admin = actor_for(_add(database, "ada", "admin"))
    _add(database, "rita", "reviewer")
    set_password(database, admin, "rita", "temporary password 1")
    user = PasswordIdentity(database).authenticate("rita", "temporary password 1")
    assert user.must_change_password


def test_the_last_administrator_cannot_be_removed(database: Database) -> None:
    admin = actor_for(_add(database, "ada", "admin"))
    with pytest.raises(ClaimreviewError, match="your own account"):
        set_active(database, admin, "ada", False)
    with pytest.raises(ClaimreviewError, match="last active administrator"):
        set_roles(database, OPERATOR, "ada", ["editor"])
    _add(database, "bob", "admin")
    set_roles(database, OPERATOR, "ada", ["editor"])
    assert {u.username: u.roles for u in list_users(database, OPERATOR)}["ada"] == ("editor",)


@pytest.mark.parametrize(
    ("name", "roles", "message"),
    [
        ("", ["reviewer"], "not valid"),
        ("has space", ["reviewer"], "not valid"),
        ("<script>", ["reviewer"], "not valid"),
        ("rita", [], "at least one role"),
        ("rita", ["superuser"], "Unknown role"),
    ],
)
def test_bad_user_details_are_refused_and_nothing_is_stored(
    database: Database, name: str, roles: list[str], message: str
) -> None:
    with pytest.raises(ClaimreviewError, match=message):
        create_user(database, OPERATOR, name, roles, password=PASSWORD)
    assert list_users(database, OPERATOR) == []


def test_every_user_change_is_in_the_audit_trail_with_before_and_after(
    database: Database,
) -> None:
    admin = actor_for(_add(database, "ada", "admin"))
    create_user(database, admin, "rita", ["reviewer"], password=PASSWORD)
    set_roles(database, admin, "rita", ["reviewer", "editor"])
    set_active(database, admin, "rita", False)
    set_password(database, admin, "rita", "temporary password 2")
    events = [e for e in list_events(database, admin, username="rita") if e.actor == "ada"]
    assert [e.action for e in events] == ["create", "set_roles", "disable", "reset_password"]
    roles_change = events[1]
    assert roles_change.before["roles"] == ["reviewer"]
    assert roles_change.after["roles"] == ["editor", "reviewer"]
    assert events[2].before["is_active"] is True and events[2].after["is_active"] is False


def test_a_login_session_survives_reloads_until_idle_or_ended(database: Database) -> None:
    from db.accounts import end_session, resume_session, start_session

    user = _add(database, "rita", "reviewer")
    token = start_session(database, user.id)
    now = utcnow()
    assert resume_session(database, token, now=now).username == "rita"
    assert resume_session(database, "forged-token", now=now) is None
    # Idle longer than the timeout: the session is over, even if used again later.
    late = now + timedelta(hours=2)
    assert resume_session(database, token, idle=timedelta(hours=1), now=late) is None
    assert resume_session(database, token, now=now) is None
    # Logout ends a session at once; disabling the account ends every session.
    second = start_session(database, user.id)
    end_session(database, second)
    assert resume_session(database, second) is None
    third = start_session(database, user.id)
    set_active(database, OPERATOR, "rita", False)
    assert resume_session(database, third) is None
    with database.read() as session:
        stored = session.scalars(select(LoginSession.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64  # only hashes are kept
