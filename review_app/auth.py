"""Login, logout, inactivity timeout and forced password change, for the whole app.

Owns the session-state keys that start with ``auth_``. The password check itself is behind
``db.accounts.IdentityProvider``; swapping it for single sign-on touches only ``identity()``.
"""

from __future__ import annotations

import time

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from db.accounts import (
    IdentityProvider,
    PasswordIdentity,
    UserInfo,
    actor_for,
    default_session_timeout,
    get_user,
    set_password,
)
from review_app.resources import database

_USER_ID = "auth_user_id"
_LAST_SEEN = "auth_last_seen"
_NOTICE = "auth_notice"


def identity() -> IdentityProvider:
    return PasswordIdentity(database())


def _sign_out(notice: str | None = None) -> None:
    for key in [k for k in st.session_state if not str(k).startswith("auth_")]:
        del st.session_state[key]  # nothing of the last user's work stays in this browser tab
    st.session_state.pop(_USER_ID, None)
    st.session_state.pop(_LAST_SEEN, None)
    if notice:
        st.session_state[_NOTICE] = notice


def current_user() -> UserInfo | None:
    """The logged-in user, re-read from the database on every run (roles or status may change).

    Returns None (and forgets the login) when nobody is logged in, the session has been idle
    too long, or the account was disabled meanwhile.
    """
    user_id = st.session_state.get(_USER_ID)
    if user_id is None:
        return None
    now = time.monotonic()
    idle = now - st.session_state.get(_LAST_SEEN, now)
    if idle > default_session_timeout().total_seconds():
        _sign_out("Your session ended after a period of inactivity; log in again.")
        return None
    user = get_user(database(), user_id)
    if user is None or not user.is_active:
        _sign_out("Your account is no longer active.")
        return None
    st.session_state[_LAST_SEEN] = now
    return user


def current_actor() -> Actor:
    """The acting user for a page that only logged-in users reach (see app.py)."""
    user = current_user()
    if user is None:
        st.stop()
    return actor_for(user)


def login_page() -> None:
    st.title("Log in to claimreview")
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice)
    with st.form("auth_login"):
        username = st.text_input("Username", key="auth_username")
        password = st.text_input("Password", type="password", key="auth_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            user = identity().authenticate(username, password)
        except ClaimreviewError as error:
            st.error(str(error))
            return
        st.session_state[_USER_ID] = user.id
        st.session_state[_LAST_SEEN] = time.monotonic()
        st.rerun()


def change_password_page() -> None:
    """Shown alone while a user must replace a generated or reset password."""
    user = current_user()
    if user is None:
        st.stop()
    st.title("Choose a new password")
    st.write(
        "Your password was set by an administrator. Choose your own before you continue "
        "(at least 10 characters)."
    )
    password_form(user, ask_current=False)


def password_form(user: UserInfo, *, ask_current: bool) -> None:
    with st.form("auth_change_password", clear_on_submit=True):
        current = (
            st.text_input("Current password", type="password", key="auth_current")
            if ask_current
            else None
        )
        new = st.text_input("New password", type="password", key="auth_new")
        again = st.text_input("New password again", type="password", key="auth_again")
        submitted = st.form_submit_button("Change password", type="primary")
    if not submitted:
        return
    if new != again:
        st.error("The two new passwords differ; type the same password twice.")
        return
    try:
        set_password(database(), actor_for(user), user.username, new, current_password=current)
    except ClaimreviewError as error:
        st.error(str(error))
        return
    st.session_state[_NOTICE] = "Password changed."
    st.rerun()


def logout() -> None:
    """A button callback: runs before the next script run, which then shows the login page."""
    _sign_out("You have logged out.")


def take_notice() -> str | None:
    return st.session_state.pop(_NOTICE, None)
