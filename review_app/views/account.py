"""My account: who I am, my roles, and changing my password."""

import streamlit as st

from review_app import auth

user = auth.current_user()
if user is None:
    st.stop()
st.title("My account")
notice = auth.take_notice()
if notice:
    st.success(notice)
st.text(f"Username: {user.username}")
if user.display_name:
    st.text(f"Name: {user.display_name}")
st.text(f"Roles: {', '.join(user.roles)}")
st.subheader("Change my password")
auth.password_form(user, ask_current=True)
