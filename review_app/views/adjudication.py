"""Adjudication (editors): the claims whose reviewers disagree, their reviews side by side with
their sources, and the final decision with its reason, note and the reviews it rests on."""

import pandas as pd
import streamlit as st

from claims.errors import ClaimreviewError
from claims.scales import DECISION_REASONS, default_scales
from claims.sources.flags import FLAG_LABELS
from db.adjudication import adjudication_backlog, claim_for_adjudication
from db.decisions import record_decision
from review_app.auth import current_actor
from review_app.components.article_picker import pick_article
from review_app.components.claim_map import review_link
from review_app.components.text import escape_markdown, plural
from review_app.resources import clear_cached_reads, database

actor = current_actor()
st.title("Adjudication")

article_id = pick_article(actor, key="adjudicate_article")
if article_id is None:
    st.stop()
scales = default_scales()
verdicts, certainties = scales["verdict"].labels(), scales["certainty"].labels()
designs, stances = scales["study_design"].labels(), scales["stance"].labels()

notice = st.session_state.pop("adjudicate_notice", None)
if notice:
    st.success(notice)

every = st.toggle(
    "Every reviewed claim, not only disagreements", key="adjudicate_every",
    help="Also claims whose reviewers agree, and claims already decided, to confirm or revise.",
)  # fmt: skip
with database().read() as session:
    total, backlog = adjudication_backlog(session, actor, article_id, every_reviewed_claim=every)
if not backlog:
    st.info(
        "No reviewed claim in this article yet."
        if every
        else "Nothing to adjudicate: no claim here has reviewers who disagree without a decision."
    )
    st.stop()

state_labels = verdicts | {"disagreement": "Reviewers disagree", "unreviewed": "Not reviewed"}
st.caption(f"{plural(total, 'claim')} " + ("reviewed." if every else "awaiting a decision."))
picked = st.dataframe(
    pd.DataFrame(
        {
            "#": [r.ordinal for r in backlog],
            "Section": [r.section or "" for r in backlog],
            "Claim": [r.text for r in backlog],
            "Now": [
                ("Decided: " if r.decided else "") + state_labels.get(r.finding, r.finding)
                for r in backlog
            ],
        }
    ),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"adjudicate_list_{article_id}_{every}_{total}",  # a decision starts a fresh selection
    column_config={"Claim": st.column_config.TextColumn(width="large")},
)
chosen = picked.selection.rows if picked else []
row = backlog[chosen[0]] if chosen else backlog[0]

with database().read() as session:
    claim = claim_for_adjudication(session, actor, row.claim_id)

st.subheader(f"Claim {claim.ordinal}")
st.markdown(f"> {escape_markdown(claim.text)}")
st.caption(
    (f"Section: {escape_markdown(claim.section)} · " if claim.section else "")
    + f"[Open on the review page]({review_link(claim.article_id, claim.claim_id)})"
)

for start in range(0, len(claim.reviews), 3):
    columns = st.columns(3)
    for column, review in zip(columns, claim.reviews[start : start + 3], strict=False):
        with column.container(border=True):
            st.markdown(f"**{escape_markdown(review.reviewer)}** (review {review.review_id})")
            st.markdown(
                f"{verdicts.get(review.verdict or '', '—')} · certainty "
                f"{certainties.get(review.certainty or '', '—').lower()}"
            )
            if review.grade is not None:
                st.caption(f"GRADE: {escape_markdown(review.grade.summary())}")
                for note in review.grade.footnotes():
                    st.caption(escape_markdown(note))
            if review.rationale:
                st.markdown(escape_markdown(review.rationale))
            for number, source in enumerate(review.sources, start=1):
                details = [
                    stances.get(source.stance or "", ""),
                    designs.get(source.study_design or "", ""),
                ]
                flagged = "".join(
                    f" :red-badge[:material/warning: {FLAG_LABELS.get(flag, flag)}]"
                    for flag in source.flags
                )
                st.caption(
                    f"{number}. {escape_markdown(source.reference)}{flagged}"
                    + (f" — {escape_markdown(', '.join(d for d in details if d))}" if any(details)
                       else "")
                    + (f" — “{escape_markdown(source.quote)}”" if source.quote else "")
                )  # fmt: skip
            if not review.sources:
                st.caption("No sources cited.")

decision = claim.decision
if decision is not None:
    by = decision.editor or "accepted automatically"
    st.info(
        f"Decided ({escape_markdown(by)}): {verdicts.get(decision.verdict, decision.verdict)}, "
        f"certainty {certainties.get(decision.certainty or '', '—').lower()}. "
        + escape_markdown(decision.note)
    )

form = f"adjudicate_{claim.claim_id}"  # one set of keys per claim: no answer carries over
# The decision's version when the editor first saw this claim (0: no decision yet), so that a
# decision recorded meanwhile by someone else is refused, not overwritten.
opened_version = st.session_state.setdefault(f"{form}_opened", decision.version if decision else 0)
with st.form(f"{form}_form"):
    st.markdown("**Final decision**")
    left, right = st.columns(2)
    first = claim.reviews[0] if claim.reviews else None
    default_verdict = decision.verdict if decision else (first.verdict if first else None)
    default_certainty = decision.certainty if decision else (first.certainty if first else None)
    verdict = left.selectbox(
        "Verdict", list(verdicts), format_func=verdicts.get, key=f"{form}_verdict",
        index=list(verdicts).index(default_verdict) if default_verdict in verdicts else None,
    )  # fmt: skip
    certainty = right.selectbox(
        "Certainty", list(certainties), format_func=certainties.get, key=f"{form}_certainty",
        index=list(certainties).index(default_certainty)
        if default_certainty in certainties else None,
    )  # fmt: skip
    reasons = [r for r in DECISION_REASONS if r != "unanimous"]  # kept for automatic ones
    reason = st.selectbox(
        "Reason", reasons, format_func=DECISION_REASONS.get, key=f"{form}_reason",
        index=reasons.index(decision.reason) if decision and decision.reason in reasons else None,
        placeholder="Why this decision",
    )  # fmt: skip
    note = st.text_area("Note", value=decision.note if decision else "", key=f"{form}_note")
    reviewers = {r.review_id: f"{r.reviewer} (review {r.review_id})" for r in claim.reviews}
    based_on = st.multiselect(
        "Rests on the reviews", list(reviewers), format_func=reviewers.get, key=f"{form}_based_on",
        # A review reopened as a draft since the decision is no longer one to rest on.
        default=[i for i in decision.based_on if i in reviewers] if decision else list(reviewers),
    )  # fmt: skip
    if st.form_submit_button("Record the decision", type="primary"):
        if verdict is None or certainty is None or reason is None:
            st.error("Choose a verdict, a certainty and a reason; nothing was recorded.")
        else:
            try:
                record_decision(
                    database(), actor, claim.claim_id, verdict=verdict, certainty=certainty,
                    reason=reason, note=note, based_on=based_on,
                    expected_version=opened_version,
                )  # fmt: skip
            except ClaimreviewError as error:
                st.error(escape_markdown(str(error)))
                st.session_state.pop(f"{form}_opened", None)  # the next look starts afresh
            else:
                clear_cached_reads()
                st.session_state.pop(f"{form}_opened", None)
                st.session_state["adjudicate_notice"] = f"Claim {claim.ordinal} decided."
                st.rerun()
