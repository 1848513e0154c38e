"""Articles: what is in the database, with progress, and the import panel."""

import pandas as pd
import streamlit as st

from claims.permissions import IMPORT_ARTICLES
from review_app.auth import current_actor
from review_app.components.importer import import_panel
from review_app.resources import article_rows

actor = current_actor()
st.title("Articles")

search = st.text_input("Search titles", key="articles_search", placeholder="e.g. myeloma")
rows = article_rows(actor, search.strip())

if rows:
    table = pd.DataFrame(
        {
            "Title": [row["title"] for row in rows],
            "Claims": [row["claims"] for row in rows],
            "Checkable": [row["checkable"] for row in rows],
            "Reviewed by me": [row["reviewed_by_me"] for row in rows],
            "Reviewed by anyone": [row["reviewed"] for row in rows],
            "Format": [row["source_format"] for row in rows],
            "Imported": [row["imported_at"] for row in rows],
            "Review": [f"review?article={row['id']}" for row in rows],
            "Claim list": [f"claims?article={row['id']}" for row in rows],
        },
        index=pd.Index([row["id"] for row in rows], name="ID"),
    )
    st.dataframe(
        table,
        column_config={
            "Review": st.column_config.LinkColumn("Review", display_text="Review →"),
            "Claim list": st.column_config.LinkColumn("Claim list", display_text="Claims →"),
            "Imported": st.column_config.DatetimeColumn("Imported", format="YYYY-MM-DD HH:mm"),
        },
    )
elif search:
    st.info("No article title contains that text.")
else:
    st.info("No articles yet." + (" Import one below." if actor.can(IMPORT_ARTICLES) else ""))

if actor.can(IMPORT_ARTICLES):
    st.subheader("Import an article")
    import_panel(actor)
