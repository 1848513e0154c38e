"""The Search page and the sidebar's search box, as a reviewer and an editor use them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.assignments import assign
from db.engine import Database
from db.reviews import save_review
from db.search import search_claims
from tests.app.conftest import APP, run_app

OPERATOR = Actor.operator("test")


@pytest.fixture
def desk(app_database: Database) -> dict:
    article = import_demo_if_empty(app_database)
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("raj", ["reviewer"]), ("edna", ["editor"])):
        user, _ = create_user(app_database, OPERATOR, name, roles, password="a long password")
        people[name] = user.id
    return {"article_id": article.article_id, **people}


def _search_page(user_id: int, query: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = user_id
    if query is not None:
        at.query_params["q"] = query
    at.switch_page("views/search.py")
    return run_app(at)


def _results(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.get("page_link")]


def _claim_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if ":orange-background[" in m.value]


def test_a_search_shows_ranked_claims_with_the_words_marked_and_a_link(
    app_database: Database, desk: dict
) -> None:
    at = _search_page(desk["rita"], "immune system")
    texts = _claim_texts(at)
    assert texts, [m.value for m in at.markdown]
    assert all("immune" in t.lower() for t in texts)
    assert "**:orange-background[immune]**" in texts[0]
    assert any("Showing" in c.value for c in at.caption)
    # Each result opens its claim on the review page.
    links = [p for p in at.get("page_link")]
    assert links and all("review" in p.proto.page for p in links)


def test_typing_a_new_query_updates_the_address_and_results(
    app_database: Database, desk: dict
) -> None:
    at = _search_page(desk["rita"])
    assert any("Type words to search for" in i.value for i in at.info)
    at.text_input(key="search_q").set_value("chemotherapy")
    run_app(at)
    assert at.query_params["q"] == "chemotherapy"
    assert all("chemotherap" in t.lower() for t in _claim_texts(at))
    at.text_input(key="search_q").set_value("kryptonite")
    run_app(at)
    assert any("No claim matches" in i.value for i in at.info)
    at.text_input(key="search_q").set_value("the of")
    run_app(at)
    assert any("at least one word" in w.value for w in at.warning)


def test_the_sidebar_box_opens_the_search_page_from_any_page(
    app_database: Database, desk: dict
) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = desk["edna"]
    run_app(at)
    assert at.title[0].value == "Articles"
    at.sidebar.text_input(key="search_box").set_value("bone marrow")
    run_app(at)
    assert at.title[0].value == "Search"
    assert at.text_input(key="search_q").value == "bone marrow"
    assert any("bone" in t.lower() for t in _claim_texts(at))


def test_a_reviewer_never_finds_a_blind_co_reviewers_rationale(
    app_database: Database, desk: dict
) -> None:
    assign(app_database, OPERATOR, desk["article_id"], [desk["rita"], desk["raj"]])
    with app_database.read() as session:
        claim_id = (
            search_claims(session, actor_for_id(app_database, desk["edna"]), _query("bone marrow"))
            .hits[0]
            .claim_id
        )
    save_review(
        app_database, actor_for_id(app_database, desk["rita"]), claim_id,
        verdict="accurate", certainty="high", rationale="Haematology textbook agrees.",
        submit=True,
    )  # fmt: skip
    assert not _results(_search_page(desk["raj"], "haematology textbook"))
    for name in ("edna", "rita"):
        found = _search_page(desk[name], "haematology textbook")
        assert len(_results(found)) == 1
        assert any("found in a review" in c.value for c in found.caption)
        assert any("↳ **:orange-background[Haematology]**" in c.value for c in found.caption)


def actor_for_id(database: Database, user_id: int) -> Actor:
    from db.accounts import get_user

    return actor_for(get_user(database, user_id))


def _query(text: str):  # type: ignore[no-untyped-def]
    from claims.search import parse_query

    return parse_query(text)
