"""The reviewer-throughput day counts always equal the submitted reviews counted afresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file, set_archived
from db.dashboard import DashboardFilter, review_throughput
from db.demo_data import generate
from db.engine import Database
from db.models import Review, ReviewDay
from db.review_days import ensure_review_days
from db.reviews import save_review
from db.workspace import review_navigator
from tests.reliability.checks import review_day_problems

OPERATOR = Actor.operator("test")
TEXT = b"Drug A lowers blood pressure in adults. Drug B cures migraine. Drug C eases pain.\n"


def _world(database: Database) -> tuple[list[int], Actor, Actor, int]:
    article = import_file(database, TEXT, "a.txt", actor=OPERATOR)
    rita, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password="long password1")
    raj, _ = create_user(database, OPERATOR, "raj", ["reviewer"], password="long password2")
    with database.read() as session:
        _, rows = review_navigator(session, actor_for(rita), article.article_id)
    return [r.id for r in rows], actor_for(rita), actor_for(raj), article.article_id


def _days(database: Database) -> dict[tuple[int, str], int]:
    with database.read() as session:
        rows = session.execute(select(ReviewDay.reviewer_id, ReviewDay.day, ReviewDay.reviews))
        return {(r, str(d)): n for r, d, n in rows}


def test_submits_drafts_and_a_moved_day_keep_the_counts(database: Database) -> None:
    claims, rita, raj, _ = _world(database)
    today = str(datetime.now(UTC).date())
    for claim in claims:
        save_review(database, rita, claim, verdict="accurate", certainty="high", submit=True)
    save_review(database, raj, claims[0], verdict="inaccurate", certainty="low", submit=True)
    save_review(database, raj, claims[1], verdict="accurate", certainty="low")  # a draft
    assert _days(database) == {(rita.user_id, today): 3, (raj.user_id, today): 1}
    # Rita reopens one review as a draft: it no longer counts.
    save_review(database, rita, claims[2], verdict="accurate", certainty="high",
                expected_version=1)  # fmt: skip
    assert _days(database)[(rita.user_id, today)] == 2
    # A review whose submission moves to another day leaves today's count for that day's.
    earlier = datetime.now(UTC) - timedelta(days=3)
    with database.write() as session:
        review = session.scalar(
            select(Review).where(Review.claim_id == claims[0], Review.reviewer_id == rita.user_id)
        )
        review.submitted_at = earlier
    assert _days(database) == {
        (rita.user_id, today): 1,
        (rita.user_id, str(earlier.date())): 1,
        (raj.user_id, today): 1,
    }
    assert review_day_problems(database) == []


def test_throughput_of_every_article_reads_the_day_counts(database: Database) -> None:
    claims, rita, raj, article_id = _world(database)
    for claim in claims[:2]:
        save_review(database, rita, claim, verdict="accurate", certainty="high", submit=True)
    save_review(database, raj, claims[0], verdict="accurate", certainty="high", submit=True)
    editor = Actor.operator("editor")
    every = review_throughput_rows(database, editor, DashboardFilter())
    one = review_throughput_rows(database, editor, DashboardFilter(article_id=article_id))
    assert every == one == {"rita": 2, "raj": 1}
    # Throughput reads the stored counts: a wrong count shows (the oracle test above guards
    # that they stay right).
    with database.write() as session:
        session.execute(update(ReviewDay).values(reviews=ReviewDay.reviews + 10))
    assert review_throughput_rows(database, editor, DashboardFilter()) == {"rita": 12, "raj": 11}
    # Archived articles' reviews are left out.
    with database.write() as session:
        session.execute(update(ReviewDay).values(reviews=ReviewDay.reviews - 10))
    set_archived(database, OPERATOR, article_id, True)
    assert review_throughput_rows(database, editor, DashboardFilter()) == {}


def review_throughput_rows(database: Database, actor: Actor, filters: DashboardFilter) -> dict:
    with database.read() as session:
        rows = review_throughput(session, actor, filters)
    totals: dict[str, int] = {}
    for _day, reviewer, count in rows:
        totals[reviewer] = totals.get(reviewer, 0) + count
    return totals


def test_bulk_generated_reviews_are_counted_and_a_gap_is_rebuilt(database: Database) -> None:
    generate(database, OPERATOR, claims=400, seed=3)
    assert review_day_problems(database) == []
    assert _days(database)  # the generator writes submitted reviews
    with database.write() as session:
        session.execute(update(ReviewDay).values(reviews=ReviewDay.reviews + 1))
        assert ensure_review_days(session) is True
    assert review_day_problems(database) == []
    with database.write() as session:
        assert ensure_review_days(session) is False
