"""Writing articles and their claims: one transaction, idempotent by content."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claims.document import Document
from claims.errors import ClaimreviewError
from claims.extraction import ExtractedClaim, extract_claims
from claims.metadata import with_overrides
from claims.permissions import ARCHIVE_ARTICLES, IMPORT_ARTICLES, Actor
from claims.readers import read_document
from db.audit import record_event
from db.claim_facts import write_new_article_facts
from db.engine import Database
from db.models import Article, AuditEvent, Claim, ClaimCue, utcnow

DEMO_ARTICLE = "multiple-myeloma-immunotherapy.txt"

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportResult:
    article_id: int
    created: bool  # False: the same content was already there, nothing was written
    claim_count: int
    title: str


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_offsets(text: str, claims: Sequence[ExtractedClaim]) -> None:
    # The one invariant reviewers rely on; a violation is a bug, so fail before writing.
    for claim in claims:
        if text[claim.start : claim.end] != claim.text or claim.end <= claim.start:
            raise AssertionError(f"claim span {claim.start}:{claim.end} does not match its text")


def save_article(
    database: Database,
    document: Document,
    claims: Sequence[ExtractedClaim],
    *,
    actor: Actor,
    filename: str | None = None,
) -> ImportResult:
    """Store the article and all its claims in one transaction, or find the same content."""
    actor.require(IMPORT_ARTICLES)
    _check_offsets(document.text, claims)
    digest = content_hash(document.text)
    title = document.title or "Untitled article"
    try:
        with database.write() as session:
            existing = _existing(session, digest)
            if existing is not None:
                return existing
            article_id = _insert_article(session, document, claims, actor, filename, digest)
    except IntegrityError:
        # Another import of the same content won the race: theirs is the article.
        with database.read() as session:
            existing = _existing(session, digest)
        if existing is None:
            raise
        return existing
    return ImportResult(article_id=article_id, created=True, claim_count=len(claims), title=title)


_ARTICLE_BY_HASH = select(Article.id, Article.title).where(
    Article.content_hash == bindparam("digest")
)
_CLAIM_COUNT = (
    select(func.count()).select_from(Claim).where(Claim.article_id == bindparam("article_id"))
)


def _existing(session: Session, digest: str) -> ImportResult | None:
    connection = session.connection()
    row = connection.execute(_ARTICLE_BY_HASH, {"digest": digest}).first()
    if row is None:
        return None
    count = connection.scalar(_CLAIM_COUNT, {"article_id": row.id})
    return ImportResult(article_id=row.id, created=False, claim_count=count or 0, title=row.title)


# A new article is written with Core statements on the session's connection, built once: none
# of its rows needs the ORM's unit of work, and its facts are written with it (not recomputed
# by query at commit). Python-side column defaults (timestamps, versions) apply as with the ORM.
_INSERT_ARTICLE = insert(Article.__table__).returning(Article.__table__.c.id)
_INSERT_CLAIMS = insert(Claim.__table__)
_INSERT_CUES = insert(ClaimCue.__table__)
_INSERT_EVENT = insert(AuditEvent.__table__)
_CLAIM_IDS = (
    select(Claim.id).where(Claim.article_id == bindparam("article_id")).order_by(Claim.ordinal)
)


def article_row(
    document: Document, filename: str | None, digest: str, imported_by_id: int | None
) -> dict[str, Any]:
    """The ``articles`` row of an imported document (column names; defaults fill the rest)."""
    return {
        "title": document.title or "Untitled article",
        "source_url": document.source_url,
        "author": document.author,
        "medical_reviewer": document.reviewer,
        "published_on": document.published,
        "text": document.text,
        "source_text": document.source_text,
        "source_format": document.source_format,
        "source_filename": filename,
        "content_hash": digest,
        "imported_by_id": imported_by_id,
    }


def claim_row(article_id: int, ordinal: int, claim: ExtractedClaim) -> dict[str, Any]:
    """The ``claims`` row of an extracted claim."""
    return {
        "article_id": article_id,
        "ordinal": ordinal,
        "char_start": claim.start,
        "char_end": claim.end,
        "text": claim.text,
        "section": claim.section,
        "checkable": claim.checkable,
        "kind": claim.kind,
    }


def cue_rows(claim_id: int, claim: ExtractedClaim) -> list[dict[str, Any]]:
    """The ``claim_cues`` rows of an extracted claim."""
    return [
        {
            "claim_id": claim_id,
            "kind": cue.kind,
            "char_start": cue.start,
            "char_end": cue.end,
            "text": cue.text,
            "reason": cue.reason,
        }
        for cue in claim.cues
    ]


def import_event_row(
    article_id: int,
    document: Document,
    claims: Sequence[ExtractedClaim],
    filename: str | None,
    digest: str,
    actor_id: int | None,
    channel: str,
) -> dict[str, Any]:
    """The ``audit_events`` row that records an import (by whom, and through which channel)."""
    return {
        "action": "import",
        "entity_type": "article",
        "entity_id": article_id,
        "article_id": article_id,
        "claim_id": None,
        "actor_id": actor_id,
        "channel": channel,
        "before": None,  # JSON null, as record_event stores it
        "after": {
            "title": document.title or "Untitled article",
            "source_format": document.source_format,
            "source_filename": filename,
            "content_hash": digest,
            "claims": len(claims),
            "checkable_claims": sum(1 for c in claims if c.checkable),
        },
    }


def _insert_article(
    session: Session,
    document: Document,
    claims: Sequence[ExtractedClaim],
    actor: Actor,
    filename: str | None,
    digest: str,
) -> int:
    """Write a new article, its claims, cues, facts and import event; returns its id."""
    connection = session.connection()
    row = article_row(document, filename, digest, actor.user_id)
    article_id = connection.execute(_INSERT_ARTICLE, row).scalar_one()
    _insert_claims(session, article_id, claims)
    write_new_article_facts(session, article_id)  # from the claims and cues just written
    connection.execute(
        _INSERT_EVENT,
        import_event_row(
            article_id, document, claims, filename, digest, actor.user_id, actor.channel
        ),
    )
    return article_id


def _insert_claims(session: Session, article_id: int, claims: Sequence[ExtractedClaim]) -> None:
    """Insert a new article's claims and their cues."""
    if not claims:
        return
    connection = session.connection()
    connection.execute(
        _INSERT_CLAIMS,
        [claim_row(article_id, ordinal, claim) for ordinal, claim in enumerate(claims, start=1)],
    )
    # An executemany, then the ids by ordinal: RETURNING ids in parameter order would make
    # SQLite insert one row per statement. The article is new and not yet visible to other
    # transactions, so these are exactly the rows just inserted.
    ids = list(connection.scalars(_CLAIM_IDS, {"article_id": article_id}))
    if len(ids) != len(claims):
        raise AssertionError(f"article {article_id} has {len(ids)} claims, not {len(claims)}")
    cues = [
        row
        for claim_id, claim in zip(ids, claims, strict=True)
        for row in cue_rows(claim_id, claim)
    ]
    if cues:
        connection.execute(_INSERT_CUES, cues)


def read_and_split(
    data: bytes,
    filename: str | None = None,
    *,
    title: str | None = None,
    source_url: str | None = None,
    source_format: str | None = None,
    progress: Progress | None = None,
) -> tuple[Document, list[ExtractedClaim]]:
    """Read and split a file without touching the database; refuses bad input."""
    report = progress or (lambda _step, _fraction: None)
    report("Reading the document", 0.1)
    document = read_document(data, filename, source_format=source_format)
    document = with_overrides(document, title=title, source_url=source_url)
    report("Splitting it into claims", 0.4)
    claims = extract_claims(document)
    if not claims:
        raise ClaimreviewError("No sentences were found in the document; nothing to review.")
    refuse_too_many_claims(len(claims))
    return document, claims


# One article is one review task: a document beyond this is a book or a data dump, whose
# claims no page, report or reviewer could take in one piece (a 20 MB text holds ~200,000).
MAX_CLAIMS_PER_ARTICLE = 20_000


def refuse_too_many_claims(count: int) -> None:
    if count > MAX_CLAIMS_PER_ARTICLE:
        raise ClaimreviewError(
            f"The document splits into {count:,} claims; an article holds at most "
            f"{MAX_CLAIMS_PER_ARTICLE:,}. Split it into parts (by chapter or section) and "
            "import each part as its own article; nothing was imported."
        )


def import_file(
    database: Database,
    data: bytes,
    filename: str | None = None,
    *,
    title: str | None = None,
    source_url: str | None = None,
    source_format: str | None = None,
    actor: Actor,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, split and store a file: the one import path of the app, the CLI and the demo."""
    actor.require(IMPORT_ARTICLES)
    document, claims = read_and_split(
        data,
        filename,
        title=title,
        source_url=source_url,
        source_format=source_format,
        progress=progress,
    )
    if progress:
        progress(f"Saving {len(claims)} claims", 0.8)
    return save_article(database, document, claims, actor=actor, filename=filename)


def demo_article_bytes() -> bytes:
    return resources.files("claims").joinpath("data/demo", DEMO_ARTICLE).read_bytes()


def import_demo_if_empty(database: Database) -> ImportResult | None:
    """On first start, import the demo article so a new user sees real claims at once."""
    with database.read() as session:
        if session.scalar(select(func.count()).select_from(Article)):
            return None
    return import_file(database, demo_article_bytes(), DEMO_ARTICLE, actor=Actor.operator("demo"))


def set_archived(database: Database, actor: Actor, article_id: int, archived: bool) -> None:
    """Archive an article (hidden from lists, kept whole) or bring it back."""
    actor.require(ARCHIVE_ARTICLES)
    with database.write() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise ClaimreviewError(f"There is no article {article_id}.")
        before = {"archived": article.archived_at is not None}
        article.archived_at = utcnow() if archived else None
        record_event(
            session,
            action="archive" if archived else "unarchive",
            entity_type="article",
            entity_id=article.id,
            article_id=article.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            before=before,
            after={"archived": archived},
        )
