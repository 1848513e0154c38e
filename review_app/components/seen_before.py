"""Claims seen before, on the review page: the closest earlier claims of other articles with a
finding, with their verdicts and sources, and "Reuse these sources".

What is offered, and to whom, is decided in db/seen_before.py. Owns the session-state keys
``review_seen_open`` (the panel open or not) and ``review_seen_notice``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from claims.errors import ClaimreviewError
from claims.matching import SAME
from claims.permissions import Actor
from claims.scales import default_scales
from db.reviews import reuse_sources
from db.seen_before import EarlierClaim
from db.workspace import ClaimContext
from review_app.components.review_form import discard_changes, has_unsaved_changes
from review_app.components.text import escape_markdown, plural
from review_app.resources import clear_review_reads, database, earlier_claims

_NOTICE = "review_seen_notice"


def _reuse(
    actor: Actor, claim: ClaimContext, earlier: EarlierClaim, written: Callable[[], None]
) -> None:
    """The button's callback: copy the sources into my review as a draft, then open it;
    ``written()`` comes last (the page reruns what shows my review's status)."""
    if has_unsaved_changes():
        st.session_state[_NOTICE] = (
            "error",
            "Your review has unsaved changes: save or discard them first, then reuse the "
            "sources. Nothing was changed.",
        )
        return
    version = claim.my_review.version if claim.my_review else None
    try:
        review = reuse_sources(
            database(), actor, claim.id, earlier.claim_id, expected_version=version
        )
    except ClaimreviewError as error:
        st.session_state[_NOTICE] = ("error", str(error))
        return
    discard_changes()  # the form opens the draft as stored, with the sources added
    clear_review_reads()
    added = len(review.citations) - (len(claim.my_review.citations) if claim.my_review else 0)
    their = "its stance" if added == 1 else "their stances"
    st.session_state[_NOTICE] = (
        "success",
        f"{plural(added, 'source')} from the earlier claim added to your draft, with {their}. "
        "Choose your own verdict and certainty.",
    )
    written()


def _finding(earlier: EarlierClaim) -> str:
    scales = default_scales()
    verdict = scales["verdict"].labels().get(earlier.verdict or "", "reviewers disagree")
    certainty = scales["certainty"].labels().get(earlier.certainty or "", "not agreed")
    who = "editor's decision" if earlier.decided else plural(earlier.reviews, "submitted review")
    return f"{verdict}, certainty {certainty.lower()} ({who})"


def seen_before_panel(
    actor: Actor, claim: ClaimContext, written: Callable[[], None] = lambda: None
) -> None:
    """Earlier claims like this one; ``written`` is called last by a reuse that wrote my
    review."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        (st.error if notice[0] == "error" else st.success)(escape_markdown(notice[1]))
    found = earlier_claims(actor, claim.id)
    if not found:
        return
    same = [e for e in found if e.relation == SAME]
    first = found[0]
    if same:
        label = (
            f"Seen before: {plural(len(same), 'earlier claim')} like this one · {_finding(same[0])}"
        )
    else:
        label = f"Seen before: the opposite claim · {_finding(first)}"
    # Drawn only while open: the review page redraws this on every click.
    with st.expander(
        label, key="review_seen_open", on_change="rerun", icon=":material/history:"
    ) as shown:
        if not shown.open:
            return
        stances = default_scales()["stance"].labels()
        cited = {c.citation_id for c in claim.my_review.citations} if claim.my_review else set()
        for number, earlier in enumerate(found):
            if number:
                st.divider()
            badge = (
                ":green-badge[Same claim]"
                if earlier.relation == SAME
                else ":red-badge[Opposite claim: says the reverse]"
            )
            st.markdown(f"{badge} :gray[{earlier.similarity:.0%} alike]")
            st.markdown(f"> {escape_markdown(earlier.text)}")
            st.caption(
                f"{escape_markdown(earlier.article_title)} · claim {earlier.ordinal} · "
                f"{_finding(earlier)}"
            )
            for source in earlier.sources:
                stance = stances.get(source.stance or "", "no stance")
                st.markdown(f"- {escape_markdown(source.label)} :gray[· {stance.lower()}]")
            if earlier.relation == SAME and earlier.sources:
                new = [s for s in earlier.sources if s.citation_id not in cited]
                st.button(
                    "Reuse these sources",
                    key=f"review_seen_reuse_{earlier.claim_id}",
                    icon=":material/content_copy:",
                    disabled=not new,
                    help="Copy them, with their stances, into your review as a draft. Never "
                    "the verdict: that stays yours to give."
                    if new
                    else "Your review cites every one of them already.",
                    on_click=_reuse,
                    args=(actor, claim, earlier, written),
                )
