"""The audit trail: who changed what, when, and each changed field's value before and after."""

import pandas as pd
import streamlit as st

from claims.display import EMPTY, format_datetime
from claims.errors import ClaimreviewError
from claims.permissions import READ_ARTICLES
from db.audit import list_events
from review_app.auth import current_actor
from review_app.components.claim_history import event_changes
from review_app.resources import article_rows, database

MAX_ROWS = 5000
MAX_LINES_SHOWN = 5  # rows are as tall as this many changed fields at most; a click shows all


def _article(article_id: int | None, titles: dict[int, str]) -> str:
    if article_id is None:
        return EMPTY
    title = titles.get(article_id)
    return f"{article_id} · {title}" if title else str(article_id)


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
changes = [event_changes(e) for e in events]
lines = min(max(text.count("; ") + 1 for text in changes), MAX_LINES_SHOWN)
st.dataframe(
    pd.DataFrame(
        {
            "When": [format_datetime(e.occurred_at) for e in events],
            "Who": [e.actor for e in events],
            "Entity": [f"{e.entity_type} {e.entity_id or ''}".strip() for e in events],
            "Action": [e.action.replace("_", " ") for e in events],
            "Article": [_article(e.article_id, articles) for e in events],
            "Changes": changes,
        }
    ),
    hide_index=True,
    # Rows taller than 4rem let Streamlit wrap a cell's text: one changed field a line.
    row_height=max(20 * lines + 16, 65) if lines > 1 else None,
    column_config={"Changes": st.column_config.TextColumn(width="large")},
)
