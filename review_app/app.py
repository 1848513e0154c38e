"""Entry file: page setup and navigation only. Each page lives in review_app/pages/."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="claimreview", page_icon="🩺", layout="wide")

navigation = st.navigation(
    [
        st.Page(PAGES / "articles.py", title="Articles", icon=":material/article:", default=True),
        st.Page(PAGES / "claims.py", title="Claims", icon=":material/format_list_numbered:"),
    ]
)
navigation.run()
