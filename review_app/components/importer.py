"""The import panel: upload a file or paste text, see progress, get a clear refusal.

Owns the session-state keys that start with ``importer_``.
"""

from __future__ import annotations

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from claims.readers import SUPPORTED_FORMATS
from db.articles import ImportResult, import_file
from review_app.components.text import escape_markdown
from review_app.resources import clear_cached_reads, database

UPLOAD_TYPES = ["txt", "text", "md", "markdown", "html", "htm", "docx"]
_LAST_RESULT = "importer_last_result"


def _run_import(actor: Actor, data: bytes, filename: str | None, title: str, url: str) -> None:
    with st.status("Importing…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(step: str, fraction: float) -> None:
            bar.progress(fraction, text=step)

        try:
            result: ImportResult = import_file(
                database(),
                data,
                filename,
                title=title.strip() or None,
                source_url=url.strip() or None,
                actor=actor,
                progress=progress,
            )
        except ClaimreviewError as error:
            status.update(label="Import refused", state="error")
            # The message quotes the user's own file name or URL: show it, never render it.
            st.error(escape_markdown(str(error)), icon=":material/block:")
            return
        clear_cached_reads()
    # Rerun so that every list on the page (drawn before this panel) shows the new article.
    st.session_state[_LAST_RESULT] = result
    st.rerun()


def _show_last_result() -> None:
    result: ImportResult | None = st.session_state.pop(_LAST_RESULT, None)
    if result is None:
        return
    name = escape_markdown(result.title)
    if result.created:
        st.success(f"Imported **{name}** with {result.claim_count} claims.")
    else:
        st.info(f"This article is already here as **{name}**; nothing was imported twice.")
    st.page_link(
        "views/claims.py",
        label="Open its claims",
        icon=":material/arrow_forward:",
        query_params={"article": str(result.article_id)},
    )


def import_panel(actor: Actor) -> None:
    _show_last_result()
    upload_tab, paste_tab = st.tabs(["Upload a file", "Paste text"])
    with upload_tab, st.form("importer_upload", clear_on_submit=False):
        upload = st.file_uploader(
            "Article file",
            type=UPLOAD_TYPES,
            help=f"Formats: {', '.join(SUPPORTED_FORMATS)}. The text is split into claims.",
            key="importer_file",
        )
        title = st.text_input("Title (optional, overrides the document's own)", key="importer_t1")
        url = st.text_input("Source URL (optional)", key="importer_u1")
        if st.form_submit_button("Import file", type="primary"):
            if upload is None:
                st.warning("Choose a file first.")
            else:
                _run_import(actor, upload.getvalue(), upload.name, title, url)
    with paste_tab, st.form("importer_paste", clear_on_submit=False):
        pasted = st.text_area("Article text", height=240, key="importer_text")
        title = st.text_input("Title", key="importer_t2")
        url = st.text_input("Source URL (optional)", key="importer_u2")
        if st.form_submit_button("Import text", type="primary"):
            if not pasted.strip():
                st.warning("Paste the article's text first.")
            else:
                # No file name: the reader tells plain text, Markdown and HTML apart itself.
                _run_import(actor, pasted.encode("utf-8"), None, title, url)
