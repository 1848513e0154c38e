"""The team flow in AppTest on the demo article: an editor assigns two reviewers, both review
blind, they disagree, the editor adjudicates, and the report carries the decision."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from claims.exports import export
from claims.permissions import Actor
from claims.scales import default_scales
from db.accounts import create_user
from db.articles import import_demo_if_empty
from db.engine import Database
from db.queries import article_bundle
from tests.app.conftest import APP, choose, run_app, save

OPERATOR = Actor.operator("test")


@pytest.fixture
def world(app_database: Database) -> dict:
    sqlite_database = app_database
    article = import_demo_if_empty(sqlite_database).article_id
    ids = {}
    for name, role in (("rita", "reviewer"), ("raj", "reviewer"), ("edna", "editor")):
        ids[name] = create_user(sqlite_database, OPERATOR, name, [role], password=name * 5)[0].id
    return {"db": sqlite_database, "article": article, **ids}


def _run(at: AppTest) -> AppTest:
    return run_app(at)


def _page(user_id: int, page: str, article: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = user_id
    if article is not None:
        at.query_params["article"] = str(article)
    at.switch_page(f"views/{page}.py")
    return _run(at)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _review_first_in_queue(world: dict, who: str, verdict: str, certainty: str) -> AppTest:
    at = _page(world[who], "queue")
    assert any("24 assigned claims wait" in c.value for c in at.caption)
    link = at.dataframe[0].value["Open"][0]  # review?article=A&claim=C, oldest first
    _button(at, "Review the first").click()
    _run(at)
    assert at.title[0].value == "Review" and at.query_params["claim"] == link.split("claim=")[1]
    # AppTest's next run goes back to the page it was started on: open the link afresh.
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world[who]
    for pair in link.split("?")[1].split("&"):
        name, value = pair.split("=")
        at.query_params[name] = value
    at.switch_page("views/review.py")
    _run(at)
    hidden = [i.value for i in at.info if "Blind review" in i.value]
    if who == "raj":  # Rita submitted first: Raj may not see her review yet
        assert hidden and "1 other review" in hidden[0]
        assert not any(e.label.startswith("Other reviews") for e in at.expander)
    choose(at, LABELS["verdict"][verdict])
    choose(at, LABELS["certainty"][certainty])
    return save(at, "Submit")


LABELS = {name: default_scales()[name].labels() for name in ("verdict", "certainty")}


def test_two_blind_reviewers_disagree_and_the_editor_decides(world: dict) -> None:
    # The editor assigns the whole demo article to Rita and Raj.
    at = _page(world["edna"], "assignments", world["article"])
    at.multiselect(key="assign_reviewers").set_value([world["raj"], world["rita"]])
    _button(at, "Assign").click()
    _run(at)
    assert any("2 new assignments" in s.value for s in at.success)
    assert sorted(at.dataframe[0].value["Reviewer"]) == ["raj", "rita"]
    assert any("Blind review is on now" in c.value for c in at.caption)

    rita = _review_first_in_queue(world, "rita", "accurate", "high")
    assert any("Submitted" in s.value for s in rita.success)
    raj = _review_first_in_queue(world, "raj", "misleading", "low")
    # Having submitted, Raj now sees Rita's review.
    assert not any("Blind review" in i.value for i in raj.info)
    assert any(e.label == "Other reviews (1)" for e in raj.expander)
    raj.session_state["review_others_open"] = True  # Raj opens them
    _run(raj)
    assert any("rita" in m.value and "Accurate" in m.value for m in raj.markdown)

    # The editor sees the disagreement side by side and records the decision.
    at = _page(world["edna"], "adjudication", world["article"])
    assert any("1 claim awaiting a decision" in c.value for c in at.caption)
    assert any("rita" in m.value for m in at.markdown) and any(
        "raj" in m.value for m in at.markdown
    )
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith("_verdict"))).set_value(
        "misleading"
    )
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith("_certainty"))).set_value(
        "low"
    )
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith("_reason"))).set_value(
        "new_evidence"
    )
    at.text_area(key=next(t.key for t in at.text_area if t.key.endswith("_note"))).set_value(
        "A 2024 trial settles it."
    )
    next(b for b in at.button if b.label == "Record the decision").click()
    _run(at)
    assert any("decided" in s.value for s in at.success)
    assert any("Nothing to adjudicate" in i.value for i in at.info)

    # Agreement on the assignments page rests on the one claim both reviewed.
    at = _page(world["edna"], "assignments", world["article"])
    figures = next(d.value for d in at.dataframe if "Cohen's kappa" in d.value.columns)
    assert list(figures["Claims rated twice or more"]) == [1, 1]
    assert list(figures["Percent agreement"]) == ["0.0", "0.0"]

    # The report carries the editor's decision, no longer a provisional finding.
    with world["db"].read() as session:
        bundle = article_bundle(session, OPERATOR, world["article"])
    report = export(bundle, "md")
    claim = report[: report.index("A 2024 trial settles it")].rsplit("### Claim", 1)[1]
    assert "**Verdict:** Misleading" in claim and "rovisional" not in claim
    assert "*Editor's decision (edna): New evidence.*" in claim
    decided = [c for c in bundle["claims"] if c["decision"]]
    assert len(decided) == 1 and decided[0]["decision"]["verdict"] == "misleading"


def test_adjudication_shows_a_cited_sources_retraction_and_grade_domains(world: dict) -> None:
    from claims.grade import assessment_from_form
    from claims.identifiers import parse_identifiers
    from db.accounts import actor_for, get_user
    from db.citations import add_citations
    from db.models import Citation
    from db.queries import claim_page
    from db.reviews import CitedSource, save_review

    database = world["db"]
    rita, raj = (actor_for(get_user(database, world[n])) for n in ("rita", "raj"))
    with database.read() as session:
        claim = claim_page(session, OPERATOR, world["article"], limit=1)[0].id
    (source,) = add_citations(database, rita, parse_identifiers("PMID 9500320")[0])
    with database.write() as session:  # as a lookup leaves it (db/source_lookups.py)
        session.get(Citation, source.id).flags = "retracted"
    graded = assessment_from_form("randomised", {"imprecision": (-1, "few events")}, {})
    save_review(database, rita, claim, verdict="accurate", certainty="moderate", submit=True,
                citations=[CitedSource(source.id, "supports")], grade=graded)  # fmt: skip
    save_review(database, raj, claim, verdict="misleading", certainty="low", submit=True)
    at = _page(world["edna"], "adjudication", world["article"])
    cited = [c.value for c in at.caption if "PMID" in c.value or "9500320" in c.value]
    assert cited and ":red-badge[:material/warning: Retracted]" in cited[0]
    captions = [c.value.replace("\\", "") for c in at.caption]  # as shown: escapes gone
    assert any(c.startswith("GRADE: Randomised trials; imprecision: serious") for c in captions)
    assert any("Rated down one level for imprecision: few events" in c for c in captions)
