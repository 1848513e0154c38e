"""Claims of one article, in order, with sections, checkability and cues; one page at a time."""

import pandas as pd
import streamlit as st

from claims.cues import CUE_KINDS
from review_app.components.text import escape_markdown
from review_app.resources import article_header, article_rows, claim_rows, claim_total

PAGE_SIZE = 100

st.title("Claims")

articles = article_rows("")
if not articles:
    st.info("No articles yet: import one on the Articles page.")
    st.stop()

titles = {row["id"]: row["title"] for row in articles}
requested = st.query_params.get("article")
try:
    current = int(requested) if requested else articles[0]["id"]
except ValueError:
    current = articles[0]["id"]
if current not in titles:
    st.warning(f"There is no article {escape_markdown(str(requested))}; showing the latest.")
    current = articles[0]["id"]

ids = list(titles)
chosen = st.selectbox(
    "Article", ids, index=ids.index(current), format_func=lambda i: f"{i} · {titles[i]}"
)
if requested != str(chosen):
    st.query_params["article"] = str(chosen)  # the URL always names the article shown

header = article_header(chosen)
if header is None:
    st.error("That article no longer exists.")
    st.stop()

details = [f"{header['claims']} claims", f"imported from {header['source_format']}"]
if header["author"]:
    details.append(f"by {escape_markdown(header['author'])}")
if header["published_on"]:
    details.append(f"published {header['published_on']:%Y-%m-%d}")
st.caption(" · ".join(details))
if header["source_url"]:
    st.caption(f"Source: {escape_markdown(header['source_url'])}")

left, right = st.columns([1, 2])
checkable_only = left.toggle("Checkable claims only", key="claims_checkable_only")
cue_kinds = right.multiselect(
    "With cues of kind",
    CUE_KINDS,
    format_func=lambda kind: kind.replace("_", " "),
    key="claims_cue_kinds",
)
total = claim_total(chosen, checkable_only, tuple(cue_kinds))
pages = max(1, -(-total // PAGE_SIZE))
page = st.number_input("Page", min_value=1, max_value=pages, value=1) if pages > 1 else 1
rows = claim_rows(chosen, (page - 1) * PAGE_SIZE, PAGE_SIZE, checkable_only, tuple(cue_kinds))

if not rows:
    st.info("No claim matches these filters.")
    st.stop()

st.caption(f"{total} claims match" if total != header["claims"] else f"All {total} claims")
table = pd.DataFrame(rows).set_index("ordinal").drop(columns=["cue_reasons"])
table.index.name = "#"
st.dataframe(
    table,
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
