"""Review: one claim at a time in its context, the review form, and a navigator of claims.

The address carries the article and the claim (``/review?article=1&claim=8``), so a link opens
the same claim for a colleague. Each run draws one claim and one page of navigator rows.

Two fragments, one inside the other, so that a click redraws as little as it can (a click's
felt time in the browser grows with every element it redraws; bench/felt.py measures it):
``workspace`` holds the navigator, the claim and the save buttons, and reruns for a save or a
pick in the navigator; ``claim_panel`` inside it holds Previous and Next, the claim and the
form's fields, and reruns alone for Next, Previous and every widget of the form. Neither
redraws the title, the article picker, the filters and the keyboard script above.
"""

import time
from dataclasses import asdict, replace

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import EDIT_CLAIMS, REVIEW_CLAIMS, Actor
from claims.scales import default_scales
from db.reviews import ReviewInfo
from db.workspace import (
    STATUSES,
    NavigatorRow,
    Progress,
    my_progress,
    next_unreviewed,
    position_of,
    review_navigator,
)
from review_app.auth import current_actor, fragment_actor
from review_app.components.article_picker import pick_article
from review_app.components.claim_view import claim_in_context
from review_app.components.navigator_rows import KeptNavigator, NavigatorFilters
from review_app.components.navigator_table import ProgressLine, TableRow, navigator_table
from review_app.components.other_reviews import other_reviews
from review_app.components.review_form import (
    CERTAINTY_KEYS,
    NAVIGATION_KEYS,
    SAVE_KEYS,
    discard_changes,
    forget_shown_form,
    has_unsaved_changes,
    keyboard_script,
    not_saved_notice,
    review_form,
    save_buttons,
    verdict_keys,
)
from review_app.components.seen_before import seen_before_panel
from review_app.components.split_fixer import split_fixer
from review_app.components.text import plural
from review_app.deferred_saves import waiting_in_session
from review_app.resources import (
    article_titles_of,
    claim_in_review,
    database,
    match_soon,
    read_ahead,
    writes_seen,
)

PAGE_SIZE = 50
VERDICT_LABELS = default_scales()["verdict"].labels()
CERTAINTY_LABELS = default_scales()["certainty"].labels()
STATUS_WORDS = {"unreviewed": "○ To do", "draft": "✎ Draft", "submitted": "✓ Submitted"}
STATUS_MARKS = {"unreviewed": "○", "draft": "✎", "submitted": "✓"}


def keyboard_help(verdicts: dict[str, str], certainties: dict[str, str]) -> str:
    """The review page's keys, one line each."""
    rows = [(key, f"verdict {verdicts[code]}") for code, key in verdict_keys().items()]
    rows += [(key, f"certainty {certainties[code]}") for code, key in CERTAINTY_KEYS.items()]
    rows += [
        (SAVE_KEYS["draft"], "save draft"),
        (SAVE_KEYS["submit"], "submit"),
        (SAVE_KEYS["next"], "submit and go to the next claim to review"),
        (NAVIGATION_KEYS["previous"], "previous claim"),
        (NAVIGATION_KEYS["next"], "next claim"),
        ("↑ ↓ Enter", "in the navigator's numbers: move between claims, open one"),
    ]
    return "  \n".join(f"**{key}** {does}" for key, does in rows)


def _mine(row: NavigatorRow) -> str:
    """My status as a mark and my verdict as words: "✓ Misleading", "✎ Draft", "○ To do"."""
    verdict = VERDICT_LABELS.get(row.verdict or "")
    words = f"{STATUS_MARKS[row.status]} {verdict}" if verdict else STATUS_WORDS[row.status]
    return words + (" ⚑" if row.needs_second_look else "")


_BLOCKED = "review_blocked_move"  # the claim a move was held back from, for unsaved changes


def go_to(target: int | None) -> None:
    """A button callback: the run that follows opens the target claim. A move away from a form
    with unsaved changes is held back (and said so), never a silent loss of typing."""
    if target is None:
        return
    if has_unsaved_changes():
        st.session_state[_BLOCKED] = target
        return
    st.query_params["claim"] = str(target)


def _discard_and_go(target: int) -> None:
    discard_changes()
    go_to(target)


actor = current_actor()
st.title("Review")

# A link to a claim opens it in its own article, whatever article the address names.
requested_claim = st.query_params.get("claim")
claim_id = int(requested_claim) if requested_claim and requested_claim.isdigit() else None
if claim_id is not None:
    with database().read() as session:
        where = position_of(session, actor, claim_id)
    if where is not None and st.query_params.get("article") != str(where[0]):
        st.query_params["article"] = str(where[0])

top = st.columns([6, 3, 2], vertical_alignment="bottom")
with top[0]:
    article_id = pick_article(actor, key="review_article")
if article_id is None:
    st.stop()
with top[1].expander("Filters", expanded=False):
    status = st.multiselect(
        "My status", STATUSES, format_func=STATUS_WORDS.get, key="review_f_status"
    )
    checkable_only = st.toggle("Checkable claims only", value=True, key="review_f_checkable")
    with_cues = st.toggle("With cues of overclaiming", key="review_f_cues")
    verdicts = st.multiselect(
        "My verdict", list(VERDICT_LABELS), format_func=VERDICT_LABELS.get, key="review_f_v"
    )
    certainties = st.multiselect(
        "My certainty",
        list(CERTAINTY_LABELS),
        format_func=CERTAINTY_LABELS.get,
        key="review_f_c",
    )
with top[2].popover("Keys", icon=":material/keyboard:", help="Keyboard shortcuts"):
    st.markdown(keyboard_help(VERDICT_LABELS, CERTAINTY_LABELS))
    st.caption("Keys do nothing while you type in a text field: press Tab to leave it first.")
keyboard_script()
filters = NavigatorFilters(
    status=tuple(status),
    checkable_only=checkable_only,
    with_cues=with_cues,
    verdicts=tuple(verdicts),
    certainties=tuple(certainties),
)


WORKSPACE = "review_workspace"  # the outer fragment's key, for a rerun of it from a callback
_NAVIGATOR_STALE = "review_navigator_stale"  # the workspace must draw the navigator afresh


def show_my_write() -> None:
    """Ends a callback that wrote my review from inside the claim panel (sources reused, my
    version kept after a conflict): the workspace reruns, not only the panel the click came
    from, so that the navigator shows my new status (a rerun ends the callback)."""
    st.rerun(scope=WORKSPACE)


@st.fragment(key=WORKSPACE)
def workspace(article_id: int, filters: NavigatorFilters) -> None:
    """The navigator, the claim panel and the save buttons. A click on a save button or in
    the navigator reruns all of it; Next, Previous and the form's own widgets rerun only the
    claim panel inside it (each element redrawn costs a click 1 to 3 ms in the browser; the
    navigator, one component drawing its progress, table and pages, about 7 ms: README,
    "Felt speed")."""
    actor = fragment_actor(REVIEW_CLAIMS)  # app.py's login check does not run for a fragment
    st.session_state.pop(_NAVIGATOR_STALE, None)  # the navigator is drawn afresh below
    requested = st.query_params.get("claim")
    claim_id = int(requested) if requested and requested.isdigit() else None
    if claim_id is None:
        # No claim named: open the first one I have not reviewed (else the first claim).
        with database().read() as session:
            claim_id = next_unreviewed(session, actor, article_id, 0)
    navigator, focus = st.columns([5, 6], gap="medium")
    with navigator:
        claim_id = _navigator(actor, article_id, filters, claim_id)
    with focus:
        claim_panel(article_id, claim_id)
        save_buttons()


@st.fragment
def claim_panel(article_id: int, claim_id: int | None) -> None:
    """Previous and Next, the claim in its context and my review of it. ``claim_id`` is the
    claim the navigator chose; a rerun of this fragment alone opens the claim in the address,
    where Next and Previous put it."""
    actor = fragment_actor(REVIEW_CLAIMS)
    if st.session_state.get(_NAVIGATOR_STALE):
        # A Submit & next was refused after its click, found as this panel alone reruns: the
        # whole page is drawn again, so the navigator stops showing it as submitted.
        st.rerun(scope="app")
    not_saved_notice(go_to, article_id, lambda other: dict(article_titles_of(actor)).get(other))
    requested = st.query_params.get("claim")
    if requested and requested.isdigit():
        claim_id = int(requested)
    # Before the claim is drawn, which may stop the run early.
    match_soon(_coming_up(claim_id))
    _focus(actor, article_id, claim_id)


MATCH_AHEAD = 5  # claims after the one shown whose "seen before" is matched first


def _coming_up(claim_id: int | None) -> list[int]:
    """The claims after this one in the navigator's rows: the ones Next is about to open."""
    kept: KeptNavigator | None = st.session_state.get("review_nav_rows")
    ids = [row.id for row in kept.rows] if kept is not None else []
    at = ids.index(claim_id) + 1 if claim_id in ids else 0
    return ids[at : at + MATCH_AHEAD]


def _navigator(
    actor: Actor, article_id: int, filters: NavigatorFilters, claim_id: int | None
) -> int | None:
    """Progress, and one page of claims with my status; returns the claim to show."""
    page = st.session_state.get(_page_key(article_id), 1)
    kept = _navigator_rows(actor, article_id, filters, page)
    progress, total, rows, page = kept.progress, kept.total, kept.rows, kept.page  # clamped
    pages = max(1, -(-total // PAGE_SIZE))
    done = progress.submitted / progress.checkable if progress.checkable else 1.0
    drafts = f" · {plural(progress.drafts, 'draft')}" if progress.drafts else ""
    navigator_table(
        f"review_nav_{article_id}",
        kept.table,
        _pick,
        progress=ProgressLine(
            done,
            "You have submitted ",
            f"{progress.submitted} of {progress.checkable}",
            f" checkable claims{drafts} · {total} listed",
        ),
        page=page,
        pages=pages,
        on_page=lambda page: _turn_page(article_id, page),
        view=repr((page, filters)),
        mine_help="My review: ○ to do, ✎ draft, ✓ submitted; and my verdict",
    )
    if claim_id is None and rows:
        claim_id = rows[0].id
    return claim_id


def _pick(target: int) -> None:
    """A row picked in the navigator opens its claim (a move away from unsaved changes is
    held back, as for Next)."""
    if str(target) != st.query_params.get("claim"):
        go_to(target)


def _page_key(article_id: int) -> str:
    """Each article's navigator keeps its own page, for the session."""
    return f"review_page_{article_id}"


def _turn_page(article_id: int, page: int) -> None:
    st.session_state[_page_key(article_id)] = max(1, page)  # the top is clamped where read


def _table(rows: list[NavigatorRow]) -> tuple[TableRow, ...]:
    """My status and verdict in one column, before the claim: they are what a reviewer scans
    for, and must fit beside the claim's start on a laptop screen."""
    return tuple(
        TableRow(r.id, r.ordinal, _mine(r), r.preview, r.cues, r.section or "") for r in rows
    )


def _navigator_rows(
    actor: Actor, article_id: int, filters: NavigatorFilters, page: int
) -> KeptNavigator:
    """My progress and one page of the navigator, kept in the session until I write something,
    the filters or the page change, or half a minute passes: Next and Previous change none of
    it, and skip its three queries and the table's building."""
    period = int(time.time() // 30)
    kept: KeptNavigator | None = st.session_state.get("review_nav_rows")
    wanted = (article_id, filters, page, writes_seen(), period)
    if (
        kept is not None
        and (kept.article_id, kept.filters, kept.page, kept.writes, kept.period) == wanted
    ):
        return kept
    # One query gives the page's rows and the total; the page number is clamped after it.
    with database().read() as session:
        progress = my_progress(session, actor, article_id)
        total, rows = review_navigator(
            session, actor, article_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
            **asdict(filters),
        )  # fmt: skip
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:  # the filters shrank the list below the page shown
            page = st.session_state[_page_key(article_id)] = pages
            total, rows = review_navigator(
                session, actor, article_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                **asdict(filters),
            )  # fmt: skip
    kept = KeptNavigator(
        article_id, filters, page, writes_seen(), period, progress, total, rows, _table(rows)
    )
    st.session_state["review_nav_rows"] = kept
    return kept


def _note_in_navigator(review: ReviewInfo) -> None:
    """Show a saved review in the navigator kept in the session, instead of reading it again.

    Only while no filter on my status, verdict or certainty is set (a save could then move the
    claim in or out of the list) and the claim is on the page kept."""
    kept: KeptNavigator | None = st.session_state.get("review_nav_rows")
    if kept is None or kept.filters.on_my_review():
        return
    at = next((i for i, row in enumerate(kept.rows) if row.id == review.claim_id), None)
    if at is None:
        return
    old = kept.rows[at]
    rows = [*kept.rows]
    rows[at] = replace(
        old,
        status=review.status,
        verdict=review.verdict,
        certainty=review.certainty,
        needs_second_look=False,
    )
    progress = kept.progress
    if old.checkable:
        progress = Progress(
            checkable=progress.checkable,
            submitted=progress.submitted
            + (review.status == "submitted")
            - (old.status == "submitted"),
            drafts=progress.drafts + (review.status == "draft") - (old.status == "draft"),
        )
    st.session_state["review_nav_rows"] = replace(
        kept, writes=writes_seen(), progress=progress, rows=rows, table=_table(rows)
    )


def _focus(actor: Actor, article_id: int, claim_id: int | None) -> None:
    forget_shown_form()  # until the form is drawn: a claim that cannot be opened has none
    if claim_id is None:
        st.info("No claim matches these filters.")
        return
    try:
        claim = claim_in_review(actor, claim_id)  # usually read ahead, after the last click
    except ClaimreviewError as error:
        st.warning(str(error))
        return
    if claim.article_id != article_id:  # its article is archived, or not in the list
        st.warning(
            "That claim's article is not among the articles here; pick a claim from the list."
        )
        return
    if st.query_params.get("claim") != str(claim.id):
        st.query_params["claim"] = str(claim.id)

    claim_in_context(claim, go_to, NAVIGATION_KEYS)  # with Previous and Next above it
    # What Next and Submit & next open, read once this run has ended and any save is made.
    read_ahead(
        actor,
        [claim.next_id] if claim.next_id else [],
        unreviewed_after=(article_id, claim.ordinal),
        after=waiting_in_session(),
    )
    seen_before_panel(actor, claim, show_my_write)
    if actor.can(EDIT_CLAIMS):  # beside the claim it changes (the save buttons close the form)
        split_fixer(actor, claim)
    if claim.my_review and claim.my_review.needs_second_look:
        st.warning("This claim's wording changed after you reviewed it: check your review.")

    def after_save(action: str, review: ReviewInfo | None) -> None:
        """Runs in the save button's callback, before the run that shows where to go next;
        for a Submit & next saved after its click, again once the save has landed (or has been
        refused: the navigator then reads what is stored)."""
        if review is None:  # "refused"
            st.session_state.pop("review_nav_rows", None)
            st.session_state[_NAVIGATOR_STALE] = True
            return
        _note_in_navigator(review)
        if action == "next":
            with database().read() as session:
                target = next_unreviewed(session, actor, article_id, claim.ordinal)
            if target is None:
                st.session_state["review_notice"] = "Every checkable claim has your review."
            go_to(target)
            return
        if action in ("draft", "submit"):
            st.session_state["review_notice"] = (
                "Saved as draft." if action == "draft" else "Submitted."
            )

    notice = st.session_state.pop("review_notice", None)
    if notice:
        st.success(notice)
    blocked = st.session_state.pop(_BLOCKED, None)
    if blocked is not None:
        st.warning(
            "This claim has unsaved changes, so you were kept here: save them first "
            f"({SAVE_KEYS['draft']} or {SAVE_KEYS['submit']}), or discard them to move on.",
            icon=":material/edit_note:",
        )
        st.button(
            "Discard my changes and move on",
            key="review_discard",
            on_click=_discard_and_go,
            args=(blocked,),
        )
    review_form(actor, claim, after_save, show_my_write)
    other_reviews(actor, claim.id)


workspace(article_id, filters)
