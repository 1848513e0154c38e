"""One claim in its paragraph: the claim highlighted, its section, its cues with their reasons."""

from __future__ import annotations

import streamlit as st

from db.workspace import ClaimContext
from review_app.components.text import escape_markdown

CUE_LABELS = {
    "absolute": "Absolute wording",
    "cure": "Cure or breakthrough talk",
    "unattributed_evidence": "Evidence with no source named",
    "comparative": "Comparison with nothing to compare to",
    "vague_mechanism": "Vague mechanism",
    "hedge": "Hedge",
}


def claim_in_context(claim: ClaimContext) -> None:
    where = f"Claim {claim.ordinal} of {claim.claims_in_article}"
    if claim.section:
        where += f" · section: {escape_markdown(claim.section)}"
    if not claim.checkable:
        where += f" · not checkable ({claim.kind})"
    st.caption(where)
    # The paragraph as text, with the claim on a highlight: every piece escaped, never HTML.
    before = claim.paragraph[: claim.start - claim.paragraph_start]
    after = claim.paragraph[claim.end - claim.paragraph_start :]
    st.markdown(
        f"{escape_markdown(before)}:orange-background[**{escape_markdown(claim.text)}**]"
        f"{escape_markdown(after)}"
    )
    if claim.cues:
        with st.container(border=True):
            for cue in claim.cues:
                label = CUE_LABELS.get(cue.kind, cue.kind)
                st.markdown(
                    f"**{label}** “{escape_markdown(cue.text)}”: {escape_markdown(cue.reason)}"
                )
