"""Entry file: page setup, login, and the pages this user's roles may open. Nothing else."""

import streamlit as st

from db.accounts import actor_for
from review_app import auth, idle_gc, resources
from review_app.components.search_box import search_box
from review_app.components.text import escape_markdown
from review_app.navigation import app_pages, stand_in_pages

st.set_page_config(page_title="claimreview", page_icon="🩺", layout="wide")
idle_gc.start()  # once per process: garbage collected between clicks, not during them


user = auth.current_user()
auth.apply_cookie()  # first on the page: a login must outlive a reload right after it
if user is None:
    # Every address shows the login form and keeps its query; the login then opens that page.
    st.navigation(stand_in_pages(auth.login_page), position="hidden").run()
elif user.must_change_password:
    st.navigation(stand_in_pages(auth.change_password_page), position="hidden").run()
else:
    actor = actor_for(user)
    resources.keep_matching()  # "seen before" matches new claims in the background
    with st.sidebar:
        st.caption(f"Logged in as **{escape_markdown(user.username)}** ({', '.join(user.roles)})")
        st.button("Log out", key="auth_logout", icon=":material/logout:", on_click=auth.logout)
    pages = st.navigation(app_pages(actor))
    search_box()  # after the pages are known: a search opens the Search page
    pages.run()
auth.cookie_applied()
