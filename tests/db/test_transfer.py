"""The JSON export read back into an empty database reproduces the article exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims.errors import ClaimreviewError
from claims.exports import to_json
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.citations import add_citations
from db.decisions import record_decision
from db.engine import Database
from db.queries import article_bundle, claim_page
from db.reviews import CitedSource, save_review
from db.setup import prepare_database
from db.transfer import import_bundle, read_bundle

OPERATOR = Actor.operator("test")


def _reviewed_demo(database: Database) -> int:
    demo = import_demo_if_empty(database)
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    raj = actor_for(create_user(database, OPERATOR, "raj", ["reviewer"], password="q" * 12)[0])
    with database.read() as session:
        claims = {c.ordinal: c.id for c in claim_page(session, OPERATOR, demo.article_id)}
    sources = add_citations(database, rita, parse_identifiers("PMID 27557302 NCT01234567")[0])
    first = save_review(
        database, rita, claims[9], verdict="misleading", certainty="low", rationale="µ ≥ 2",
        submit=True, citations=[CitedSource(sources[0].id, "contradicts", "no", "p. 3"),
                                CitedSource(sources[1].id, "background")],
    )  # fmt: skip
    save_review(database, raj, claims[9], verdict="misleading", certainty="low", submit=True)
    save_review(database, raj, claims[10], verdict="accurate", certainty=None)  # a draft
    record_decision(database, OPERATOR, claims[9], verdict="misleading", certainty="low",
                    reason="other", note="Agreed.", based_on=[first.id])  # fmt: skip
    return demo.article_id


def _comparable(bundle: dict) -> str:
    """The bundle without what a new instance numbers or stamps afresh."""
    bundle = json.loads(json.dumps(bundle))
    citation_keys = {c["id"]: (c["kind"], c["identifier"]) for c in bundle["citations"]}
    for key in ("id", "imported_at"):
        bundle["article"].pop(key)
    bundle.pop("audit")  # the new instance's own trail: the import, not the old history
    for claim in bundle["claims"]:
        claim.pop("id")
        review_ids = {r["id"]: r["reviewer"] for r in claim["reviews"]}
        for review in claim["reviews"]:
            review.pop("id")
            for link in review["citations"]:
                link["citation_id"] = citation_keys[link["citation_id"]]
        if claim["decision"]:
            claim["decision"]["based_on_reviews"] = [
                review_ids[i] for i in claim["decision"]["based_on_reviews"]
            ]
    for citation in bundle["citations"]:
        citation.pop("id")
    return json.dumps(bundle, sort_keys=True)


def test_export_then_import_into_an_empty_database_loses_nothing(
    database: Database, tmp_path: Path
) -> None:
    source = prepare_database(Database(f"sqlite:///{tmp_path / 'source.db'}"))
    article_id = _reviewed_demo(source)
    with source.read() as session:
        original = article_bundle(session, OPERATOR, article_id)
    exported = to_json(original).encode()
    result = import_bundle(database, OPERATOR, read_bundle(exported))
    with database.read() as session:
        copy = article_bundle(session, OPERATOR, result.article_id)
    assert _comparable(copy) == _comparable(original)
    assert original["audit"]["by_action"]["review submit"] == 2
    assert original["audit"]["by_action"]["decision create"] == 1
    assert copy["audit"]["by_action"] == {"article import_json": 1}
    assert result.claim_count == 30
    with pytest.raises(ClaimreviewError, match="already here"):
        import_bundle(database, OPERATOR, read_bundle(exported))
    source.dispose()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format": "something else"}', "not a claimreview article export"),
        (b'{"format": "claimreview-article", "article": {}}', "incomplete or damaged"),
    ],
)
def test_a_bad_export_is_refused_and_writes_nothing(
    sqlite_database: Database, data: bytes, message: str
) -> None:
    with pytest.raises(ClaimreviewError, match=message):
        import_bundle(sqlite_database, OPERATOR, read_bundle(data))
    with sqlite_database.read() as session:
        assert article_bundle(session, OPERATOR, 1) is None
