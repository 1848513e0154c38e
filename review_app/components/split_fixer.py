"""Fixing the machine's split for one claim: checkable or not, span, split in two, merge.

Owns the session-state keys that start with ``split_``. The reviewer picks places in the text
(between words), never types offsets: every place offered is an exact offset into the article.
Offsets are checked in claims/spans.py and written by db/claim_edits.py; this only collects
what the reviewer asks for.
"""

from __future__ import annotations

import re

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from db.claim_edits import change_span, merge_with_next, set_checkable, split_claim
from db.workspace import ClaimContext
from review_app.components.text import escape_markdown
from review_app.resources import clear_cached_reads, database

# How far beyond the claim a new span may reach, in characters, within its paragraph.
SPAN_REACH = 600
_WORD = re.compile(r"\S+")


def word_starts(text: str) -> list[int]:
    """Where each word after the first begins: the places a text can be split."""
    return [m.start() for m in _WORD.finditer(text)][1:]


def word_edges(text: str, lo: int, hi: int) -> list[int]:
    """Every place between ``lo`` and ``hi`` where a word of ``text`` begins or ends (offsets
    into ``text``; words are read in the whole text, so a bound inside a word is no place)."""
    edges: set[int] = set()
    for match in _WORD.finditer(text):
        edges.update(e for e in (match.start(), match.end()) if lo <= e <= hi)
    return sorted(edges)


def place_label(text: str, at: int, width: int = 18) -> str:
    """A place in the text as the words either side of it: "…bone marrow, │the spongy…"."""
    left = " ".join(text[max(0, at - width) : at].split())
    right = " ".join(text[at : at + width].split())
    gap_left = " " if at > 0 and text[at - 1].isspace() else ""
    gap_right = " " if at < len(text) and text[at].isspace() else ""
    return f"…{left}{gap_left}│{gap_right}{right}…"


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
    # Drawn only while open (a lazy expander): its widgets would otherwise cost every run of
    # the review page, for a tool most clicks never use.
    with st.expander("Fix the split", key="split_open", on_change="rerun") as fixer:
        if not fixer.open:
            return
        st.caption("Reviews of a changed claim are kept and flagged for a second look.")
        label = "Mark as not checkable" if claim.checkable else "Mark as checkable"
        if st.button(label, key=f"{key}_checkable"):
            _apply(set_checkable, actor, claim.id, not claim.checkable,
                   expected_version=claim.version)  # fmt: skip

        st.markdown("**Split in two**")
        places = word_starts(claim.text)
        if not places:
            st.caption("A claim of one word cannot be split.")
        else:
            at = st.select_slider(
                "Split at",
                options=places,
                value=places[len(places) // 2],
                format_func=lambda p: place_label(claim.text, p),
                key=f"{key}_at",
                help="Drag to the place between two words where the second claim begins.",
            )
            st.text(f"First:  {claim.text[:at].strip()}\nSecond: {claim.text[at:].strip()}")
            if st.button("Split here", key=f"{key}_split"):
                _apply(split_claim, actor, claim.id, claim.start + at,
                       expected_version=claim.version)  # fmt: skip

        st.markdown("**Change where the claim starts and ends**")
        paragraph = claim.paragraph
        start = claim.start - claim.paragraph_start
        end = claim.end - claim.paragraph_start
        lo, hi = max(0, start - SPAN_REACH), min(len(paragraph), end + SPAN_REACH)
        edges = sorted({*word_edges(paragraph, lo, hi), start, end})
        new_start, new_end = st.select_slider(
            "Claim span",
            options=edges,
            value=(start, end),
            format_func=lambda p: place_label(paragraph, p),
            key=f"{key}_span",
            help="Drag either end to a place between words of the paragraph.",
        )
        if (new_start, new_end) != (start, end):
            st.text(f"New claim: {paragraph[new_start:new_end]}")
        if st.button(
            "Change the span",
            key=f"{key}_span_apply",
            disabled=(new_start, new_end) == (start, end),
        ):
            _apply(change_span, actor, claim.id, claim.paragraph_start + new_start,
                   claim.paragraph_start + new_end, expected_version=claim.version)  # fmt: skip

        if st.button(
            "Merge with the next claim", key=f"{key}_merge", disabled=claim.next_id is None
        ):
            _apply(merge_with_next, actor, claim.id, expected_version=claim.version)
