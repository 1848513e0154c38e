"""Upgrades keep data: a database built at the first migration and filled, then upgraded to the
latest, still holds every row it held, the derived facts cover them, and its claims wait to be
matched for "seen before"."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from claims.permissions import Actor
from db.dashboard import DashboardFilter, overview
from db.engine import Database
from db.migrate import current_revision, head_revision, upgrade
from db.setup import prepare_database

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ARTICLE = "Drug A lowers blood pressure. Drug B always cures gout. Is drug C safe?"
ROWS = {
    "verdicts": [{"code": "accurate", "label": "Accurate", "position": 1, "description": ""}],
    "certainty_levels": [{"code": "high", "label": "High", "position": 1, "description": ""}],
    "users": [{"id": 1, "username": "rita", "display_name": "Rita", "is_active": True,
               "must_change_password": False, "created_at": NOW}],
    "user_roles": [{"user_id": 1, "role": "reviewer"}],
    "articles": [{"id": 1, "title": "Old article", "text": ARTICLE, "source_format": "txt",
                  "content_hash": "h" * 64, "imported_at": NOW}],
    "claims": [
        {"id": 10 + i, "article_id": 1, "ordinal": i + 1, "char_start": start, "char_end": end,
         "text": ARTICLE[start:end], "checkable": i < 2, "kind": "claim", "created_at": NOW,
         "updated_at": NOW, "version": 1}
        for i, (start, end) in enumerate([(0, 29), (30, 55), (56, 71)])
    ],
    "claim_cues": [{"id": 1, "claim_id": 11, "kind": "absolute", "char_start": 7, "char_end": 13,
                    "text": "always", "reason": "Absolute wording."}],
    "citations": [{"id": 1, "kind": "pmid", "identifier": "12345", "created_at": NOW}],
    "reviews": [{"id": 1, "claim_id": 10, "reviewer_id": 1, "verdict": "accurate",
                 "certainty": "high", "rationale": "Trial X.", "status": "submitted",
                 "needs_second_look": False, "created_at": NOW, "updated_at": NOW,
                 "submitted_at": NOW, "version": 2}],
    "review_citations": [{"id": 1, "review_id": 1, "citation_id": 1, "stance": None,
                          "quote": "lowered", "locator": "p. 3", "position": 0}],
    "decisions": [{"id": 1, "claim_id": 10, "editor_id": None, "verdict": "accurate",
                   "certainty": "high", "reason": None, "note": "Settled.", "decided_at": NOW,
                   "updated_at": NOW, "version": 1}],
    "decision_reviews": [{"decision_id": 1, "review_id": 1}],
    "audit_events": [{"id": 1, "occurred_at": NOW, "actor_id": 1, "channel": "app",
                      "entity_type": "review", "entity_id": 1, "article_id": 1,
                      "action": "submit"}],
}  # fmt: skip


def test_an_upgrade_from_the_first_migration_keeps_every_row(empty_database: Database) -> None:
    upgrade(empty_database, "0001")
    assert current_revision(empty_database) == "0001"
    with empty_database.engine.begin() as connection:
        for table, rows in ROWS.items():
            columns = ", ".join(rows[0])
            values = ", ".join(f":{c}" for c in rows[0])
            connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), rows)

    prepare_database(empty_database)  # what `make run` does: upgrade to the latest, and more
    assert current_revision(empty_database) == head_revision(empty_database)
    with empty_database.engine.connect() as connection:
        for table, rows in ROWS.items():
            count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            if table in ("verdicts", "certainty_levels"):
                assert count >= len(rows), table  # the scale sync adds the rest
                continue
            assert count == len(rows), table
        claims = connection.execute(
            text("SELECT id, char_start, char_end, text, checkable FROM claims ORDER BY id")
        ).all()
        review = connection.execute(text("SELECT rationale, version FROM reviews")).one()
        quote = connection.execute(text("SELECT quote, locator FROM review_citations")).one()
    assert [(c[0], c[1], c[2], c[3], bool(c[4])) for c in claims] == [
        (r["id"], r["char_start"], r["char_end"], r["text"], r["checkable"]) for r in ROWS["claims"]
    ]
    assert tuple(review) == ("Trial X.", 2) and tuple(quote) == ("lowered", "p. 3")
    with empty_database.read() as session:
        figures = overview(session, Actor.operator("test"), DashboardFilter())
    assert (figures.claims, figures.checkable, figures.decided) == (3, 2, 1)
    assert figures.gaps["cues_unreviewed"] == 1  # claim 11: "always", no review
    # Claims imported before "seen before" was stored wait to be matched: the checkable ones.
    with empty_database.engine.connect() as connection:
        queued = connection.execute(text("SELECT claim_id FROM claim_match_queue")).scalars()
        assert sorted(queued) == [10, 11]
