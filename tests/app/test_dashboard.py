"""The evidence-gap dashboard page, run headless with AppTest on the demo article."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty, import_file
from db.engine import Database
from db.reviews import save_review
from db.workspace import review_navigator
from review_app.components.claim_map import claim_map_chart, claim_map_frame
from review_app.components.table_download import safe_csv
from tests.app.conftest import APP, run_app

OPERATOR = Actor.operator("test")


@pytest.fixture
def world(app_database: Database) -> dict:
    sqlite_database = app_database
    article = import_demo_if_empty(sqlite_database)
    user, _ = create_user(sqlite_database, OPERATOR, "rita", ["reviewer"], password="p" * 14)
    rita = actor_for(user)
    with sqlite_database.read() as session:
        _, rows = review_navigator(session, rita, article.article_id, limit=100)
    claims = {r.ordinal: r.id for r in rows}
    save_review(sqlite_database, rita, claims[9], verdict="accurate", certainty="very_low",
                submit=True)  # fmt: skip
    save_review(sqlite_database, rita, claims[10], verdict="misleading", certainty="low",
                submit=True)  # fmt: skip
    other = import_file(
        sqlite_database, b"Drug X cures all cancers. Drug Y lowers blood pressure.", "other.txt",
        actor=OPERATOR,
    ).article_id  # fmt: skip
    editor, _ = create_user(sqlite_database, OPERATOR, "edna", ["editor"], password="e" * 14)
    return {"db": sqlite_database, "article": article.article_id, "other": other,
            "rita": rita, "editor": editor.id, "claims": claims}  # fmt: skip


def _run(at: AppTest) -> AppTest:
    return run_app(at)


def _dashboard(world: dict, article: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    # Dashboards sum everyone's reviews: editors only (a reviewer's would break blind review).
    at.session_state["auth_user_id"] = world["editor"]
    if article is not None:
        at.query_params["article"] = str(article)
    at.switch_page("views/dashboard.py")
    return _run(at)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# AppTest's tables carry no key: each one is known by a column only it has.
TABLES = {
    "ranking": "Dashboard",
    "gap claims": "Open",  # (in the all-articles view; the claim map has one too)
    "claim map": "Certainty",
    "throughput": "Week",
}


def _table(at: AppTest, name: str):
    return next(d.value for d in at.dataframe if TABLES[name] in d.value.columns)


def _has_table(at: AppTest, name: str) -> bool:
    return any(TABLES[name] in d.value.columns for d in at.dataframe)


def test_all_articles_counts_and_a_gap_opens_its_claims(world: dict) -> None:
    at = _dashboard(world)
    assert _metrics(at) == {"Claims": "32", "Checkable": "26", "Reviewed": "2", "Decided": "0",
                            "In an open gap": "26", "Awaiting adjudication": "0"}  # fmt: skip
    gaps = at.dataframe[0].value.set_index("Gap")["Claims"]
    assert gaps["Checkable claims with no submitted review"] == 24
    assert gaps["Verdict and certainty clash"] == 1
    ranking = _table(at, "ranking")
    assert list(ranking["Article"]) == [world["article"], world["other"]]  # most open gaps first
    assert ranking["Dashboard"][1] == f"dashboard?article={world['other']}"

    at.session_state["dashboard_gaps"] = {"selection": {"rows": [6], "columns": [], "cells": []}}
    _run(at)
    listed = _table(at, "gap claims")
    assert list(listed["#"]) == [9]
    assert listed["Open"][0] == f"review?article={world['article']}&claim={world['claims'][9]}"
    throughput = _table(at, "throughput")
    assert list(throughput["Reviewer"]) == ["rita"] and throughput["Reviews"].sum() == 2


def test_filters_narrow_the_figures(world: dict) -> None:
    at = _dashboard(world)
    at.selectbox(key="dashboard_verdict").set_value("misleading")
    _run(at)
    assert _metrics(at)["Checkable"] == "1" and _metrics(at)["Reviewed"] == "1"
    at.selectbox(key="dashboard_verdict").set_value(None)
    at.selectbox(key="dashboard_reviewer").set_value(world["rita"].user_id)
    _run(at)
    assert _metrics(at)["Reviewed"] == "2" and _metrics(at)["Claims"] == "2"
    at.selectbox(key="dashboard_reviewer").set_value(None)
    at.selectbox(key="dashboard_section").set_value("Targeted Treatment")
    _run(at)
    assert 0 < int(_metrics(at)["Claims"]) < 30
    assert _metrics(at)["Reviewed"] == "2"  # claims 9 and 10 are in that section


def test_one_article_shows_its_claim_map_linking_to_each_claim(world: dict) -> None:
    at = _dashboard(world, world["article"])
    assert at.selectbox(key="dashboard_article").value == world["article"]
    assert _metrics(at)["Claims"] == "30" and _metrics(at)["Reviewed"] == "2"
    strip = _table(at, "claim map")
    assert list(strip["#"]) == list(range(1, 31))
    row = strip[strip["#"] == 9].iloc[0]
    assert (row["Verdict"], row["Certainty"]) == ("Accurate", "Very low")
    assert row["Open"] == f"review?article={world['article']}&claim={world['claims'][9]}"
    assert not _has_table(at, "ranking")
    # Choosing "All articles" again drops the article from the address.
    at.selectbox(key="dashboard_article").set_value(None)
    _run(at)
    assert "article" not in at.query_params


def test_claim_map_cells_link_to_the_review_page_and_name_their_finding() -> None:
    claims = [
        {"claim_id": 40 + n, "ordinal": n, "section": "Results", "verdict_state": state,
         "certainty_state": "high", "open_gaps": (), "preview": f"Claim {n}"}
        for n, state in enumerate(["accurate", "disagreement", "not_a_claim"], start=1)
    ]  # fmt: skip
    frame = claim_map_frame(7, claims)
    spec = claim_map_chart(frame, "Verdict")
    values = frame.to_dict("records")  # the chart's data, passed beside the spec
    assert [v["Open"] for v in values] == [f"review?article=7&claim={n}" for n in (41, 42, 43)]
    assert [v["Verdict"] for v in values] == [
        "Accurate", "Reviewers disagree", "Not checkable (set aside)",
    ]  # fmt: skip
    assert spec["encoding"]["href"]["field"] == "Open"
    assert spec["encoding"]["color"]["scale"]["domain"] == [v["Verdict"] for v in values]


def test_table_downloads_are_formula_safe() -> None:
    import pandas as pd

    table = pd.DataFrame({"Claim": ['=HYPERLINK("x")', "+1", "plain"], "=cmd": [1, 2, 3]})
    text = safe_csv(table).decode("utf-8-sig")
    assert text.splitlines() == [
        "Claim,'=cmd", "\"'=HYPERLINK(\"\"x\"\")\",1", "'+1,2", "plain,3",
    ]  # fmt: skip


def test_the_article_choice_lists_the_newest_and_the_one_linked_to(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from review_app.components import article_picker

    monkeypatch.setattr(article_picker, "PICKER_LIMIT", 1)
    at = _dashboard(world, world["article"])  # the demo article is the older of the two
    picker = at.selectbox(key="dashboard_article")
    assert [o.split(" · ")[0] for o in picker.options] == [
        "All articles",
        str(world["other"]),
        str(world["article"]),
    ]
    assert picker.value == world["article"]
    at = _dashboard(world)
    assert [o.split(" · ")[0] for o in at.selectbox(key="dashboard_article").options] == [
        "All articles",
        str(world["other"]),
    ]


@pytest.fixture
def lagging_replica(postgres_server, monkeypatch: pytest.MonkeyPatch):
    """A primary with the demo article, and as its "replica" a copy made before the import."""
    from db.setup import prepare_database
    from review_app import resources

    primary, copy = f"{postgres_server.prefix}_app_primary", f"{postgres_server.prefix}_app_copy"
    postgres_server.create(primary, template=postgres_server.template)
    postgres_server.create(copy, template=primary)
    stale = Database(postgres_server.url_for(copy))
    with stale.write(versioned=False) as session:  # last written a minute ago, as it says
        session.execute(text("UPDATE data_version SET version = version - 60000000"))
    stale.dispose()
    database = prepare_database(Database(postgres_server.url_for(primary)))
    import_demo_if_empty(database)
    editor, _ = create_user(database, OPERATOR, "edna", ["editor"], password="e" * 14)
    database.dispose()
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", postgres_server.url_for(primary))
    monkeypatch.setenv("CLAIMREVIEW_READ_DATABASE_URL", postgres_server.url_for(copy))
    resources.database.clear()
    resources.clear_cached_reads()
    yield {"editor": editor.id}
    resources.database().dispose()
    resources.database.clear()
    resources.clear_cached_reads()
    postgres_server.drop(copy)
    postgres_server.drop(primary)


def test_a_replica_behind_the_primary_is_said_on_the_page(
    lagging_replica: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Allowed to lag a day: the figures come from the copy, and the page says how old they are.
    monkeypatch.setenv("CLAIMREVIEW_READ_MAX_LAG_SECONDS", "86400")
    at = _dashboard(lagging_replica)
    assert _metrics(at)["Claims"] == "0"
    said = [re.search(r"From the read replica, which may be up to (\d+) s behind", c.value)
            for c in at.caption]  # fmt: skip
    assert any(found and int(found[1]) >= 60 for found in said)  # its last write: a minute ago
    # Allowed none (the default is 10 s, and this copy is older): the primary answers, saying so.
    monkeypatch.setenv("CLAIMREVIEW_READ_MAX_LAG_SECONDS", "0")
    _restart_server()
    at = _dashboard(lagging_replica)
    assert _metrics(at)["Claims"] == "30"
    assert any("behind the primary" in c.value for c in at.caption)


def _restart_server() -> None:
    """As a restarted server would: the database (and its settings) opened afresh."""
    from review_app import resources

    resources.database().dispose()
    resources.database.clear()
    resources.clear_cached_reads()


def test_a_replica_failing_in_the_middle_of_a_read_leaves_the_page_to_the_primary(
    lagging_replica: dict, postgres_server
) -> None:
    # The "replica" answers the version check (it claims to hold every write) but cannot
    # answer the dashboard's queries: its facts table is gone.
    broken = Database(postgres_server.url_for(f"{postgres_server.prefix}_app_copy"))
    with broken.write(versioned=False) as session:
        session.execute(text("DROP TABLE claim_facts CASCADE"))
        session.execute(text("UPDATE data_version SET version = 9000000000000000"))
    broken.dispose()
    _restart_server()
    at = _dashboard(lagging_replica)  # no exception reached the page
    assert _metrics(at)["Claims"] == "30"  # the primary's figures
    at = _dashboard(lagging_replica)  # the next run does not try the replica again
    assert any("The read replica failed" in c.value for c in at.caption)
