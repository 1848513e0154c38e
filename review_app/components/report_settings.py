"""An article's report contents, for its editors: the key takeaways and which parts to include.

Owns the session-state keys that start with ``report_``. A save that meets another editor's
newer takeaways keeps this editor's text in the box and shows theirs beside it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from claims.publishing import MAX_TAKEAWAYS
from claims.reports.model import ReportOptions
from db.reports import StaleTakeaways, set_key_takeaways, set_report_options
from review_app.resources import clear_cached_reads, database


def report_settings(actor: Actor, article_id: int, bundle: dict[str, Any]) -> None:
    article = bundle["article"]
    stored = article.get("key_takeaways") or ""
    options = ReportOptions.from_mapping(article.get("report_settings"))
    opened_key = f"report_opened_{article_id}"
    # What the editor opened: a save is refused if someone else changed it since. A box drawn
    # afresh (first time, or after visiting another page) opens what is stored now.
    if f"report_takeaways_{article_id}" not in st.session_state:
        st.session_state[opened_key] = stored
    conflict = st.session_state.get(f"report_conflict_{article_id}")
    with st.form(f"report_form_{article_id}", border=False):
        text = st.text_area(
            "Key takeaways (printed at the top of the report's summary)",
            value=stored,
            height=140,
            max_chars=MAX_TAKEAWAYS,
            key=f"report_takeaways_{article_id}",
            help="Markdown: **bold**, *italics*, lists starting with - and links "
            "[like this](https://example.org). Raw HTML is shown as text.",
        )
        st.caption("Include in the report:")
        chosen = {
            name: st.checkbox(
                label, value=getattr(options, name), key=f"report_{name}_{article_id}"
            )
            for name, label in ReportOptions.PARTS.items()
        }
        saved = st.form_submit_button("Save report contents")
    if conflict is not None:
        st.warning(
            "Another editor saved these takeaways while you were editing. Your text is still "
            "in the box; theirs is below. Save again to replace theirs with yours."
        )
        st.text(conflict or "(empty)")
    if not saved:
        return
    try:
        set_key_takeaways(
            database(), actor, article_id, text, expected=st.session_state[opened_key]
        )
        set_report_options(database(), actor, article_id, ReportOptions(**chosen))
    except StaleTakeaways as stale:
        st.session_state[f"report_conflict_{article_id}"] = stale.stored
        st.session_state[opened_key] = stale.stored  # the next save replaces theirs knowingly
        st.rerun()
    except ClaimreviewError as error:
        st.error(str(error))
        return
    st.session_state.pop(f"report_conflict_{article_id}", None)
    st.session_state[opened_key] = text.replace("\r\n", "\n").strip()
    clear_cached_reads()
    st.toast("Report contents saved.")
    st.rerun()
