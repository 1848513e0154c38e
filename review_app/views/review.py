"""Review: one claim at a time in its context, the review form, and a navigator of claims.

The address carries the article and the claim (``/review?article=1&claim=8``), so a link opens
the same claim for a colleague. Each run draws one claim and one page of navigator rows.
"""

import pandas as pd
import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import EDIT_CLAIMS
from claims.scales import default_scales
from db.workspace import STATUSES, claim_context, next_unreviewed, position_of, review_navigator
from review_app.auth import current_actor
from review_app.components.article_picker import pick_article
from review_app.components.claim_view import claim_in_context
from review_app.components.other_reviews import other_reviews
from review_app.components.review_form import review_form
from review_app.components.split_fixer import split_fixer
from review_app.resources import database

PAGE_SIZE = 50

actor = current_actor()
st.title("Review")

# A link may name only the claim: its article follows from it.
requested_claim = st.query_params.get("claim")
claim_id = int(requested_claim) if requested_claim and requested_claim.isdigit() else None
if claim_id is not None and "article" not in st.query_params:
    with database().read() as session:
        where = position_of(session, actor, claim_id)
    if where is not None:
        st.query_params["article"] = str(where[0])

article_id = pick_article(actor, key="review_article")
if article_id is None:
    st.stop()

navigator, focus = st.columns([2, 3], gap="large")

with navigator:
    verdict_labels = default_scales()["verdict"].labels()
    certainty_labels = default_scales()["certainty"].labels()
    with st.expander("Filters", expanded=False):
        status = st.multiselect("My status", STATUSES, key="review_f_status")
        checkable_only = st.toggle("Checkable claims only", value=True, key="review_f_checkable")
        with_cues = st.toggle("With cues of overclaiming", key="review_f_cues")
        verdicts = st.multiselect(
            "My verdict", list(verdict_labels), format_func=verdict_labels.get, key="review_f_v"
        )
        certainties = st.multiselect(
            "My certainty",
            list(certainty_labels),
            format_func=certainty_labels.get,
            key="review_f_c",
        )
    filters = {
        "status": tuple(status),
        "checkable_only": checkable_only,
        "with_cues": with_cues,
        "verdicts": tuple(verdicts),
        "certainties": tuple(certainties),
    }
    # One query gives the page's rows and the total; the page number is clamped after it.
    page = st.session_state.get("review_page", 1)
    with database().read() as session:
        total, rows = review_navigator(
            session, actor, article_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, **filters
        )
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:  # the filters shrank the list below the page shown
            page = st.session_state["review_page"] = pages
            total, rows = review_navigator(
                session, actor, article_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                **filters,
            )  # fmt: skip
    if pages > 1:
        st.number_input("Page", min_value=1, max_value=pages, key="review_page")
    st.caption(f"{total} claims match" if total != 1 else "1 claim matches")
    if rows:
        table = pd.DataFrame(
            {
                "#": [r.ordinal for r in rows],
                "Section": [r.section or "" for r in rows],
                "Claim": [r.preview for r in rows],
                "Status": [r.status + (" ⚑" if r.needs_second_look else "") for r in rows],
                "My verdict": [verdict_labels.get(r.verdict or "", "") for r in rows],
                "Cues": [r.cues for r in rows],
            }
        )
        picked = st.dataframe(
            table,
            hide_index=True,
            key=f"review_nav_{article_id}_{page}",
            on_select="rerun",
            selection_mode="single-row",
            column_config={"Claim": st.column_config.TextColumn(width="large")},
        )
        # A row picked in the table opens its claim once, when the pick is made. The selection
        # stays on the table afterwards: it must not pull the reviewer back when Next or a save
        # moves them on, nor open another claim when the rows under it change (a save under a
        # status filter, a new filter).
        chosen_rows = tuple(picked.selection.rows) if picked else ()
        pick = (f"review_nav_{article_id}_{page}", chosen_rows)
        if pick != st.session_state.get("review_nav_opened"):
            st.session_state["review_nav_opened"] = pick
            if chosen_rows and chosen_rows[0] < len(rows) and rows[chosen_rows[0]].id != claim_id:
                claim_id = rows[chosen_rows[0]].id
                st.query_params["claim"] = str(claim_id)
    if claim_id is None and rows:
        claim_id = rows[0].id

with focus:
    if claim_id is None:
        st.info("No claim matches these filters.")
        st.stop()
    try:
        with database().read() as session:
            claim = claim_context(session, actor, claim_id)
    except ClaimreviewError as error:
        st.warning(str(error))
        st.stop()
    if claim.article_id != article_id:
        st.warning("That claim belongs to another article; pick a claim from the list.")
        st.stop()
    if st.query_params.get("claim") != str(claim.id):
        st.query_params["claim"] = str(claim.id)

    def go_to(target: int | None) -> None:
        """A button callback: the run that follows opens the target claim."""
        if target is not None:
            st.query_params["claim"] = str(target)

    back, _, forward = st.columns([1, 3, 1])
    for column, label, target, button_key in (
        (back, "← Previous", claim.previous_id, "review_prev"),
        (forward, "Next →", claim.next_id, "review_next"),
    ):
        column.button(
            label, disabled=target is None, key=button_key, on_click=go_to, args=(target,)
        )

    claim_in_context(claim)
    if claim.my_review and claim.my_review.needs_second_look:
        st.warning("This claim's wording changed after you reviewed it: check your review.")

    def after_save(action: str) -> None:
        """Runs in the save button's callback, before the run that shows where to go next."""
        if action == "next":
            with database().read() as session:
                target = next_unreviewed(session, actor, article_id, claim.ordinal)
            if target is None:
                st.session_state["review_notice"] = "Every checkable claim has your review."
            go_to(target)
            return
        st.session_state["review_notice"] = "Saved as draft." if action == "draft" else "Submitted."

    notice = st.session_state.pop("review_notice", None)
    if notice:
        st.success(notice)
    review_form(actor, claim, after_save)
    other_reviews(actor, claim.id)
    if actor.can(EDIT_CLAIMS):
        split_fixer(actor, claim)
