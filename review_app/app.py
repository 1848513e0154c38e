"""Entry file: page setup, login, and the pages this user's roles may open. Nothing else."""

import streamlit as st

from db.accounts import actor_for
from review_app import auth
from review_app.components.text import escape_markdown
from review_app.navigation import pages_for

st.set_page_config(page_title="claimreview", page_icon="🩺", layout="wide")


user = auth.current_user()
auth.apply_cookie()
if user is None:
    st.navigation([st.Page(auth.login_page, title="Log in")], position="hidden").run()
elif user.must_change_password:
    st.navigation(
        [st.Page(auth.change_password_page, title="New password")], position="hidden"
    ).run()
else:
    actor = actor_for(user)
    with st.sidebar:
        st.caption(f"Logged in as **{escape_markdown(user.username)}** ({', '.join(user.roles)})")
        st.button("Log out", key="auth_logout", icon=":material/logout:", on_click=auth.logout)
    pages = {
        spec.url_path: st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)
        for spec in pages_for(actor)
    }
    navigation = st.navigation(list(pages.values()))
    link = st.session_state.pop(auth.AFTER_LOGIN, None)
    if link and "review" in pages:
        st.switch_page(pages["review"], query_params=link)
    navigation.run()
