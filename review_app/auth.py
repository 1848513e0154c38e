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
    end_session,
    get_user,
    resume_session,
    set_password,
    start_session,
)
from review_app.deferred_saves import settle_for, settle_session
from review_app.resources import database, keep_this_run, kept_this_run, page_run_began

_USER_ID = "auth_user_id"
_LAST_SEEN = "auth_last_seen"
_NOTICE = "auth_notice"
_TOKEN = "auth_token"
_COOKIE_TODO = "auth_cookie_todo"  # ("set", token) or ("clear", "") for the next page draw
COOKIE = "claimreview_session"
_REFUSED = "auth_refused"  # why the last login was refused, for the form's next draw
_THIS_RUN = "auth_this_run"  # the user app.py checked at the start of this run, for its page


def identity() -> IdentityProvider:
    return PasswordIdentity(database())


def _sign_out(notice: str | None = None) -> None:
    settle_session()  # a Submit & next still being saved: its outcome is kept for the user
    for key in [k for k in st.session_state if not str(k).startswith("auth_")]:
        del st.session_state[key]  # nothing of the last user's work stays in this browser tab
    token = st.session_state.pop(_TOKEN, None)
    if token:
        end_session(database(), token)
    st.session_state[_COOKIE_TODO] = ("clear", "")
    st.session_state.pop(_USER_ID, None)
    st.session_state.pop(_LAST_SEEN, None)
    if notice:
        st.session_state[_NOTICE] = notice


def _resume_from_cookie() -> None:
    """A reload opens a new session: a live login cookie logs the browser back in."""
    if st.session_state.get(_COOKIE_TODO, ("",))[0] == "clear":
        return  # this tab has just logged out; its old cookie is on its way out
    token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token:
        return
    user = resume_session(database(), token)
    if user is not None:
        st.session_state[_USER_ID] = user.id
        st.session_state[_TOKEN] = token
        st.session_state[_LAST_SEEN] = time.monotonic()


def apply_cookie() -> None:
    """Set or clear the login cookie in the browser, when a login or logout asked for it.

    A script in the page itself (not a component's iframe, which loads after the run): it runs
    as soon as this first element of the run arrives, so a reload or a typed address right after
    logging in keeps the login.
    """
    todo = st.session_state.get(_COOKIE_TODO)
    if todo is None:
        return
    action, token = todo
    seconds = int(default_session_timeout().total_seconds()) if action == "set" else 0
    # The token is URL-safe base64: nothing in it can break out of the string.
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; "
        f"max-age={seconds}; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def cookie_applied() -> None:
    """Called when a run has drawn its page to the end: the cookie script reached the browser.

    A run cut short (a page switch, a rerun) discards what it drew, so the script is drawn
    again by the next run until one completes."""
    st.session_state.pop(_COOKIE_TODO, None)


def current_user() -> UserInfo | None:
    """The logged-in user, re-read from the database on every run (roles or status may change).

    Returns None (and forgets the login) when nobody is logged in, the session has been idle
    too long, or the account was disabled meanwhile. The user found is handed to this run's
    page (``current_actor``), which then need not read it again.
    """
    st.session_state.pop(_THIS_RUN, None)
    if st.session_state.get(_USER_ID) is None:
        _resume_from_cookie()
    user_id = st.session_state.get(_USER_ID)
    if user_id is None:
        return None
    # The background matcher keeps out of the way while a page is drawn for someone logged
    # in (not for the login form: a stranger reloading it must not hold matching back).
    page_run_began()
    # A Submit & next saved after its click is made, and its outcome known, before anything
    # of this run or callback reads the database.
    settle_for(user_id)
    checked = _checked_this_run()
    if checked is not None and checked.id == user_id:
        return checked  # a save's callback checked it at the start of this same run
    now = time.monotonic()
    idle = now - st.session_state.get(_LAST_SEEN, now)
    if idle > default_session_timeout().total_seconds():
        _sign_out("Your session ended after a period of inactivity; log in again.")
        return None
    token = st.session_state.get(_TOKEN)
    user = resume_session(database(), token) if token else get_user(database(), user_id)
    if user is None or not user.is_active:
        _sign_out("Your account is no longer active.")
        return None
    st.session_state[_LAST_SEEN] = now
    st.session_state[_THIS_RUN] = user
    keep_this_run(_RUN_CHECK, (st.session_state.get(_TOKEN), user))
    return user


_RUN_CHECK = "_claimreview_login_check"  # kept for the run: (token, user)


def _checked_this_run() -> UserInfo | None:
    """The user already checked in this run, for the same login: a click's callback (a save)
    and the fragment that then redraws run back to back, milliseconds apart, and one check of
    the database serves both."""
    check = kept_this_run(_RUN_CHECK)
    if check is None:
        return None
    return check[1] if check[0] == st.session_state.get(_TOKEN) else None


def current_actor() -> Actor:
    """The acting user for a page that only logged-in users reach (see app.py).

    app.py checked the login at the start of this very run; taking (and removing) what it found
    saves a second database read per click, and leaves nothing for a later run to trust.
    """
    user = st.session_state.pop(_THIS_RUN, None) or current_user()
    if user is None:
        st.stop()
    return actor_for(user)


def fragment_actor(permission: str) -> Actor:
    """The acting user inside a fragment, checked again on each of its runs: a click inside a
    fragment reruns only the fragment, so app.py's check does not run. A user logged out,
    idle too long, disabled, or without ``permission`` now gets a full run, which shows the
    login form (saying why) or says the page is closed. The check also counts as activity."""
    user = current_user()
    if user is None or not actor_for(user).can(permission):
        st.rerun(scope="app")
    return actor_for(user)


def login_page() -> None:
    """The login form, drawn at whatever address was opened: after login that page runs."""
    st.title("Log in to claimreview")
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice)
    with st.form("auth_login"):
        st.text_input("Username", key="auth_username")
        st.text_input("Password", type="password", key="auth_password")
        st.form_submit_button("Log in", type="primary", on_click=_log_in)
    refused = st.session_state.pop(_REFUSED, None)
    if refused:
        st.error(refused)


def _log_in() -> None:
    """The login button's callback: the run that follows draws the page asked for, logged in,
    with the cookie set first thing (one run, no redirect)."""
    username = st.session_state.get("auth_username") or ""
    password = st.session_state.get("auth_password") or ""
    try:
        user = identity().authenticate(username, password)
    except ClaimreviewError as error:
        st.session_state[_REFUSED] = str(error)
        return
    token = start_session(database(), user.id)
    st.session_state[_USER_ID] = user.id
    st.session_state[_TOKEN] = token
    st.session_state[_COOKIE_TODO] = ("set", token)
    st.session_state[_LAST_SEEN] = time.monotonic()
    st.session_state.pop("auth_password", None)


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
