"""One claim in its paragraph: the claim highlighted, its section, its cues with their reasons."""

from __future__ import annotations

import html

import streamlit as st

from claims.cues import CUE_LABELS
from db.workspace import ClaimContext

_WHERE = "font-size:0.875rem;opacity:0.7;margin:0 0 0.5rem 0"
_PARAGRAPH = "line-height:1.6;margin:0 0 0.5rem 0;white-space:pre-wrap"
_CLAIM = "background:#fdebd0;color:inherit;font-weight:600;padding:0.1em 0.2em;border-radius:0.2em"
_CUES = (
    "border:1px solid rgba(128,128,128,0.35);border-radius:0.5rem;padding:0.5rem 1rem;"
    "margin:0 0 0.5rem 0"
)
_CUE = "margin:0.25rem 0;line-height:1.5"


def claim_in_context(claim: ClaimContext) -> None:
    """Where the claim is, its paragraph with the claim marked, and its cues: one element.

    HTML, not Markdown: the browser draws it at once, where Markdown's parser took a good part
    of a click's time; and one element, not one per line: the browser redraws the page once
    for every element a click sends. Every piece of text is escaped."""
    where = f"Claim {claim.ordinal} of {claim.claims_in_article}"
    if claim.section:
        where += f" · section: {claim.section}"
    if not claim.checkable:
        where += f" · not checkable ({claim.kind})"
    before = claim.paragraph[: claim.start - claim.paragraph_start]
    after = claim.paragraph[claim.end - claim.paragraph_start :]
    shown = [
        f"<p style='{_WHERE}'>{html.escape(where)}</p>",
        f"<p style='{_PARAGRAPH}'>{html.escape(before)}<mark style='{_CLAIM}'>"
        f"{html.escape(claim.text)}</mark>{html.escape(after)}</p>",
    ]
    if claim.cues:
        cues = "".join(
            f"<p style='{_CUE}'><strong>{html.escape(CUE_LABELS.get(cue.kind, cue.kind))}"
            f"</strong> “{html.escape(cue.text)}”: {html.escape(cue.reason)}</p>"
            for cue in claim.cues
        )
        shown.append(f"<div style='{_CUES}'>{cues}</div>")
    st.html("".join(shown))
