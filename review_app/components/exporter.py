"""Editors' report panel for one article: everything in one click, the report in each design,
the other formats, the key takeaways and report settings, and a preview of the report.

Owns the session-state keys that start with ``export_``.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from claims.exports import EXPORTS, export, export_name
from claims.permissions import EXPORT_REPORTS, RECORD_DECISIONS, Actor
from review_app.components.report_settings import report_settings
from review_app.resources import article_bundle_data

# The report in each of its designs: one button each, side by side.
REPORTS = {
    "pdf": "PDF",
    "docx": "Word",
    "html": "HTML",
    "md": "Markdown",
}
OTHER_FORMATS = {
    "annotated": "Annotated article (HTML)",
    "csv": "Claims table (CSV)",
    "xlsx": "Claims table (Excel)",
    "json": "Everything as data (JSON)",
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
    "zip": "application/zip",
}


def _download(bundle: dict, fmt: str, label: str, key: str, **options) -> None:
    extension = EXPORTS[fmt][0]
    st.download_button(
        label,
        # Built only when clicked: a PDF of a long article is not drawn on every rerun.
        lambda: export(bundle, fmt),
        file_name=export_name(bundle, fmt),
        mime=MIME.get(extension, "application/octet-stream"),
        key=key,
        on_click="ignore",
        **options,
    )


def export_panel(actor: Actor, article_id: int) -> None:
    if not actor.can(EXPORT_REPORTS):
        return
    bundle = article_bundle_data(actor, article_id)
    if bundle is None:
        st.error("That article no longer exists.")
        return
    everything, *designs = st.columns([1.6, 1, 1, 1, 1], vertical_alignment="bottom")
    with everything:
        _download(
            bundle,
            "zip",
            "Download everything (zip)",
            "export_zip",
            type="primary",
            icon=":material/download:",
            help="The report as PDF, Word, HTML and Markdown, the annotated article, the claims "
            "as CSV and Excel, the data as JSON, ClaimReview and Web Annotations: one zip.",
        )
    for column, (fmt, label) in zip(designs, REPORTS.items(), strict=True):
        with column:
            _download(bundle, fmt, f"Report ({label})", f"export_{fmt}")
    # Keyed, so it stays open while the editor works in it.
    with st.expander("Report contents, other formats and preview", key="export_open"):
        if actor.can(RECORD_DECISIONS):
            report_settings(actor, article_id, bundle)
        fmt = st.selectbox(
            "Other formats", list(OTHER_FORMATS), format_func=OTHER_FORMATS.get,
            key="export_format",
        )  # fmt: skip
        _download(bundle, fmt, f"Download {OTHER_FORMATS[fmt]}", "export_download")
        if st.toggle("Preview the HTML report", key="export_preview"):
            # Every user string in the report is escaped; the iframe keeps its styles apart.
            components.html(export(bundle, "html"), height=800, scrolling=True)
