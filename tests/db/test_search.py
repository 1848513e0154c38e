"""Search over claims, rationales, sources and decisions, on SQLite and PostgreSQL: ranked,
kept current by every write in its own transaction, and never showing what blind review hides."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from claims.search import parse_query
from db.accounts import actor_for, create_user
from db.articles import import_file
from db.assignments import assign, set_review_rules
from db.citations import add_citations
from db.claim_edits import change_span
from db.decisions import record_decision
from db.engine import Database
from db.models import Article, Citation, Claim, SearchEntry
from db.reviews import CitedSource, save_review
from db.search import SearchFilters, search_claims
from db.search_index import rebuild_all

OPERATOR = Actor.operator("test")
FIRST = (
    "# Vitamins and infections\n\n"
    "Vitamin D supplements cure COVID-19 in most patients. "
    "Zinc lozenges shorten the common cold by two days. "
    "Eating carrots improves night vision in adults.\n"
)
SECOND = (
    "# Myths that come back\n\n"
    "Doctors say vitamin D cures coronavirus infections. "
    "Antibiotics do nothing against viral colds.\n"
)


@pytest.fixture
def desk(database: Database) -> dict:
    first = import_file(database, FIRST.encode(), "first.md", actor=OPERATOR)
    second = import_file(database, SECOND.encode(), "second.md", actor=OPERATOR)
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("raj", ["reviewer"]), ("edna", ["editor"])):
        user, _ = create_user(database, OPERATOR, name, roles, password="a long password")
        people[name] = actor_for(user)
    with database.read() as session:
        claims = {
            c.text: c.id
            for c in session.scalars(select(Claim).where(Claim.checkable).order_by(Claim.id))
        }
    return {"first": first.article_id, "second": second.article_id, "claims": claims, **people}


def _claim(desk: dict, start: str) -> int:
    return next(i for text, i in desk["claims"].items() if text.startswith(start))


def _search(database: Database, actor: Actor, text: str, **filters: object) -> list[int]:
    with database.read() as session:
        found = search_claims(session, actor, parse_query(text), SearchFilters(**filters))
    return [hit.claim_id for hit in found.hits]


def test_claims_are_found_by_their_words_stemmed_and_ranked(database: Database, desk: dict) -> None:
    vitamin = _claim(desk, "Vitamin D supplements")
    doctors = _claim(desk, "Doctors say")
    # "cure" finds "cure" and "cures"; both claims about vitamin D, the closer one first.
    assert set(_search(database, desk["rita"], "vitamin cure")) == {vitamin, doctors}
    assert _search(database, desk["rita"], "COVID-19 vitamin") == [vitamin]
    assert _search(database, desk["rita"], '"common cold"') == [_claim(desk, "Zinc")]
    assert _search(database, desk["rita"], "cure -coronavirus") == [vitamin]
    # A section's words find its claims (and the heading itself).
    antibiotics = _claim(desk, "Antibiotics")
    assert {doctors, antibiotics} < set(_search(database, desk["rita"], "myths"))
    assert vitamin not in _search(database, desk["rita"], "myths")
    assert _search(database, desk["rita"], "kryptonite") == []


def test_a_query_of_only_common_words_is_refused_saying_why(database: Database, desk: dict) -> None:
    with pytest.raises(ClaimreviewError, match="at least one word"), database.read() as s:
        search_claims(s, desk["rita"], parse_query("the not of -vitamin"))


def test_rationales_sources_and_decisions_are_found_once_saved(
    database: Database, desk: dict
) -> None:
    zinc = _claim(desk, "Zinc")
    assert _search(database, desk["edna"], "Cochrane") == []
    cited = add_citations(database, desk["rita"], parse_identifiers("PMID 12345678")[0])
    save_review(
        database, desk["rita"], zinc, verdict="mostly_accurate", certainty="moderate",
        rationale="A Cochrane review of lozenges supports a shorter cold.", submit=True,
        citations=[CitedSource(citation_id=cited[0].id, stance="supports")],
    )  # fmt: skip
    assert _search(database, desk["edna"], "Cochrane lozenges") == [zinc]
    # A source's title and authors, filled in later (a look-up), are found from then on.
    with database.write() as session:
        citation = session.get(Citation, cited[0].id)
        citation.title = "Zinc acetate for the common cold: a randomised trial"
        citation.authors = "Hemilä H; Petrus EJ"
    assert _search(database, desk["edna"], "acetate Hemilä") == [zinc]
    vitamin = _claim(desk, "Vitamin D supplements")
    record_decision(
        database, desk["edna"], vitamin, verdict="inaccurate", certainty="high",
        reason="other", note="Trials of cholecalciferol found no benefit.",
    )  # fmt: skip
    with database.read() as session:
        hits = search_claims(session, desk["rita"], parse_query("cholecalciferol")).hits
    assert [(h.claim_id, h.found_in, h.decision_verdict) for h in hits] == [
        (vitamin, ("decision",), "inaccurate")
    ]


def test_a_changed_claim_is_found_by_its_new_words_only(database: Database, desk: dict) -> None:
    carrots = _claim(desk, "Eating carrots")
    with database.read() as session:
        claim = session.get(Claim, carrots)
        start = claim.start
    change_span(database, desk["edna"], carrots, start, start + len("Eating carrots"))
    assert _search(database, desk["rita"], "carrots") == [carrots]
    assert _search(database, desk["rita"], "night vision") == []


def test_blind_review_hides_others_open_reviews_from_the_search(
    database: Database, desk: dict
) -> None:
    zinc = _claim(desk, "Zinc")
    assign(database, OPERATOR, desk["first"], [desk["rita"].user_id, desk["raj"].user_id])
    save_review(
        database, desk["rita"], zinc, verdict="accurate", certainty="low",
        rationale="Elderberry syrup trials agree.",
    )  # fmt: skip
    # A draft: found by its reviewer and by editors only.
    assert _search(database, desk["rita"], "elderberry") == [zinc]
    assert _search(database, desk["edna"], "elderberry") == [zinc]
    assert _search(database, desk["raj"], "elderberry") == []
    assert _search(database, desk["raj"], "zinc", verdicts=("accurate",)) == []
    assert _search(database, desk["raj"], "zinc", reviewer_id=desk["rita"].user_id) == []
    save_review(
        database, desk["rita"], zinc, verdict="accurate", certainty="low",
        rationale="Elderberry syrup trials agree.", submit=True, expected_version=1,
    )  # fmt: skip
    # Submitted, under blind review: still hidden from Raj until he submits his own.
    assert _search(database, desk["raj"], "elderberry") == []
    assert _search(database, desk["raj"], "zinc", verdicts=("accurate",)) == []
    save_review(
        database, desk["raj"], zinc, verdict="inaccurate", certainty="low",
        rationale="Too few trials.", submit=True,
    )  # fmt: skip
    assert _search(database, desk["raj"], "elderberry") == [zinc]
    assert _search(database, desk["raj"], "zinc", verdicts=("accurate",)) == [zinc]
    assert _search(database, desk["raj"], "zinc", reviewer_id=desk["rita"].user_id) == [zinc]


def test_without_blind_review_submitted_reviews_are_found_by_everyone(
    database: Database, desk: dict
) -> None:
    zinc = _claim(desk, "Zinc")
    set_review_rules(database, OPERATOR, desk["first"], blind_review="off")
    save_review(
        database, desk["rita"], zinc, verdict="accurate", certainty="low",
        rationale="Elderberry syrup trials agree.", submit=True,
    )  # fmt: skip
    assert _search(database, desk["raj"], "elderberry") == [zinc]


def test_filters_narrow_by_article_date_and_certainty(database: Database, desk: dict) -> None:
    vitamin, doctors = _claim(desk, "Vitamin D supplements"), _claim(desk, "Doctors say")
    assert _search(database, desk["rita"], "vitamin", article_id=desk["second"]) == [doctors]
    assert vitamin in _search(database, desk["rita"], "vitamin")
    with database.write() as session:
        session.get(Article, desk["first"]).published_on = date(2025, 3, 1)

    assert vitamin in _search(database, desk["rita"], "vitamin", published_from=date(2025, 1, 1))
    assert doctors not in _search(
        database, desk["rita"], "vitamin", published_from=date(2025, 1, 1)
    )
    assert _search(database, desk["rita"], "vitamin", published_to=date(2024, 12, 31)) == []
    record_decision(database, desk["edna"], doctors, verdict="inaccurate", certainty="high",
                    reason="other")  # fmt: skip
    assert _search(database, desk["rita"], "vitamin", certainties=("high",)) == [doctors]


def test_the_index_is_rebuilt_to_the_same_results(database: Database, desk: dict) -> None:
    before = _search(database, desk["rita"], "vitamin")
    with database.write() as session:
        count = len(session.scalars(select(SearchEntry.id)).all())
        rebuild_all(session)
    with database.read() as session:
        assert len(session.scalars(select(SearchEntry.id)).all()) == count
    assert _search(database, desk["rita"], "vitamin") == before


def test_a_search_matching_too_much_to_rank_says_so_and_ranks_the_newest(
    database: Database, desk: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.search

    vitamin, doctors = _claim(desk, "Vitamin D supplements"), _claim(desk, "Doctors say")
    with database.read() as session:
        assert search_claims(session, desk["rita"], parse_query("vitamin")).complete
    monkeypatch.setattr(db.search, "RANKED", 2)
    monkeypatch.setattr(db.search, "CANDIDATES", 1)
    with database.read() as session:
        found = search_claims(session, desk["rita"], parse_query("vitamin"))
        # Within one article the index still finds them all.
        scoped = search_claims(
            session, desk["rita"], parse_query("cure"), SearchFilters(article_id=desk["first"])
        )
    assert not found.complete
    assert [h.claim_id for h in found.hits] == [doctors]  # the newest entry
    assert scoped.complete and [h.claim_id for h in scoped.hits] == [vitamin]


def test_accents_exclusions_and_bad_filters(database: Database, desk: dict) -> None:
    zinc = _claim(desk, "Zinc")
    save_review(
        database, desk["rita"], zinc, verdict="accurate", certainty="low", submit=True,
        rationale="Ménière's syndrome is unrelated; muscle cramps were the side effect.",
    )  # fmt: skip
    assert _search(database, desk["edna"], "meniere") == [zinc]
    assert _search(database, desk["edna"], "Ménière") == [zinc]
    assert _search(database, desk["edna"], 'cramps -"muscle cramps"') == []
    assert _search(database, desk["edna"], 'cramps -"leg cramps"') == [zinc]
    with pytest.raises(ClaimreviewError, match="after the 'published until'"):
        _search(database, desk["rita"], "zinc", published_from=date(2025, 2, 1),
                published_to=date(2025, 1, 1))  # fmt: skip
    with pytest.raises(ClaimreviewError, match="at least one result"), database.read() as s:
        search_claims(s, desk["rita"], parse_query("zinc"), limit=0)


def test_an_auto_article_with_one_reviewer_is_not_blind_to_the_search(
    database: Database, desk: dict
) -> None:
    """Blind review "auto" counts the reviewers of that article only: two reviewers assigned
    to another article make no difference here (as on the review page)."""
    zinc, doctors = _claim(desk, "Zinc"), _claim(desk, "Doctors say")
    assign(database, OPERATOR, desk["second"], [desk["rita"].user_id, desk["raj"].user_id])
    save_review(
        database, desk["rita"], zinc, verdict="accurate", certainty="low", submit=True,
        rationale="Elderberry syrup trials agree.",
    )  # fmt: skip
    assert _search(database, desk["raj"], "elderberry") == [zinc]
    save_review(
        database, desk["rita"], doctors, verdict="inaccurate", certainty="low", submit=True,
        rationale="Cholecalciferol trials disagree.",
    )  # fmt: skip
    assert _search(database, desk["raj"], "cholecalciferol") == []
