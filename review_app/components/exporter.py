"""Editors' export panel for one article: a download per format and a preview of the report.

Owns the session-state keys that start with ``export_``.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from claims.exports import EXPORTS, export
from claims.permissions import EXPORT_REPORTS, Actor
from review_app.resources import article_bundle_data

LABELS = {
    "pdf": "Report (PDF)",
    "docx": "Report (Word)",
    "html": "Report (HTML)",
    "md": "Report (Markdown)",
    "annotated": "Annotated article (HTML)",
    "csv": "Claims table (CSV)",
    "xlsx": "Claims table (Excel)",
    "json": "Everything (JSON)",
    "claimreview": "schema.org ClaimReview (JSON-LD)",
    "annotations": "W3C Web Annotations (JSON-LD)",
}
MIME = {
    "html": "text/html",
    "md": "text/markdown",
    "csv": "text/csv",
    "json": "application/json",
    "jsonld": "application/ld+json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_panel(actor: Actor, article_id: int) -> None:
    if not actor.can(EXPORT_REPORTS):
        return
    # Keyed, so it stays open while the editor downloads one format after another.
    with st.expander("Export the reviewed report", key="export_open"):
        formats = [f for f in LABELS if f in EXPORTS]
        fmt = st.selectbox("Format", formats, format_func=LABELS.get, key="export_format")
        bundle = article_bundle_data(actor, article_id)
        if bundle is None:
            st.error("That article no longer exists.")
            return
        extension = EXPORTS[fmt][0]
        st.download_button(
            f"Download {LABELS[fmt]}",
            # Built only when clicked: a PDF of a long article is not redrawn on every rerun.
            lambda: export(bundle, fmt),
            file_name=f"article-{article_id}.{extension}",
            mime=MIME.get(extension, "application/octet-stream"),
            key="export_download",
            on_click="ignore",
        )
        if st.toggle("Preview the HTML report", key="export_preview"):
            # Every user string in the report is escaped; the iframe keeps its styles apart.
            components.html(export(bundle, "html"), height=700, scrolling=True)
