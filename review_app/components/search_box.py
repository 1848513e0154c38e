"""The search box in the sidebar of every page: a query typed here opens the Search page.

Owns the session-state keys ``search_box`` and ``search_box_query``.
"""

from __future__ import annotations

import streamlit as st

SEARCH_PAGE = "views/search.py"
_ASKED = "search_box_query"


def _take_query() -> None:
    """Enter in the box: keep the query for this run and empty the box for the next page."""
    st.session_state[_ASKED] = st.session_state.get("search_box", "").strip()
    st.session_state["search_box"] = ""


def search_box() -> None:
    """Draw the box; on Enter open the Search page with the query in its address, so the
    results can be shared and reloaded."""
    st.sidebar.text_input(
        "Search claims",
        key="search_box",
        placeholder="Search claims…",
        label_visibility="collapsed",
        on_change=_take_query,
        help="Claims, rationales, sources and decisions; Enter opens the results.",
    )
    asked = st.session_state.pop(_ASKED, "")
    if asked:
        st.switch_page(SEARCH_PAGE, query_params={"q": asked})
