"""My queue: the claims assigned to me that I have not submitted yet, oldest assignment first."""

import pandas as pd
import streamlit as st

from db.assignments import reviewer_queue
from review_app.auth import current_actor
from review_app.components.claim_map import review_link
from review_app.resources import database

actor = current_actor()
st.title("My queue")

with database().read() as session:
    total, rows = reviewer_queue(session, actor)

if not rows:
    st.info("Nothing assigned to you is waiting: every claim assigned to you has your review.")
    st.stop()

st.caption(
    f"{total} assigned claims wait for your review" + (f"; the first {len(rows)} shown" if
    total > len(rows) else "") + ". Oldest assignment first."
)  # fmt: skip
if st.button("Review the first", type="primary", key="queue_start"):
    first = rows[0]
    st.query_params.clear()
    st.switch_page(
        "views/review.py", query_params={"article": first.article_id, "claim": first.claim_id}
    )
st.dataframe(
    pd.DataFrame(
        {
            "Article": [r.article_title for r in rows],
            "#": [r.ordinal for r in rows],
            "Claim": [r.text for r in rows],
            "Assigned": [r.assigned_at.date() for r in rows],
            "Status": ["draft" if r.draft else "not started" for r in rows],
            "Open": [review_link(r.article_id, r.claim_id) for r in rows],
        }
    ),
    hide_index=True,
    column_config={
        "Claim": st.column_config.TextColumn(width="large"),
        "Open": st.column_config.LinkColumn("Open", display_text="Review →"),
    },
)
