"""An editor's final decision on a claim: verdict, certainty, reason, note, and its basis."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from claims.errors import ClaimreviewError
from claims.permissions import RECORD_DECISIONS, Actor
from claims.scales import DECISION_REASONS
from db.audit import record_event
from db.engine import Database
from db.models import CertaintyLevel, Decision, DecisionReview, Review, Verdict
from db.reviews import check_scale_code, get_claim


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    claim_id: int
    verdict: str
    certainty: str | None
    reason: str | None
    note: str
    based_on: tuple[int, ...]
    version: int


def _snapshot(decision: Decision) -> dict[str, object]:
    return {
        "verdict": decision.verdict,
        "certainty": decision.certainty,
        "reason": decision.reason,
        "note": decision.note,
        "based_on_reviews": sorted(d.review_id for d in decision.based_on),
    }


def record_decision(
    database: Database,
    actor: Actor,
    claim_id: int,
    *,
    verdict: str,
    certainty: str | None,
    reason: str | None = None,
    note: str = "",
    based_on: tuple[int, ...] | list[int] = (),
    expected_version: int | None = None,
) -> DecisionInfo:
    actor.require(RECORD_DECISIONS)
    editors_reasons = [r for r in DECISION_REASONS if r != "unanimous"]
    if reason is not None and reason not in editors_reasons:
        raise ClaimreviewError(
            f"{reason!r} is not a reason an editor gives ({', '.join(editors_reasons)}); "
            "'unanimous' is kept for decisions accepted automatically."
        )
    with database.write() as session:
        claim = get_claim(session, claim_id)
        check_scale_code(session, Verdict, verdict)
        check_scale_code(session, CertaintyLevel, certainty)
        review_ids = sorted(set(based_on))
        if review_ids:
            found = set(
                session.scalars(
                    select(Review.id).where(Review.id.in_(review_ids), Review.claim_id == claim_id)
                )
            )
            missing = [i for i in review_ids if i not in found]
            if missing:
                raise ClaimreviewError(
                    f"Review {missing[0]} is not a review of claim {claim_id}; a decision rests "
                    "only on reviews of its own claim."
                )
        decision = session.scalar(select(Decision).where(Decision.claim_id == claim_id))
        before = None
        if decision is None:
            decision = Decision(claim_id=claim_id)
            session.add(decision)
            action = "create"
        else:
            # expected_version 0: the editor saw no decision yet, so any decision is news.
            if expected_version is not None and expected_version != decision.version:
                raise ClaimreviewError(
                    "This decision was changed elsewhere since you opened it; reload and decide "
                    "again. Nothing was overwritten."
                )
            before = _snapshot(decision)
            action = "update"
        decision.editor_id = actor.user_id
        decision.verdict = verdict
        decision.certainty = certainty
        decision.reason = reason
        decision.note = note
        decision.based_on = [DecisionReview(review_id=i) for i in review_ids]
        session.flush()
        record_event(
            session,
            action=action,
            entity_type="decision",
            entity_id=decision.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=claim.article_id,
            claim_id=claim.id,
            before=before,
            after=_snapshot(decision),
        )
        return DecisionInfo(
            id=decision.id,
            claim_id=claim_id,
            verdict=verdict,
            certainty=certainty,
            reason=reason,
            note=note,
            based_on=tuple(review_ids),
            version=decision.version,
        )
