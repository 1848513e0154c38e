"""What reports print beyond the reviews: an article's key takeaways and report settings (set
by its editors), and the organisation that publishes them (set by an administrator)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from claims.errors import ClaimreviewError
from claims.permissions import MANAGE_SETTINGS, RECORD_DECISIONS, Actor
from claims.publishing import check_organisation, check_takeaways
from claims.reports.model import ReportOptions
from db.audit import record_event
from db.engine import Database
from db.models import Article, Organisation, utcnow

__all__ = [
    "StaleTakeaways",
    "organisation_data",
    "report_options",
    "set_key_takeaways",
    "set_organisation",
    "set_report_options",
]

ORGANISATION_ID = 1


class StaleTakeaways(ClaimreviewError):
    """Another editor saved the key takeaways after this editor opened them."""

    def __init__(self, stored: str) -> None:
        super().__init__(
            "Another editor changed the key takeaways while you were editing them. Your text "
            "is kept in the box; compare it with theirs below and save again to replace it."
        )
        self.stored = stored


def _article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise ClaimreviewError(f"There is no article {article_id}.")
    return article


def set_key_takeaways(
    database: Database,
    actor: Actor,
    article_id: int,
    text: str,
    *,
    expected: str | None = None,
) -> str:
    """Save an article's key takeaways (Markdown). ``expected``: the text the editor opened;
    when the stored text differs, nothing is saved and ``StaleTakeaways`` says so. Returns
    the text as saved."""
    actor.require(RECORD_DECISIONS)
    text = check_takeaways(text)
    with database.write() as session:
        article = _article(session, article_id)
        stored = article.key_takeaways or ""
        if expected is not None and stored != expected.replace("\r\n", "\n").strip():
            raise StaleTakeaways(stored)
        if stored == text:
            return text
        article.key_takeaways = text
        record_event(
            session,
            action="set_key_takeaways",
            entity_type="article",
            entity_id=article_id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=article_id,
            before={"key_takeaways": stored},
            after={"key_takeaways": text},
        )
    return text


def _stored_options(article: Article) -> ReportOptions:
    try:
        values = json.loads(article.report_settings) if article.report_settings else None
    except ValueError:
        values = None
    return ReportOptions.from_mapping(values if isinstance(values, dict) else None)


def report_options(session: Session, article_id: int) -> ReportOptions:
    """The parts an article's report includes."""
    return _stored_options(_article(session, article_id))


def set_report_options(
    database: Database, actor: Actor, article_id: int, options: ReportOptions
) -> None:
    """Choose which parts an article's report includes (editors)."""
    actor.require(RECORD_DECISIONS)
    with database.write() as session:
        article = _article(session, article_id)
        before = _stored_options(article)
        if before == options:
            return
        article.report_settings = options.to_json()
        record_event(
            session,
            action="set_report_settings",
            entity_type="article",
            entity_id=article_id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=article_id,
            before=before.to_mapping(),
            after=options.to_mapping(),
        )


def organisation_data(session: Session) -> dict[str, Any] | None:
    """The organisation every report prints, as plain data (None until one is set)."""
    row = session.scalars(
        select(Organisation)
        .where(Organisation.id == ORGANISATION_ID)
        .options(undefer(Organisation.logo))
    ).first()
    if row is None or not (row.name or row.url or row.logo):
        return None
    return {"name": row.name, "url": row.url, "logo": row.logo, "logo_type": row.logo_type}


def set_organisation(
    database: Database,
    actor: Actor,
    *,
    name: str,
    url: str | None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> None:
    """Set the organisation that publishes the reports (administrators). ``logo``: a new PNG or
    JPEG; without one the logo set stays, unless ``remove_logo``."""
    actor.require(MANAGE_SETTINGS)
    checked = check_organisation(name, url, logo)
    with database.write() as session:
        row = session.get(Organisation, ORGANISATION_ID, options=[undefer(Organisation.logo)])
        if row is None:
            row = Organisation(id=ORGANISATION_ID, name="")
            session.add(row)
        before = {"name": row.name, "url": row.url, "logo": _logo_note(row.logo)}
        row.name, row.url = checked.name, checked.url
        if checked.logo is not None or remove_logo:
            row.logo, row.logo_type = checked.logo, checked.logo_type
        row.updated_at = utcnow()
        after = {"name": row.name, "url": row.url, "logo": _logo_note(row.logo)}
        if before != after:
            record_event(
                session,
                action="set_organisation",
                entity_type="organisation",
                entity_id=ORGANISATION_ID,
                actor_id=actor.user_id,
                channel=actor.channel,
                before=before,
                after=after,
            )


def _logo_note(logo: bytes | None) -> str | None:
    """What the audit trail keeps of a logo: its size, not its bytes."""
    return f"{len(logo):,} bytes" if logo else None
