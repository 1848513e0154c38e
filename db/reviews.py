"""Reviews: a reviewer's verdict, certainty and rationale on a claim, saved safely.

A reviewer writes only their own review. A save carries the version the reviewer saw; if the
review changed since, nothing is overwritten and ``StaleReview`` holds the stored version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from claims.errors import ClaimreviewError
from claims.grade import GradeAssessment
from claims.matching import SAME
from claims.permissions import READ_ALL_REVIEWS, READ_ARTICLES, REVIEW_CLAIMS, Actor
from db.assignments import blind_under, is_blind
from db.audit import record_event
from db.citations import record_study_design
from db.engine import Database
from db.models import (
    Article,
    CertaintyLevel,
    Citation,
    Claim,
    Review,
    ReviewCitation,
    Stance,
    Verdict,
    utcnow,
)
from db.unanimity import settle_unanimous


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    claim_id: int
    reviewer_id: int
    reviewer: str
    verdict: str | None
    certainty: str | None
    rationale: str
    status: str
    version: int
    needs_second_look: bool
    updated_at: datetime
    submitted_at: datetime | None
    citations: tuple[CitedSource, ...] = ()
    grade: GradeAssessment | None = None  # the certainty rated by domains; None: directly


class KeepGrade:
    """``save_review``'s default for ``grade``: leave the stored assessment as it is."""


KEEP_GRADE = KeepGrade()


@dataclass(frozen=True)
class CitedSource:
    """A library citation as one review uses it."""

    citation_id: int
    stance: str | None = None
    quote: str = ""
    locator: str = ""


class StaleReview(ClaimreviewError):
    """The review changed since it was opened; ``stored`` is what is in the database now."""

    def __init__(self, stored: ReviewInfo | None) -> None:
        super().__init__(
            "This review was changed elsewhere since you opened it; nothing was overwritten. "
            "Compare both versions and save again."
        )
        self.stored = stored


def review_info(review: Review, reviewer: str | None = None) -> ReviewInfo:
    """The review as the app reads it; ``reviewer``, its reviewer's username when the caller
    knows it (else it is read from the review's user)."""
    return ReviewInfo(
        id=review.id,
        claim_id=review.claim_id,
        reviewer_id=review.reviewer_id,
        reviewer=reviewer if reviewer is not None else review.reviewer.username,
        verdict=review.verdict,
        certainty=review.certainty,
        rationale=review.rationale,
        status=review.status,
        version=review.version,
        needs_second_look=review.needs_second_look,
        updated_at=review.updated_at,
        submitted_at=review.submitted_at,
        citations=tuple(
            CitedSource(link.citation_id, link.stance, link.quote, link.locator)
            for link in review.citations
        ),
        grade=stored_grade(review.grade),
    )


def stored_grade(text: str | None) -> GradeAssessment | None:
    """A review's stored GRADE assessment (written only through ``save_review``, checked)."""
    return GradeAssessment.from_json(json.loads(text)) if text else None


def _snapshot(review: Review) -> dict[str, object]:
    return {
        "verdict": review.verdict,
        "certainty": review.certainty,
        "rationale": review.rationale,
        "status": review.status,
        "grade": json.loads(review.grade) if review.grade else None,
        "citations": [
            {
                "citation_id": c.citation_id,
                "stance": c.stance,
                "quote": c.quote,
                "locator": c.locator,
            }
            for c in review.citations
        ],
    }


def get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    return claim


def check_scale_code(
    session: Session, model: type[Verdict | CertaintyLevel], code: str | None
) -> None:
    """Refuse, with the scale's values, a code the scale does not have."""
    if code is not None and session.get(model, code) is None:
        codes = ", ".join(session.scalars(select(model.code).order_by(model.position)))
        raise ClaimreviewError(f"{code!r} is not on the {model.__tablename__} scale ({codes}).")


def _opened_review(
    session: Session, actor: Actor, claim_id: int, expected_version: int | None
) -> Review | None:
    """The actor's review of the claim, as it was when they opened it (``expected_version``;
    None: they saw none), or None when there is none. StaleReview when it changed since."""
    review = session.scalar(
        select(Review).where(Review.claim_id == claim_id, Review.reviewer_id == actor.user_id)
    )
    if review is None:
        if expected_version is not None:
            raise StaleReview(None)
        return None
    if expected_version != review.version:
        raise StaleReview(review_info(review))
    return review


def check_review(
    actor: Actor,
    *,
    verdict: str | None,
    certainty: str | None,
    submit: bool,
    grade: GradeAssessment | KeepGrade | None = KEEP_GRADE,
) -> None:
    """What ``save_review`` refuses before it reads anything: a caller that saves after the
    click (the review page's Submit & next) asks first, so these refusals come at once."""
    actor.require(REVIEW_CLAIMS)
    if actor.user_id is None:
        raise ClaimreviewError("Reviews are written by a named reviewer: log in first.")
    if submit and (verdict is None or certainty is None):
        raise ClaimreviewError("Choose a verdict and an evidence certainty before submitting.")
    if isinstance(grade, GradeAssessment):
        _check_grade(grade, certainty)


def save_review(
    database: Database,
    actor: Actor,
    claim_id: int,
    *,
    verdict: str | None,
    certainty: str | None,
    rationale: str = "",
    submit: bool = False,
    expected_version: int | None = None,
    citations: Sequence[CitedSource] | None = None,
    keeping_mine: bool = False,
    study_designs: Mapping[int, str | None] | None = None,
    grade: GradeAssessment | KeepGrade | None = KEEP_GRADE,
) -> ReviewInfo:
    """Save the actor's own review of a claim, as a draft or submitted.

    ``expected_version`` is the version the reviewer opened (None: they saw no review yet).
    ``citations`` replaces the review's cited sources (None leaves them as they are).
    ``keeping_mine``: after a conflict, the reviewer chose their version over the one stored
    meanwhile (``expected_version`` is then the stored one); audited as "keep_mine", with the
    version it replaced as the event's "before".
    ``study_designs``: the study design the reviewer gave a cited source, by citation id (shared
    by every review that cites it), recorded in this same transaction: a refused save changes
    none of them.
    ``grade``: the certainty rated by GRADE's domains (``certainty`` must then be what it gives),
    or None to rate it directly; left out, the stored assessment stays (and must still give
    ``certainty``).
    """
    check_review(actor, verdict=verdict, certainty=certainty, submit=submit, grade=grade)

    def work(session: Session) -> ReviewInfo:
        if session.get_bind().dialect.name == "postgresql":
            # Saves of one claim take turns from their start. settle_unanimous locks the claim
            # later on; two first saves that had each inserted their review by then (which
            # takes a key-share lock on the claim) would deadlock there. FOR NO KEY UPDATE
            # leaves other writers' key-share locks (facts, decisions) free.
            session.execute(
                select(Claim.id).where(Claim.id == claim_id).with_for_update(key_share=True)
            )
        claim = get_claim(session, claim_id)
        check_scale_code(session, Verdict, verdict)
        check_scale_code(session, CertaintyLevel, certainty)
        # Before a new review is added: a query after that would flush it early, and its first
        # save would count as two versions. (A refusal below rolls the designs back too.)
        if citations is not None:
            _check_citations(session, citations)
        for citation_id, design in (study_designs or {}).items():
            record_study_design(session, actor.user_id, actor.channel, citation_id, design)
        review = _opened_review(session, actor, claim_id, expected_version)
        before = None
        if review is None:
            review = Review(claim_id=claim_id, reviewer_id=actor.user_id)
            session.add(review)
            action = "create"
        else:
            _refuse_revision_after_unblinding(session, claim, review)
            before = _snapshot(review)
            action = "update"
        if grade is KEEP_GRADE and review.grade:
            _check_grade(stored_grade(review.grade), certainty)
        # One save is one change of version: no flush midway through the edit.
        with session.no_autoflush:
            review.verdict = verdict
            review.certainty = certainty
            if grade is not KEEP_GRADE:
                review.grade = json.dumps(grade.to_json(), sort_keys=True) if grade else None
            review.rationale = rationale
            review.needs_second_look = False
            # Every save is a new version, even one that changes only the sources: a save
            # from another tab still holding the old version is then refused, not lost.
            review.updated_at = utcnow()
            if citations is not None:
                _set_citations(review, citations)
            if submit:
                review.status = "submitted"
                review.submitted_at = utcnow()
                action = "submit"
            else:
                review.status = "draft"
        session.flush()
        record_event(
            session,
            action="keep_mine" if keeping_mine and before is not None else action,
            entity_type="review",
            entity_id=review.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=claim.article_id,
            claim_id=claim.id,
            before=before,
            after=_snapshot(review),
        )
        # An article may accept agreeing reviews as its decision (db/unanimity.py).
        settle_unanimous(session, claim, claim.article)
        # The reviewer is the actor: their name needs no read of the user and their roles.
        return review_info(review, reviewer=actor.username)

    try:
        return database.write_retrying(work)
    except StaleDataError as error:  # a concurrent save won between our read and write
        with database.read() as session:
            stored = session.scalar(
                select(Review).where(
                    Review.claim_id == claim_id, Review.reviewer_id == actor.user_id
                )
            )
            raise StaleReview(review_info(stored) if stored else None) from error


def _check_grade(grade: GradeAssessment, certainty: str | None) -> None:
    """The certainty saved with domains must be the one they give (or their override)."""
    if certainty != grade.certainty():
        given = grade.certainty_label()
        raise ClaimreviewError(
            f"Your GRADE domains give {given} certainty, not the certainty chosen: choose "
            f"{given}, or override it in the domains with your reason, or rate certainty "
            "directly without domains. Nothing was saved."
        )


def _refuse_revision_after_unblinding(session: Session, claim: Claim, review: Review) -> None:
    """Under blind review, submitting opens the others' reviews; changing one's own review
    after reading them would defeat the blinding (and inflate agreement). A wording change
    of the claim (needs_second_look) still lets the reviewer revise."""
    if review.status != "submitted" or review.needs_second_look:
        return
    if not is_blind(session, claim.article):
        return
    others = session.scalar(
        select(Review.id)
        .where(
            Review.claim_id == claim.id,
            Review.reviewer_id != review.reviewer_id,
            Review.status == "submitted",
        )
        .limit(1)
    )
    if others is not None:
        raise ClaimreviewError(
            "Under blind review your submitted review is final once the other reviews of this "
            "claim are open to you; an editor settles any change on the Adjudication page. "
            "Nothing was saved."
        )


def _check_citations(session: Session, citations: Sequence[CitedSource]) -> None:
    for cited in citations:
        if session.get(Citation, cited.citation_id) is None:
            raise ClaimreviewError(f"There is no citation {cited.citation_id} in the library.")
        if cited.stance is not None and session.get(Stance, cited.stance) is None:
            raise ClaimreviewError(f"{cited.stance!r} is not a stance.")


def _set_citations(review: Review, citations: Sequence[CitedSource]) -> None:
    existing = {link.citation_id: link for link in review.citations}
    seen: set[int] = set()
    links = []
    for position, cited in enumerate(citations):
        if cited.citation_id in seen:
            continue
        seen.add(cited.citation_id)
        # Keep the row of a source already cited: (review, citation) is unique, and a delete
        # plus an insert of the same pair in one flush could collide.
        link = existing.get(cited.citation_id) or ReviewCitation(citation_id=cited.citation_id)
        link.stance, link.quote, link.locator = cited.stance, cited.quote, cited.locator
        link.position = position
        links.append(link)
    review.citations = links


@dataclass(frozen=True)
class ReadableReviews:
    reviews: list[ReviewInfo]  # what the reader may see, oldest first
    hidden: int  # others' submitted reviews kept from the reader by blind review
    blind: bool  # whether the claim's article is under blind review


def readable_reviews(session: Session, actor: Actor, claim_id: int) -> ReadableReviews:
    """The reviews of a claim that the actor may read. Editors read all. Reviewers read their
    own, and others' submitted reviews: at once where review is not blind, and under blind
    review only once they have submitted their own. Nobody else's draft is ever shown."""
    actor.require(READ_ARTICLES)
    # The claim's article and its rule in one light read (not the claim's and article's rows).
    found = session.execute(
        select(Claim.article_id, Article.blind_review)
        .join(Article, Article.id == Claim.article_id)
        .where(Claim.id == claim_id)
    ).first()
    if found is None:
        raise ClaimreviewError(f"There is no claim {claim_id}; it may have been merged away.")
    blind = blind_under(session, found.article_id, found.blind_review)
    reviews = session.scalars(
        select(Review)
        .where(Review.claim_id == claim_id)
        .order_by(Review.id)
        .options(joinedload(Review.reviewer), selectinload(Review.citations))
    )
    if actor.can(READ_ALL_REVIEWS):
        return ReadableReviews([review_info(r) for r in reviews], 0, blind)
    reviews = list(reviews)
    mine = [r for r in reviews if r.reviewer_id == actor.user_id]
    others = [r for r in reviews if r.reviewer_id != actor.user_id and r.status == "submitted"]
    may_see_others = not blind or any(r.status == "submitted" for r in mine)
    shown = sorted(mine + (others if may_see_others else []), key=lambda r: r.id)
    return ReadableReviews(
        [review_info(r) for r in shown], 0 if may_see_others else len(others), blind
    )


def others_have_reviewed(session: Session, actor: Actor, claim_id: int) -> bool:
    """Whether someone else's review of the claim exists that the actor would be shown or told
    of (see ``readable_reviews``): one indexed lookup, so a page can skip the full read for the
    many claims nobody else has reviewed."""
    actor.require(READ_ARTICLES)
    query = select(Review.id).where(Review.claim_id == claim_id)
    if actor.user_id is not None:  # an operator (no user) has no review of their own
        query = query.where(Review.reviewer_id != actor.user_id)
    if not actor.can(READ_ALL_REVIEWS):
        query = query.where(Review.status == "submitted")  # nobody else's draft is told of
    return session.scalar(query.limit(1)) is not None


def reviews_of_claim(database: Database, actor: Actor, claim_id: int) -> list[ReviewInfo]:
    """The reviews of a claim that the actor may read (see ``readable_reviews``)."""
    with database.read() as session:
        return readable_reviews(session, actor, claim_id).reviews


def reuse_sources(
    database: Database,
    actor: Actor,
    claim_id: int,
    earlier_claim_id: int,
    *,
    expected_version: int | None = None,
) -> ReviewInfo:
    """Copy the sources of an earlier claim the desk has seen before (db/seen_before.py), with
    their stances, into the actor's review of ``claim_id``, as a draft: a new draft when there
    is none, added to the draft's own sources otherwise. Never its verdict or certainty.

    Audited as "reuse_sources", naming the earlier claim. Refused, changing nothing, when the
    review was submitted (reusing would reopen it), when it changed since the reviewer opened
    it (``expected_version``), or when the earlier claim is not one offered to this reader
    (blind review offers only final decisions)."""
    from db.seen_before import seen_before  # it reads reviews through this module

    actor.require(REVIEW_CLAIMS)
    if actor.user_id is None:
        raise ClaimreviewError("Reviews are written by a named reviewer: log in first.")

    def work(session: Session) -> ReviewInfo:
        claim = get_claim(session, claim_id)
        get_claim(session, earlier_claim_id)
        # Only what the review page offers: the same claim, in another article, not archived,
        # with a finding this reader may see (under blind review, a final decision).
        offered = next(
            (e for e in seen_before(session, actor, claim_id) if e.claim_id == earlier_claim_id),
            None,
        )
        if offered is None or offered.relation != SAME:
            raise ClaimreviewError(
                "That earlier claim is not offered as the same claim with a finding you may "
                "reuse (under blind review only editors' final decisions are offered); nothing "
                "was changed."
            )
        sources = offered.sources
        if not sources:
            raise ClaimreviewError("That earlier claim cites no sources; nothing was changed.")
        review = _opened_review(session, actor, claim_id, expected_version)
        before = None
        if review is None:
            review = Review(claim_id=claim_id, reviewer_id=actor.user_id, rationale="")
            session.add(review)
            kept: list[CitedSource] = []
        else:
            if review.status == "submitted":
                raise ClaimreviewError(
                    "Your review of this claim is submitted; sources are reused into a draft "
                    "only. Nothing was changed."
                )
            before = _snapshot(review)
            kept = [
                CitedSource(link.citation_id, link.stance, link.quote, link.locator)
                for link in review.citations
            ]
        cited = {c.citation_id for c in kept}
        added = [
            CitedSource(s.citation_id, s.stance) for s in sources if s.citation_id not in cited
        ]
        if not added:
            raise ClaimreviewError(
                "Your review already cites every source of that earlier claim; nothing was changed."
            )
        with session.no_autoflush:
            review.status = "draft"
            review.updated_at = utcnow()  # a new version even when only its sources change
            _set_citations(review, [*kept, *added])
        session.flush()
        record_event(
            session,
            action="reuse_sources",
            entity_type="review",
            entity_id=review.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            article_id=claim.article_id,
            claim_id=claim.id,
            before=before,
            after={
                **_snapshot(review),
                "from_claim_id": earlier_claim_id,
                "added_citations": [s.citation_id for s in added],
            },
        )
        session.refresh(review, ["reviewer"])
        return review_info(review)

    return database.write_retrying(work)
