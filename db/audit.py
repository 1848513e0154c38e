"""Appending to the audit trail, always inside the transaction of the write it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent


def record_event(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    actor_id: int | None = None,
    channel: str = "app",
    article_id: int | None = None,
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
        before=before,
        after=after,
    )
    session.add(event)
    return event
