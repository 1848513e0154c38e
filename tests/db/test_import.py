"""Importing articles: exact offsets, one transaction, the same content only once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

import db.articles
from claims.permissions import Actor
from db.articles import demo_article_bytes, import_demo_if_empty, import_file
from db.engine import Database
from db.models import Article, ArticleFact, AuditEvent, Claim, ClaimCue, ClaimFact
from db.queries import article_bundle, list_articles

EDITOR = Actor(user_id=None, username="ed", roles=frozenset({"editor"}), channel="test")
DEMO_SECTIONS = [
    "Targeted Treatment",
    "Improved Effectiveness",
    "Personalized Treatment",
    "Long Term Benefits",
    "Reduced Risk of Relapse",
]


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_article_lands_with_exact_offsets_sections_and_cues(database: Database) -> None:
    result = import_demo_if_empty(database)
    assert result is not None and result.created
    with database.read() as session:
        article = session.get(Article, result.article_id)
        assert article.text == demo_article_bytes().decode("utf-8")  # verbatim
        claims = article.claims
        assert [c.ordinal for c in claims] == list(range(1, len(claims) + 1))
        for claim in claims:
            assert article.text[claim.start : claim.end] == claim.text
        sections = [c.section for c in claims if c.section]
        assert list(dict.fromkeys(sections)) == DEMO_SECTIONS
        signpost = next(c for c in claims if c.text.startswith("Here are some positive"))
        assert not signpost.checkable
        only = next(c for c in claims if c.text.startswith("One of the significant benefits"))
        assert only.checkable
        cue = next(cue for cue in only.cues if cue.kind == "absolute")
        assert only.text[cue.start : cue.end].lower() == "only"
    # A second start does not import it again.
    assert import_demo_if_empty(database) is None
    assert _count(database, Article) == 1


def test_same_content_imports_once(database: Database, demo_text: str) -> None:
    first = import_file(database, demo_text.encode(), "a.txt", actor=Actor.operator("cli"))
    claims_after_first = _count(database, Claim)
    second = import_file(
        database, demo_text.encode(), "renamed-copy.txt", title="Other title", actor=EDITOR
    )
    assert first.created and not second.created
    assert second.article_id == first.article_id
    assert second.claim_count == first.claim_count == claims_after_first
    assert _count(database, Article) == 1
    assert _count(database, Claim) == claims_after_first
    with database.read() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.entity_id, e.channel) for e in events] == [
        ("import", first.article_id, "cli")
    ]
    assert events[0].after["claims"] == first.claim_count


def test_failed_import_leaves_nothing_behind(
    database: Database, demo_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = db.articles._insert_claims

    def insert_then_fail(session, article_id, claims):  # type: ignore[no-untyped-def]
        real_insert(session, article_id, claims)  # the claims are written...
        raise RuntimeError("disk full")  # ...then the transaction dies

    monkeypatch.setattr(db.articles, "_insert_claims", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_file(database, demo_text.encode(), "demo.txt", actor=EDITOR)
    for model in (Article, Claim, ClaimCue, AuditEvent, ClaimFact, ArticleFact):
        assert _count(database, model) == 0, model.__name__


def test_concurrent_imports_of_the_same_article_make_one(
    database: Database, demo_text: str
) -> None:
    results = []
    errors = []

    def run() -> None:
        try:
            results.append(import_file(database, demo_text.encode(), "demo.txt", actor=EDITOR))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({r.article_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert _count(database, Article) == 1


def test_article_list_counts_claims_and_checkable(database: Database, demo_text: str) -> None:
    result = import_file(database, demo_text.encode(), "multiple-myeloma.txt", actor=EDITOR)
    import_file(database, b"Vitamin D cures colds. It always works.", "short.txt", actor=EDITOR)
    with database.read() as session:
        rows = {row.id: row for row in list_articles(session, EDITOR)}
        demo = rows[result.article_id]
        claims = session.scalars(select(Claim).where(Claim.article_id == result.article_id)).all()
        assert demo.claims == len(claims)
        assert demo.checkable == sum(c.checkable for c in claims) < demo.claims
        assert demo.reviewed == 0
        assert [r.title for r in list_articles(session, EDITOR, search="MYELOMA")] == [demo.title]
        assert list_articles(session, EDITOR, search="100%_") == []


def test_bundle_holds_article_text_and_claims(database: Database, demo_text: str) -> None:
    result = import_file(database, demo_text.encode(), "demo.txt", actor=EDITOR)
    with database.read() as session:
        bundle = article_bundle(session, EDITOR, result.article_id)
    assert bundle is not None
    text = bundle["article"]["text"]
    assert text == demo_text
    assert len(bundle["claims"]) == result.claim_count
    for claim in bundle["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
        assert set(claim) >= {"id", "ordinal", "section", "checkable", "cues", "reviews"}


def test_import_writes_every_column_as_the_models_define(database: Database) -> None:
    data = b"# Dosing\n\nVitamin D always cures colds. It may help sleep.\n"
    result = import_file(database, data, "vitamin.md", actor=EDITOR)
    with database.read() as session:
        article = session.get(Article, result.article_id)
        assert (article.title, article.source_format, article.source_filename) == (
            "Dosing",
            "md",
            "vitamin.md",
        )
        assert article.source_text == data.decode() and article.imported_by_id is None
        assert article.imported_at.tzinfo is not None and article.archived_at is None
        assert (article.blind_review, article.auto_accept_unanimous) == ("auto", False)
        claims = article.claims
        assert [(c.ordinal, c.section, c.checkable, c.kind) for c in claims] == [
            (1, "Dosing", False, "heading"),
            (2, "Dosing", True, "claim"),
            (3, "Dosing", True, "claim"),
        ]
        for claim in claims:
            assert claim.version == 1 and claim.created_at.tzinfo is not None
            assert claim.updated_at is not None
            for cue in claim.cues:
                assert claim.text[cue.start : cue.end].lower() == cue.text.lower()
        assert {cue.kind for cue in claims[1].cues} >= {"absolute", "cure"}
        assert [cue.kind for cue in claims[2].cues] == ["hedge"]
        (event,) = session.scalars(select(AuditEvent)).all()
    assert (event.action, event.entity_type, event.entity_id, event.article_id) == (
        "import",
        "article",
        result.article_id,
        result.article_id,
    )
    assert (event.claim_id, event.actor_id, event.channel, event.before) == (
        None,
        None,
        "test",
        None,
    )
    assert event.occurred_at.tzinfo is not None
    assert event.after == {
        "title": "Dosing",
        "source_format": "md",
        "source_filename": "vitamin.md",
        "content_hash": article.content_hash,
        "claims": 3,
        "checkable_claims": 2,
    }


def test_a_document_of_too_many_claims_is_refused_whole(
    database: Database, demo_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims.errors import ClaimreviewError
    from db.transfer import import_bundle

    actor = Actor.operator("test")
    first = import_file(database, demo_text.encode(), "demo.txt", actor=actor)
    with database.read() as session:
        bundle = article_bundle(session, actor, first.article_id)
    monkeypatch.setattr(db.articles, "MAX_CLAIMS_PER_ARTICLE", 5)
    text = " ".join(f"Drug {i} lowered blood pressure in adults." for i in range(6)).encode()
    with pytest.raises(ClaimreviewError, match="splits into 6 claims; an article holds at most 5"):
        import_file(database, text, "long.txt", actor=actor)
    # A transfer of an article over the limit is refused the same way.
    bundle["article"]["text"] += " "  # another article's content, as far as the hash goes
    with pytest.raises(ClaimreviewError, match=r"splits into 30 claims.*Split it into parts"):
        import_bundle(database, actor, bundle)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(Claim)) == 30


def test_the_articles_medical_reviewer_is_kept_exported_and_reported(
    database: Database, tmp_path: Path
) -> None:
    from claims.exports import to_json
    from claims.reports.model import build_report
    from db.setup import prepare_database
    from db.transfer import import_bundle, read_bundle

    page = (
        "<html><body><article><h1>Statins do not harm memory</h1><p>By Jane Doe</p>"
        "<p>A review of 40 trials found no effect of statins on memory.</p>"
        "<p>Reviewed by John Roe, MD on 5 March 2024</p></article></body></html>"
    )
    result = import_file(database, page.encode(), "statins.html", actor=EDITOR)
    with database.read() as session:
        bundle = article_bundle(session, EDITOR, result.article_id)
    assert bundle is not None
    assert (bundle["article"]["author"], bundle["article"]["medical_reviewer"]) == (
        "Jane Doe",
        "John Roe, MD",
    )
    assert "Reviewed by" not in bundle["article"]["text"]  # metadata, not a claim
    details = dict(build_report(bundle).details)
    assert details["Medically reviewed by (per the article)"] == "John Roe, MD"

    # The JSON export carries it to another database.
    other = prepare_database(Database(f"sqlite:///{tmp_path / 'other.db'}"))
    again = import_bundle(other, EDITOR, read_bundle(to_json(bundle).encode()))
    with other.read() as session:
        assert session.get(Article, again.article_id).medical_reviewer == "John Roe, MD"
