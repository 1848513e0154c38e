"""Evidence-gap counts in SQL equal the counts worked out independently from the fixture."""

from __future__ import annotations

import pytest

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file
from db.citations import add_citations, set_study_design
from db.dashboard import GAPS, gap_claims, overview
from db.decisions import record_decision
from db.engine import Database
from db.queries import claim_page
from db.reviews import CitedSource, save_review

OPERATOR = Actor.operator("test")
SENTENCES = [
    "Drug A lowers blood pressure in adults.",  # 1: no review, no cue
    "Drug B always cures migraine in children.",  # 2: no review, cues
    "Drug C reduces pain after surgery in adults.",  # 3: reviewed, no citation, low
    "Drug D prevents strokes in older adults.",  # 4: reviewed, one preclinical source
    "Drug E shortens colds by two days in adults.",  # 5: two reviewers disagree
    "Drug F improves sleep in shift workers.",  # 6: decided accurate, very low: clash
    "Drug G lowers cholesterol in adults with diabetes.",  # 7: two direct sources, high
    "Is drug H safe for pregnant women?",  # 8: a question: not checkable
]


@pytest.fixture
def fixture(database: Database) -> dict:
    article = import_file(database, " ".join(SENTENCES).encode(), "gaps.txt", actor=OPERATOR)
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    raj = actor_for(create_user(database, OPERATOR, "raj", ["reviewer"], password="q" * 12)[0])
    with database.read() as session:
        ids = [c.id for c in claim_page(session, OPERATOR, article.article_id)]
    a, b, c = add_citations(database, rita, parse_identifiers("PMID 1 PMID 2 PMID 3")[0])
    set_study_design(database, rita, a.id, "preclinical")
    set_study_design(database, rita, b.id, "rct")

    def review(who, n, verdict, certainty, sources=()):
        cited = [CitedSource(s.id, "supports") for s in sources]
        save_review(database, who, ids[n - 1], verdict=verdict, certainty=certainty,
                    submit=True, citations=cited)  # fmt: skip

    review(rita, 3, "misleading", "low")
    review(rita, 4, "accurate", "moderate", [a])
    review(rita, 5, "accurate", "high", [b])
    review(raj, 5, "inaccurate", "high", [b])
    review(rita, 6, "accurate", "moderate", [b])
    record_decision(database, OPERATOR, ids[5], verdict="accurate", certainty="very_low")
    review(rita, 7, "accurate", "high", [b, c])
    save_review(database, raj, ids[0], verdict="accurate", certainty="high")  # a draft only
    return {"article": article.article_id, "ids": ids}


def test_gap_counts_equal_the_fixture(database: Database, fixture: dict) -> None:
    with database.read() as session:
        figures = overview(session, OPERATOR, fixture["article"])
    assert (figures.claims, figures.checkable, figures.reviewed, figures.decided) == (8, 7, 5, 1)
    # Worked out by hand from the fixture's comments:
    assert figures.gaps == {
        "no_review": 2,  # 1 (a draft does not count) and 2
        "no_citation": 1,  # 3
        "weak_evidence": 2,  # 3 (low) and 6 (decided very low)
        "indirect_only": 1,  # 4 (preclinical only)
        "single_source": 3,  # 4, 5 (both reviewers cite b), 6
        "disagreement": 1,  # 5
        "clash": 1,  # 6: accurate on very low certainty
        "cues_unreviewed": 1,  # 2 ("always", "cures")
    }
    assert set(figures.gaps) == set(GAPS)
    assert figures.verdicts == {
        "unreviewed": 2, "misleading": 1, "accurate": 3, "disagreement": 1,
    }  # fmt: skip
    assert figures.certainties == {
        "not_rated": 3, "low": 1, "moderate": 1, "very_low": 1, "high": 1,
    }  # fmt: skip


def test_a_gap_opens_the_list_of_its_claims(database: Database, fixture: dict) -> None:
    with database.read() as session:
        rows = gap_claims(session, OPERATOR, "single_source", fixture["article"])
        everywhere = overview(session, OPERATOR)
    assert [r[2] for r in rows] == [4, 5, 6]
    assert rows[0][3] == SENTENCES[3]
    assert everywhere.gaps["single_source"] == 3  # the same across all articles here


def test_demo_data_fills_the_database_in_bulk(database: Database) -> None:
    from db.demo_data import generate

    seen = []
    added = generate(database, OPERATOR, 400, progress=lambda done, total: seen.append(done))
    assert added == 400 and seen[-1] == 400
    with database.read() as session:
        figures = overview(session, OPERATOR)
        rows = claim_page(session, OPERATOR, 1, limit=500)
    assert figures.claims == figures.checkable == 400
    assert 0 < figures.reviewed < 400 and figures.gaps["no_review"] == 400 - figures.reviewed
    assert figures.gaps["cues_unreviewed"] > 0
    # Every claim is counted once in the verdict figures, unreviewed ones as such.
    assert sum(figures.verdicts.values()) == 400
    assert figures.verdicts["unreviewed"] == figures.gaps["no_review"]
    assert figures.verdicts.get("disagreement", 0) == figures.gaps["disagreement"]
    for claim in rows:
        for cue in claim.cues:
            assert claim.text[cue.start : cue.end] == cue.text
