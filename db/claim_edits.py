"""Fixing the machine's split: a claim's span, splitting, merging, marking checkable.

Offsets stay exact (claims/spans.py checks them); reviews of a changed claim are kept and
flagged for a second look; each edit appends an audit event with the claim before and after.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from claims.cues import find_cues
from claims.errors import ClaimreviewError
from claims.extraction import classify_sentence
from claims.permissions import EDIT_CLAIMS, Actor
from claims.spans import checked_span, merged_span, split_span
from db import claim_matches
from db.audit import record_event
from db.engine import Database
from db.models import Article, Claim, ClaimCue, Decision, Review


def _snapshot(claim: Claim) -> dict[str, object]:
    return {
        "ordinal": claim.ordinal,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "checkable": claim.checkable,
        "kind": claim.kind,
    }


def _load(session: Session, actor: Actor, claim_id: int, expected_version: int | None) -> Claim:
    actor.require(EDIT_CLAIMS)
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    if expected_version is not None and claim.version != expected_version:
        raise ClaimreviewError(
            f"Claim {claim.ordinal} was changed by someone else since you opened it; reload it. "
            "Nothing was changed."
        )
    return claim


def _neighbour(session: Session, claim: Claim, offset: int) -> Claim | None:
    return session.scalar(
        select(Claim).where(
            Claim.article_id == claim.article_id, Claim.ordinal == claim.ordinal + offset
        )
    )


def _set_text(session: Session, claim: Claim, article_text: str, start: int, end: int) -> None:
    claim.start, claim.end = start, end
    claim.text = article_text[start:end]
    claim.cues = [
        ClaimCue(kind=c.kind, start=c.start, end=c.end, text=c.text, reason=c.reason)
        for c in find_cues(claim.text)
    ]
    # The reviews were written about other words: keep them, ask for a second look.
    session.execute(
        update(Review).where(Review.claim_id == claim.id).values(needs_second_look=True)
    )


def _record(
    session: Session,
    actor: Actor,
    claim: Claim,
    action: str,
    before: dict[str, object] | None,
    **extra: object,
) -> None:
    record_event(
        session,
        action=action,
        entity_type="claim",
        entity_id=claim.id,
        actor_id=actor.user_id,
        channel=actor.channel,
        article_id=claim.article_id,
        claim_id=claim.id,
        before=before,
        after={**_snapshot(claim), **extra},
    )


def set_checkable(
    database: Database,
    actor: Actor,
    claim_id: int,
    checkable: bool,
    *,
    expected_version: int | None = None,
) -> int:
    """Mark a claim checkable or not; returns its new version."""
    with database.write() as session:
        claim = _load(session, actor, claim_id, expected_version)
        before = _snapshot(claim)
        claim.checkable = checkable
        claim.kind = (
            "claim"
            if checkable
            else (claim.kind if claim.kind != "claim" else "marked_not_checkable")
        )
        session.flush()
        _record(session, actor, claim, "set_checkable", before)
        return claim.version


def change_span(
    database: Database,
    actor: Actor,
    claim_id: int,
    start: int,
    end: int,
    *,
    expected_version: int | None = None,
) -> int:
    """Move a claim's start and end (within its neighbours); returns its new version."""
    with database.write() as session:
        claim = _load(session, actor, claim_id, expected_version)
        article_text = session.scalar(select(Article.text).where(Article.id == claim.article_id))
        previous, following = _neighbour(session, claim, -1), _neighbour(session, claim, 1)
        start, end = checked_span(
            article_text,
            start,
            end,
            lower=previous.end if previous else 0,
            upper=following.start if following else len(article_text),
        )
        before = _snapshot(claim)
        _set_text(session, claim, article_text, start, end)
        session.flush()
        _record(session, actor, claim, "change_span", before)
        return claim.version


def _shift_ordinals(session: Session, article_id: int, after: int, by: int) -> None:
    # Two steps through negative numbers: the unique (article, ordinal) index is checked row
    # by row on both SQLite and PostgreSQL, so a plain "+1" would collide midway.
    where = (Claim.article_id == article_id, Claim.ordinal > after)
    session.execute(update(Claim).where(*where).values(ordinal=-(Claim.ordinal + by)))
    session.execute(
        update(Claim)
        .where(Claim.article_id == article_id, Claim.ordinal < 0)
        .values(ordinal=-Claim.ordinal)
    )


def split_claim(
    database: Database,
    actor: Actor,
    claim_id: int,
    at: int,
    *,
    expected_version: int | None = None,
) -> tuple[int, int]:
    """Split a claim at an article offset; returns the ids of the two parts.

    The first part keeps the claim's id, reviews and decision (flagged for a second look).
    """
    with database.write() as session:
        claim = _load(session, actor, claim_id, expected_version)
        article_text = session.scalar(select(Article.text).where(Article.id == claim.article_id))
        first, second = split_span(article_text, claim.start, claim.end, at)
        before = _snapshot(claim)
        _shift_ordinals(session, claim.article_id, claim.ordinal, 1)
        _set_text(session, claim, article_text, *first)
        second_text = article_text[second[0] : second[1]]
        kind = classify_sentence(second_text)
        part = Claim(
            article_id=claim.article_id,
            ordinal=claim.ordinal + 1,
            start=second[0],
            end=second[1],
            text=second_text,
            section=claim.section,
            checkable=claim.checkable and kind == "claim",
            kind=kind if claim.checkable else claim.kind,
            cues=[
                ClaimCue(kind=c.kind, start=c.start, end=c.end, text=c.text, reason=c.reason)
                for c in find_cues(second_text)
            ],
        )
        session.add(part)
        session.flush()
        _record(session, actor, claim, "split", before, new_claim_id=part.id)
        _record(session, actor, part, "create_by_split", None, split_from=claim.id)
        return claim.id, part.id


def merge_with_next(
    database: Database,
    actor: Actor,
    claim_id: int,
    *,
    expected_version: int | None = None,
) -> int:
    """Merge a claim with the one after it; returns the merged claim's new version."""
    with database.write() as session:
        claim = _load(session, actor, claim_id, expected_version)
        following = _neighbour(session, claim, 1)
        if following is None:
            raise ClaimreviewError("This is the article's last claim; there is nothing to merge.")
        has_work = session.scalar(
            select(func.count()).select_from(Review).where(Review.claim_id == following.id)
        ) or session.scalar(select(Decision.id).where(Decision.claim_id == following.id))
        if has_work:
            raise ClaimreviewError(
                f"Claim {following.ordinal} already has reviews or a decision; merging would "
                "lose them. Adjust this claim's span instead."
            )
        article_text = session.scalar(select(Article.text).where(Article.id == claim.article_id))
        start, end = merged_span((claim.start, claim.end), (following.start, following.end))
        before = _snapshot(claim)
        gone = _snapshot(following)
        following_id, ordinal = following.id, following.ordinal
        # Its matches go with it (by cascade); the claims it matched are counted again first.
        claim_matches.forget(session, [following_id])
        session.delete(following)
        session.flush()
        _shift_ordinals(session, claim.article_id, ordinal, -1)
        _set_text(session, claim, article_text, start, end)
        session.flush()
        _record(session, actor, claim, "merge", before, merged_claim=gone)
        record_event(
            session,
            action="delete_by_merge",
            entity_type="claim",
            entity_id=following_id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=claim.article_id,
            claim_id=following_id,
            before=gone,
            after={"merged_into": claim.id},
        )
        return claim.version
