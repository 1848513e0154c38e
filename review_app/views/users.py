"""Users (administrators): add users, change roles, disable or enable, reset passwords."""

import pandas as pd
import streamlit as st

from claims.display import format_datetime
from claims.errors import ClaimreviewError
from claims.passwords import generate_password
from claims.permissions import ROLES
from db.accounts import create_user, list_users, set_active, set_password, set_roles
from review_app.auth import current_actor
from review_app.components.text import escape_markdown
from review_app.resources import database

actor = current_actor()
st.title("Users")

# A generated password is shown once, right after the action that made it.
shown = st.session_state.pop("users_new_password", None)
if shown:
    name, password = shown
    st.success(f"Password for **{escape_markdown(name)}**, shown only now; pass it on safely:")
    st.code(password, language=None)
    st.caption("They will be asked to choose their own password when they first log in.")

try:
    users = list_users(database(), actor)
except ClaimreviewError as error:
    st.error(str(error))
    st.stop()

st.dataframe(
    pd.DataFrame(
        {
            "Username": [u.username for u in users],
            "Name": [u.display_name for u in users],
            "Roles": [", ".join(u.roles) for u in users],
            "Active": [u.is_active for u in users],
            "Last login": [format_datetime(u.last_login_at, missing="Never") for u in users],
        }
    ),
    hide_index=True,
)


def _act(action, *args, **kwargs) -> bool:
    try:
        action(database(), actor, *args, **kwargs)
    except ClaimreviewError as error:
        st.error(str(error))
        return False
    return True


add_tab, change_tab = st.tabs(["Add a user", "Change a user"])
with add_tab, st.form("users_add", clear_on_submit=True):
    username = st.text_input("Username", key="users_add_name")
    display_name = st.text_input("Full name", key="users_add_display")
    roles = st.multiselect("Roles", ROLES, default=["reviewer"], key="users_add_roles")
    if st.form_submit_button("Add user", type="primary"):
        try:
            _, password = create_user(database(), actor, username, roles, display_name=display_name)
        except ClaimreviewError as error:
            st.error(str(error))
        else:
            st.session_state["users_new_password"] = (username.strip(), password)
            st.rerun()

with change_tab:
    names = [u.username for u in users]
    chosen = st.selectbox("User", names, key="users_change_name")
    user = next(u for u in users if u.username == chosen)
    with st.form("users_roles"):
        new_roles = st.multiselect("Roles", ROLES, default=list(user.roles), key="users_roles")
        if st.form_submit_button("Save roles") and _act(set_roles, chosen, new_roles):
            st.rerun()
    left, right = st.columns(2)
    if user.is_active:
        if left.button("Disable account", key="users_disable") and _act(set_active, chosen, False):
            st.rerun()
    elif left.button("Enable account", key="users_enable") and _act(set_active, chosen, True):
        st.rerun()
    if right.button("Reset password", key="users_reset"):
        password = generate_password()
        if _act(set_password, chosen, password):
            st.session_state["users_new_password"] = (chosen, password)
            st.rerun()
