"""The review form's GRADE panel: a claim's certainty rated by its domains (claims/grade.py).

The reviewer turns the domains on, picks where the evidence starts (suggested from the designs
of the sources they cite), rates each reason to rate down (and, for observational evidence, to
rate up) with its reason, and sees the certainty they give with GRADE's footnotes. A save then
stores the domains with the review and the certainty they give; a certainty chosen other than
that is an override, which needs the reviewer's reason. With the domains off the certainty is
rated directly, as before.

Its widgets' keys start with the form's prefix (``review_form``), so they are filled, compared
and let go with the rest of the form. Drawn only while its panel is open: a closed panel costs
the review page's clicks one element.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from claims.grade import (
    DOWN_DOMAINS,
    STARTS,
    UP_DOMAINS,
    GradeAssessment,
    GradeError,
    assessment_from_form,
    level_label,
    suggest_start,
)
from review_app.components.text import escape_markdown

OPEN = "review_grade_open"  # whether the panel is open (kept from claim to claim)


def _k(key: str, name: str) -> str:
    return f"{key}_g_{name}"


def start_grade(key: str, grade: GradeAssessment | None) -> None:
    """Fill the panel's state from a stored assessment (or empty, domains off)."""
    state = st.session_state
    state[_k(key, "on")] = grade is not None
    state[_k(key, "start")] = grade.start if grade else None
    ratings = {r.domain: r for r in (*grade.down, *grade.up)} if grade else {}
    for domain in (*DOWN_DOMAINS, *UP_DOMAINS):
        rating = ratings.get(domain)
        state[_k(key, domain)] = rating.levels if rating else 0
        state[_k(key, f"{domain}_why")] = rating.reason if rating else ""
    state[_k(key, "override_why")] = grade.override_reason if grade else ""


def grade_state_keys(key: str) -> list[str]:
    """The session-state keys that hold the panel's values (what ``start_grade`` fills), not
    its buttons'."""
    names = ["on", "start", "override_why"]
    for domain in (*DOWN_DOMAINS, *UP_DOMAINS):
        names += [domain, f"{domain}_why"]
    return [_k(key, name) for name in names]


def _assessment(key: str, certainty: str | None) -> GradeAssessment:
    """The panel's assessment; ``certainty`` other than what the domains give is an override.
    Raises GradeError, saying what to fix."""
    state = st.session_state
    start = state.get(_k(key, "start"))
    down = {d: (state.get(_k(key, d)) or 0, state.get(_k(key, f"{d}_why")) or "")
            for d in DOWN_DOMAINS}  # fmt: skip
    up = {}
    if start == "observational":
        up = {u: (state.get(_k(key, u)) or 0, state.get(_k(key, f"{u}_why")) or "")
              for u in UP_DOMAINS}  # fmt: skip
    plain = assessment_from_form(start, down, up)
    if certainty is None or certainty == plain.computed():
        return plain
    return assessment_from_form(
        start, down, up, override=certainty, override_reason=state.get(_k(key, "override_why"))
    )


def grade_in_use(key: str) -> bool:
    return bool(st.session_state.get(_k(key, "on")))


def grade_for_save(key: str, certainty: str | None) -> GradeAssessment | None:
    """What a save stores: the assessment (None: certainty rated directly). Raises GradeError."""
    return _assessment(key, certainty) if grade_in_use(key) else None


def grade_words(key: str, certainty: str | None) -> str | None:
    """The panel's state in a few words, to tell it apart from what is stored (None: off)."""
    if not grade_in_use(key):
        return None
    try:
        return describe(_assessment(key, certainty))
    except GradeError:
        return "domains being rated"


def describe(grade: GradeAssessment | None) -> str | None:
    """An assessment in a line (None: certainty rated directly)."""
    return grade.summary() if grade else None


def _use_certainty(key: str, certainty: str) -> None:
    st.session_state[f"{key}_certainty"] = certainty


def grade_panel(key: str, designs: Iterable[str | None]) -> None:
    """The panel, drawn only while open; a line under the certainty when the domains are on."""
    state = st.session_state
    certainty = state.get(f"{key}_certainty")
    if grade_in_use(key) and not state.get(OPEN):
        try:
            st.caption(
                f"Rated by GRADE domains: {escape_markdown(describe(_assessment(key, certainty)))}"
            )
        except GradeError as error:
            st.caption(f"GRADE domains: {escape_markdown(str(error))}")
    with st.expander("Rate certainty by GRADE domains", key=OPEN, on_change="rerun") as panel:
        if not panel.open:
            return
        st.toggle("Use GRADE domains for my certainty", key=_k(key, "on"))
        if not grade_in_use(key):
            st.caption("Off: the certainty above is rated directly.")
            return
        suggested = suggest_start(designs)
        if state.get(_k(key, "start")) is None and suggested:
            state[_k(key, "start")] = suggested
        st.radio(
            "The evidence starts as",
            list(STARTS),
            format_func=STARTS.get,
            key=_k(key, "start"),
            horizontal=True,
            index=None,
            help="Randomised trials start High, observational studies Low."
            + (f" Suggested from your sources: {STARTS[suggested]}." if suggested else ""),
        )
        domains = dict(DOWN_DOMAINS)
        if state.get(_k(key, "start")) == "observational":
            domains |= UP_DOMAINS
        for domain, label in domains.items():
            left, right = st.columns([2, 3])
            levels = (
                [0, -1, -2]
                if domain in DOWN_DOMAINS
                else [0, 1, 2 if domain == "large_effect" else 1]
            )
            left.selectbox(
                label,
                list(dict.fromkeys(levels)),
                format_func=lambda n, d=domain: level_label(d, n),
                key=_k(key, domain),
            )
            right.text_input(
                f"Why ({label.lower()})",
                key=_k(key, f"{domain}_why"),
                placeholder="Needed when it moves the rating",
            )
        try:
            plain = _assessment(key, None)
        except GradeError as error:
            st.warning(escape_markdown(str(error)), icon=":material/rule:")
            return
        st.markdown(f"**The domains give: {plain.certainty_label()}** {plain.symbols()}")
        for note in plain.footnotes():
            st.caption(escape_markdown(note))
        for warning in plain.warnings():
            st.warning(escape_markdown(warning), icon=":material/warning:")
        if certainty != plain.computed():
            st.button(
                f"Use {plain.certainty_label()} for my certainty",
                key=_k(key, "use"),
                on_click=_use_certainty,
                args=(key, plain.computed()),
            )
            if certainty is not None:
                st.text_input(
                    "Why your certainty differs from the domains' (needed to override them)",
                    key=_k(key, "override_why"),
                )
