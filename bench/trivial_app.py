"""The felt-speed baseline (bench/felt.py): the least a Streamlit click can cost in a browser.

A title, a button and a line that counts the clicks: a click is one rerun of a script that
does next to nothing, so its time is Streamlit's own round trip (browser → server → browser)
and the browser's drawing of the change.
"""

import streamlit as st

st.title("Trivial app")
clicks = st.session_state.get("clicks", 0)
if st.button("Add one"):
    clicks += 1
    st.session_state["clicks"] = clicks
st.write(f"Clicked {clicks} times")
