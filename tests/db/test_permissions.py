"""The role matrix, through the write and read layer: each role refused what it may not do.

reviewer: review claims (own only), fix a claim's split, add citations.
editor: all of that, plus import and archive articles, see every review, decide, export.
admin: users and settings.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from claims.identifiers import parse_identifier
from claims.permissions import Actor, PermissionDenied
from db.accounts import actor_for, create_user, list_users
from db.articles import demo_article_bytes, import_file, set_archived
from db.audit import list_events
from db.citations import add_citations
from db.claim_edits import set_checkable
from db.decisions import record_decision
from db.engine import Database
from db.models import AuditEvent, Claim
from db.queries import article_bundle
from db.reviews import reviews_of_claim, save_review

OPERATOR = Actor.operator("test")


@pytest.fixture
def world(database: Database) -> dict[str, object]:
    """The demo article and one user per role."""
    article = import_file(database, demo_article_bytes(), "demo.txt", actor=OPERATOR)
    actors = {}
    for role in ("reviewer", "editor", "admin"):
        user, _ = create_user(database, OPERATOR, role, [role], password="a long password")
        actors[role] = actor_for(user)
    with database.read() as session:
        claim_id = session.scalar(
            select(Claim.id).where(Claim.article_id == article.article_id, Claim.ordinal == 8)
        )
    return {"article_id": article.article_id, "claim_id": claim_id, **actors}


def _events(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


Operation = Callable[[Database, Actor, dict[str, object]], object]

OPERATIONS: dict[str, tuple[Operation, set[str]]] = {
    "import an article": (
        lambda db, a, w: import_file(db, b"Salt raises blood pressure.", "salt.txt", actor=a),
        {"editor"},
    ),
    "archive an article": (
        lambda db, a, w: set_archived(db, a, w["article_id"], True),
        {"editor"},
    ),
    "review a claim": (
        lambda db, a, w: save_review(
            db, a, w["claim_id"], verdict="misleading", certainty="low", rationale="r"
        ),
        {"reviewer", "editor"},
    ),
    "add citations": (
        lambda db, a, w: add_citations(db, a, [parse_identifier("PMID 27557302")]),
        {"reviewer", "editor"},
    ),
    "fix a claim's split": (
        lambda db, a, w: set_checkable(db, a, w["claim_id"], False),
        {"reviewer", "editor"},
    ),
    "record a final decision": (
        lambda db, a, w: record_decision(
            db, a, w["claim_id"], verdict="misleading", certainty="low"
        ),
        {"editor"},
    ),
    "export a report": (
        lambda db, a, w: _bundle(db, a, w["article_id"]),
        {"editor"},
    ),
    "read the audit trail": (lambda db, a, w: list_events(db, a), {"editor", "admin"}),
    "manage users": (
        lambda db, a, w: create_user(db, a, "newbie", ["reviewer"], password="a long password"),
        {"admin"},
    ),
    "list users": (lambda db, a, w: list_users(db, a), {"admin"}),
}


def _bundle(database: Database, actor: Actor, article_id: int) -> object:
    with database.read() as session:
        return article_bundle(session, actor, article_id)


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_role_matrix(database: Database, world: dict, role: str, operation: str) -> None:
    run, allowed = OPERATIONS[operation]
    actor = world[role]
    before = _events(database)
    if role in allowed:
        run(database, actor, world)
    else:
        with pytest.raises(PermissionDenied, match="may not"):
            run(database, actor, world)
        assert _events(database) == before  # a refusal writes nothing, not even an event


def test_reviewers_see_only_their_own_reviews_editors_see_all(
    database: Database, world: dict
) -> None:
    other, _ = create_user(database, OPERATOR, "rev2", ["reviewer"], password="a long password")
    claim_id = world["claim_id"]
    for actor in (world["reviewer"], actor_for(other)):
        save_review(database, actor, claim_id, verdict="misleading", certainty="low")
    own = reviews_of_claim(database, world["reviewer"], claim_id)
    assert [r.reviewer for r in own] == ["reviewer"]
    assert {r.reviewer for r in reviews_of_claim(database, world["editor"], claim_id)} == {
        "reviewer",
        "rev2",
    }
    with pytest.raises(PermissionDenied):
        reviews_of_claim(database, world["admin"], claim_id)


def test_a_reviewer_cannot_overwrite_another_reviewers_review(
    database: Database, world: dict
) -> None:
    editor_review = save_review(
        database, world["editor"], world["claim_id"], verdict="accurate", certainty="high"
    )
    # The same claim saved by the reviewer creates the reviewer's own review, never edits hers.
    mine = save_review(
        database, world["reviewer"], world["claim_id"], verdict="inaccurate", certainty="low"
    )
    assert mine.id != editor_review.id
    stored = {
        r.reviewer: r.verdict for r in reviews_of_claim(database, world["editor"], mine.claim_id)
    }
    assert stored == {"editor": "accurate", "reviewer": "inaccurate"}
