"""Assignments (editors): who reviews which article or claims, the article's review rules
(blind review, accepting unanimous reviews), and how well its reviewers agree."""

from dataclasses import asdict

import pandas as pd
import streamlit as st

from claims.errors import ClaimreviewError
from db.agreement import agreement_summary
from db.assignments import (
    BLIND_MODES,
    active_reviewers,
    article_assignments,
    assign,
    review_rules,
    set_review_rules,
    unassign,
)
from db.queries import claim_page
from review_app.auth import current_actor
from review_app.components.agreement_view import agreement_tables
from review_app.components.article_picker import pick_article
from review_app.components.text import escape_markdown, plural
from review_app.resources import clear_cached_reads, database

actor = current_actor()
st.title("Assignments")

article_id = pick_article(actor, key="assign_article")
if article_id is None:
    st.stop()

notice = st.session_state.pop("assign_notice", None)
if notice:
    st.success(notice)


def _act(action, *args, **kwargs):
    try:
        result = action(database(), actor, *args, **kwargs)
    except ClaimreviewError as error:
        st.error(escape_markdown(str(error)))
        return None
    clear_cached_reads()
    return result


with database().read() as session:
    rows = article_assignments(session, actor, article_id)
    rules = review_rules(session, actor, article_id)
    reviewers = dict(active_reviewers(session, actor))
    claims = claim_page(session, actor, article_id, limit=5000, checkable_only=True)

st.subheader("Reviewers")
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                "Reviewer": [r.reviewer for r in rows],
                "Assigned": ["whole article" if r.whole_article else "some claims" for r in rows],
                "Claims": [r.claims for r in rows],
                "Submitted": [r.submitted for r in rows],
                "Open": [r.claims - r.submitted for r in rows],
                "Since": [r.assigned_at.date() for r in rows],
            }
        ),
        hide_index=True,
    )
else:
    st.caption("Nobody is assigned to this article yet.")

assign_tab, remove_tab, rules_tab = st.tabs(["Assign", "Remove", "Review rules"])
with assign_tab:
    if not reviewers:
        st.info("There is no active reviewer: add one on the Users page.")
    else:
        chosen = st.multiselect(
            "Reviewers", list(reviewers), format_func=reviewers.get, key="assign_reviewers"
        )
        scope = st.radio(
            "What they review",
            ["The whole article", "Chosen claims"],
            horizontal=True,
            key="assign_scope",
            help="The whole article includes claims added later by fixing the split.",
        )
        picked = None
        if scope == "Chosen claims":
            labels = {c.id: f"{c.ordinal}. {c.text[:90]}" for c in claims}
            picked = st.multiselect(
                "Claims", list(labels), format_func=labels.get, key="assign_claims"
            )
        if st.button("Assign", type="primary", key="assign_go"):
            added = _act(assign, article_id, chosen, picked)
            if added is not None:
                st.session_state["assign_notice"] = (
                    f"Assigned: {plural(added, 'new assignment')}."
                    if added
                    else "Nothing new: they were assigned already."
                )
                st.rerun()
with remove_tab:
    if rows:
        names = {r.reviewer_id: r.reviewer for r in rows}
        who = st.selectbox("Reviewer", list(names), format_func=names.get, key="assign_remove")
        st.caption("Their reviews stay; only the assignment goes.")
        if st.button("Remove the assignment", key="assign_remove_go") and _act(
            unassign, article_id, who
        ):
            st.session_state["assign_notice"] = f"{names[who]} is no longer assigned."
            st.rerun()
    else:
        st.caption("Nobody to remove.")
with rules_tab, st.form(f"assign_rules_{article_id}"):  # one form per article: no carry-over
    blind = st.radio(
        "Blind review",
        list(BLIND_MODES),
        index=list(BLIND_MODES).index(rules.blind_review),
        format_func=BLIND_MODES.get,
        key=f"assign_blind_{article_id}",
        help="Under blind review a reviewer sees nobody else's verdict, certainty, rationale "
        "or sources for a claim until they have submitted their own. Editors see everything.",
    )
    st.caption("Blind review is " + ("on" if rules.blind_now else "off") + " now.")
    accept = st.toggle(
        "Accept unanimous reviews as the decision",
        value=rules.auto_accept_unanimous,
        key=f"assign_accept_{article_id}",
        help="When at least two reviews are submitted, every assigned reviewer is among them, "
        "and all agree on verdict and certainty, they become the decision without an editor. "
        "A later review that disagrees sends the claim back to adjudication.",
    )
    if st.form_submit_button("Save the rules"):
        settled = _act(
            set_review_rules, article_id, blind_review=blind, auto_accept_unanimous=accept
        )
        if settled is not None:
            st.session_state["assign_notice"] = "Rules saved." + (
                f" {plural(settled, 'claim')} settled by unanimous reviews." if settled else ""
            )
            st.rerun()

st.subheader("Agreement")
with database().read() as session:
    summary = asdict(agreement_summary(session, actor, article_id))
agreement_tables(summary, "assign_agreement")
if st.toggle("Across all articles", key="assign_agreement_all"):
    with database().read() as session:
        agreement_tables(asdict(agreement_summary(session, actor)), "assign_agreement_all_t")
