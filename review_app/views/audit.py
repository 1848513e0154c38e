"""The audit trail: who changed what, when, with the values before and after."""

import pandas as pd
import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import READ_ARTICLES
from db.audit import list_events
from review_app.auth import current_actor
from review_app.components.text import compact_json
from review_app.resources import article_rows, database

MAX_ROWS = 5000

actor = current_actor()
st.title("Audit trail")

articles = (
    {row["id"]: row["title"] for row in article_rows(actor, "")} if actor.can(READ_ARTICLES) else {}
)
left, right = st.columns(2)
article_id = left.selectbox(
    "Article",
    [None, *articles],
    format_func=lambda i: "All articles" if i is None else f"{i} · {articles[i]}",
    key="audit_article",
)
username = right.text_input("User", key="audit_user", placeholder="any user")

try:
    events = list_events(
        database(), actor, article_id=article_id, username=username.strip() or None
    )
except ClaimreviewError as error:
    st.error(str(error))
    st.stop()

if not events:
    st.info("No events match.")
    st.stop()
if len(events) > MAX_ROWS:
    st.caption(f"Showing the latest {MAX_ROWS} of {len(events)} events.")
    events = events[-MAX_ROWS:]
st.dataframe(
    pd.DataFrame(
        {
            "When": [e.occurred_at for e in events],
            "Who": [e.actor for e in events],
            "Entity": [f"{e.entity_type} {e.entity_id or ''}".strip() for e in events],
            "Action": [e.action for e in events],
            "Article": [e.article_id for e in events],
            "Before": [compact_json(e.before) for e in events],
            "After": [compact_json(e.after) for e in events],
        }
    ),
    hide_index=True,
    column_config={"When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
