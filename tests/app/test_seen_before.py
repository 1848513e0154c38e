"""The review page's "Seen before" panel: the earlier claim with its finding and sources, and
"Reuse these sources" filling a draft without a verdict, refused over unsaved typing; the
import's count, and the dashboard's recurring claims."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty, import_file
from db.citations import add_citations
from db.claim_matches import match_queued, recurring_claims
from db.decisions import record_decision
from db.engine import Database
from db.models import Claim
from db.reviews import CitedSource, reviews_of_claim, save_review
from tests.app.conftest import APP, run_app
from tests.samples import MYELOMA_RETELLINGS

OPERATOR = Actor.operator("test")
EARLIER = (
    "Myeloma explained\n\n"
    "Multiple myeloma is a cancer of the bone marrow, the soft tissue in bones that makes "
    "blood cells.\n"
)


@pytest.fixture
def desk(app_database: Database) -> dict:
    demo = import_demo_if_empty(app_database)
    earlier = import_file(app_database, EARLIER.encode(), "earlier.txt", actor=OPERATOR)
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("edna", ["editor"])):
        user, _ = create_user(app_database, OPERATOR, name, roles, password="a long password")
        people[name] = actor_for(user)
    with app_database.read() as session:
        old = session.scalar(select(Claim.id).where(Claim.article_id == earlier.article_id,
                                                    Claim.text.startswith("Multiple")))  # fmt: skip
        new = session.scalar(select(Claim.id).where(Claim.article_id == demo.article_id,
                                                    Claim.ordinal == 1))  # fmt: skip
    sources = add_citations(app_database, people["edna"], parse_identifiers("PMID 24656952")[0])
    save_review(
        app_database, people["edna"], old, verdict="accurate", certainty="high",
        rationale="Standard haematology.", submit=True,
        citations=[CitedSource(sources[0].id, "supports")],
    )  # fmt: skip
    record_decision(app_database, people["edna"], old, verdict="accurate", certainty="high",
                    reason="other")  # fmt: skip
    return {"demo": demo.article_id, "old": old, "new": new, **people}


def _review(desk: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = desk["rita"].user_id
    at.query_params["article"] = str(desk["demo"])
    at.query_params["claim"] = str(desk["new"])
    at.switch_page("views/review.py")
    return run_app(at)


def _panel(at: AppTest):  # type: ignore[no-untyped-def]
    return next(e for e in at.expander if e.label.startswith("Seen before"))


def test_the_earlier_claim_shows_with_its_decision_and_sources_are_reused(
    app_database: Database, desk: dict
) -> None:
    at = _review(desk)
    panel = _panel(at)
    assert "Accurate, certainty high (editor's decision)" in panel.label
    assert not [b for b in at.button if b.label == "Reuse these sources"]  # drawn when open
    at.session_state["review_seen_open"] = True
    run_app(at)
    assert any("Same claim" in m.value for m in at.markdown)
    assert any("soft tissue in bones" in m.value for m in at.markdown)
    assert any("supports" in m.value for m in at.markdown)
    # Unsaved typing in the form: the reuse is refused and the typing kept.
    at.text_area(key="review_form_rationale").set_value("My own notes.")
    run_app(at)
    next(b for b in at.button if b.label == "Reuse these sources").click()
    run_app(at)
    assert any("unsaved changes" in e.value for e in at.error)
    assert at.text_area(key="review_form_rationale").value == "My own notes."
    assert reviews_of_claim(app_database, desk["rita"], desk["new"]) == []
    at.text_area(key="review_form_rationale").set_value("")
    run_app(at)
    next(b for b in at.button if b.label == "Reuse these sources").click()
    run_app(at)
    assert any("1 source from the earlier claim" in s.value for s in at.success)
    [draft] = reviews_of_claim(app_database, desk["rita"], desk["new"])
    assert (draft.status, draft.verdict, draft.certainty) == ("draft", None, None)
    assert [c.stance for c in draft.citations] == ["supports"]
    # The form now shows the draft with its source, and no unsaved changes.
    [status] = [h.proto.body for h in at.get("html") if "Your review:" in h.proto.body]
    assert "Draft" in status and "unsaved" not in status


def test_an_import_says_how_many_claims_were_seen_before_and_the_claims_page_lists_them(
    app_database: Database, desk: dict
) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = desk["edna"].user_id
    run_app(at)
    at.text_area(key="importer_text").set_value(
        "Myeloma basics\n\nMultiple myeloma is a cancer that affects the bone marrow, the spongy "
        "tissue in bones that produces blood cells. Green tea prevents colds.\n"
    )
    at.text_input(key="importer_t2").set_value("Myeloma basics")
    next(b for b in at.button if b.label == "Import text").click()
    run_app(at)
    assert any("1 of this article's claims were seen before" in i.value for i in at.info)
    link = next(p for p in at.get("page_link") if p.proto.label == "Show the claims seen before")
    assert "seen=1" in link.proto.query_string
    # The Claims page, opened with the seen-before filter, lists only that claim.
    claims = AppTest.from_file(APP, default_timeout=30)
    claims.session_state["auth_user_id"] = desk["edna"].user_id
    claims.query_params["article"] = str(desk["demo"])
    claims.query_params["seen"] = "1"
    claims.switch_page("views/claims.py")
    run_app(claims)
    assert claims.toggle(key="claims_seen").value
    assert list(claims.dataframe[0].value["text"]) == [
        "Multiple myeloma is a type of cancer that affects the bone marrow, the spongy tissue "
        "inside your bones that produces blood cells."
    ]
    claims.toggle(key="claims_seen").set_value(False)
    run_app(claims)
    assert len(claims.dataframe[0].value) == 30


def test_the_dashboard_lists_a_claim_seen_in_three_articles_with_its_verdicts(
    app_database: Database, desk: dict
) -> None:
    # The myth of the desk fixture's earlier article (decided: accurate), in two more articles.
    for n, wording in enumerate(MYELOMA_RETELLINGS):
        import_file(app_database, f"Myeloma {n}\n\n{wording}\n".encode(), f"m{n}.txt",
                    actor=OPERATOR)  # fmt: skip
    match_queued(app_database, limit=500)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = desk["edna"].user_id
    at.switch_page("views/dashboard.py")
    run_app(at)
    [myth] = [e for e in at.expander if "articles**" in e.label]
    # The demo article says it too; the decided occurrence gives the claim its wording.
    assert myth.label.startswith("**4 articles** · Accurate ×1 · Not reviewed ×3 — Multiple ")
    assert "bone marrow, the soft tissue" in myth.label
    assert not any("Review" in m.value for m in at.markdown)  # read only when opened
    with app_database.read() as session:
        [recurring] = recurring_claims(session, desk["edna"])
    at.session_state[f"dashboard_recurring_{recurring.claim_id}"] = True  # opened
    run_app(at)
    [places] = [m.value for m in at.markdown if m.value.startswith("| Article | # | Claim |")]
    rows = places.splitlines()[2:]
    assert len(rows) == 4
    assert f"(review?article={desk['demo']}&claim={desk['new']})" in places
    assert sum("| Accurate | High |" in row for row in rows) == 1


def test_an_import_with_no_time_left_to_match_says_the_rest_is_matched_in_the_background(
    app_database: Database, desk: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("db.claim_matches.IMPORT_SECONDS", 0.0)  # a desk too large to wait for
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = desk["edna"].user_id
    run_app(at)
    at.text_area(key="importer_text").set_value(
        "Two claims\n\nGreen tea prevents colds. Zinc shortens colds by two days.\n"
    )
    at.text_input(key="importer_t2").set_value("Two claims")
    next(b for b in at.button if b.label == "Import text").click()
    run_app(at)
    assert any(
        "Still comparing 2 claims of this article with the desk's earlier claims, in the "
        "background" in i.value
        for i in at.info
    )
