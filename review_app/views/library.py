"""The citation library: every source reviewers cite, in Vancouver style, and reference files.

Sources come from what reviewers give: pasted identifiers and reference files (RIS, PubMed
MEDLINE .nbib, BibTeX, CSL-JSON); `claimreview sources refresh` looks them up (claims/sources),
and their flags (retracted, preprint...) and lookup show here.
"""

import pandas as pd
import streamlit as st

from claims.display import format_datetime
from claims.errors import ClaimreviewError
from claims.permissions import ADD_CITATIONS
from claims.references import EXTENSIONS
from claims.scales import default_scales
from claims.sources.background import PENDING
from claims.sources.client import SERVICE_NAMES
from claims.sources.flags import FLAG_LABELS
from db.citations import CitationInfo, import_reference_file, search_library
from db.source_lookups import LOOKUP_KINDS
from review_app.auth import current_actor
from review_app.components.source_lookup import start_lookups
from review_app.components.text import escape_markdown, plural
from review_app.resources import background_lookups, clear_cached_reads, database

LIMIT = 200
designs = default_scales()["study_design"].labels()


def looked_up(source: CitationInfo) -> str:
    """Where and when the source was looked up, in words."""
    service = SERVICE_NAMES.get(source.fetched_from or "", source.fetched_from or "")
    if source.lookup_status == "found":
        return f"{service}, {format_datetime(source.fetched_at)}"
    if source.lookup_status == "not_found":
        return f"not known to {service}"
    if source.lookup_status == "failed":
        return f"failed: {source.lookup_note or 'no answer'} (tried again at the next refresh)"
    return "not yet" if source.kind in LOOKUP_KINDS else "—"


_LOOKING_UP = "library_looking_up"  # the imported sources being looked up
_IMPORTED = "library_imported"  # the last import's outcome: (kind, message, problems)

actor = current_actor()
st.title("Citation library")

if actor.can(ADD_CITATIONS):
    with st.expander("Import a reference file"), st.form("library_import", clear_on_submit=True):
        upload = st.file_uploader(
            "RIS, PubMed MEDLINE (.nbib), BibTeX or CSL-JSON",
            type=sorted({e.lstrip(".") for e in EXTENSIONS}),
            key="library_file",
        )
        if st.form_submit_button("Import", type="primary") and upload is not None:
            try:
                result = import_reference_file(database(), actor, upload.getvalue(), upload.name)
            except ClaimreviewError as error:
                st.session_state[_IMPORTED] = ("error", str(error), [])
            else:
                clear_cached_reads()
                st.session_state[_IMPORTED] = (
                    "success",
                    f"{plural(result.created, 'new source')} added; "
                    f"{result.already_there} already in the library.",
                    result.problems,
                )
                # Lookups fill in what the file lacks (its own values stay), in the background.
                start_lookups(actor, list(result.due_for_lookup))
                st.session_state[_LOOKING_UP] = list(result.due_for_lookup)
    # Outside the panel, and kept: the lookups' rerun must not take the outcome away.
    if imported := st.session_state.get(_IMPORTED):
        kind, message, problems = imported
        if kind == "success":
            st.success(message)  # our own words and counts
        else:
            st.error(escape_markdown(message))
        for problem in problems:
            st.caption(escape_markdown(problem))


def _looking_up() -> None:
    """While the imported sources are looked up: how many are left, checked every second;
    when all are done, the page runs again and the table shows what was found."""
    keys = st.session_state.get(_LOOKING_UP) or []
    lookups = background_lookups()
    if not keys or lookups is None:
        return

    @st.fragment(run_every=1.0)
    def left() -> None:
        pending = sum(lookups.state(*key) == PENDING for key in keys)
        if not pending:
            st.session_state.pop(_LOOKING_UP, None)
            st.rerun(scope="app")
        st.info(
            f"Looking up {pending} of {len(keys)} sources in PubMed, Crossref, "
            "ClinicalTrials.gov and Europe PMC; the table fills in when they are done.",
            icon=":material/travel_explore:",
        )

    left()


_looking_up()

query = st.text_input("Search by identifier, title, author or journal", key="library_query")
sources = search_library(database(), actor, query, limit=LIMIT)
if not sources:
    st.info("No source matches." if query.strip() else "The library is empty.")
    st.stop()
latest = f" (the latest {LIMIT})" if len(sources) == LIMIT else ""
st.caption(plural(len(sources), "source") + latest)
st.dataframe(
    pd.DataFrame(
        {
            "Reference (Vancouver)": [s.vancouver() if s.title else "" for s in sources],
            "Identifier": [f"{s.kind.upper()} {s.identifier}" for s in sources],
            "Flags": [" · ".join(f"⚠ {FLAG_LABELS.get(f, f)}" for f in s.flags) for s in sources],
            "Study design": [designs.get(s.study_design or "", "") for s in sources],
            "Suggested design": [designs.get(s.suggested_design or "", "") for s in sources],
            "Looked up": [looked_up(s) for s in sources],
            "Link": [s.url or "" for s in sources],
        }
    ),
    hide_index=True,
    column_config={
        "Reference (Vancouver)": st.column_config.TextColumn(width="large"),
        "Link": st.column_config.LinkColumn(),
    },
)
