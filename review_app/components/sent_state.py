"""What the review form's components send as their state: taken once, on the form it was made on.

A component's state is sent again with every later click of the page, and Streamlit applies it
before any callback. Each value the components send carries the name of the form it was made
on and a running count; ``newer_sent`` hands over a value only when both say it is new, so a
caller may ask in any callback, and as often as it likes, without taking a value twice.
"""

from __future__ import annotations

import streamlit as st


def seen(key: str, form: str) -> int:
    """The count of the last value taken from the component ``key`` on ``form`` (0: none)."""
    last = st.session_state.get(f"{key}_seen")
    return last[1] if last and last[0] == form else 0


def newer_sent(key: str, name: str, form: str) -> dict | None:
    """The component's state value ``name`` if it was made on ``form`` and is newer than the
    last one taken (which it then becomes); otherwise None."""
    sent = (st.session_state.get(key) or {}).get(name)
    if not isinstance(sent, dict) or sent.get("form") != form:
        return None
    count = sent.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count <= seen(key, form):
        return None
    st.session_state[f"{key}_seen"] = (form, count)
    return sent
