"""The audit trail: appended inside the transaction of the write it records; read in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from claims.errors import ClaimreviewError
from claims.permissions import READ_ALL_REVIEWS, READ_ARTICLES, READ_AUDIT, Actor
from db.models import AuditEvent, User

if TYPE_CHECKING:
    from db.engine import Database


def record_event(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    actor_id: int | None = None,
    channel: str = "app",
    article_id: int | None = None,
    claim_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        channel=channel,
        article_id=article_id,
        claim_id=claim_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class EventRow:
    id: int
    occurred_at: datetime
    actor: str  # username, or the channel in brackets for operator actions: "(cli)"
    entity_type: str
    entity_id: int | None
    action: str
    article_id: int | None
    claim_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


REDACTED = {"hidden": "review contents are shown only to those who may see every review"}


def _rows(session: Session, query: Select[Any], *, redact: bool = False) -> list[EventRow]:
    """Events as rows; with ``redact``, reviews' and decisions' values are withheld (an
    administrator who is also a reviewer must not read a blind co-reviewer's review here)."""
    rows = session.execute(query.outerjoin(User, User.id == AuditEvent.actor_id)).all()

    def shown(event: AuditEvent, values: Any) -> Any:
        if redact and values is not None and event.entity_type in ("review", "decision"):
            return REDACTED
        return values

    return [
        EventRow(
            id=event.id,
            occurred_at=event.occurred_at,
            actor=username or f"({event.channel})",
            entity_type=event.entity_type,
            entity_id=event.entity_id,
            action=event.action,
            article_id=event.article_id,
            claim_id=event.claim_id,
            before=shown(event, event.before),
            after=shown(event, event.after),
        )
        for event, username in rows
    ]


def list_events(
    database: Database,
    actor: Actor,
    *,
    article_id: int | None = None,
    username: str | None = None,
    limit: int | None = None,
) -> list[EventRow]:
    """The audit trail in order, optionally for one article or one user."""
    actor.require(READ_AUDIT)
    query = select(AuditEvent, User.username).order_by(AuditEvent.id)
    if article_id is not None:
        query = query.where(AuditEvent.article_id == article_id)
    with database.read() as session:
        if username is not None:
            user_id = session.scalar(select(User.id).where(User.username == username))
            if user_id is None:
                raise ClaimreviewError(f"There is no user {username!r}.")
            query = query.where(
                or_(
                    AuditEvent.actor_id == user_id,
                    (AuditEvent.entity_type == "user") & (AuditEvent.entity_id == user_id),
                )
            )
        if limit is not None:
            query = query.limit(limit)
        return _rows(session, query, redact=not actor.can(READ_ALL_REVIEWS))


def claim_history(database: Database, actor: Actor, claim_id: int) -> list[EventRow]:
    """A claim's events in order. Without the right to see every review, a reviewer sees the
    claim's own edits and their own reviews, never another reviewer's."""
    actor.require(READ_ARTICLES)
    query = (
        select(AuditEvent, User.username)
        .where(AuditEvent.claim_id == claim_id)
        .order_by(AuditEvent.id)
    )
    if not actor.can(READ_ALL_REVIEWS):
        query = query.where(
            or_(AuditEvent.entity_type == "claim", AuditEvent.actor_id == actor.user_id)
        )
    with database.read() as session:
        return _rows(session, query)
