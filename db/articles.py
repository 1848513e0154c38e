"""Writing articles and their claims: one transaction, idempotent by content."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from claims.document import Document
from claims.errors import ClaimreviewError
from claims.extraction import ExtractedClaim, extract_claims
from claims.metadata import with_overrides
from claims.permissions import ARCHIVE_ARTICLES, IMPORT_ARTICLES, Actor
from claims.readers import read_document
from db.audit import record_event
from db.claim_facts import touch_articles
from db.engine import Database
from db.models import Article, Claim, ClaimCue, utcnow

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
    with database.read() as session:
        existing = _existing(session, digest)
    if existing is not None:
        return existing
    title = document.title or "Untitled article"
    try:
        with database.write() as session:
            article = Article(
                title=title,
                source_url=document.source_url,
                author=document.author,
                published_on=document.published,
                text=document.text,
                source_text=document.source_text,
                source_format=document.source_format,
                source_filename=filename,
                content_hash=digest,
                imported_by_id=actor.user_id,
            )
            session.add(article)
            session.flush()
            _insert_claims(session, article.id, claims)
            record_event(
                session,
                action="import",
                entity_type="article",
                entity_id=article.id,
                article_id=article.id,
                actor_id=actor.user_id,
                channel=actor.channel,
                after={
                    "title": title,
                    "source_format": document.source_format,
                    "source_filename": filename,
                    "content_hash": digest,
                    "claims": len(claims),
                    "checkable_claims": sum(1 for c in claims if c.checkable),
                },
            )
            article_id = article.id
    except IntegrityError:
        # Another import of the same content won the race: theirs is the article.
        with database.read() as session:
            existing = _existing(session, digest)
        if existing is None:
            raise
        return existing
    return ImportResult(article_id=article_id, created=True, claim_count=len(claims), title=title)


def _existing(session: Session, digest: str) -> ImportResult | None:
    row = session.execute(
        select(Article.id, Article.title).where(Article.content_hash == digest)
    ).first()
    if row is None:
        return None
    count = session.scalar(
        select(func.count()).select_from(Claim).where(Claim.article_id == row.id)
    )
    return ImportResult(article_id=row.id, created=False, claim_count=count or 0, title=row.title)


def _insert_claims(session: Session, article_id: int, claims: Sequence[ExtractedClaim]) -> None:
    if not claims:
        return
    rows = [
        {
            "article_id": article_id,
            "ordinal": ordinal,
            "start": claim.start,
            "end": claim.end,
            "text": claim.text,
            "section": claim.section,
            "checkable": claim.checkable,
            "kind": claim.kind,
        }
        for ordinal, claim in enumerate(claims, start=1)
    ]
    # Bulk insert in one round trip per batch, ids back in order (SQLite and PostgreSQL).
    ids = session.scalars(
        insert(Claim).returning(Claim.id, sort_by_parameter_order=True), rows
    ).all()
    cue_rows = [
        {
            "claim_id": claim_id,
            "kind": cue.kind,
            "start": cue.start,
            "end": cue.end,
            "text": cue.text,
            "reason": cue.reason,
        }
        for claim_id, claim in zip(ids, claims, strict=True)
        for cue in claim.cues
    ]
    if cue_rows:
        session.execute(insert(ClaimCue), cue_rows)
    touch_articles(session, [article_id])  # bulk inserts are invisible to the ORM's events


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
    return document, claims


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
