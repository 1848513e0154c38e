"""The review form: verdict, certainty, rationale and cited sources for one claim.

Owns the session-state keys that start with ``review_``. Widgets are keyed by claim and by
the version of the review they were opened on, so moving to another claim, or reloading a
review someone saved, starts from what is stored; a refused save keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from claims.consistency import clash_warnings
from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from claims.scales import default_scales
from db.accounts import actor_for
from db.citations import CitationInfo, add_citations, search_library, set_study_design
from db.reviews import CitedSource, ReviewInfo, StaleReview, save_review
from db.workspace import ClaimContext
from review_app.auth import current_user
from review_app.components.text import escape_markdown
from review_app.resources import clear_review_reads, database

_CONFLICT = "review_conflict"
_OPENED = "review_opened"
_ERROR = "review_save_error"  # a refused save's message, for the run after the click
NONE = "—"


def _labels(scale: str) -> dict[str, str]:
    return default_scales()[scale].labels()


def _choice(label: str, scale: str, current: str | None, key: str) -> str | None:
    labels = _labels(scale)
    options = [None, *labels]
    return st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda code: NONE if code is None else labels[code],
        key=key,
        help=default_scales()[scale].help,
    )


def _sources_table(review: ReviewInfo | None, cited: dict[int, CitationInfo]) -> pd.DataFrame:
    rows = []
    for source in review.citations if review else ():
        citation = cited.get(source.citation_id)
        rows.append(
            {
                "id": source.citation_id,
                "Source": citation.vancouver()
                if citation and citation.title
                else (f"{citation.kind.upper()} {citation.identifier}" if citation else "?"),
                "Stance": _labels("stance").get(source.stance or "", NONE),
                "Study design": _labels("study_design").get(
                    (citation.study_design if citation else None) or "", NONE
                ),
                "Quoted passage": source.quote,
                "Locator": source.locator,
                "Remove": False,
            }
        )
    columns = ["id", "Source", "Stance", "Study design", "Quoted passage", "Locator", "Remove"]
    return pd.DataFrame(rows, columns=columns)


def _name(citation: CitationInfo) -> str:
    """Vancouver style where the library knows the details, else the identifier."""
    return (
        citation.vancouver() if citation.title else f"{citation.kind.upper()} {citation.identifier}"
    )


def _code(scale: str, label: str | None) -> str | None:
    return next((code for code, text in _labels(scale).items() if text == label), None)


def review_form(actor: Actor, claim: ClaimContext, on_saved: Callable[[str], None]) -> None:
    """Draw the form; ``on_saved(action)`` runs after a save ("draft", "submit", "next").

    ``on_saved`` runs in the save button's callback, before the next run of the page: it may
    set query parameters and session state, not draw.
    """
    review = claim.my_review
    stored_version = review.version if review else 0
    # The version this reviewer opened stays the form's basis until they save, even if someone
    # saves meanwhile: their typing is kept, and the save is checked against what they saw.
    opened = st.session_state.get(_OPENED)
    if opened is None or opened[0] != claim.id:
        opened = (claim.id, stored_version)
        st.session_state[_OPENED] = opened
    version = opened[1]
    key = f"review_{claim.id}_{version}"

    conflict: StaleReview | None = st.session_state.get(_CONFLICT)
    if conflict is not None and st.session_state.get("review_conflict_claim") == claim.id:
        _show_conflict(conflict)

    verdict = _choice("Verdict", "verdict", review.verdict if review else None, f"{key}_verdict")
    certainty = _choice(
        "Evidence certainty (GRADE)",
        "certainty",
        review.certainty if review else None,
        f"{key}_certainty",
    )
    rationale = st.text_area(
        "Rationale (Markdown)",
        value=review.rationale if review else "",
        key=f"{key}_rationale",
        height=140,
        help="Why this verdict and certainty; what the evidence shows.",
    )
    if rationale.strip():
        with st.expander("Preview of the rationale"):
            st.markdown(rationale)  # Streamlit's Markdown never renders raw HTML

    st.markdown("**Cited sources**")
    table = _sources_table(review, claim.cited)
    if table.empty:
        # Nothing to edit yet: a caption instead of an empty editor (one less table per run).
        st.caption("None yet: paste identifiers or find a source in the library below.")
    else:
        st.data_editor(
            table,
            key=f"{key}_sources",
            hide_index=True,
            disabled=["id", "Source"],
            column_order=[
                "Source",
                "Stance",
                "Study design",
                "Quoted passage",
                "Locator",
                "Remove",
            ],
            column_config={
                "Stance": st.column_config.SelectboxColumn(
                    options=[NONE, *_labels("stance").values()]
                ),
                "Study design": st.column_config.SelectboxColumn(
                    options=[NONE, *_labels("study_design").values()], width="medium"
                ),
                "Source": st.column_config.TextColumn(width="large"),
            },
        )
    pasted = st.text_area(
        "Add sources: paste PMIDs, DOIs, NCT numbers, PMCIDs or web addresses",
        key=f"{key}_paste",
        height=80,
        placeholder="PMID 27557302, doi:10.1056/NEJMoa1606038, NCT01234567",
    )
    found, refused = parse_identifiers(pasted) if pasted.strip() else ([], [])
    for identifier in found:
        st.caption(f"✓ {escape_markdown(identifier.label())}")
    for item in refused:
        st.error(f"{escape_markdown(item.source[:80])}: {escape_markdown(item.reason)}")
    library_query = st.text_input("Find a source in the library", key=f"{key}_find")
    if library_query.strip():
        matches = search_library(database(), actor, library_query)
        if matches:
            names = {
                c.id: c.vancouver() if c.title else f"{c.kind.upper()} {c.identifier}"
                for c in matches
            }
            st.multiselect(
                "Cite from the library", list(names), format_func=names.get, key=f"{key}_library"
            )
        else:
            st.caption("No source in the library matches.")

    edited = _edited_sources(table, key)
    stances = [_code("stance", s) for s in edited["Stance"]]
    designs = [_code("study_design", d) for d in edited["Study design"]]
    for warning in clash_warnings(verdict, certainty, stances, designs):
        st.warning(warning, icon=":material/warning:")

    # The buttons save in their callback, before the next run draws anything: that run then
    # draws the claim to go to, so a click costs one run of the page instead of two.
    left, middle, right = st.columns(3)
    for column, label, action, kind in (
        (left, "Save draft", "draft", "secondary"),
        (middle, "Submit", "submit", "primary"),
        (right, "Submit and next unreviewed", "next", "secondary"),
    ):
        column.button(
            label,
            key=f"{key}_{action}",
            type=kind,
            use_container_width=True,
            on_click=_save,
            args=(claim, version, action, on_saved),
        )
    error = st.session_state.pop(_ERROR, None)
    if error:
        st.error(escape_markdown(error))


def _edited_sources(stored: pd.DataFrame, key: str) -> pd.DataFrame:
    """The sources table as the reviewer left it: the stored rows with their edits applied.

    Inside a callback the data editor's value is only its edits (``edited_rows``, by row
    position and column name), to apply to the table it was drawn from.
    """
    table = stored.copy()
    edits = st.session_state.get(f"{key}_sources") or {}
    for position, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            if column in table.columns and int(position) < len(table):
                table.iloc[int(position), table.columns.get_loc(column)] = value
    return table


def _save(
    claim: ClaimContext,
    version: int,
    action: str,
    on_saved: Callable[[str], None],
) -> None:
    """A save button's callback: save what the form holds, or keep it and say what is wrong.

    Callbacks run before app.py checks the login, so the login is checked here again and the
    save acts as the user is now (still active, not idle too long, with today's roles); the
    actor drawn into the form may be stale.
    """
    user = current_user()
    if user is None:
        return  # logged out: the run that follows shows the login page and says why
    actor = actor_for(user)
    key = f"review_{claim.id}_{version}"
    verdict = st.session_state.get(f"{key}_verdict")
    certainty = st.session_state.get(f"{key}_certainty")
    rationale = st.session_state.get(f"{key}_rationale") or ""
    pasted = st.session_state.get(f"{key}_paste") or ""
    found, refused = parse_identifiers(pasted) if pasted.strip() else ([], [])
    if refused:
        st.session_state[_ERROR] = (
            "Fix or remove the refused sources above first; nothing was saved."
        )
        return
    from_library = list(st.session_state.get(f"{key}_library") or [])
    edited = _edited_sources(_sources_table(claim.my_review, claim.cited), key)
    try:
        new_ids = [c.id for c in add_citations(database(), actor, found)] if found else []
        sources = [
            CitedSource(
                citation_id=int(row["id"]),
                stance=_code("stance", row["Stance"]),
                quote=str(row["Quoted passage"] or ""),
                locator=str(row["Locator"] or ""),
            )
            for _, row in edited.iterrows()
            if not row["Remove"]
        ]
        cited_ids = {s.citation_id for s in sources}
        sources += [CitedSource(i) for i in [*new_ids, *from_library] if i not in cited_ids]
        for _, row in edited.iterrows():
            citation = claim.cited.get(int(row["id"]))
            design = _code("study_design", row["Study design"])
            if not row["Remove"] and citation is not None and design != citation.study_design:
                set_study_design(database(), actor, citation.id, design)
        save_review(
            database(),
            actor,
            claim.id,
            verdict=verdict,
            certainty=certainty,
            rationale=rationale,
            submit=action in ("submit", "next"),
            expected_version=version or None,
            citations=sources,
        )
    except StaleReview as stale:
        # Show both versions; the form reopens on the stored one (yours stays on screen).
        st.session_state[_OPENED] = (claim.id, stale.stored.version if stale.stored else 0)
        st.session_state[_CONFLICT] = stale
        st.session_state["review_conflict_claim"] = claim.id
        st.session_state["review_my_version"] = {
            "verdict": verdict,
            "certainty": certainty,
            "rationale": rationale,
        }
        return
    except ClaimreviewError as error:
        st.session_state[_ERROR] = str(error)
        return
    st.session_state.pop(_CONFLICT, None)
    st.session_state.pop(_OPENED, None)
    clear_review_reads()
    on_saved(action)


def _show_conflict(conflict: StaleReview) -> None:
    mine = st.session_state.get("review_my_version", {})
    stored = conflict.stored
    st.error(escape_markdown(str(conflict)), icon=":material/sync_problem:")
    left, right = st.columns(2)
    verdicts, certainties = _labels("verdict"), _labels("certainty")
    with left:
        st.markdown("**Yours (not saved)**")
        st.text(f"Verdict: {verdicts.get(mine.get('verdict') or '', NONE)}")
        st.text(f"Certainty: {certainties.get(mine.get('certainty') or '', NONE)}")
        st.text(mine.get("rationale") or "")
    with right:
        st.markdown("**Stored now**")
        if stored is None:
            st.text("(no review)")
        else:
            st.text(f"Verdict: {verdicts.get(stored.verdict or '', NONE)}")
            st.text(f"Certainty: {certainties.get(stored.certainty or '', NONE)}")
            st.text(stored.rationale)
    st.caption(
        "The form below now shows the stored version. Copy what you need from yours, "
        "then save again."
    )
