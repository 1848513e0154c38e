"""A claim's history: every recorded change to it and its reviews, oldest first."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from claims.permissions import Actor
from db.audit import claim_history
from review_app.components.text import compact_json
from review_app.resources import database


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
                "When": [e.occurred_at for e in events],
                "Who": [e.actor for e in events],
                "What": [f"{e.entity_type} {e.action}" for e in events],
                "Before": [compact_json(e.before) for e in events],
                "After": [compact_json(e.after) for e in events],
            }
        ),
        hide_index=True,
        column_config={"When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
    )
