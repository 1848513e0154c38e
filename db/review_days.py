"""Submitted reviews per reviewer and day, kept current as reviews are written.

The reviewer-throughput chart of the evidence-gap page counts reviews submitted per reviewer
and day over half a year. Grouping every review for that costs a pass over hundreds of
thousands of rows at a million claims; ``review_days`` holds one row per reviewer and day.

Like db/claim_facts.py, session events keep it current inside the writing transaction: after
each flush the (reviewer, day) pairs of every review written are noted, the old day included
(a resubmission moves a review to today; a reopened draft leaves its day), and just before the
commit those pairs are counted again from the reviews. Writes that bypass the ORM (the bulk
generator) call ``rebuild``; ``ensure_review_days`` rebuilds when the counts do not add up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Review, ReviewDay

_KEYS = "review_days_to_count"
# pg_advisory_xact_lock's first key: this module's lock space, apart from any other's.
_LOCK_SPACE = 7401


def _day(value: datetime | None) -> date | None:
    if value is None:
        return None
    return (value if value.tzinfo is None else value.astimezone(UTC)).date()


def _note_reviews(session: Session, _flush_context: object) -> None:
    keys: set[tuple[int, date]] = session.info.setdefault(_KEYS, set())
    for review in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(review, Review) or review.reviewer_id is None:
            continue
        history = inspect(review).attrs.submitted_at.history
        for value in (*history.added, *history.unchanged, *history.deleted):
            day = _day(value)
            if day is not None:
                keys.add((review.reviewer_id, day))


def count_again(session: Session, keys: set[tuple[int, date]]) -> None:
    """Rewrite the rows of these (reviewer, day) pairs from the reviews, in this transaction."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions of one reviewer would each count without the other's new review:
        # they take turns per reviewer (in one order: no deadlock), and the count that follows
        # the lock sees what the earlier one committed.
        for reviewer_id in sorted({reviewer for reviewer, _ in keys}):
            session.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, reviewer_id)))
    session.flush()
    connection = session.connection()  # statements built once, run with the pair bound
    for reviewer_id, day in sorted(keys):
        start = datetime.combine(day, time.min, UTC)
        pair = {"reviewer_id": reviewer_id, "day": day}
        reviews = connection.scalar(
            _COUNT_DAY, {"reviewer_id": reviewer_id, "start": start, "end": start + _ONE_DAY}
        )
        connection.execute(_DELETE_DAY, pair)
        if reviews:
            connection.execute(_INSERT_DAY, {**pair, "reviews": reviews})


_ONE_DAY = timedelta(days=1)
_COUNT_DAY = (
    select(func.count())
    .select_from(Review)
    .where(
        Review.status == "submitted",
        Review.submitted_at >= bindparam("start"),
        Review.submitted_at < bindparam("end"),
        Review.reviewer_id == bindparam("reviewer_id"),
    )
)
_DAYS = ReviewDay.__table__
_DELETE_DAY = delete(_DAYS).where(
    _DAYS.c.reviewer_id == bindparam("reviewer_id"), _DAYS.c.day == bindparam("day")
)
_INSERT_DAY = insert(_DAYS)


def _count_before_commit(session: Session) -> None:
    session.flush()  # reviews changed since the last flush are noted by now
    count_again(session, session.info.pop(_KEYS, set()))


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_KEYS, None)


def rebuild(session: Session) -> None:
    """Count every reviewer's days again from scratch (after a bulk load or a restore)."""
    session.execute(delete(ReviewDay))
    day = func.date(Review.submitted_at)
    session.execute(
        insert(ReviewDay).from_select(
            ("reviewer_id", "day", "reviews"),
            select(Review.reviewer_id, day, func.count())
            .where(Review.status == "submitted", Review.submitted_at.is_not(None))
            .group_by(Review.reviewer_id, day),
        )
    )


def ensure_review_days(session: Session) -> bool:
    """Rebuild the day counts if they do not add up to the submitted reviews (a database made
    before they existed, or written by bulk inserts). Returns whether it rebuilt them."""
    submitted = session.scalar(
        select(func.count())
        .select_from(Review)
        .where(Review.status == "submitted", Review.submitted_at.is_not(None))
    )
    counted = session.scalar(select(func.coalesce(func.sum(ReviewDay.reviews), 0)))
    if submitted == counted:
        return False
    rebuild(session)
    return True


def keep_counted(factory: sessionmaker) -> None:
    """Make every session from ``factory`` keep ``review_days`` current as it commits.

    Registered after db.claim_facts.keep_current, so its locks come after the facts' locks in
    every transaction.
    """
    event.listen(factory, "after_flush", _note_reviews)
    event.listen(factory, "before_commit", _count_before_commit)
    event.listen(factory, "after_rollback", _forget)
