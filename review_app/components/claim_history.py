"""A claim's history: every recorded change to it and its reviews, oldest first."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from claims.display import changes_text, format_datetime
from claims.permissions import Actor
from db.audit import REDACTED, EventRow, claim_history
from review_app.resources import database


def event_changes(event: EventRow) -> str:
    """Each changed field ("roles: reviewer → editor, reviewer"), separated by semicolons: a
    table cell shows no line breaks."""
    if REDACTED in (event.before, event.after):  # another reviewer's review, under blind review
        return REDACTED["hidden"].capitalize()
    return changes_text(event.before, event.after, separator="; ")


def claim_history_panel(actor: Actor, claim: dict[str, Any]) -> None:
    st.subheader(f"History of claim {claim['ordinal']}")
    st.text(claim["text"])
    events = claim_history(database(), actor, claim["id"])
    if not events:
        st.caption("No change recorded since the article was imported.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "When": [format_datetime(e.occurred_at) for e in events],
                "Who": [e.actor for e in events],
                "What": [f"{e.entity_type} {e.action.replace('_', ' ')}" for e in events],
                "Changes": [event_changes(e) for e in events],
            }
        ),
        hide_index=True,
        row_height=60,
        column_config={"Changes": st.column_config.TextColumn(width="large")},
    )
