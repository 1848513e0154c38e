"""One claim in its paragraph: the claim highlighted, its section, its cues with their reasons."""

from __future__ import annotations

import html

import streamlit as st

from claims.cues import CUE_LABELS
from db.workspace import ClaimContext
from review_app.components.text import escape_markdown

_PARAGRAPH = "line-height:1.6;margin:0 0 0.5rem 0;white-space:pre-wrap"
_CLAIM = "background:#fdebd0;color:inherit;font-weight:600;padding:0.1em 0.2em;border-radius:0.2em"


def claim_in_context(claim: ClaimContext) -> None:
    where = f"Claim {claim.ordinal} of {claim.claims_in_article}"
    if claim.section:
        where += f" · section: {escape_markdown(claim.section)}"
    if not claim.checkable:
        where += f" · not checkable ({claim.kind})"
    st.caption(where)
    # The paragraph with the claim marked: every piece of text escaped. HTML, not Markdown: the
    # browser draws it at once, where Markdown's parser took a good part of a click's time.
    before = claim.paragraph[: claim.start - claim.paragraph_start]
    after = claim.paragraph[claim.end - claim.paragraph_start :]
    st.html(
        f"<p style='{_PARAGRAPH}'>{html.escape(before)}<mark style='{_CLAIM}'>"
        f"{html.escape(claim.text)}</mark>{html.escape(after)}</p>"
    )
    if claim.cues:
        with st.container(border=True):
            for cue in claim.cues:
                label = CUE_LABELS.get(cue.kind, cue.kind)
                st.markdown(
                    f"**{label}** “{escape_markdown(cue.text)}”: {escape_markdown(cue.reason)}"
                )
