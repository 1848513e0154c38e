"""Claims of one article, in order, with sections, checkability and cues; one page at a time."""

import pandas as pd
import streamlit as st

from claims.cues import CUE_KINDS
from review_app.auth import current_actor
from review_app.components.article_picker import pick_article
from review_app.components.claim_history import claim_history_panel
from review_app.components.exporter import export_panel
from review_app.components.text import escape_markdown, plural
from review_app.resources import article_header, claim_rows, claim_total, claims_seen_before

PAGE_SIZE = 100

actor = current_actor()
st.title("Claims")

chosen = pick_article(actor, key="claims_article")
if chosen is None:
    st.stop()

header = article_header(actor, chosen)
if header is None:
    st.error("That article no longer exists.")
    st.stop()

details = [plural(header["claims"], "claim"), f"imported from {header['source_format']}"]
if header["author"]:
    details.append(f"by {escape_markdown(header['author'])}")
if header["medical_reviewer"]:
    details.append(f"medically reviewed by {escape_markdown(header['medical_reviewer'])}")
if header["published_on"]:
    details.append(f"published {header['published_on']:%Y-%m-%d}")
st.caption(" · ".join(details))
if header["source_url"]:
    st.caption(f"Source: {escape_markdown(header['source_url'])}")

export_panel(actor, chosen)

left, right = st.columns([1, 2])
checkable_only = left.toggle("Checkable claims only", key="claims_checkable_only")
if "claims_seen" not in st.session_state:
    st.session_state["claims_seen"] = st.query_params.get("seen") == "1"  # the import's link
seen_only = left.toggle(
    "Seen before",
    key="claims_seen",
    help="Only the claims the desk has seen before in other articles, with a finding.",
)
only = claims_seen_before(actor, chosen) if seen_only else None
cue_kinds = right.multiselect(
    "With cues of kind",
    CUE_KINDS,
    format_func=lambda kind: kind.replace("_", " "),
    key="claims_cue_kinds",
)
total = claim_total(chosen, checkable_only, tuple(cue_kinds), only)
pages = max(1, -(-total // PAGE_SIZE))
page = st.number_input("Page", min_value=1, max_value=pages, value=1) if pages > 1 else 1
rows = claim_rows(
    actor, chosen, (page - 1) * PAGE_SIZE, PAGE_SIZE, checkable_only, tuple(cue_kinds), only
)

if not rows:
    st.info("No claim matches these filters.")
    st.stop()

st.caption(
    f"{plural(total, 'claim')} match these filters" if total != header["claims"] else "All claims"
)
table = pd.DataFrame(rows).set_index("ordinal").drop(columns=["cue_reasons", "id"])
table.index.name = "#"
selection = st.dataframe(
    table,
    key="claims_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "section": "Section",
        "text": st.column_config.TextColumn("Claim", width="large"),
        "checkable": st.column_config.CheckboxColumn("Checkable"),
        "kind": "Kind",
        "cues": st.column_config.TextColumn("Cues of overclaiming", width="medium"),
        "span": "Characters",
    },
)

with st.expander("Why each cue was flagged"):
    for row in rows:
        for kind, text, reason in row["cue_reasons"]:
            st.text(f"#{row['ordinal']}  {kind.replace('_', ' ')} “{text}”: {reason}")

selected = selection.selection.rows if selection else []
if selected:
    claim_history_panel(actor, rows[selected[0]])
else:
    st.caption("Select a claim's row to see its history.")
