"""Stored matches ("seen before" found once per claim), on SQLite and PostgreSQL: both
directions stored, a reworded claim matched again, archived articles left out, the background
matcher draining the queue, and the recurring claims an editor watches."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from claims.errors import ClaimreviewError
from claims.matching import OPPOSITE, SAME
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file, set_archived
from db.claim_edits import change_span, merge_with_next
from db.claim_matches import (
    BackgroundMatcher,
    match_article,
    match_queued,
    occurrences,
    queue_article,
    recurring_claims,
    stored_matches,
)
from db.engine import Database
from db.models import Article, Claim, ClaimMatch, ClaimMatchQueue, ClaimRecurrence
from db.reviews import save_review
from db.seen_before import seen_before, seen_before_in_article

OPERATOR = Actor.operator("test")
MYTH = "Vitamin D supplements cure COVID-19 in most patients."
ARTICLES = (
    f"Spring myths\n\n{MYTH} Regular exercise lowers blood pressure in older adults.\n",
    "Summer myths\n\nTaking vitamin D pills cures COVID-19 in the majority of patients. "
    "Zinc lozenges shorten the common cold by two days.\n",
    "Autumn myths\n\nVitamin D supplements cure COVID-19 in most patients, a blog claims. "
    "Vitamin D supplements do not cure COVID-19 in most patients.\n",
)


def _claim(database: Database, article_id: int, start: str) -> int:
    with database.read() as session:
        return session.scalar(
            select(Claim.id).where(Claim.article_id == article_id, Claim.text.startswith(start))
        )


def _queue_size(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(ClaimMatchQueue))


@pytest.fixture
def desk(database: Database) -> dict:
    ids = [
        import_file(database, text.encode(), f"myths-{n}.txt", actor=OPERATOR).article_id
        for n, text in enumerate(ARTICLES)
    ]
    editor, _ = create_user(database, OPERATOR, "edna", ["editor"], password="a long password")
    reviewer, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password="a long password")
    return {
        "articles": ids,
        "spring": _claim(database, ids[0], "Vitamin D"),
        "summer": _claim(database, ids[1], "Taking vitamin D"),
        "autumn": _claim(database, ids[2], "Vitamin D supplements cure"),
        "negated": _claim(database, ids[2], "Vitamin D supplements do not"),
        "exercise": _claim(database, ids[0], "Regular exercise"),
        "edna": actor_for(editor),
        "rita": actor_for(reviewer),
    }


def test_an_import_queues_its_checkable_claims_and_the_matcher_stores_both_directions(
    database: Database, desk: dict
) -> None:
    assert _queue_size(database) == 6  # the headings are not claims
    assert match_queued(database, limit=100) == 6
    assert _queue_size(database) == 0
    with database.read() as session:
        spring = {m.other_claim_id: m.relation for m in stored_matches(session, desk["spring"])}
        negated = {m.other_claim_id: m.relation for m in stored_matches(session, desk["negated"])}
        exercise = stored_matches(session, desk["exercise"])
    assert spring == {desk["summer"]: SAME, desk["autumn"]: SAME, desk["negated"]: OPPOSITE}
    assert negated[desk["spring"]] == OPPOSITE
    assert exercise == []  # nothing like it elsewhere
    # Matching again changes nothing: each pair once in each direction.
    with database.write() as session:
        before = session.scalar(select(func.count()).select_from(ClaimMatch))
        session.add(ClaimMatchQueue(claim_id=desk["spring"]))
    assert match_queued(database) == 1
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(ClaimMatch)) == before


def test_a_reworded_claim_loses_its_matches_and_is_matched_again(
    database: Database, desk: dict
) -> None:
    match_queued(database, limit=100)
    with database.read() as session:
        assert session.get(ClaimRecurrence, desk["spring"]).other_articles == 2
        claim = session.get(Claim, desk["summer"])
        text = session.get(Article, claim.article_id).text
        start, version = claim.start, claim.version
        session.expunge(claim)
    # Cut the claim down to its last words: no longer the myth.
    end = claim.end
    start = text.index("the majority", start)
    change_span(database, OPERATOR, desk["summer"], start, end, expected_version=version)
    assert text[start:end] == "the majority of patients."
    with database.read() as session:
        assert session.get(ClaimMatchQueue, desk["summer"]) is not None
        assert stored_matches(session, desk["summer"]) == []
        spring = stored_matches(session, desk["spring"])
        assert desk["summer"] not in {m.other_claim_id for m in spring}
        # The kept count of the articles the myth was seen in follows.
        assert session.get(ClaimRecurrence, desk["spring"]).other_articles == 1
        assert session.get(ClaimRecurrence, desk["summer"]) is None
    match_queued(database)
    with database.read() as session:
        assert stored_matches(session, desk["summer"]) == []
        assert session.get(ClaimMatchQueue, desk["summer"]) is None


def test_a_finding_given_after_the_match_is_offered_without_matching_again(
    database: Database, desk: dict
) -> None:
    match_queued(database, limit=100)
    with database.read() as session:
        assert seen_before(session, desk["rita"], desk["summer"]) == []  # no finding yet
    save_review(
        database, desk["edna"], desk["spring"], verdict="inaccurate", certainty="moderate",
        rationale="Trials found no benefit.", submit=True,
    )  # fmt: skip
    assert _queue_size(database) == 0  # a review does not reword the claim
    with database.read() as session:
        found = seen_before(session, desk["rita"], desk["summer"])
        in_article = seen_before_in_article(session, desk["rita"], desk["articles"][1])
    assert [(e.claim_id, e.relation, e.verdict) for e in found] == [
        (desk["spring"], SAME, "inaccurate")
    ]
    assert in_article == [desk["summer"]]
    # An archived article's claims are not offered, stored or not.
    set_archived(database, OPERATOR, desk["articles"][0], True)
    with database.read() as session:
        assert seen_before(session, desk["rita"], desk["summer"]) == []


def test_recurring_claims_are_those_seen_in_three_articles_with_their_verdicts(
    database: Database, desk: dict
) -> None:
    match_queued(database, limit=100)
    save_review(
        database, desk["edna"], desk["spring"], verdict="inaccurate", certainty="moderate",
        submit=True,
    )  # fmt: skip
    with database.read() as session:
        [myth] = recurring_claims(session, desk["edna"])
        of_summer = recurring_claims(session, desk["edna"], article_id=desk["articles"][1])
        of_two = recurring_claims(session, desk["edna"], minimum=2)
        with pytest.raises(ClaimreviewError):
            recurring_claims(session, desk["rita"])  # an editor's view
    assert (myth.articles, myth.claim_id, myth.text) == (3, desk["spring"], MYTH)
    assert myth.verdicts == (("inaccurate", 1), ("unreviewed", 2))  # findings first
    with database.read() as session:
        places = occurrences(session, desk["edna"], myth.claim_ids)
    assert [(o.claim_id, o.verdict_state) for o in places] == [
        (desk["autumn"], "unreviewed"), (desk["summer"], "unreviewed"),
        (desk["spring"], "inaccurate"),
    ]  # newest article first; the opposite claim is not one of them  # fmt: skip
    assert of_summer == [myth]
    assert of_two == [myth]  # the exercise claim recurs nowhere
    # Archive one of the three: no longer seen in three articles.
    set_archived(database, OPERATOR, desk["articles"][2], True)
    with database.read() as session:
        assert recurring_claims(session, desk["edna"]) == []


def test_the_page_matches_a_new_article_and_leaves_the_rest_to_the_background(
    database: Database, desk: dict
) -> None:
    assert match_article(database, desk["articles"][2], seconds=0) == 2  # no time: both left
    assert match_article(database, desk["articles"][2]) == 0
    assert _queue_size(database) == 4
    matcher = BackgroundMatcher(database, idle=0.05).start()
    try:
        deadline = time.monotonic() + 30
        while _queue_size(database) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        matcher.stop()
    assert _queue_size(database) == 0 and matcher.matched == 4
    assert not matcher.is_alive()


def _is_queued(database: Database, claim_id: int) -> bool:
    with database.read() as session:
        return session.get(ClaimMatchQueue, claim_id) is not None


def test_the_claims_a_reviewer_is_about_to_open_are_matched_first(database: Database) -> None:
    # A 14-article backlog is drained newest first: the oldest claim would be matched last.
    articles = _myth_articles(database, [MYTH] * 14, "Backlog")
    oldest = _claim(database, articles[0], "Vitamin D")
    matcher = BackgroundMatcher(database, batch=1).start()
    try:
        matcher.prefer([oldest])  # the review page opens the claims just before it
        deadline = time.monotonic() + 30
        while _is_queued(database, oldest) and time.monotonic() < deadline:
            time.sleep(0.002)
        left = _queue_size(database)
    finally:
        matcher.stop()
    assert not _is_queued(database, oldest)
    assert left >= 10  # matched among the first, not after the other 13
    with database.read() as session:
        assert len(stored_matches(session, oldest)) >= 10  # its 10 closest of the 13, at least


def test_an_idle_matcher_wakes_for_the_claims_a_reviewer_is_about_to_open(
    database: Database, desk: dict
) -> None:
    match_queued(database, limit=100)
    matcher = BackgroundMatcher(database, idle=600).start()  # asleep for ten minutes
    try:
        time.sleep(0.2)
        article = import_file(database, f"Winter myths\n\n{MYTH}\n".encode(), "winter.txt",
                              actor=OPERATOR).article_id  # fmt: skip
        new = _claim(database, article, "Vitamin D")
        matcher.prefer([new])
        deadline = time.monotonic() + 30
        while _is_queued(database, new) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        matcher.stop()
    assert not _is_queued(database, new)
    with database.read() as session:
        assert desk["spring"] in {m.other_claim_id for m in stored_matches(session, new)}


def _drained(database: Database, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while _queue_size(database) and time.monotonic() < deadline:
        time.sleep(0.02)
    return _queue_size(database) == 0


def test_the_background_matcher_keeps_out_of_the_way_while_a_page_is_drawn(
    database: Database, desk: dict
) -> None:
    drawing = [True]
    matcher = BackgroundMatcher(database, busy=lambda: drawing[0], yield_at_most=60).start()
    try:
        time.sleep(0.5)
        assert _queue_size(database) == 6  # nothing matched while a reviewer waits for a page
        drawing[0] = False
        assert _drained(database)
    finally:
        matcher.stop()
    # A server drawing pages all the time still matches, a claim every so often.
    with database.write(versioned=False) as session:
        queue_article(session, desk["articles"][0])  # as if its text had changed
    matcher = BackgroundMatcher(database, busy=lambda: True, yield_at_most=0.1).start()
    try:
        assert _drained(database)
    finally:
        matcher.stop()


def _myth_articles(database: Database, texts: list[str], prefix: str) -> list[int]:
    return [
        import_file(database, f"{prefix} {n}\n\n{text}\n".encode(), f"{prefix}-{n}.txt",
                    actor=OPERATOR).article_id
        for n, text in enumerate(texts)
    ]  # fmt: skip


def test_a_backlog_drained_newest_first_keeps_every_claims_matches_and_the_settled_one(
    database: Database,
) -> None:
    # One myth in 14 articles, all queued at once (an upgrade's backlog, command-line imports);
    # only the first occurrence is reviewed. Matching the older claims last must not drop what
    # the newer ones stored, and twelve unreviewed copies must not crowd out the reviewed one.
    wordings = [MYTH, "Vitamin D supplements cure COVID-19 in most patients, say doctors."]
    articles = _myth_articles(database, [wordings[n % 2] for n in range(14)], "Myth")
    first = _claim(database, articles[0], "Vitamin D")
    editor, _ = create_user(database, OPERATOR, "edna", ["editor"], password="a long password")
    save_review(
        database, actor_for(editor), first, verdict="inaccurate", certainty="moderate",
        submit=True,
    )  # fmt: skip
    assert match_queued(database, limit=100) == 14
    with database.read() as session:
        for article in articles:
            claim = _claim(database, article, "Vitamin D")
            assert len(stored_matches(session, claim)) >= 10, article
        newest = _claim(database, articles[-1], "Vitamin D")
        found = seen_before(session, actor_for(editor), newest)
    assert [e.claim_id for e in found] == [first]


def test_one_myth_met_many_times_does_not_hide_the_others(database: Database) -> None:
    _myth_articles(database, [MYTH] * 12, "Big")
    _myth_articles(database, ["Zinc lozenges shorten the common cold by two days."] * 3, "Small")
    match_queued(database, limit=100)
    with database.read() as session:
        found = recurring_claims(session, OPERATOR, limit=2)
    assert [(r.text, r.articles) for r in found] == [
        (MYTH, 12), ("Zinc lozenges shorten the common cold by two days.", 3)
    ]  # fmt: skip


def test_a_claim_merged_away_is_counted_out_of_its_matches(database: Database) -> None:
    ids = _myth_articles(database, [MYTH] * 2, "Myth")
    merged = import_file(database, f"Merged\n\nA new study.\n{MYTH}\n".encode(), "merged.txt",
                         actor=OPERATOR).article_id  # fmt: skip
    match_queued(database, limit=100)
    partner = _claim(database, ids[0], "Vitamin D")
    with database.read() as session:
        assert session.get(ClaimRecurrence, partner).other_articles == 2
    merge_with_next(database, OPERATOR, _claim(database, merged, "A new study"))
    with database.read() as session:
        assert session.get(ClaimRecurrence, partner).other_articles == 1


def test_an_articles_count_searches_only_so_many_claims_still_queued(
    database: Database, desk: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_review(
        database, desk["edna"], desk["spring"], verdict="inaccurate", certainty="moderate",
        submit=True,
    )  # fmt: skip
    monkeypatch.setattr("db.seen_before.QUEUED_CHECKED", 1)
    autumn = desk["articles"][2]
    with database.read() as session:  # both autumn claims still queued: the first one searched
        assert seen_before_in_article(session, desk["rita"], autumn) == [desk["autumn"]]
    match_queued(database, limit=100)
    with database.read() as session:  # stored: both counted
        counted = seen_before_in_article(session, desk["rita"], autumn)
    assert counted == [desk["autumn"], desk["negated"]]
