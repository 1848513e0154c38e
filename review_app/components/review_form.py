"""The review form: verdict, certainty, rationale and cited sources for one claim.

Owns the session-state keys that start with ``review_``. The form's widgets keep the same keys
(``review_form_...``) from claim to claim, so the browser updates them in place instead of
building new ones; the state is filled afresh from what is stored whenever the claim, or the
version of the review the form was opened on, changes (``review_form_for``). Moving to another
claim, or taking a version someone saved, starts from what is stored, while a refused save keeps
everything typed. Verdict and certainty are buttons with keyboard shortcuts; a pasted
identifier or a library pick becomes a source row at once, with its stance, design, quote and
locator, and one save stores it all.
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from claims.consistency import clash_warnings
from claims.display import format_datetime
from claims.errors import ClaimreviewError
from claims.grade import GradeAssessment
from claims.identifiers import Identifier, parse_identifiers
from claims.permissions import Actor
from claims.scales import default_scales, grade_symbols
from claims.sources.flags import FLAG_LABELS
from db.accounts import actor_for
from db.citations import (
    CitationInfo,
    add_citations,
    citations_by_id,
    library_entries,
    search_library,
)
from db.engine import Database
from db.reviews import CitedSource, ReviewInfo, StaleReview, check_review, save_review
from db.source_lookups import LOOKUP_KINDS, store_lookup
from db.workspace import ClaimContext
from review_app.auth import current_user
from review_app.components.grade_panel import (
    describe,
    grade_for_save,
    grade_panel,
    grade_state_keys,
    grade_words,
    start_grade,
)
from review_app.components.rating_picker import RatingRow, rating_picker, take_choices
from review_app.components.save_bar import save_bar
from review_app.components.source_adder import source_adder, take_paste
from review_app.components.source_lookup import (
    POLL_SECONDS,
    LookupView,
    lookup_view,
    start_lookups,
    stored_results,
)
from review_app.components.text import escape_markdown
from review_app.deferred_saves import Deferred, defer, forget_for_user, keep_for_user
from review_app.resources import clear_review_reads, database, lookup_problem

_CONFLICT = "review_conflict"  # a Conflict, for the claim it names
_OPENED = "review_opened"  # (claim id, the review version the form was opened on)
_FORM = "review_form"  # the prefix of the form's keys
_FORM_FOR = "review_form_for"  # the (claim id, version) the form's state was filled for
_STORED = "review_form_stored"  # the stored review as FormValues, drawn with the form
_FILLED = "review_fillings"  # how many times a form was filled: part of the form's name
_FINDER_OPEN = "review_find_open"  # the library finder is open (kept from claim to claim)
_ERROR = "review_save_error"  # a refused save's message, for the run after the click
# (claim, version, on_saved) of the form on screen, for the save buttons; outside the form's
# key prefix, which _forget() clears.
_SAVES = "review_saves_for"
NONE = "—"
_LINE = "margin:0 0 0.25rem 0"  # a line of the form drawn as HTML, spaced like Markdown's
_UNSAVED = "color:#d9480f"  # orange: a warning, not an error (red)

# Keyboard shortcuts (plain keys: Streamlit never fires them while a text field of the page has
# focus; a field inside a component keeps its keys to itself, as the navigator's page field does).
CERTAINTY_KEYS = {"high": "H", "moderate": "M", "low": "L", "very_low": "V", "no_evidence": "0"}
SAVE_KEYS = {"draft": "D", "submit": "S", "next": "Enter"}
NAVIGATION_KEYS = {"previous": "P", "next": "N"}


def verdict_keys() -> dict[str, str]:
    """1 to 7, in the verdict scale's order."""
    return {code: str(n) for n, code in enumerate(default_scales()["verdict"].codes(), start=1)}


# Verdict and certainty keys press an option of the rating picker's two rows, D, S and Enter a
# save button, P and N Previous and Next. Like Streamlit's own shortcuts, they never act while
# the reviewer types in a field, nor with Ctrl, Alt or Cmd held.
_KEYBOARD = r"""<script>
if (!window.claimreviewReviewKeys) {
  window.claimreviewReviewKeys = true;
  const choices = CHOICES;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    // The element typed in, even inside a component's shadow root (there, event.target is
    // the component itself).
    const target = event.composedPath()[0] || event.target;
    if (target && (target.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    // Enter on a button or link reached with Tab is that control's ("Discard my changes",
    // the library finder, Save draft); on a verdict or certainty option it is Submit & next.
    const control = target && target.closest &&
      target.closest("button, a[href], summary, [role=button]");
    if (event.key === "Enter" && control && !control.closest(".cr-rating")) return;
    const choice = choices[event.key.length === 1 ? event.key.toUpperCase() : event.key];
    if (!choice) return;
    const options = document.querySelectorAll(choice[0]);
    if (options[choice[1]]) { event.preventDefault(); options[choice[1]].click(); }
  });  // heard after the page's components: a key one keeps as its own (Enter on a row of
       // the navigator opens the row) never reaches this
}
</script>"""


def keyboard_script() -> None:
    """Draw once per page run, outside any fragment: the verdict, certainty and save keys."""
    verdicts, certainties = ".cr-rating-verdict [role=radio]", ".cr-rating-certainty [role=radio]"
    choices = {key: [verdicts, n] for n, key in enumerate(verdict_keys().values())}
    choices |= {key: [certainties, n] for n, key in enumerate(CERTAINTY_KEYS.values())}
    choices |= {key: [f".cr-saves [data-action={action}]", 0] for action, key in SAVE_KEYS.items()}
    choices |= {key: [f".cr-moves [data-move={move}]", 0] for move, key in NAVIGATION_KEYS.items()}
    st.html(
        _KEYBOARD.replace("CHOICES", json.dumps(choices)),
        unsafe_allow_javascript=True,
        width="content",
    )


def _labels(scale: str) -> dict[str, str]:
    return default_scales()[scale].labels()


def _name(citation: CitationInfo) -> str:
    """Vancouver style where the library knows the details, else the identifier."""
    return (
        citation.vancouver() if citation.title else f"{citation.kind.upper()} {citation.identifier}"
    )


def when(moment: datetime) -> str:
    """A saved time as people write it, in the reader's time zone where the browser gives it."""
    zone = st.context.timezone or "UTC"
    return format_datetime(moment, zone=zone, relative_to=datetime.now(UTC))


# --- The form's state ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One source row of the form: a library entry, or an identifier new to the library."""

    uid: int  # stable within the form, for its widgets' keys
    name: str
    citation_id: int | None  # None: added to the library when the review is saved
    identifier: Identifier | None
    stored_design: str | None  # the library's study design when the row was made
    flags: tuple[str, ...] = ()  # the library entry's flags (retracted, preprint...)
    suggested_design: str | None = None  # what its looked-up record suggests
    lookup: tuple[str, str] | None = None  # (kind, value) being looked up in the background


@dataclass(frozen=True)
class SourceValues:
    """What the form holds for one cited source."""

    name: str
    stance: str | None
    design: str | None
    quote: str
    locator: str

    def words(self) -> str:
        parts = [
            _labels("stance").get(self.stance or "", "no stance"),
            _labels("study_design").get(self.design or "", "design not set"),
        ]
        if self.quote:
            parts.append(f"“{self.quote}”")
        if self.locator:
            parts.append(self.locator)
        return "; ".join(parts)


@dataclass(frozen=True)
class FormValues:
    """What a review holds, as the form shows it: to compare the form with what is stored."""

    verdict: str | None
    certainty: str | None
    rationale: str
    sources: tuple[SourceValues, ...]
    grade: str | None = None  # the GRADE domains in words (None: certainty rated directly)

    def differences(self, other: FormValues) -> list[tuple[str, str, str]]:
        """(what, here, there) for every part that differs, in words."""
        verdicts, certainties = _labels("verdict"), _labels("certainty")
        rows = []
        if self.verdict != other.verdict:
            rows.append(
                (
                    "Verdict",
                    verdicts.get(self.verdict or "", NONE),
                    verdicts.get(other.verdict or "", NONE),
                )
            )
        if self.certainty != other.certainty:
            rows.append(
                (
                    "Certainty",
                    certainties.get(self.certainty or "", NONE),
                    certainties.get(other.certainty or "", NONE),
                )
            )
        if self.grade != other.grade:
            rows.append(("GRADE domains", self.grade or "not used", other.grade or "not used"))
        if self.rationale.strip() != other.rationale.strip():
            rows.append(("Rationale", self.rationale or NONE, other.rationale or NONE))
        mine = {s.name: s for s in self.sources}
        theirs = {s.name: s for s in other.sources}
        for name in [*mine, *(n for n in theirs if n not in mine)]:
            here, there = mine.get(name), theirs.get(name)
            if here != there:
                rows.append(
                    (
                        f"Source: {name}",
                        here.words() if here else "not cited",
                        there.words() if there else "not cited",
                    )
                )
        return rows


@dataclass(frozen=True)
class Conflict:
    claim_id: int
    stored: ReviewInfo | None
    theirs: FormValues
    action: str  # what the refused save was: "draft", "submit" or "next"


def _sources_of(review: ReviewInfo | None, cited: dict[int, CitationInfo]) -> list[Source]:
    rows = []
    for uid, source in enumerate(review.citations if review else ()):
        citation = cited.get(source.citation_id)
        rows.append(
            Source(
                uid=uid,
                name=_name(citation) if citation else f"Source {source.citation_id}",
                citation_id=source.citation_id,
                identifier=None,
                stored_design=citation.study_design if citation else None,
                flags=citation.flags if citation else (),
                suggested_design=citation.suggested_design if citation else None,
            )
        )
    return rows


def _stored_values(review: ReviewInfo | None, cited: dict[int, CitationInfo]) -> FormValues:
    names = {s.citation_id: s.name for s in _sources_of(review, cited)}
    return FormValues(
        verdict=review.verdict if review else None,
        certainty=review.certainty if review else None,
        rationale=review.rationale if review else "",
        sources=tuple(
            SourceValues(
                name=names[s.citation_id],
                stance=s.stance,
                design=cited[s.citation_id].study_design if s.citation_id in cited else None,
                quote=s.quote,
                locator=s.locator,
            )
            for s in (review.citations if review else ())
        ),
        grade=describe(review.grade) if review else None,
    )


def _start(key: str, review: ReviewInfo | None, cited: dict[int, CitationInfo]) -> None:
    """Fill the form's state from the stored review."""
    st.session_state[f"{key}_verdict"] = review.verdict if review else None
    st.session_state[f"{key}_certainty"] = review.certainty if review else None
    st.session_state[f"{key}_rationale"] = review.rationale if review else ""
    start_grade(key, review.grade if review else None)
    sources = _sources_of(review, cited)
    for source, cited_as in zip(sources, review.citations if review else (), strict=True):
        _start_source(key, source, cited_as.stance, cited_as.quote, cited_as.locator)
    st.session_state[f"{key}_sources"] = sources
    st.session_state[f"{key}_next_uid"] = len(sources)


def _start_source(
    key: str, source: Source, stance: str | None = None, quote: str = "", locator: str = ""
) -> None:
    row = f"{key}_s{source.uid}"
    st.session_state[f"{row}_stance"] = stance
    st.session_state[f"{row}_design"] = source.stored_design
    st.session_state[f"{row}_quote"] = quote
    st.session_state[f"{row}_locator"] = locator


def _current_values(key: str) -> FormValues:
    state = st.session_state
    return FormValues(
        verdict=state.get(f"{key}_verdict"),
        certainty=state.get(f"{key}_certainty"),
        rationale=state.get(f"{key}_rationale") or "",
        sources=tuple(
            SourceValues(
                name=source.name,
                stance=state.get(f"{key}_s{source.uid}_stance"),
                design=state.get(f"{key}_s{source.uid}_design"),
                quote=state.get(f"{key}_s{source.uid}_quote") or "",
                locator=state.get(f"{key}_s{source.uid}_locator") or "",
            )
            for source in state.get(f"{key}_sources", [])
        ),
        grade=grade_words(key, state.get(f"{key}_certainty")),
    )


def has_unsaved_changes() -> bool:
    """Whether the form holds what is not saved (for a callback about to leave the claim)."""
    stored: FormValues | None = st.session_state.get(_STORED)
    if stored is None:
        return False
    _take_from_browser(_FORM)
    return bool(_current_values(_FORM).differences(stored))


def discard_changes() -> None:
    """Let go of the form's unsaved state: the claim opens from what is stored next time."""
    _forget()
    st.session_state.pop(_OPENED, None)


def _forget() -> None:
    """Drop the form's state (after a save, or taking the stored version)."""
    for name in [k for k in st.session_state if str(k).startswith(_FORM)]:
        del st.session_state[name]


# --- Callbacks (they run before the next run of the page draws anything) ------------------------


def _library_row(uid: int, citation: CitationInfo) -> Source:
    # An entry never looked up (or whose lookup failed) is looked up now.
    due = citation.lookup_status in (None, "failed") and citation.kind in LOOKUP_KINDS
    return Source(
        uid, _name(citation), citation.id, None, citation.study_design, citation.flags,
        citation.suggested_design, (citation.kind, citation.identifier) if due else None,
    )  # fmt: skip


def _add_sources(key: str, identifiers: list[Identifier], found: list[CitationInfo]) -> None:
    sources: list[Source] = list(st.session_state.get(f"{key}_sources", []))
    have_ids = {s.citation_id for s in sources if s.citation_id is not None}
    have_new = {(s.identifier.kind, s.identifier.value) for s in sources if s.identifier}
    uid = st.session_state.get(f"{key}_next_uid", len(sources))
    for citation in found:
        if citation.id not in have_ids:
            sources.append(_library_row(uid, citation))
            have_ids.add(citation.id)
            _start_source(key, sources[-1])
            uid += 1
    if identifiers:
        user = current_user()
        known = library_entries(database(), actor_for(user), identifiers) if user else {}
        for identifier in identifiers:
            entry = known.get((identifier.kind, identifier.value))
            if entry is not None and entry.id in have_ids:
                continue
            if entry is None and (identifier.kind, identifier.value) in have_new:
                continue
            if entry is not None:
                source = _library_row(uid, entry)
                have_ids.add(entry.id)
            else:
                source = Source(
                    uid, f"{identifier.label()} (new to the library)", None, identifier, None,
                    lookup=(identifier.kind, identifier.value),
                )  # fmt: skip
                have_new.add((identifier.kind, identifier.value))
            sources.append(source)
            _start_source(key, source)
            uid += 1
    st.session_state[f"{key}_sources"] = sources
    first_new = st.session_state.get(f"{key}_next_uid", 0)
    st.session_state[f"{key}_next_uid"] = uid
    wanted = [s.lookup for s in sources if s.uid >= first_new and s.lookup]
    if wanted and (user := current_user()) is not None:
        start_lookups(actor_for(user), wanted)


def _take_paste(key: str, pasted: str) -> None:
    """Pasted identifiers become source rows at once; a refused piece stays in the box."""
    found, refused = parse_identifiers(pasted) if pasted.strip() else ([], [])
    _add_sources(key, found, [])
    st.session_state[f"{key}_paste"] = "\n".join(item.source for item in refused)
    # The box shows what is left only when this changes: typing since is not overwritten.
    st.session_state[f"{key}_paste_taken"] = st.session_state.get(f"{key}_paste_taken", 0) + 1
    st.session_state[f"{key}_refused"] = [(item.source, item.reason) for item in refused]


def _open_finder(open_: bool) -> None:
    st.session_state[_FINDER_OPEN] = open_


def _cite(key: str, citation: CitationInfo) -> None:
    _add_sources(key, [], [citation])
    st.session_state[f"{key}_find"] = ""


def _use_design(row: str, design: str) -> None:
    st.session_state[f"{row}_design"] = design


def _remove(key: str, uid: int) -> None:
    st.session_state[f"{key}_sources"] = [
        s for s in st.session_state.get(f"{key}_sources", []) if s.uid != uid
    ]


@dataclass(frozen=True)
class _SourceRow:
    """One source row as the form holds it at the click: what a save writes of it."""

    citation_id: int | None  # None: added to the library by the save
    identifier: Identifier | None
    design: str | None  # written only when it differs from the library's when the row was made
    stored_design: str | None
    stance: str | None
    quote: str
    locator: str
    lookup: tuple[str, str] | None


@dataclass(frozen=True)
class _ReviewWrite:
    """Everything one save writes, taken from the form at the click; ``write()`` may run on
    another thread (a deferred Submit & next), so it reads no session state."""

    actor: Actor
    claim_id: int
    verdict: str | None
    certainty: str | None
    grade: GradeAssessment | None
    rationale: str
    submit: bool
    expected: int | None
    keeping_mine: bool
    sources: tuple[_SourceRow, ...]

    def write(self, db: Database) -> ReviewInfo:
        """New identifiers join the library, then the review is saved with its sources, then
        lookups that finished before their sources joined the library are stored (one still
        running stores itself when it ends; a store that fails leaves it to a later refresh)."""
        new = [s.identifier for s in self.sources if s.citation_id is None and s.identifier]
        created = iter(add_citations(db, self.actor, new) if new else [])
        cited: list[CitedSource] = []
        designs: dict[int, str | None] = {}
        for source in self.sources:
            citation_id = source.citation_id if source.citation_id else next(created).id
            # Only a design the reviewer changed from what the row showed is written: one set
            # meanwhile by someone else stays as it is.
            if source.design != source.stored_design:
                designs[citation_id] = source.design
            cited.append(CitedSource(citation_id, source.stance, source.quote, source.locator))
        saved = save_review(
            db,
            self.actor,
            self.claim_id,
            verdict=self.verdict,
            certainty=self.certainty,
            grade=self.grade,
            rationale=self.rationale,
            submit=self.submit,
            expected_version=self.expected,
            citations=cited,
            keeping_mine=self.keeping_mine,
            study_designs=designs,
        )
        for result in stored_results([s.lookup for s in self.sources if s.lookup]):
            with contextlib.suppress(ClaimreviewError):
                store_lookup(db, self.actor, result)
        return saved

    def as_it_will_be(self, stored: ReviewInfo | None) -> ReviewInfo:
        """The review as the save will store it, for the page to show before it lands (its
        sources left out: new ones have no library entry yet)."""
        now = datetime.now(UTC)
        return ReviewInfo(
            id=stored.id if stored else 0,
            claim_id=self.claim_id,
            reviewer_id=self.actor.user_id or 0,
            reviewer=self.actor.username,
            verdict=self.verdict,
            certainty=self.certainty,
            rationale=self.rationale,
            status="submitted" if self.submit else "draft",
            version=(self.expected or 0) + 1,
            needs_second_look=False,
            updated_at=now,
            submitted_at=now if self.submit else None,
            grade=self.grade,
        )


def _review_write(
    actor: Actor, claim_id: int, expected: int | None, keeping_mine: bool, submit: bool
) -> _ReviewWrite:
    """What the form holds now, as a save writes it. Raises ClaimreviewError (GRADE domains
    that do not give the certainty, a submit without verdict or certainty) before anything is
    written."""
    key = _FORM
    state = st.session_state
    mine = _current_values(key)
    grade = grade_for_save(key, mine.certainty)  # GradeError: says what to fix
    certainty = grade.certainty() if grade else mine.certainty
    check_review(actor, verdict=mine.verdict, certainty=certainty, submit=submit, grade=grade)
    rows = []
    for source in state.get(f"{key}_sources", []):
        row = f"{key}_s{source.uid}"
        rows.append(
            _SourceRow(
                citation_id=source.citation_id,
                identifier=source.identifier,
                design=state.get(f"{row}_design"),
                stored_design=source.stored_design,
                stance=state.get(f"{row}_stance"),
                quote=str(state.get(f"{row}_quote") or ""),
                locator=str(state.get(f"{row}_locator") or ""),
                lookup=source.lookup,
            )
        )
    return _ReviewWrite(
        actor, claim_id, mine.verdict, certainty, grade, mine.rationale, submit, expected,
        keeping_mine, tuple(rows),
    )  # fmt: skip


def _save(
    claim: ClaimContext,
    version: int,
    action: str,
    on_saved: Callable[[str, ReviewInfo | None], None],
    keeping_mine: bool = False,
) -> None:
    """A save button's callback: save what the form holds, or keep it and say what is wrong.

    Callbacks run before app.py checks the login, so the login is checked here again and the
    save acts as the user is now (still active, not idle too long, with today's roles); the
    actor drawn into the form may be stale.

    Submit & next of a review not yet submitted is saved after the click
    (review_app/deferred_saves.py): what can be refused without the database is refused here,
    at once; the next claim is shown while the save is made; a save refused then keeps the
    form's every value for the reviewer to take back (``not_saved_notice``).
    """
    user = current_user()
    if user is None:
        return  # logged out: the run that follows shows the login page and says why
    actor = actor_for(user)
    key = _FORM
    state = st.session_state
    _take_from_browser(key)
    if (state.get(f"{key}_paste") or "").strip():
        state[_ERROR] = "Fix or remove the refused sources above first; nothing was saved."
        return
    conflict: Conflict | None = state.get(_CONFLICT)
    expected = version or None
    if keeping_mine and conflict is not None and conflict.claim_id == claim.id:
        expected = conflict.stored.version if conflict.stored else None
    # Keeping mine over a submitted version keeps it submitted: a draft saved in one tab never
    # withdraws a submission made in another.
    submit = action in ("submit", "next") or (keeping_mine and _stored_submitted(claim))
    try:
        write = _review_write(actor, claim.id, expected, keeping_mine, submit)
    except ClaimreviewError as error:
        state[_ERROR] = str(error)
        return
    if _saved_after_click(claim, action, keeping_mine):
        form = _form_state()
        db = database()
        _saved_here()

        def save_or_keep() -> ReviewInfo:
            """On the save's thread: a refusal is kept for the reviewer there and then, so a
            session that has ended meanwhile (a reload, a closed tab) does not lose it; every
            session of theirs is given it as its next run begins (``settle_for``)."""
            try:
                return write.write(db)
            except Exception as error:
                item = _not_saved(error, actor, claim, version, form)
                keep_for_user(item.user_id, _NOT_SAVED, claim.id, item)
                raise

        defer(save_or_keep, lambda deferred: _landed(deferred, on_saved), actor.user_id)
        on_saved(action, write.as_it_will_be(claim.my_review))
        return
    try:
        saved = write.write(database())
    except StaleReview as stale:
        # Keep every bit of the reviewer's form; show what is stored now beside it.
        state[_CONFLICT] = _conflict(actor, claim.id, stale, action)
        return
    except ClaimreviewError as error:
        state[_ERROR] = str(error)
        return
    _saved_here()
    clear_review_reads()
    on_saved(action, saved)


def _saved_after_click(claim: ClaimContext, action: str, keeping_mine: bool) -> bool:
    """Submit & next of a review not yet submitted, with no conflict open: the common click of
    a reviewer working down an article. Revising a submitted review (which blind review may
    refuse once others have submitted) and keeping mine after a conflict are saved at once."""
    conflict: Conflict | None = st.session_state.get(_CONFLICT)
    return (
        action == "next"
        and not keeping_mine
        and (conflict is None or conflict.claim_id != claim.id)
        and (claim.my_review is None or claim.my_review.status != "submitted")
    )


def _saved_here() -> None:
    """The form's save was made (or handed to a deferred save): the form is let go."""
    state = st.session_state
    state.pop(_CONFLICT, None)
    state.pop(_OPENED, None)
    _forget()
    # Done: a second save event in the same request (a double click, D then Enter before the
    # page answered) finds no form to save, instead of saving the emptied one.
    state.pop(_SAVES, None)


def _conflict(actor: Actor, claim_id: int, stale: StaleReview, action: str) -> Conflict:
    theirs_cited = _library(actor, stale.stored)
    return Conflict(claim_id, stale.stored, _stored_values(stale.stored, theirs_cited), action)


# --- A Submit & next refused after its click ---------------------------------------------------

_NOT_SAVED = "review_not_saved"  # {claim id: NotSaved}, oldest first
_NOT_SAVED_HELD = "review_not_saved_held"  # why taking one back was held back, for one run


@dataclass(frozen=True)
class NotSaved:
    """A Submit & next refused after its click: what the reviewer entered, kept."""

    user_id: int
    claim_id: int
    article_id: int
    ordinal: int
    reason: str
    version: int  # the review version the form was opened on
    form: dict[str, object]  # the form's values, by session-state key
    conflict: Conflict | None  # refused because the review changed elsewhere meanwhile


def _form_state() -> dict[str, object]:
    """The form's values by session-state key (what ``_start`` fills, not its buttons' keys,
    which Streamlit refuses to have set, nor the components' or the form's bookkeeping)."""
    key, state = _FORM, st.session_state
    names = [f"{key}_{name}" for name in _VALUE_NAMES] + grade_state_keys(key)
    for source in state.get(f"{key}_sources", []):
        names += [f"{key}_s{source.uid}_{name}" for name in _SOURCE_VALUE_NAMES]
    return {name: state[name] for name in names if name in state}


_VALUE_NAMES = ("verdict", "certainty", "rationale", "sources", "next_uid", "paste")
_SOURCE_VALUE_NAMES = ("stance", "design", "quote", "locator")


def _not_saved(
    error: Exception, actor: Actor, claim: ClaimContext, version: int, form: dict[str, object]
) -> NotSaved:
    """What a Submit & next refused after its click keeps: the form, why, and (when the review
    changed elsewhere) what is stored now, to show beside it."""
    conflict: Conflict | None = None
    if isinstance(error, StaleReview):
        reason = "it was changed elsewhere (another tab or device) after you opened it."
        # If what is stored cannot be read now, the save refused again shows both then.
        with contextlib.suppress(ClaimreviewError, SQLAlchemyError):
            conflict = _conflict(actor, claim.id, error, "next")
    else:
        reason = str(error) if isinstance(error, ClaimreviewError) else (
            f"the database could not store it ({type(error).__name__})."
        )  # fmt: skip
    return NotSaved(
        actor.user_id or 0, claim.id, claim.article_id, claim.ordinal, reason, version, form,
        conflict,
    )  # fmt: skip


def _landed(deferred: Deferred, on_saved: Callable[[str, ReviewInfo | None], None]) -> None:
    """A deferred Submit & next's outcome, in the session's first run or callback after it. A
    refusal's notice comes from what is kept for the reviewer, which ``settle_for`` gives this
    session right after (unless taken back or let go meanwhile in another session of theirs)."""
    if deferred.error is None:
        clear_review_reads()
        on_saved("landed", deferred.result)
        return
    on_saved("refused", None)


def not_saved_notice(
    go: Callable[[int], None],
    shown_article: int | None = None,
    article_title: Callable[[int], str | None] = lambda _article: None,
) -> None:
    """Each Submit & next refused after its click, until the reviewer takes their review back
    (``go(claim id)`` opens its claim, the form filled as they left it) or lets it go. A claim
    of an article other than ``shown_article`` is named with its article's title
    (``article_title``, asked only then)."""
    kept: dict[int, NotSaved] = st.session_state.get(_NOT_SAVED) or {}
    held = st.session_state.pop(_NOT_SAVED_HELD, None)
    for item in kept.values():
        which = f"claim {item.ordinal}"
        if shown_article is not None and item.article_id != shown_article:
            # Claim 4 of the article on screen is another claim: say whose claim 4 it is.
            title = article_title(item.article_id)
            which += f" of “{escape_markdown(title)}”" if title else " of another article"
        st.error(
            f"**Your review of {which} was not saved**: {escape_markdown(item.reason)}"
            " What you entered is kept: open the claim to save it again.",
            icon=":material/error:",
        )
        with st.container(horizontal=True):
            st.button(
                f"Open claim {item.ordinal} with my review",
                key=f"review_not_saved_open_{item.claim_id}",
                type="primary",
                on_click=_take_back,
                args=(item.claim_id, go),
            )
            st.button(
                "Let it go",
                key=f"review_not_saved_drop_{item.claim_id}",
                help="Forget what was not saved; the claim keeps what is stored.",
                on_click=_let_go,
                args=(item.claim_id,),
            )
    if held and kept:
        st.warning(held, icon=":material/edit_note:")


def _take_back(claim_id: int, go: Callable[[int], None]) -> None:
    """Fill the form again as the reviewer left it on the claim, and open the claim; a form on
    screen with unsaved changes of its own is never overwritten."""
    state = st.session_state
    item: NotSaved | None = (state.get(_NOT_SAVED) or {}).get(claim_id)
    if item is None:
        return
    if has_unsaved_changes():
        state[_NOT_SAVED_HELD] = (
            f"The claim on screen has unsaved changes, so claim {item.ordinal} was not opened: "
            "save or discard them first, then open it again."
        )
        return
    _forget()
    for name, value in item.form.items():
        state[name] = value
    opened = (claim_id, item.version)
    state[_OPENED] = state[_FORM_FOR] = opened
    state[_FILLED] = state.get(_FILLED, 0) + 1  # a new form: nothing the browser held applies
    if item.conflict is not None:
        state[_CONFLICT] = item.conflict
    else:
        state[_ERROR] = f"Not saved: {item.reason}"
    _let_go(claim_id)
    go(claim_id)
    if st.query_params.get("article") != str(item.article_id):
        # Another article is open: the whole page is drawn again, for the claim's own.
        st.query_params["article"] = str(item.article_id)
        st.rerun()


def _let_go(claim_id: int) -> None:
    kept = dict(st.session_state.get(_NOT_SAVED) or {})
    item = kept.pop(claim_id, None)
    st.session_state[_NOT_SAVED] = kept
    if item is not None:
        forget_for_user(item.user_id, _NOT_SAVED, claim_id)


def _stored_submitted(claim: ClaimContext) -> bool:
    conflict: Conflict | None = st.session_state.get(_CONFLICT)
    return bool(
        conflict and conflict.claim_id == claim.id and conflict.stored
        and conflict.stored.status == "submitted"
    )  # fmt: skip


def _library(actor: Actor, review: ReviewInfo | None) -> dict[int, CitationInfo]:
    if review is None or not review.citations:
        return {}
    return citations_by_id(database(), actor, [s.citation_id for s in review.citations])


def _take_theirs(claim_id: int) -> None:
    conflict: Conflict | None = st.session_state.pop(_CONFLICT, None)
    _forget()
    stored = conflict.stored.version if conflict and conflict.stored else 0
    st.session_state[_OPENED] = (claim_id, stored)


# --- Drawing ------------------------------------------------------------------------------------


def review_status(review: ReviewInfo | None) -> str:
    """Where my review stands, in words: for the line above the form."""
    if review is None:
        return "Not reviewed yet"
    if review.status == "submitted":
        return f"Submitted · last saved {when(review.updated_at)}"
    return f"Draft · last saved {when(review.updated_at)}"


def _rating_rows(key: str) -> list[RatingRow]:
    verdicts = default_scales()["verdict"]
    levels = default_scales()["certainty"]
    keys = verdict_keys()
    return [
        RatingRow(
            "verdict",
            f"{key}_verdict",
            "Verdict",
            verdicts.help,
            [(code, verdicts.get(code).label, keys[code]) for code in verdicts.codes()],
        ),
        RatingRow(
            "certainty",
            f"{key}_certainty",
            "Evidence certainty (GRADE)",
            levels.help,
            [
                (
                    code,
                    f"{levels.get(code).label} {grade_symbols(levels.get(code).rating)}",
                    CERTAINTY_KEYS[code],
                )
                for code in levels.codes()
            ],
        ),
    ]


def _form_name() -> str:
    """The form on screen: its claim, the version it was opened on, and which filling of the
    form it is. The browser's choices and pastes name it, so one made on another claim, before
    a save, or before the reviewer discarded their changes, is never applied."""
    opened = st.session_state.get(_OPENED) or (None, None)
    return f"{opened[0]}:{opened[1]}:{st.session_state.get(_FILLED, 0)}"


def _take_from_browser(key: str) -> None:
    """Apply the choices and the paste the browser sent that no callback has applied yet.
    Called before anything reads the form: the verdict key, certainty key and Enter of a
    practised reviewer can reach the server as one request, and Streamlit runs the save
    button's callback before the components'."""
    form = _form_name()
    take_choices(f"{key}_rating", form, _rating_rows(key))
    take_paste(f"{key}_adder", form, lambda text: _take_paste(key, text))


def review_form(
    actor: Actor,
    claim: ClaimContext,
    on_saved: Callable[[str, ReviewInfo | None], None],
    written_here: Callable[[], None] = lambda: None,
) -> None:
    """Draw the form; ``on_saved(action, review)`` runs after a save ("draft", "submit", "next")
    with the review as stored. A Submit & next saved after its click (``_saved_after_click``)
    gets it with the review as it will be stored, then again once the save is made: "landed"
    with the review as stored, or "refused" with None (``not_saved_notice`` says why).

    ``on_saved`` runs in the save button's callback, before the next run of the page (the
    second time, as the session's next run or callback begins): it may set query parameters
    and session state, not draw. ``written_here()`` ends the callback of
    a save made from inside the form ("Keep mine" after a conflict), whose click would
    otherwise rerun only the fragment the form is in.
    """
    review = claim.my_review
    stored_version = review.version if review else 0
    # The version this reviewer opened stays the form's basis until they save, even if someone
    # saves meanwhile: their typing is kept, and the save is checked against what they saw.
    opened = st.session_state.get(_OPENED)
    if opened is None or opened[0] != claim.id:
        opened = (claim.id, stored_version)  # arriving at a claim opens what is stored
        st.session_state[_OPENED] = opened
    version = opened[1]
    key = _FORM
    # Once filled, the state is the reviewer's: a version saved elsewhere meanwhile does not
    # replace it (the save is then refused, and both are shown).
    if st.session_state.get(_FORM_FOR) != opened:
        _forget()
        _start(key, review, claim.cited)
        st.session_state[_FORM_FOR] = opened
        # A new name for the form each time it is filled: what the browser sent for an earlier
        # filling (it sends a component's last state again with every click) is never taken.
        st.session_state[_FILLED] = st.session_state.get(_FILLED, 0) + 1

    stored = _stored_values(review, claim.cited)
    st.session_state[_STORED] = stored  # what a move away from the claim compares the form with
    _take_from_browser(key)
    values = _current_values(key)  # as the reviewer left the form before this run
    unsaved = bool(values.differences(stored)) or version != stored_version
    # HTML, not Markdown: the browser draws it in half the time, on every click of the form.
    marker = f" · <strong style='{_UNSAVED}'>unsaved changes</strong>" if unsaved else ""
    st.html(
        f"<p style='{_LINE}'><strong>Your review:</strong> "
        f"{html.escape(review_status(review))}{marker}</p>"
    )

    conflict: Conflict | None = st.session_state.get(_CONFLICT)
    if conflict is not None and conflict.claim_id == claim.id:
        _show_conflict(claim, version, conflict, values, on_saved, written_here)

    # One element for both rows (two pill rows cost a tenth of every Next); their keys come
    # from keyboard_script(), shown beside each option.
    rating_picker(f"{key}_rating", _form_name(), _rating_rows(key))
    grade_panel(key, [s.design for s in values.sources])
    rationale = st.text_area(
        "Rationale (Markdown)",
        key=f"{key}_rationale",
        height=140,
        help="Why this verdict and certainty; what the evidence shows.",
    )
    if rationale.strip():
        with st.expander("Preview of the rationale"):
            st.markdown(rationale)  # Streamlit's Markdown never renders raw HTML

    _sources_section(actor, key)

    stances = [s.stance for s in values.sources]
    designs = [s.design for s in values.sources]
    for warning in clash_warnings(values.verdict, values.certainty, stances, designs):
        st.warning(warning, icon=":material/warning:")

    # A refused save's reason, under the form it belongs to: gone with the next run of it.
    error = st.session_state.pop(_ERROR, None)
    if error:
        st.error(escape_markdown(error))
    # What the save buttons act on: they are drawn by save_buttons(), outside the fragment
    # that draws this form, so they are not redrawn when the form alone is.
    st.session_state[_SAVES] = (claim, version, on_saved, written_here)


def forget_shown_form() -> None:
    """No form is on screen (no claim, or a claim that cannot be opened): saves do nothing."""
    st.session_state.pop(_SAVES, None)


def save_buttons() -> None:
    """Save draft, Submit, and Submit & next, for the form drawn last in this session.

    The review page draws them outside the fragment that draws the claim and its form, so that
    Next and a verdict click redraw neither them nor the navigator; a save reruns both, so the
    navigator shows the new status. They save in their callback, before the next run draws
    anything: that run then draws the claim to go to, so a click costs one run, not two."""
    if _SAVES not in st.session_state:
        return
    save_bar(
        "review_saves",
        [
            ("draft", "Save draft", SAVE_KEYS["draft"], False),
            ("submit", "Submit", SAVE_KEYS["submit"], True),
            ("next", "Submit & next", SAVE_KEYS["next"], False),
        ],
        _save_shown,
        redraw=st.session_state[_SAVES][3],  # the page's rerun of the workspace around it
    )


def _save_shown(action: str) -> None:
    """A save button's callback: saves the form on screen now. The buttons may have been drawn
    before Next opened another claim (they are not redrawn with the form), so what they save
    is looked up when clicked, never taken from when they were drawn."""
    shown = st.session_state.get(_SAVES)
    if shown is None:
        return  # the claim could not be opened: the run that follows says why, without buttons
    claim, version, on_saved, _written_here = shown
    _save(claim, version, action, on_saved)


def _sources_section(actor: Actor, key: str) -> None:
    sources: list[Source] = st.session_state.get(f"{key}_sources", [])
    stance_labels, design_labels = _labels("stance"), _labels("study_design")
    if sources:  # with none, the source adder below says so
        st.html(f"<p style='{_LINE}'><strong>Cited sources</strong></p>")
    for number, source in enumerate(sources, start=1):
        row = f"{key}_s{source.uid}"
        with st.container(border=True, key=f"{row}_box"):
            top = st.columns([12, 1], vertical_alignment="center")
            with top[0]:
                _source_heading(number, source, row)
            top[1].button(
                "",
                key=f"{row}_remove",
                icon=":material/close:",
                help="Remove this source from my review",
                type="tertiary",
                on_click=_remove,
                args=(key, source.uid),
            )
            left, right = st.columns([2, 3])
            left.selectbox(
                "Stance",
                [None, *stance_labels],
                format_func=lambda c: NONE if c is None else stance_labels[c],
                key=f"{row}_stance",
                placeholder="Not set",
            )
            right.selectbox(
                "Study design",
                [None, *design_labels],
                format_func=lambda c: NONE if c is None else design_labels[c],
                key=f"{row}_design",
                placeholder="Not set",
                help="Shared by every review that cites this source.",
            )
            left, right = st.columns([3, 1])
            left.text_input("Quoted passage", key=f"{row}_quote")
            right.text_input("Locator", key=f"{row}_locator", placeholder="p. 4, Table 2")
    finder_open = bool(st.session_state.get(_FINDER_OPEN))
    none_yet = "none yet: paste identifiers below, or find one in the library"
    source_adder(
        f"{key}_adder",
        _form_name(),
        text=st.session_state.get(f"{key}_paste", ""),
        taken=st.session_state.get(f"{key}_paste_taken", 0),
        none_yet=None if sources else none_yet,
        finder_open=finder_open,
        on_paste=lambda text: _take_paste(key, text),
        on_finder=_open_finder,
    )
    for source, reason in st.session_state.get(f"{key}_refused", []):
        st.error(f"{escape_markdown(source[:80])}: {escape_markdown(reason)}")
    problem = lookup_problem()
    if problem:
        st.caption(escape_markdown(problem))
    # Drawn only while open: its widgets would cost every click of the review page.
    if finder_open:
        with st.container(border=True, key="review_finder_box"):
            _library_finder(actor, key, sources)


def _source_heading(number: int, source: Source, row: str) -> None:
    """A source row's reference, flags and suggested design. While its lookup runs, this part
    alone checks again twice a second and fills in when the answer comes: nothing else on the
    page is redrawn, so a reviewer typing elsewhere meanwhile loses nothing."""
    view = lookup_view(source.lookup)
    if view is not None and view.pending:
        st.fragment(run_every=POLL_SECONDS)(_heading)(number, source, row, polling=True)
    else:
        _heading(number, source, row, view)


def _heading(
    number: int, source: Source, row: str, view: LookupView | None = None, polling: bool = False
) -> None:
    view = view or lookup_view(source.lookup) or LookupView()
    badges = "".join(
        f" :red-badge[:material/warning: {FLAG_LABELS.get(flag, flag)}]"
        for flag in (view.flags or source.flags)
    )
    st.markdown(f"{number}\\. {escape_markdown(view.name or source.name)}{badges}")
    if view.message:
        st.caption(escape_markdown(view.message))
    suggested = view.suggested_design or source.suggested_design
    if suggested and st.session_state.get(f"{row}_design") != suggested:
        label = _labels("study_design").get(suggested, suggested)
        hint = st.columns([5, 2], vertical_alignment="center")
        hint[0].caption(f"Its record suggests: {label}")
        used = hint[1].button(
            "Use it",
            key=f"{row}_use_suggested",
            type="tertiary",
            on_click=_use_design,
            args=(row, suggested),
        )
        if used and polling:
            # Clicked inside the polling part, which alone reran: the design box outside it
            # must be redrawn (the click took the focus, so no typing is in flight).
            st.rerun(scope="app")


def _library_finder(actor: Actor, key: str, sources: list[Source]) -> None:
    query = st.text_input("Title, author, journal or identifier", key=f"{key}_find")
    if query.strip():
        matches = search_library(database(), actor, query)
        cited = {s.citation_id for s in sources}
        shown = [c for c in matches if c.id not in cited][:5]
        if not shown:
            st.caption("No other source in the library matches.")
        for citation in shown:
            line = st.columns([6, 1], vertical_alignment="center")
            line[0].caption(escape_markdown(_name(citation)))
            line[1].button(
                "Cite", key=f"{key}_cite_{citation.id}", on_click=_cite, args=(key, citation)
            )


def _keep_mine(
    claim: ClaimContext,
    version: int,
    action: str,
    on_saved: Callable[[str, ReviewInfo | None], None],
    written: Callable[[], None],
) -> None:
    _save(claim, version, action, on_saved, keeping_mine=True)
    written()


def _show_conflict(
    claim: ClaimContext,
    version: int,
    conflict: Conflict,
    values: FormValues,
    on_saved: Callable[[str, ReviewInfo | None], None],
    written: Callable[[], None],
) -> None:
    with st.container(border=True, key="review_conflict_box"):
        st.error(
            "This review was saved elsewhere (another tab or window) since you opened it. "
            "Nothing was overwritten: your version is still in the form. Compare them and "
            "choose one.",
            icon=":material/sync_problem:",
        )
        differences = values.differences(conflict.theirs)
        if differences:
            st.table(
                {
                    "": [d[0] for d in differences],
                    "Yours (in the form)": [d[1] for d in differences],
                    "Stored now": [d[2] for d in differences],
                }
            )
        else:
            st.caption("The two versions hold the same values.")
        if conflict.stored and conflict.stored.status == "submitted":
            st.caption(
                "The stored version is submitted: keeping yours saves it as a new version and "
                "keeps it submitted."
            )
        left, right = st.columns(2)
        left.button(
            "Keep mine",
            key="review_keep_mine",
            type="primary",
            help="Save your version over the stored one, as a new version (audited).",
            on_click=_keep_mine,
            args=(claim, version, conflict.action, on_saved, written),
        )
        right.button(
            "Take theirs",
            key="review_take_theirs",
            help="Drop your changes and open the stored version.",
            on_click=_take_theirs,
            args=(claim.id,),
        )
