"""The review page: one claim in context, the review form, save and next, stale saves, splits."""

from __future__ import annotations

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
from tests.app.conftest import (
    APP,
    choose,
    component_data,
    rating_shown,
    run_app,
    save,
    send_choice,
    send_event,
)

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
    return component_data(at, "claimreview_navigator")


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
    return component_data(at, "claimreview_claim")["html"]


def _status_line(at: AppTest) -> str:
    """The form's line saying where my review stands (HTML)."""
    return next(h.proto.body for h in at.get("html") if "Your review:" in h.proto.body)


def _paste(at: AppTest, text: str) -> AppTest:
    """Paste ``text`` into the form's "Add sources" box and leave it (which sends it, with the
    form it was typed on and the next count)."""
    data = component_data(at, "claimreview_source_adder")
    box = {"form": data["form"], "count": data["seen"] + 1, "text": text}
    return send_event(at, "claimreview_source_adder", "", None, state={"box": box})


def _paste_box(at: AppTest) -> str:
    """What the "Add sources" box holds, as the server last set it."""
    return component_data(at, "claimreview_source_adder")["text"]


def _move(at: AppTest, move: str) -> AppTest:
    """Click Previous or Next ("previous", "next") above the claim."""
    return send_event(at, "claimreview_claim", "move", move)


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
    _paste(at, "PMID 27557302\ndoi:10.1056/NEJMoa1606038")
    # Each pasted identifier is a source row at once, before any save; the box is emptied.
    rows = [m.value for m in at.markdown if "library" in m.value]
    assert rows == [
        "1\\. PMID 27557302 \\(new to the library\\)",
        "2\\. DOI 10\\.1056/nejmoa1606038 \\(new to the library\\)",
    ]
    assert _paste_box(at) == ""
    assert "unsaved changes" in _status_line(at)
    save(at, "Submit & next")
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.certainty, review.status) == ("misleading", "low", "submitted")
    assert len(review.citations) == 2
    # The next unreviewed checkable claim is open now.
    assert at.query_params["claim"] == str(world["claims"][10])
    assert "Claim 10 of 30" in _claim_shown(at)


def test_a_refused_identifier_saves_nothing_and_says_why(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Accurate")
    _paste(at, "javascript:alert(1)")
    assert any("javascript" in e.value for e in at.error)
    save(at, "Save draft")
    assert any("nothing was saved" in e.value for e in at.error)
    assert reviews_of_claim(world["db"], world["rita"], world["claims"][9]) == []
    assert rating_shown(at)["verdict"] == "accurate"  # nothing chosen is lost
    assert _paste_box(at) == "javascript:alert(1)"


def test_the_rating_picker_takes_only_its_own_options(world: dict) -> None:
    """What the browser sends is checked: an option the scale lacks, a value that is not a
    code, a choice made on another form, or one no newer than the last applied, changes
    nothing; the chosen option clicked again (sent as none) clears it."""
    at = _open(world, 9)
    choose(at, "Misleading")
    for sent in (
        {"verdict": "wrong"},
        {"verdict": 3},
        {"verdict": ["accurate"]},
        {"form": "1:0:1", "verdict": "accurate"},  # another claim's form
        {"count": 0, "verdict": "accurate"},  # no newer than the last one taken
        {"count": "9", "verdict": "accurate"},
    ):
        data = component_data(at, "claimreview_rating")
        send_event(at, "claimreview_rating", "", None, state={"choice": {
            "form": data["form"], "count": data["seen"] + 1, **sent}})  # fmt: skip
        assert rating_shown(at) == {"verdict": "misleading", "certainty": None}, sent
    send_choice(at, verdict=None)
    assert rating_shown(at)["verdict"] is None
    assert "unsaved changes" not in _status_line(at)
    choose(at, "Misleading")
    send_choice(at, certainty="low")  # a row left out is left as it is
    assert rating_shown(at) == {"verdict": "misleading", "certainty": "low"}


def test_choices_and_a_paste_sent_with_a_save_are_saved(world: dict) -> None:
    """A verdict, a certainty and a paste that reach the server in the same request as Save
    (keys pressed faster than the page redraws, a box left by clicking Save): the save's
    callback takes them first, so the draft holds all three."""
    at = _open(world, 9)
    rating = component_data(at, "claimreview_rating")
    choice = {"form": rating["form"], "count": 2, "verdict": "misleading", "certainty": "low"}
    save(at, "Save draft", claimreview_rating={"choice": choice})
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.certainty, review.status) == ("misleading", "low", "draft")
    assert len(review.citations) == 0
    adder = component_data(at, "claimreview_source_adder")  # the form of the version saved
    box = {"form": adder["form"], "count": 1, "text": "PMID 27557302"}
    save(at, "Save draft", claimreview_source_adder={"box": box})
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert [c.citation_id is not None for c in review.citations] == [True]


def test_a_save_button_the_bar_does_not_draw_saves_nothing(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Accurate")
    for action in ("delete", "", 3, ["next"], None):
        send_event(at, "claimreview_saves", "save", action)
        assert reviews_of_claim(world["db"], world["rita"], world["claims"][9]) == []
    save(at, "Save draft")
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.status) == ("accurate", "draft")


def test_two_saves_sent_together_save_once(world: dict) -> None:
    """A double click on Save draft, or D then Enter before the page answered, reach the
    server as two events of one request: the form is saved once, and the second finds no
    form left to save (not the emptied one, which would be refused or seen as a conflict)."""
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    send_event(at, "claimreview_saves", "save", "draft", then=[("save", "next")])
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.version) == ("misleading", 1)
    assert not at.error and not any("changed" in w.value for w in at.warning)


def test_what_the_browser_sends_again_after_a_discard_is_not_taken_again(world: dict) -> None:
    """The browser sends a component's last state with every click. A choice and a paste made
    on claim 9, discarded on the way to claim 10, stay discarded when the reviewer comes back
    to claim 9 (same claim, same version) and clicks on: they belong to the form's earlier
    filling."""
    at = _open(world, 9)
    choose(at, "Misleading")
    _paste(at, "PMID 27557302")
    old_choice = at.session_state["review_form_rating"]["choice"]
    old_box = at.session_state["review_form_adder"]["box"]
    _move(at, "next")
    _button(at, "Discard my changes and move on").click()
    _run(at)
    assert "Claim 10 of 30" in _claim_shown(at)
    _move(at, "previous")
    assert "Claim 9 of 30" in _claim_shown(at)
    for name, state in (("claimreview_rating", {"choice": old_choice}),
                        ("claimreview_source_adder", {"box": old_box})):  # fmt: skip
        send_event(at, name, "", None, state=state)
    assert rating_shown(at) == {"verdict": None, "certainty": None}
    assert [m.value for m in at.markdown if "PMID" in m.value] == []
    assert "unsaved changes" not in _status_line(at)


def test_the_library_finder_is_drawn_only_while_open_and_cites_in_one_click(
    world: dict,
) -> None:
    from claims.identifiers import parse_identifiers
    from db.citations import add_citations

    add_citations(world["db"], OPERATOR, parse_identifiers("PMID 27557302")[0])
    at = _open(world, 9)
    finder = "Title, author, journal or identifier"
    assert [t for t in at.text_input if t.label == finder] == []
    assert component_data(at, "claimreview_source_adder")["finder_open"] is False
    send_event(at, "claimreview_source_adder", "finder", True)
    [query] = [t for t in at.text_input if t.label == finder]
    query.set_value("27557302")
    _run(at)
    _button(at, "Cite").click()
    _run(at)
    [row] = [m.value for m in at.markdown if "PMID" in m.value]
    assert row.startswith("1\\. PMID 27557302")
    assert component_data(at, "claimreview_source_adder")["none_yet"] is None
    send_event(at, "claimreview_source_adder", "finder", False)
    assert [t for t in at.text_input if t.label == finder] == []


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
    save(at, "Save draft")
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
    assert rating_shown(at)["verdict"] == "inaccurate"
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
    save(at, "Save draft")
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
    save(at, "Submit")
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
    save(at, "Save draft")
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
    _paste(at, "PMID 27557302")  # a row "new to the library", its design not set
    raj, _ = create_user(world["db"], OPERATOR, "raj", ["reviewer"], password="long password2")
    (entry,) = add_citations(world["db"], actor_for(raj), parse_identifiers("PMID 27557302")[0])
    set_study_design(world["db"], actor_for(raj), entry.id, "rct")  # meanwhile, by Raj
    choose(at, "Accurate")
    save(at, "Save draft")
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert [c.citation_id for c in review.citations] == [entry.id]
    [stored] = search_library(world["db"], OPERATOR, "27557302")
    assert stored.study_design == "rct"


def test_the_navigator_shows_a_save_made_on_the_page(world: dict) -> None:
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    save(at, "Submit & next")
    assert [row["Mine"] for row in _navigator(at) if row["#"] == 9] == ["✓ Misleading"]
    assert _table_data(at)["progress"]["strong"] == "1 of 24"


def test_moving_away_from_unsaved_changes_is_held_back_until_they_are_discarded(
    world: dict,
) -> None:
    at = _open(world, 9)
    choose(at, "Misleading")
    _move(at, "next")
    assert "Claim 9 of 30" in _claim_shown(at)  # kept here
    assert any("unsaved changes, so you were kept here" in w.value for w in at.warning)
    assert rating_shown(at)["verdict"] == "misleading"  # nothing lost
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
    save(at, "Submit & next")
    assert at.query_params["claim"] == str(world["claims"][10])  # saved, and moved on
    assert checks == [world["rita"].user_id]
    _run(at)  # a later run checks again
    assert checks == [world["rita"].user_id] * 2


def test_submit_and_next_is_saved_after_its_click_and_shown_at_once(world: dict) -> None:
    """Submit & next shows the next claim while its save is made just after (the navigator
    already shows the claim as submitted); the session's next run finds it stored, and going
    back shows it as saved."""
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "Low")
    save(at, "Submit & next")
    assert "Claim 10 of 30" in _claim_shown(at)
    assert [row["Mine"] for row in _navigator(at) if row["#"] == 9] == ["✓ Misleading"]
    [review] = reviews_of_claim(world["db"], world["rita"], world["claims"][9])
    assert (review.verdict, review.status, review.version) == ("misleading", "submitted", 1)
    _move(at, "previous")
    assert "Claim 9 of 30" in _claim_shown(at)
    assert "Submitted · last saved" in _status_line(at)
    assert "unsaved changes" not in _status_line(at)
    assert not at.error


def test_a_submit_and_next_refused_after_its_click_keeps_the_review_to_take_back(
    world: dict,
) -> None:
    """The same review saved from another tab while the form was open: the Submit & next made
    after the click is refused. The reviewer's next click shows it, the navigator shows what
    is stored, and "Open claim 9 with my review" brings back every value they entered, with
    both versions side by side; "Keep mine" then saves it."""
    from claims.identifiers import parse_identifiers
    from db.citations import add_citations
    from db.reviews import CitedSource

    claim_id = world["claims"][9]
    at = _open(world, 9)
    [other] = add_citations(world["db"], world["rita"], parse_identifiers("PMID 27557302")[0])
    cited = [CitedSource(other.id, "contradicts")]
    save_review(world["db"], world["rita"], claim_id, verdict="inaccurate", certainty="low",
                rationale="Other tab", citations=cited)  # fmt: skip
    _widget(at, "text_area", "_rationale").set_value("This tab")
    choose(at, "Misleading")
    choose(at, "High")
    save(at, "Submit & next")
    assert "Claim 10 of 30" in _claim_shown(at)  # shown before the save was made
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert stored.rationale == "Other tab"  # nothing overwritten

    choose(at, "Accurate")  # the next click, on claim 10
    [notice] = [e.value for e in at.error if "was not saved" in e.value]
    assert "claim 9" in notice and "changed elsewhere" in notice
    assert [row["Mine"] for row in _navigator(at) if row["#"] == 9] == ["✎ Inaccurate"]

    # Claim 10's own unsaved choice is never overwritten: held back, and said so.
    _button(at, "Open claim 9 with my review").click()
    _run(at)
    assert "Claim 10 of 30" in _claim_shown(at)
    assert any("unsaved changes, so claim 9 was not opened" in w.value for w in at.warning)
    send_choice(at, verdict=None)  # claim 10's choice taken back
    _button(at, "Open claim 9 with my review").click()
    _run(at)
    assert "Claim 9 of 30" in _claim_shown(at)
    assert _widget(at, "text_area", "_rationale").value == "This tab"
    assert rating_shown(at) == {"verdict": "misleading", "certainty": "high"}
    assert list(at.table[0].value["Stored now"])[:2] == ["Inaccurate", "Low"]
    assert not [e for e in at.error if "was not saved" in e.value]  # taken back: gone

    _button(at, "Keep mine").click()
    _run(at)
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert (stored.verdict, stored.certainty, stored.rationale, stored.status) == (
        "misleading", "high", "This tab", "submitted"
    )  # fmt: skip


def test_a_refused_submit_and_next_can_be_let_go(world: dict) -> None:
    claim_id = world["claims"][9]
    at = _open(world, 9)
    save_review(world["db"], world["rita"], claim_id, verdict="inaccurate", certainty="low",
                rationale="Other tab")  # fmt: skip
    choose(at, "Misleading")
    choose(at, "High")
    save(at, "Submit & next")
    _run(at)
    assert [e for e in at.error if "was not saved" in e.value]
    _button(at, "Let it go").click()
    _run(at)
    assert not [e for e in at.error if "was not saved" in e.value]
    assert not [b for b in at.button if b.label.startswith("Open claim 9")]
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert stored.rationale == "Other tab"


def test_a_submit_and_next_the_database_could_not_store_keeps_the_review(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails the save made after the click (a locked or full disk): the next
    click says so, with the failure's kind, and the review taken back saves once it is up."""
    from sqlalchemy.exc import OperationalError

    from review_app.components import review_form

    claim_id = world["claims"][9]
    at = _open(world, 9)
    _widget(at, "text_area", "_rationale").set_value("Two trials, both small")
    choose(at, "Misleading")
    choose(at, "Low")
    real = review_form._ReviewWrite.write

    def down(self: object, db: object) -> None:
        raise OperationalError("INSERT INTO reviews", {}, Exception("disk I/O error"))

    monkeypatch.setattr(review_form._ReviewWrite, "write", down)
    save(at, "Submit & next")
    assert "Claim 10 of 30" in _claim_shown(at)
    _run(at)  # the next click
    [notice] = [e.value.replace("\\", "") for e in at.error if "was not saved" in e.value]
    assert "claim 9" in notice  # Markdown's escapes taken off, as the page shows it
    assert "the database could not store it (OperationalError)" in notice
    assert reviews_of_claim(world["db"], world["rita"], claim_id) == []

    monkeypatch.setattr(review_form._ReviewWrite, "write", real)  # the database is back
    _button(at, "Open claim 9 with my review").click()
    _run(at)
    assert "Claim 9 of 30" in _claim_shown(at)
    shown = [e.value.replace("\\", "") for e in at.error]
    assert "Not saved: the database could not store it (OperationalError)." in shown
    assert _widget(at, "text_area", "_rationale").value == "Two trials, both small"
    save(at, "Submit")
    [stored] = reviews_of_claim(world["db"], world["rita"], claim_id)
    assert (stored.verdict, stored.certainty, stored.rationale, stored.status) == (
        "misleading", "low", "Two trials, both small", "submitted"
    )  # fmt: skip


def test_a_submit_and_next_without_a_certainty_is_refused_at_once(world: dict) -> None:
    """What can be refused without the database is refused on the click, on the claim."""
    at = _open(world, 9)
    choose(at, "Misleading")
    save(at, "Submit & next")
    assert "Claim 9 of 30" in _claim_shown(at)
    assert any("before submitting" in e.value for e in at.error)
    assert reviews_of_claim(world["db"], world["rita"], world["claims"][9]) == []


def _refused_after_click(world: dict, at: AppTest) -> int:
    """Claim 9 saved from another tab while ``at`` has it open, then Submit & next there: the
    save made after the click is refused. The claim's id."""
    claim_id = world["claims"][9]
    save_review(world["db"], world["rita"], claim_id, verdict="inaccurate", certainty="low",
                rationale="Other tab")  # fmt: skip
    save(at, "Submit & next")
    return claim_id


def test_a_review_rated_by_grade_domains_is_taken_back_whole(world: dict) -> None:
    """The GRADE panel open with its "Use … for my certainty" button on screen: taking the
    review back sets the domains' values, never that button (which Streamlit refuses)."""
    at = _open(world, 9)
    at.session_state["review_grade_open"] = True
    at.session_state["review_form_g_on"] = True
    at.session_state["review_form_g_start"] = "randomised"
    _run(at)
    choose(at, "Misleading")
    choose(at, "Moderate")
    assert [b for b in at.button if b.label.startswith("Use High")]
    _widget(at, "text_input", "_g_override_why").set_value("Two small trials only")
    _run(at)
    _refused_after_click(world, at)
    _run(at)
    _button(at, "Open claim 9 with my review").click()
    _run(at)
    assert not at.exception
    assert "Claim 9 of 30" in _claim_shown(at)
    assert rating_shown(at) == {"verdict": "misleading", "certainty": "moderate"}
    assert _widget(at, "text_input", "_g_override_why").value == "Two small trials only"


def _new_session_logged_in(world: dict) -> AppTest:
    """A new browser session (a new tab, a reload) where Rita logs in and opens Review."""
    at = AppTest.from_file(APP, default_timeout=30)
    _run(at)
    at.text_input(key="auth_username").set_value("rita")
    at.text_input(key="auth_password").set_value("long password1")
    at.button[0].click()
    _run(at)
    at.query_params["article"] = str(world["article"])
    at.switch_page("views/review.py")
    return _run(at)


def test_a_review_refused_after_its_click_outlives_logging_out(world: dict) -> None:
    """Logged out right after the Submit & next whose save is then refused: the review is kept
    for the reviewer's next session here (a new tab, a reload, a login), and shown there."""
    at = _open(world, 9)
    choose(at, "Misleading")
    choose(at, "High")
    _refused_after_click(world, at)
    _button(at, "Log out").click()
    _run(at)
    assert at.text_input(key="auth_username")
    at = _new_session_logged_in(world)
    assert [e for e in at.error if "Your review of claim 9 was not saved" in e.value]
    _button(at, "Open claim 9 with my review").click()
    _run(at)
    assert rating_shown(at) == {"verdict": "misleading", "certainty": "high"}
    # Taken back: a later session is not shown it again.
    again = _new_session_logged_in(world)
    assert not [e for e in again.error if "was not saved" in e.value]


def test_the_claim_next_opens_was_read_ahead_of_the_click(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a claim is on screen and the page is quiet, the claim Next opens is read on a
    thread of its own: the click's run finds it read (a write meanwhile would key it anew)."""
    import threading

    from review_app import resources

    read_on: list[tuple[int, str]] = []
    real = resources.claim_context

    def recording(session, actor, claim_id):
        read_on.append((claim_id, threading.current_thread().name))
        return real(session, actor, claim_id)

    monkeypatch.setattr(resources, "claim_context", recording)
    at = _open(world, 9)
    ahead = [t for t in threading.enumerate() if t.name == "claimreview-read-ahead"]
    for thread in ahead:
        thread.join(10)
    assert (world["claims"][10], "claimreview-read-ahead") in read_on
    read_on.clear()
    _move(at, "next")
    assert "Claim 10 of 30" in _claim_shown(at)
    assert world["claims"][10] not in [claim for claim, _thread in read_on]
