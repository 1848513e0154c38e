"""Other reviewers' reviews of the claim on the review page, as blind review allows.

Which reviews appear is decided in db.reviews.readable_reviews, not here: under blind review a
reviewer sees others' reviews only after submitting their own. Owns no session-state keys.
"""

from __future__ import annotations

import streamlit as st

from claims.permissions import Actor
from claims.scales import default_scales
from review_app.components.text import escape_markdown, plural
from review_app.resources import others_on_claim


def other_reviews(actor: Actor, claim_id: int) -> None:
    readable = others_on_claim(actor, claim_id)  # usually read ahead, after the last click
    if readable is None:
        return
    others = [r for r in readable.reviews if r.reviewer_id != actor.user_id]
    if readable.hidden:
        verb = "stays" if readable.hidden == 1 else "stay"
        st.info(
            f"Blind review: {plural(readable.hidden, 'other review')} of this claim "
            f"{verb} hidden until you submit your own."
        )
    if not others:
        return
    scales = default_scales()
    verdicts, certainties = scales["verdict"].labels(), scales["certainty"].labels()
    # Drawn only while open: the review page redraws this on every click.
    with st.expander(
        f"Other reviews ({len(others)})", key="review_others_open", on_change="rerun"
    ) as shown:
        if not shown.open:
            return
        for review in others:
            status = "" if review.status == "submitted" else f" · {review.status}"
            st.markdown(
                f"**{escape_markdown(review.reviewer)}**{status}: "
                f"{verdicts.get(review.verdict or '', 'no verdict')}, "
                f"certainty {certainties.get(review.certainty or '', 'not rated').lower()}, "
                f"{plural(len(review.citations), 'source')}"
            )
            if review.rationale:
                st.caption(escape_markdown(review.rationale))
