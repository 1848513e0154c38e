"""Claims seen before, on SQLite and PostgreSQL: the same claim found in an earlier article with
its finding and sources, a negated one shown as the opposite, blind review respected, and
sources reused into a draft, audited, without the verdict."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.matching import OPPOSITE, SAME
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file
from db.assignments import assign, set_review_rules
from db.audit import claim_history
from db.citations import add_citations
from db.claim_matches import match_queued
from db.decisions import record_decision
from db.engine import Database
from db.models import Claim
from db.reviews import CitedSource, StaleReview, reuse_sources, reviews_of_claim, save_review
from db.seen_before import seen_before

OPERATOR = Actor.operator("test")
EARLIER = (
    "Last month's myths\n\n"
    "Vitamin D supplements cure COVID-19 in most patients. "
    "Regular exercise lowers blood pressure in older adults.\n"
)
LATER = (
    "This month's myths\n\n"
    "Taking vitamin D pills cures COVID-19 in the majority of patients, doctors claim. "
    "Vitamin D supplements do not cure COVID-19 in most patients. "
    "Zinc lozenges shorten the common cold by two days.\n"
)


def _id(database: Database, article_id: int, start: str) -> int:
    with database.read() as session:
        return session.scalar(
            select(Claim.id).where(Claim.article_id == article_id, Claim.text.startswith(start))
        )


@pytest.fixture(params=["stored", "queued"])
def desk(database: Database, request: pytest.FixtureRequest) -> dict:
    """Two articles; their matches stored by the matcher, or still queued (found on the spot:
    the page must show the same either way)."""
    earlier = import_file(database, EARLIER.encode(), "earlier.txt", actor=OPERATOR)
    later = import_file(database, LATER.encode(), "later.txt", actor=OPERATOR)
    if request.param == "stored":
        assert match_queued(database, limit=100) == 5  # every checkable claim of both
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("raj", ["reviewer"]), ("edna", ["editor"])):
        user, _ = create_user(database, OPERATOR, name, roles, password="a long password")
        people[name] = actor_for(user)
    old, new = earlier.article_id, later.article_id
    sources = add_citations(
        database, people["raj"], parse_identifiers("PMID 33142145, NCT04536298")[0]
    )
    return {
        "earlier": earlier.article_id,
        "later": later.article_id,
        "vitamin": _id(database, old, "Vitamin D supplements cure"),
        "paraphrase": _id(database, new, "Taking vitamin D"),
        "negated": _id(database, new, "Vitamin D supplements do not"),
        "zinc": _id(database, new, "Zinc"),
        "sources": [s.id for s in sources],
        **people,
    }


def _submit_vitamin(database: Database, desk: dict) -> None:
    save_review(
        database, desk["raj"], desk["vitamin"], verdict="inaccurate", certainty="moderate",
        rationale="Randomised trials found no benefit.", submit=True,
        citations=[CitedSource(desk["sources"][0], "contradicts"),
                   CitedSource(desk["sources"][1], "contradicts")],
    )  # fmt: skip


def test_nothing_is_seen_before_a_finding_exists(database: Database, desk: dict) -> None:
    with database.read() as session:
        assert seen_before(session, desk["rita"], desk["paraphrase"]) == []


def test_a_paraphrase_finds_the_earlier_claim_with_its_finding_and_sources(
    database: Database, desk: dict
) -> None:
    _submit_vitamin(database, desk)
    with database.read() as session:
        found = seen_before(session, desk["rita"], desk["paraphrase"])
        unrelated = seen_before(session, desk["rita"], desk["zinc"])
    assert [(e.claim_id, e.relation) for e in found] == [(desk["vitamin"], SAME)]
    earlier = found[0]
    assert (earlier.verdict, earlier.certainty, earlier.decided) == (
        "inaccurate",
        "moderate",
        False,
    )
    assert [(s.citation_id, s.stance) for s in earlier.sources] == [
        (desk["sources"][0], "contradicts"), (desk["sources"][1], "contradicts")
    ]  # fmt: skip
    assert 0 < earlier.similarity <= 1
    assert unrelated == []


def test_a_negated_claim_is_shown_as_the_opposite(database: Database, desk: dict) -> None:
    _submit_vitamin(database, desk)
    with database.read() as session:
        found = seen_before(session, desk["rita"], desk["negated"])
    assert [(e.claim_id, e.relation) for e in found] == [(desk["vitamin"], OPPOSITE)]


def test_under_blind_review_only_decisions_are_offered(database: Database, desk: dict) -> None:
    _submit_vitamin(database, desk)
    assign(database, OPERATOR, desk["later"], [desk["rita"].user_id, desk["raj"].user_id])
    with database.read() as session:
        assert seen_before(session, desk["rita"], desk["paraphrase"]) == []
        assert seen_before(session, desk["edna"], desk["paraphrase"])  # editors see all
    record_decision(
        database, desk["edna"], desk["vitamin"], verdict="inaccurate", certainty="high",
        reason="other", note="Settled by two trials.",
    )  # fmt: skip
    with database.read() as session:
        found = seen_before(session, desk["rita"], desk["paraphrase"])
    assert [(e.verdict, e.certainty, e.decided) for e in found] == [("inaccurate", "high", True)]
    assert len(found[0].sources) == 2


def test_reusing_sources_makes_an_audited_draft_without_the_verdict(
    database: Database, desk: dict
) -> None:
    _submit_vitamin(database, desk)
    draft = reuse_sources(database, desk["rita"], desk["paraphrase"], desk["vitamin"])
    assert (draft.status, draft.verdict, draft.certainty) == ("draft", None, None)
    assert [(c.citation_id, c.stance) for c in draft.citations] == [
        (desk["sources"][0], "contradicts"), (desk["sources"][1], "contradicts")
    ]  # fmt: skip
    events = [e for e in claim_history(database, desk["rita"], desk["paraphrase"])
              if e.action == "reuse_sources"]  # fmt: skip
    assert len(events) == 1 and events[0].after["from_claim_id"] == desk["vitamin"]
    # A reuse over a newer version than the one opened is refused, as a stale save is; one
    # that would add nothing says so; a submitted review is not reopened.
    saved = save_review(
        database, desk["rita"], desk["paraphrase"], verdict=None, certainty=None,
        rationale="Checking the trials.", expected_version=draft.version,
    )  # fmt: skip
    with pytest.raises(StaleReview):
        reuse_sources(database, desk["rita"], desk["paraphrase"], desk["vitamin"],
                      expected_version=draft.version)  # fmt: skip
    with pytest.raises(ClaimreviewError, match="already cites"):
        reuse_sources(database, desk["rita"], desk["paraphrase"], desk["vitamin"],
                      expected_version=saved.version)  # fmt: skip
    submitted = save_review(
        database, desk["rita"], desk["paraphrase"], verdict="inaccurate", certainty="moderate",
        submit=True, expected_version=saved.version,
    )  # fmt: skip
    with pytest.raises(ClaimreviewError, match="submitted"):
        reuse_sources(database, desk["rita"], desk["paraphrase"], desk["vitamin"],
                      expected_version=submitted.version)  # fmt: skip
    [mine] = reviews_of_claim(database, desk["rita"], desk["paraphrase"])
    assert mine.status == "submitted" and len(mine.citations) == 2


def test_reusing_what_blind_review_does_not_offer_is_refused(
    database: Database, desk: dict
) -> None:
    _submit_vitamin(database, desk)
    set_review_rules(database, OPERATOR, desk["later"], blind_review="on")
    with pytest.raises(ClaimreviewError, match="blind review"):
        reuse_sources(database, desk["rita"], desk["paraphrase"], desk["vitamin"])
    assert reviews_of_claim(database, desk["rita"], desk["paraphrase"]) == []
