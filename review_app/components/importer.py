"""The import panel: upload a file or paste text, see progress, get a clear refusal.

Owns the session-state keys that start with ``importer_``.
"""

from __future__ import annotations

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import Actor
from claims.readers import SUPPORTED_FORMATS
from db.articles import ImportResult, import_file
from review_app.components.text import escape_markdown, plural
from review_app.resources import (
    claims_seen_before,
    clear_cached_reads,
    database,
    match_new_article,
)

UPLOAD_TYPES = ["txt", "text", "md", "markdown", "html", "htm", "docx"]
# A browser text box slows down sharply beyond this (a 1 MB paste froze the page for minutes);
# longer articles come as a file.
PASTE_MAX_CHARS = 100_000
_LAST_RESULT = "importer_last_result"


def _run_import(actor: Actor, data: bytes, filename: str | None, title: str, url: str) -> None:
    status = st.status("Importing…", expanded=True)
    with status:
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
        status.update(label="Import refused: nothing was stored", state="error", expanded=False)
        # Beside the box, not folded inside it: the reason is what the editor needs to read.
        # It quotes the user's own file name or URL: show it, never render it.
        st.error(escape_markdown(str(error)), icon=":material/block:")
        return
    status.update(label="Imported", state="complete", expanded=False)
    clear_cached_reads()
    # Rerun so that every list on the page (drawn before this panel) shows the new article.
    st.session_state[_LAST_RESULT] = result
    st.rerun()


# The text box drops a paste longer than its limit without a word: this says so, at once.
_PASTE_GUARD = """<script>
if (!window.claimreviewPasteGuard) {
  window.claimreviewPasteGuard = true;
  document.addEventListener("paste", (event) => {
    const box = event.target.closest && event.target.closest(".st-key-importer_text");
    if (!box) return;
    const text = event.clipboardData ? event.clipboardData.getData("text") : "";
    const old = document.getElementById("claimreview-paste-notice");
    if (old) old.remove();
    if (text.length <= LIMIT) return;
    event.preventDefault();
    const message = document.createElement("div");
    message.id = "claimreview-paste-notice";
    message.setAttribute("role", "alert");
    message.style.cssText = "background:#fdecea;color:#7d1a12;padding:0.75rem 1rem;" +
      "border-radius:0.5rem;margin-top:0.5rem;";
    message.textContent = "This text has " + text.length.toLocaleString("en") +
      " characters; the box holds at most LIMIT_TEXT. Nothing was pasted: save the article " +
      "as a .txt, .md, .html or .docx file and use Upload a file instead.";
    box.insertAdjacentElement("afterend", message);
  }, true);
}
</script>"""


def _refuse_long_pastes() -> None:
    script = _PASTE_GUARD.replace("LIMIT_TEXT", f"{PASTE_MAX_CHARS:,} characters")
    st.html(script.replace("LIMIT", str(PASTE_MAX_CHARS)), unsafe_allow_javascript=True)


def _show_last_result(actor: Actor) -> None:
    result: ImportResult | None = st.session_state.pop(_LAST_RESULT, None)
    if result is None:
        return
    name = escape_markdown(result.title)
    if result.created:
        st.success(f"Imported **{name}** with {result.claim_count} claims.")
        with st.spinner("Looking for claims the desk has seen before…"):
            left = match_new_article(result.article_id)
            seen = claims_seen_before(actor, result.article_id)
        if left:
            st.info(
                f"Still comparing {plural(left, 'claim')} of this article with the desk's "
                'earlier claims, in the background: the Claims page\'s "Seen before" switch '
                "and the review page show them as they are found.",
                icon=":material/history:",
            )
        if seen:
            st.info(
                f"**{len(seen)} of this article's claims were seen before** in other articles, "
                "with a finding: the Claims page lists them, and the review page shows each "
                "earlier finding with its sources.",
                icon=":material/history:",
            )
            st.page_link(
                "views/claims.py",
                label="Show the claims seen before",
                icon=":material/history:",
                query_params={"article": str(result.article_id), "seen": "1"},
            )
    else:
        st.info(f"This article is already here as **{name}**; nothing was imported twice.")
    st.page_link(
        "views/claims.py",
        label="Open its claims",
        icon=":material/arrow_forward:",
        query_params={"article": str(result.article_id)},
    )


def import_panel(actor: Actor) -> None:
    _show_last_result(actor)
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
        pasted = st.text_area(
            "Article text",
            height=240,
            key="importer_text",
            max_chars=PASTE_MAX_CHARS,
            help=f"Up to {PASTE_MAX_CHARS:,} characters; upload a longer article as a file.",
        )
        _refuse_long_pastes()
        title = st.text_input("Title", key="importer_t2")
        url = st.text_input("Source URL (optional)", key="importer_u2")
        if st.form_submit_button("Import text", type="primary"):
            if not pasted.strip():
                st.warning("Paste the article's text first.")
            elif len(pasted) >= PASTE_MAX_CHARS:
                st.error(
                    f"The text box holds at most {PASTE_MAX_CHARS:,} characters and your text "
                    "reached that limit, so its end was probably cut off. Nothing was imported: "
                    "save the article as a .txt, .md, .html or .docx file and use **Upload a "
                    "file** instead.",
                    icon=":material/block:",
                )
            else:
                # No file name: the reader tells plain text, Markdown and HTML apart itself.
                _run_import(actor, pasted.encode("utf-8"), None, title, url)
