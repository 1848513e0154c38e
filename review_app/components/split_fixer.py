"""Fixing the machine's split for one claim: checkable or not, span, split in two, merge.

Owns the session-state keys that start with ``split_``. Offsets are checked in claims/spans.py
and written by db/claim_edits.py; this only collects what the reviewer asks for.
"""

from __future__ import annotations

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from db.claim_edits import change_span, merge_with_next, set_checkable, split_claim
from db.workspace import ClaimContext
from review_app.components.text import escape_markdown
from review_app.resources import clear_cached_reads, database


def _apply(action, *args, **kwargs) -> None:
    try:
        action(database(), *args, **kwargs)
    except ClaimreviewError as error:
        st.error(escape_markdown(str(error)))
        return
    clear_cached_reads()
    st.session_state["review_notice"] = "The claim's split was changed."
    st.rerun()


def split_fixer(actor: Actor, claim: ClaimContext) -> None:
    key = f"split_{claim.id}_{claim.version}"
    # Drawn only while open (a lazy expander): its seven widgets would otherwise cost every
    # run of the review page, for a tool most clicks never use.
    with st.expander("Fix the split", key="split_open", on_change="rerun") as fixer:
        if not fixer.open:
            return
        st.caption(
            f"Characters {claim.start}–{claim.end} of the article. Reviews of a changed claim "
            "are kept and flagged for a second look."
        )
        label = "Mark as not checkable" if claim.checkable else "Mark as checkable"
        if st.button(label, key=f"{key}_checkable"):
            _apply(set_checkable, actor, claim.id, not claim.checkable,
                   expected_version=claim.version)  # fmt: skip
        words = claim.text
        at = st.number_input(
            "Split before character (counted from the claim's start)",
            min_value=1,
            max_value=max(1, len(words) - 1),
            value=max(1, len(words) // 2),
            key=f"{key}_at",
        )
        st.text(f"First part:  {words[:at].strip()}\nSecond part: {words[at:].strip()}")
        if st.button("Split here", key=f"{key}_split"):
            _apply(split_claim, actor, claim.id, claim.start + int(at),
                   expected_version=claim.version)  # fmt: skip
        left, right = st.columns(2)
        start = left.number_input("Start", min_value=0, value=claim.start, key=f"{key}_start")
        end = right.number_input("End", min_value=1, value=claim.end, key=f"{key}_end")
        if st.button("Change the span", key=f"{key}_span"):
            _apply(change_span, actor, claim.id, int(start), int(end),
                   expected_version=claim.version)  # fmt: skip
        if st.button(
            "Merge with the next claim", key=f"{key}_merge", disabled=claim.next_id is None
        ):
            _apply(merge_with_next, actor, claim.id, expected_version=claim.version)
