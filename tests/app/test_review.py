"""The review page: one claim in context, the review form, save and next, stale saves, splits."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.engine import Database
from db.reviews import reviews_of_claim, save_review
from db.workspace import review_navigator
from review_app import auth
from tests.app.conftest import APP, choose, run_app

OPERATOR = Actor.operator("test")


@pytest.fixture
def world(app_database: Database) -> dict:
    sqlite_database = app_database
    article = import_demo_if_empty(sqlite_database)
    user, _ = create_user(
        sqlite_database, OPERATOR, "rita", ["reviewer"], password="long password1"
    )
    with sqlite_database.read() as session:
        _, rows = review_navigator(session, actor_for(user), article.article_id, limit=100)
    return {
        "db": sqlite_database,
        "article": article.article_id,
        "rita": actor_for(user),
        "claims": {r.ordinal: r.id for r in rows},
    }


def _open(world: dict, claim_ordinal: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world["rita"].user_id
    at.query_params["article"] = str(world["article"])
    if claim_ordinal is not None:
        at.query_params["claim"] = str(world["claims"][claim_ordinal])
    at.switch_page("views/review.py")
    return _run(at)


def _table_data(at: AppTest) -> dict:
    """What the page sends the navigator's table (a component, whose data is JSON)."""
    [table] = at.get("bidi_component")
    return json.loads(table.proto.json)


def _navigator(at: AppTest) -> list[dict]:
    """The navigator's rows, by column, with the claim id."""
    return [dict(zip(("id", "#", "Mine", "Claim", "Cues", "Section"), row, strict=True))
            for row in _table_data(at)["rows"]]  # fmt: skip


def _run(at: AppTest) -> AppTest:
    return run_app(at)


def _widget(at: AppTest, kind: str, suffix: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.endswith(suffix))


def _claim_shown(at: AppTest) -> str:
    """The claim view's HTML: where the claim is, its paragraph with the claim marked, cues."""
    return next(h.proto.body for h in at.get("html") if "<mark" in h.proto.body)


def _status_line(at: AppTest) -> str:
    """The form's line saying where my review stands (HTML)."""
    return next(h.proto.body for h in at.get("html") if "Your review:" in h.proto.body)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_link_opens_the_claim_in_its_paragraph_with_its_cues(world: dict) -> None:
    at = _open(world, 9)
    shown = _claim_shown(at)
    assert "Claim 9 of 30 · section: Targeted Treatment" in shown
    assert "One of the significant benefits" in shown.split("<mark")[1]
    assert "Immunotherapy works by boosting" in shown  # the rest of the paragraph is there
    assert "<strong>Absolute wording</strong> “only”:" in shown  # its cue, with the reason
    assert at.query_params["claim"] == str(world["claims"][9])


def test_review_with_two_citations_then_save_and_next(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    _widget(at, "text_area", "_rationale").set_value("Immunotherapy also harms healthy cells.")
    _widget(at, "text_area", "_paste").set_value("PMID 27557302\ndoi:10.1056/NEJMoa1606038")
    _run(at)
    # Each pasted identifier is a source row at once, before any save; the box is emptied.
    rows = [m.value for m in at.markdown if "library" in m.value]
    assert rows == [
        "1\\. PMID 27557302 \\(new to the library\\)",
        "2\\. DOI 10\\.1056/nejmoa1606038 \\(new to the library\\)",
    ]
    assert _widget(at, "text_area", "_paste").value == ""
    assert "unsaved changes" in _status_line(at)
    _button(at, "Submit & next").click()
    _run(at)
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.certainty, review.status) == ("misleading", "low", "submitted")
    assert len(review.citations) == 2
    # The next unreviewed checkable claim is open now.
    assert at.query_params["claim"] == str(world["claims"][10])
    assert "Claim 10 of 30" in _claim_shown(at)


def test_a_refused_identifier_saves_nothing_and_says_why(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Accurate")
    _widget(at, "text_area", "_paste").set_value("javascript:alert(1)")
    _run(at)
    assert any("javascript" in e.value for e in at.error)
    _button(at, "Save draft").click()
    _run(at)
    assert any("nothing was saved" in e.value for e in at.error)
    assert reviews_of_claim(world["db"], world["rita"], world["claims"][9]) == []
    assert at.pills(key="review_form_verdict").value == "accurate"  # nothing chosen is lost
    assert _widget(at, "text_area", "_paste").value == "javascript:alert(1)"


def test_a_clash_between_verdict_and_certainty_is_shown(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Accurate")
    choose(at, "Very low")
    assert any("very weak or missing" in w.value for w in at.warning)


def _conflict(world: dict) -> tuple[AppTest, int]:
    """Rita opens claim 9, saves it from another tab meanwhile, then saves this tab's typing."""
    from claims.identifiers import parse_identifiers
    from db.citations import add_citations
    from db.reviews import CitedSource

    claim_id = world["claims"][9]
    save_review(world["db"], world["rita"], claim_id, verdict="accurate", certainty="high",
                rationale="First tab")  # fmt: skip
    at = _open(world, 9)
    [other] = add_citations(world["db"], world["rita"], parse_identifiers("PMID 27557302")[0])
    save_review(world["db"], world["rita"], claim_id, verdict="inaccurate", certainty="low",
                rationale="Other tab", expected_version=1,
                citations=[CitedSource(other.id, "contradicts")])  # fmt: skip
    _widget(at, "text_area", "_rationale").set_value("This tab")
    choose(at, "Misleading")
    _button(at, "Save draft").click()
    _run(at)
    return at, claim_id


def test_a_stale_save_keeps_my_typing_and_shows_every_difference(world: dict) -> None:
    at, claim_id = _conflict(world)
    assert any("saved elsewhere" in e.value for e in at.error)
    [table] = at.table
    differences = table.value
    assert list(differences[""]) == ["Verdict", "Certainty", "Rationale", "Source: PMID 27557302"]
    assert list(differences["Yours (in the form)"])[:3] == ["Misleading", "High", "This tab"]
    assert list(differences["Stored now"]) == [
        "Inaccurate", "Low", "Other tab", "Contradicts; design not set"
    ]  # fmt: skip
    # Nothing was overwritten, and nothing typed was lost.
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert stored.rationale == "Other tab"
    assert _widget(at, "text_area", "_rationale").value == "This tab"


def test_keep_mine_saves_my_version_over_the_stored_one_and_audits_it(world: dict) -> None:
    from db.audit import list_events

    at, claim_id = _conflict(world)
    _button(at, "Keep mine").click()
    _run(at)
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert (stored.verdict, stored.certainty, stored.rationale) == (
        "misleading",
        "high",
        "This tab",
    )
    assert stored.version == 3 and stored.citations == ()
    assert not at.table  # the conflict is settled
    [kept] = [e for e in list_events(world["db"], OPERATOR) if e.action == "keep_mine"]
    assert kept.before["rationale"] == "Other tab" and kept.after["rationale"] == "This tab"


def test_take_theirs_opens_the_stored_version(world: dict) -> None:
    at, claim_id = _conflict(world)
    _button(at, "Take theirs").click()
    _run(at)
    assert _widget(at, "text_area", "_rationale").value == "Other tab"
    assert at.pills(key="review_form_verdict").value == "inaccurate"
    assert not at.table
    assert "unsaved changes" not in _status_line(at)
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert stored.rationale == "Other tab" and stored.version == 2


def test_fix_the_split_from_the_review_page(world: dict) -> None:
    at = _open(world, 9)
    claim_id = world["claims"][9]
    assert not any(b.label == "Split here" for b in at.button)  # drawn once opened
    at.session_state["split_open"] = True  # the reviewer opens "Fix the split"
    _run(at)
    _button(at, "Split here").click()
    _run(at)
    with world["db"].read() as session:
        total, rows = review_navigator(session, world["rita"], world["article"], limit=100)
    assert total == 31
    assert rows[8].id == claim_id and rows[9].ordinal == 10
    assert any("split was changed" in s.value for s in at.success)


def test_the_navigator_filters_by_my_status(world: dict) -> None:
    save_review(world["db"], world["rita"], world["claims"][9], verdict="accurate",
                certainty="high", submit=True)  # fmt: skip
    at = _open(world)
    _widget(at, "multiselect", "review_f_status").set_value(["submitted"])
    _run(at)
    assert [(row["#"], row["Mine"]) for row in _navigator(at)] == [(9, "✓ Accurate")]


def test_filters_that_match_no_claim_keep_the_progress_line(world: dict) -> None:
    at = _open(world)
    _widget(at, "multiselect", "review_f_status").set_value(["submitted"])  # none yet
    _run(at)
    assert _table_data(at)["rows"] == [] and _table_data(at)["pages"] == 1
    assert _table_data(at)["progress"]["strong"] == "0 of 24"


def test_the_library_imports_a_reference_file_and_lists_it_in_vancouver_style(
    world: dict,
) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world["rita"].user_id
    at.switch_page("views/library.py")
    _run(at)
    nbib = (
        b"PMID- 27557302\nTI  - Daratumumab, bortezomib, and dexamethasone for multiple\n"
        b"      myeloma.\nAU  - Palumbo A\nAU  - Chanan-Khan A\nTA  - N Engl J Med\n"
        b"DP  - 2016 Aug 25\nVI  - 375\nIP  - 8\nPG  - 754-66\n"
        b"AID - 10.1056/NEJMoa1606038 [doi]\nPT  - Randomized Controlled Trial\n"
    )
    at.file_uploader(key="library_file").upload("refs.nbib", nbib)
    at.button[0].click()
    _run(at)
    assert any("1 new source added; 0 already in the library." in s.value for s in at.success)
    table = at.dataframe[0].value
    assert list(table["Reference (Vancouver)"]) == [
        "Palumbo A, Chanan-Khan A. Daratumumab, bortezomib, and dexamethasone for multiple "
        "myeloma. N Engl J Med. 2016;375(8):754-66. doi:10.1056/nejmoa1606038"
    ]
    assert list(table["Study design"]) == ["Randomised trial"]


def test_the_articles_page_shows_my_progress_and_everyones(world: dict) -> None:
    from db.accounts import create_user

    save_review(world["db"], world["rita"], world["claims"][9], verdict="accurate",
                certainty="high", submit=True)  # fmt: skip
    other, _ = create_user(world["db"], OPERATOR, "raj", ["reviewer"], password="long password2")
    for ordinal in (9, 10):
        save_review(world["db"], actor_for(other), world["claims"][ordinal], verdict="accurate",
                    certainty="high", submit=True)  # fmt: skip
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world["rita"].user_id
    _run(at)
    row = at.dataframe[0].value.loc[world["article"]]
    assert (row["Claims"], row["Checkable"]) == (30, 24)
    assert (row["Reviewed by me"], row["Reviewed by anyone"]) == (1, 2)


def test_the_navigator_pages_through_a_long_article(world: dict) -> None:
    from db.articles import import_file

    text = "\n\n".join(f"Drug {i} lowered blood pressure in trial {i}." for i in range(120))
    long = import_file(world["db"], text.encode(), "long.txt", actor=OPERATOR)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world["rita"].user_id
    at.query_params["article"] = str(long.article_id)
    at.switch_page("views/review.py")
    _run(at)
    shown = [row["#"] for row in _navigator(at)]
    assert shown[:2] == [1, 2] and len(shown) == 50
    first_view = _table_data(at)["view"]
    assert (_table_data(at)["page"], _table_data(at)["pages"]) == (1, 3)
    at.session_state[f"review_page_{long.article_id}"] = 3  # as the navigator's "Page" field
    _run(at)
    assert [row["#"] for row in _navigator(at)] == list(range(101, 121))
    assert (_table_data(at)["page"], _table_data(at)["pages"]) == (3, 3)
    assert _table_data(at)["view"] != first_view  # another page: the table scrolls to its top


def test_edits_in_the_sources_table_are_saved(world: dict) -> None:
    from claims.identifiers import parse_identifiers
    from db.citations import add_citations
    from db.reviews import CitedSource

    claim_id = world["claims"][9]
    found, _ = parse_identifiers("PMID 27557302, NCT01234567")
    first, second = add_citations(world["db"], world["rita"], found)
    save_review(world["db"], world["rita"], claim_id, verdict="accurate", certainty="high",
                citations=[CitedSource(first.id, "supports"), CitedSource(second.id)])  # fmt: skip
    at = _open(world, 9)
    # Each source is a row of widgets, keyed by the claim, the review version opened and the row.
    row = "review_form_s0"
    at.selectbox(key=f"{row}_stance").set_value("contradicts")
    at.selectbox(key=f"{row}_design").set_value("cohort")
    at.text_input(key=f"{row}_quote").set_value("no benefit")
    next(b for b in at.button if b.key == "review_form_s1_remove").click()
    _run(at)
    _button(at, "Save draft").click()
    _run(at)
    assert any("Saved as draft" in s.value for s in at.success)
    [review] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert [(c.citation_id, c.stance, c.quote) for c in review.citations] == [
        (first.id, "contradicts", "no benefit")
    ]
    from db.citations import search_library

    [stored] = [c for c in search_library(world["db"], world["rita"], "27557302")]
    assert stored.study_design == "cohort"


def test_the_article_picker_lists_the_newest_and_the_one_asked_for(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.articles import import_file
    from review_app.components import article_picker

    monkeypatch.setattr(article_picker, "PICKER_LIMIT", 2)
    texts = [f"Drug {i} lowered blood pressure.".encode() for i in range(3)]
    newer = [
        import_file(world["db"], text, f"{i}.txt", actor=OPERATOR).article_id
        for i, text in enumerate(texts)
    ]
    at = _open(world)  # asks for the demo article, now the oldest of four
    picker = _widget(at, "selectbox", "review_article")
    # The two newest, then the (older) article the address asks for; not article newer[0].
    assert [option.split(" · ")[0] for option in picker.options] == [
        str(newer[2]),
        str(newer[1]),
        str(world["article"]),
    ]
    assert picker.value == world["article"]
    assert any("2 newest of 4 articles" in c.value for c in at.caption)


@pytest.mark.parametrize("change", ["deactivated", "idle", "role removed"])
def test_a_click_after_the_login_lapsed_saves_nothing(world: dict, change: str) -> None:
    from db.accounts import set_active, set_roles

    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    # Meanwhile an administrator acts, or the tab sits idle past the timeout.
    if change == "deactivated":
        set_active(world["db"], OPERATOR, "rita", False)
    elif change == "idle":
        at.session_state["auth_last_seen"] = at.session_state["auth_last_seen"] - 10 * 86400
    else:
        set_roles(world["db"], OPERATOR, "rita", ["admin"])  # who may not review
    _button(at, "Submit").click()
    _run(at)
    assert reviews_of_claim(world["db"], OPERATOR, world["claims"][9]) == []
    if change != "role removed":
        assert any(h.value == "Log in to claimreview" for h in at.title)


def test_keep_mine_never_withdraws_a_submission_made_in_another_tab(world: dict) -> None:
    claim_id = world["claims"][9]
    save_review(world["db"], world["rita"], claim_id, verdict="accurate", certainty="high",
                rationale="Draft")  # fmt: skip
    at = _open(world, 9)
    save_review(world["db"], world["rita"], claim_id, verdict="accurate", certainty="high",
                rationale="Submitted elsewhere", submit=True, expected_version=1)  # fmt: skip
    _widget(at, "text_area", "_rationale").set_value("My draft here")
    _button(at, "Save draft").click()
    _run(at)
    assert any("keeps it submitted" in c.value for c in at.caption)
    _button(at, "Keep mine").click()
    _run(at)
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert (stored.rationale, stored.status) == ("My draft here", "submitted")


def test_a_design_someone_set_meanwhile_is_not_wiped_by_my_save(world: dict) -> None:
    from claims.identifiers import parse_identifiers
    from db.accounts import create_user
    from db.citations import add_citations, search_library, set_study_design

    at = _open(world, 9)
    _widget(at, "text_area", "_paste").set_value("PMID 27557302")
    _run(at)  # a row "new to the library", its design not set
    raj, _ = create_user(world["db"], OPERATOR, "raj", ["reviewer"], password="long password2")
    (entry,) = add_citations(world["db"], actor_for(raj), parse_identifiers("PMID 27557302")[0])
    set_study_design(world["db"], actor_for(raj), entry.id, "rct")  # meanwhile, by Raj
    choose(at, "Accurate")
    _button(at, "Save draft").click()
    _run(at)
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert [c.citation_id for c in review.citations] == [entry.id]
    [stored] = search_library(world["db"], OPERATOR, "27557302")
    assert stored.study_design == "rct"


def test_the_navigator_shows_a_save_made_on_the_page(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    _button(at, "Submit & next").click()
    _run(at)
    assert [row["Mine"] for row in _navigator(at) if row["#"] == 9] == ["✓ Misleading"]
    assert _table_data(at)["progress"]["strong"] == "1 of 24"


def test_moving_away_from_unsaved_changes_is_held_back_until_they_are_discarded(
    world: dict,
) -> None:
    at = _open(world, 9)
    choose(at, "Misleading")
    _button(at, "Next →").click()
    _run(at)
    assert "Claim 9 of 30" in _claim_shown(at)  # kept here
    assert any("unsaved changes, so you were kept here" in w.value for w in at.warning)
    assert at.pills(key="review_form_verdict").value == "misleading"  # nothing lost
    _button(at, "Discard my changes and move on").click()
    _run(at)
    assert "Claim 10 of 30" in _claim_shown(at)
    assert reviews_of_claim(world["db"], world["rita"], world["claims"][9]) == []


def test_a_full_run_of_the_page_keeps_the_navigator_rows_it_read(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reopening the page (a full run) with nothing changed reads the navigator's rows once:
    the kept rows still match what they were read for."""
    import db.workspace

    calls = []
    real = db.workspace.review_navigator

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(db.workspace, "review_navigator", counted)
    # Kept rows are read again each half minute: keep the clock inside one half minute.
    middle = (time.time() // 30) * 30 + 15
    monkeypatch.setattr(time, "time", lambda: middle)
    at = _open(world, 3)
    assert len(calls) == 1
    _run(at)  # the whole page again, as after a filter set and cleared, or a page switch
    _run(at)
    assert len(calls) == 1


def test_a_save_and_the_page_it_redraws_check_the_login_once(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The save's callback checks the login against the database (a disabled reviewer saves
    # nothing); the run that follows, milliseconds later, takes that check instead of another.
    at = _open(world, 9)
    choose(at, "Accurate")
    choose(at, "High")
    checks = []
    real = auth.get_user

    def counted(database, user_id):
        checks.append(user_id)
        return real(database, user_id)

    monkeypatch.setattr(auth, "get_user", counted)
    _button(at, "Submit & next").click()
    _run(at)
    assert at.query_params["claim"] == str(world["claims"][10])  # saved, and moved on
    assert checks == [world["rita"].user_id]
    _run(at)  # a later run checks again
    assert checks == [world["rita"].user_id] * 2
