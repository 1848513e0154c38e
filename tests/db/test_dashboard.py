"""Evidence-gap counts in SQL equal the counts worked out independently from the fixture."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file, set_archived
from db.citations import add_citations, set_study_design
from db.dashboard import (
    GAPS,
    DashboardFilter,
    Overview,
    articles_by_gaps,
    claim_map,
    filter_choices,
    gap_claims,
    overview,
    review_throughput,
)
from db.decisions import record_decision
from db.engine import Database
from db.models import Article, Citation
from db.queries import claim_page
from db.reviews import CitedSource, save_review

OPERATOR = Actor.operator("test")
SENTENCES = [
    "Drug A lowers blood pressure in adults.",  # 1: no review, no cue
    "Drug B always cures migraine in children.",  # 2: no review, cues
    "Drug C reduces pain after surgery in adults.",  # 3: reviewed, no citation, low
    "Drug D prevents strokes in older adults.",  # 4: reviewed, one preclinical source (a), later
    # found retracted
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
    with database.write() as session:  # as a lookup leaves a retracted source (source_lookups)
        session.get(Citation, a.id).flags = "retracted,corrected"
    return {"article": article.article_id, "ids": ids}


def test_gap_counts_equal_the_fixture(database: Database, fixture: dict) -> None:
    with database.read() as session:
        figures = overview(session, OPERATOR, DashboardFilter(article_id=fixture["article"]))
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
        "cites_retracted": 1,  # 4 (a)
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
        only = DashboardFilter(article_id=fixture["article"])
        rows = gap_claims(session, OPERATOR, "single_source", only)
        everywhere = overview(session, OPERATOR)
    assert [r.ordinal for r in rows] == [4, 5, 6]
    assert rows[0].text == SENTENCES[3]
    assert rows[0].claim_id == fixture["ids"][3]
    assert everywhere.gaps["single_source"] == 3  # the same across all articles here


def test_demo_data_fills_the_database_in_bulk(database: Database) -> None:
    from db.demo_data import generate

    seen = []
    added = generate(database, OPERATOR, 400, progress=lambda done, total: seen.append(done))
    assert added == 400 and seen[-1] == 400
    with database.read() as session:
        figures = overview(session, OPERATOR)
        rows = claim_page(session, OPERATOR, 1, limit=500)
    # Every 25th synthetic sentence is a question, which is not a checkable claim.
    assert figures.claims == 400 and figures.checkable == 384
    assert 0 < figures.reviewed < 384 and figures.gaps["no_review"] == 384 - figures.reviewed
    assert 0 < figures.decided < figures.reviewed
    assert figures.gaps["cues_unreviewed"] > 0
    # Every claim is counted once in the verdict figures, unreviewed ones as such.
    assert sum(figures.verdicts.values()) == 384
    assert figures.verdicts["unreviewed"] == figures.gaps["no_review"]
    assert figures.verdicts.get("disagreement", 0) == figures.gaps["disagreement"]
    for claim in rows:
        for cue in claim.cues:
            assert claim.text[cue.start : cue.end] == cue.text


SECOND = b"""# Background

Drug K lowers blood pressure in adults. Drug L is the only cure for gout.

# Results

Drug M reduces pain in adults. Drug N prevents falls in older adults.
"""


@pytest.fixture
def two_articles(database: Database, fixture: dict) -> dict:
    second = import_file(database, SECOND, "second.md", actor=OPERATOR).article_id
    with database.read() as session:
        claims = [c for c in claim_page(session, OPERATOR, second) if c.checkable]
    raj = actor_for(create_user(database, OPERATOR, "ana", ["reviewer"], password="r" * 12)[0])
    save_review(database, raj, claims[2].id, verdict="misleading", certainty="low", submit=True)
    return {**fixture, "second": second, "second_claims": claims, "ana": raj}


def figures(database: Database, **filters) -> Overview:
    with database.read() as session:
        return overview(session, OPERATOR, DashboardFilter(**filters))


def test_filters_narrow_the_figures(database: Database, two_articles: dict) -> None:
    first, second = two_articles["article"], two_articles["second"]
    everything = figures(database)
    one, other = figures(database, article_id=first), figures(database, article_id=second)
    assert everything.claims == one.claims + other.claims == 8 + 6
    for name in GAPS:
        assert everything.gaps[name] == one.gaps[name] + other.gaps[name]
    assert other.checkable == 4 and other.reviewed == 1

    # Current verdict and certainty: the figures of the claims with that finding only.
    accurate = figures(database, verdict="accurate")
    assert accurate.checkable == everything.verdicts["accurate"] == 3
    assert accurate.verdicts == {"accurate": 3}
    low = figures(database, certainty="low")
    assert low.checkable == 2 and low.verdicts == {"misleading": 2}

    # Section (per claim): the second article's "Results" holds two claims, one reviewed.
    results = figures(database, section="Results")
    assert (results.claims, results.checkable, results.reviewed) == (3, 2, 1)
    assert figures(database, section="Results", article_id=first).claims == 0

    # Reviewer: the claims each one submitted a review of (a draft does not count).
    with database.read() as session:
        choices = filter_choices(session, OPERATOR)
    names = {name: uid for uid, name in choices.reviewers}
    assert figures(database, reviewer_id=names["rita"]).checkable == 5  # claims 3 to 7
    raj = figures(database, reviewer_id=names["raj"])
    assert raj.checkable == 1 and raj.gaps["disagreement"] == 1  # claim 5 only
    assert figures(database, reviewer_id=names["ana"]).verdicts == {"misleading": 1}

    # Cue kind: counted independently from each claim's own cues.
    with database.read() as session:
        every_claim = [
            c for a in (first, second) for c in claim_page(session, OPERATOR, a, limit=100)
        ]
    assert choices.cue_kinds
    for kind in choices.cue_kinds:
        expected = sum(1 for c in every_claim if any(cue.kind == kind for cue in c.cues))
        assert figures(database, cue_kind=kind).claims == expected, kind
    assert set(choices.sections) == {"Background", "Results"}


def test_date_range_and_archive(database: Database, two_articles: dict) -> None:
    first, second = two_articles["article"], two_articles["second"]
    with database.write() as session:
        session.get(Article, first).published_on = date(2020, 3, 1)
    today = date.today()
    assert figures(database, date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)).claims == 8
    assert figures(database, date_from=today - timedelta(days=1)).claims == 6  # imported today
    assert figures(database, date_to=date(2019, 12, 31)).claims == 0
    set_archived(database, OPERATOR, second, True)
    assert figures(database).claims == 8  # archived articles leave the dashboards


def test_articles_ranked_by_open_gaps(database: Database, two_articles: dict) -> None:
    with database.read() as session:
        ranked = articles_by_gaps(session, OPERATOR)
    first = figures(database, article_id=two_articles["article"])
    second = figures(database, article_id=two_articles["second"])
    assert [a.article_id for a in ranked] == [two_articles["article"], two_articles["second"]]
    assert [a.open_gap for a in ranked] == [first.open_gap, second.open_gap]
    # Claims 1 to 6 of the first article are each in at least one gap; claim 7 in none.
    assert first.open_gap == 6
    assert ranked[0].gaps == first.gaps


def test_claim_map_shows_each_claim_in_order(database: Database, fixture: dict) -> None:
    with database.read() as session:
        strip = claim_map(session, OPERATOR, fixture["article"])
    assert [c.ordinal for c in strip] == list(range(1, 9))
    assert [c.claim_id for c in strip] == fixture["ids"]
    assert [c.verdict_state for c in strip] == [
        "unreviewed", "unreviewed", "misleading", "accurate", "disagreement", "accurate",
        "accurate", "not_a_claim",
    ]  # fmt: skip
    assert strip[5].certainty_state == "very_low" and "clash" in strip[5].open_gaps
    assert strip[6].open_gaps == ()


def test_reviewer_throughput_counts_submissions_by_day(
    database: Database, two_articles: dict
) -> None:
    with database.read() as session:
        rows = review_throughput(session, OPERATOR)
        only_second = review_throughput(
            session, OPERATOR, DashboardFilter(article_id=two_articles["second"])
        )
        long_ago = review_throughput(session, OPERATOR, today=date.today() + timedelta(weeks=30))
    today = date.today()
    assert sorted(rows) == sorted([(today, "ana", 1), (today, "raj", 1), (today, "rita", 5)])
    assert only_second == [(today, "ana", 1)]
    assert long_ago == []  # outside the window
    # The article and date filters narrow throughput as they narrow the figures.
    with database.write() as session:
        session.get(Article, two_articles["article"]).published_on = date(2020, 3, 1)
    with database.read() as session:
        dated = review_throughput(session, OPERATOR, DashboardFilter(date_to=date(2020, 12, 31)))
        dated_second = review_throughput(
            session, OPERATOR,
            DashboardFilter(article_id=two_articles["second"], date_to=date(2020, 12, 31)),
        )  # fmt: skip
    assert sorted(dated) == [(today, "raj", 1), (today, "rita", 5)] and dated_second == []
    set_archived(database, OPERATOR, two_articles["second"], True)
    with database.read() as session:
        assert sorted(review_throughput(session, OPERATOR)) == [(today, "raj", 1),
                                                                (today, "rita", 5)]  # fmt: skip
        archived = overview(session, OPERATOR, DashboardFilter(article_id=two_articles["second"]))
    assert archived.claims == 0  # archived articles leave the dashboards, even when named
