"""Teams: assignments and queues, blind review enforced where reviews are read, agreement,
unanimous reviews accepted, and the editor's adjudication."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.permissions import Actor, PermissionDenied
from db.accounts import actor_for, create_user
from db.adjudication import adjudication_backlog, claim_for_adjudication
from db.agreement import agreement_summary
from db.articles import import_file
from db.assignments import (
    article_assignments,
    assign,
    review_rules,
    reviewer_queue,
    set_review_rules,
    unassign,
)
from db.audit import claim_history
from db.citations import add_citations
from db.dashboard import overview
from db.decisions import record_decision
from db.engine import Database
from db.models import AuditEvent, Decision
from db.queries import article_bundle, claim_page
from db.reviews import CitedSource, readable_reviews, reviews_of_claim, save_review

OPERATOR = Actor.operator("test")
TEXT = (
    b"Drug A lowers blood pressure in adults. Drug B cures migraine in children. "
    b"Drug C reduces pain after surgery. Drug D prevents strokes in older adults. "
    b"Is drug E safe in pregnancy?"
)


@pytest.fixture
def team(database: Database) -> dict:
    article = import_file(database, TEXT, "team.txt", actor=OPERATOR).article_id
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("raj", ["reviewer"]), ("ana", ["reviewer"]),
                        ("edna", ["editor"])):  # fmt: skip
        user, _ = create_user(database, OPERATOR, name, roles, password=name * 4 + "-pass")
        people[name] = actor_for(user)
    with database.read() as session:
        ids = [c.id for c in claim_page(session, OPERATOR, article) if c.checkable]
    assert len(ids) == 4
    return {"article": article, "ids": ids, **people}


def events(database: Database, action: str) -> int:
    with database.read() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def submit(database, who, claim_id, verdict, certainty, **extra):
    return save_review(database, who, claim_id, verdict=verdict, certainty=certainty,
                       submit=True, **extra)  # fmt: skip


def test_assignments_fill_each_reviewers_queue_oldest_first(database: Database, team: dict) -> None:
    edna, rita, ana = team["edna"], team["rita"], team["ana"]
    assert assign(database, edna, team["article"], [rita.user_id, team["raj"].user_id]) == 2
    assert assign(database, edna, team["article"], [rita.user_id]) == 0  # already assigned
    assert assign(database, edna, team["article"], [ana.user_id], team["ids"][2:]) == 2
    assert events(database, "assign") == 3

    with database.read() as session:
        total, queue = reviewer_queue(session, rita)
        _, anas = reviewer_queue(session, ana)
        rows = {r.reviewer: r for r in article_assignments(session, edna, team["article"])}
    assert total == 4 and [q.claim_id for q in queue] == team["ids"]  # the question is left out
    assert [q.claim_id for q in anas] == team["ids"][2:]
    assert rows["rita"].whole_article and rows["rita"].claims == 4
    assert not rows["ana"].whole_article and rows["ana"].claims == 2

    save_review(database, rita, team["ids"][0], verdict="accurate", certainty="high")  # draft
    submit(database, rita, team["ids"][1], "accurate", "high")
    with database.read() as session:
        total, queue = reviewer_queue(session, rita)
        rows = {r.reviewer: r for r in article_assignments(session, edna, team["article"])}
    assert total == 3 and queue[0].claim_id == team["ids"][0] and queue[0].draft
    assert team["ids"][1] not in [q.claim_id for q in queue]
    assert rows["rita"].submitted == 1

    assert unassign(database, edna, team["article"], ana.user_id) == 2
    assert events(database, "unassign") == 1
    with database.read() as session:
        assert reviewer_queue(session, ana) == (0, [])


def test_assignments_refuse_what_they_should(database: Database, team: dict) -> None:
    with pytest.raises(PermissionDenied):
        assign(database, team["rita"], team["article"], [team["raj"].user_id])
    with pytest.raises(ClaimreviewError, match="not an active reviewer"):
        assign(database, team["edna"], team["article"], [team["edna"].user_id])
    with pytest.raises(ClaimreviewError, match="not a claim of article"):
        assign(database, team["edna"], team["article"], [team["rita"].user_id], [999999])
    with pytest.raises(ClaimreviewError, match="blind-review setting"):
        set_review_rules(database, team["edna"], team["article"], blind_review="maybe")
    assert events(database, "assign") == 0 and events(database, "set_review_rules") == 0


def test_blind_review_hides_others_reviews_until_you_submit(database: Database, team: dict) -> None:
    edna, rita, raj = team["edna"], team["rita"], team["raj"]
    claim = team["ids"][0]
    with database.read() as session:
        assert review_rules(session, edna, team["article"]).blind_now is False
    assign(database, edna, team["article"], [rita.user_id, raj.user_id])
    with database.read() as session:
        assert review_rules(session, edna, team["article"]).blind_now is True  # "auto", 2 assigned
    (source,) = add_citations(database, raj, parse_identifiers("PMID 31")[0])
    submit(database, raj, claim, "inaccurate", "low", rationale="Trial X says no.",
           citations=[CitedSource(source.id, "contradicts")])  # fmt: skip
    save_review(database, rita, claim, verdict="accurate", certainty="high")  # her draft

    with database.read() as session:
        seen = readable_reviews(session, rita, claim)
        raj_sees = readable_reviews(session, raj, claim)
    assert [r.reviewer for r in seen.reviews] == ["rita"] and seen.hidden == 1 and seen.blind
    # Raj has submitted, but Rita's draft is hers alone.
    assert [r.reviewer for r in raj_sees.reviews] == ["raj"] and raj_sees.hidden == 0
    assert [r.reviewer for r in reviews_of_claim(database, rita, claim)] == ["rita"]
    assert all(e.actor != "raj" for e in claim_history(database, rita, claim))
    assert {r.reviewer for r in reviews_of_claim(database, edna, claim)} == {"rita", "raj"}
    # The other ways to read reviews are editors' only.
    with database.read() as session, pytest.raises(PermissionDenied):
        article_bundle(session, rita, team["article"])
    with database.read() as session, pytest.raises(PermissionDenied):
        overview(session, rita)

    mine = reviews_of_claim(database, rita, claim)[0]
    submit(database, rita, claim, "accurate", "high", expected_version=mine.version)
    with database.read() as session:
        seen = readable_reviews(session, rita, claim)
    assert [r.reviewer for r in seen.reviews] == ["raj", "rita"] and seen.hidden == 0
    assert seen.reviews[0].rationale == "Trial X says no." and seen.reviews[0].citations

    # With blind review off, others' submitted reviews show at once (drafts never do).
    set_review_rules(database, edna, team["article"], blind_review="off")
    save_review(database, raj, team["ids"][1], verdict="accurate", certainty="high")  # draft
    submit(database, team["ana"], team["ids"][1], "misleading", "low")
    with database.read() as session:
        seen = readable_reviews(session, rita, team["ids"][1])
    assert [r.reviewer for r in seen.reviews] == ["ana"] and seen.hidden == 0


def test_agreement_equals_the_hand_computation(database: Database, team: dict) -> None:
    rita, raj, ids = team["rita"], team["raj"], team["ids"]
    pairs = [("accurate", "accurate"), ("accurate", "misleading"), ("misleading", "misleading"),
             ("inaccurate", "inaccurate")]  # fmt: skip
    certainty = [("high", "high"), ("high", "moderate"), ("low", "very_low"), ("low", "low")]
    for claim, (a, b), (c, d) in zip(ids, pairs, certainty, strict=True):
        submit(database, rita, claim, a, c)
        submit(database, raj, claim, b, d)
    with database.read() as session:
        summary = agreement_summary(session, team["edna"], team["article"])
        everywhere = agreement_summary(session, team["edna"])
    # Verdicts: 3 of 4 claims agree. Rita's marginals accurate 2, misleading 1, inaccurate 1;
    # Raj's 1, 2, 1. Chance agreement pe = (2*1 + 1*2 + 1*1) / 16 = 5/16;
    # kappa = (3/4 - 5/16) / (1 - 5/16) = (7/16) / (11/16) = 7/11.
    assert summary.verdict.items == 4 and summary.verdict.raters == 2
    assert summary.verdict.percent == pytest.approx(75.0)
    assert summary.verdict.kappa == pytest.approx(7 / 11)
    # Certainty: 2 of 4 agree; rita high 2, low 2; raj high 1, moderate 1, very_low 1, low 1.
    # pe = (2*1 + 2*1) / 16 = 1/4; kappa = (1/2 - 1/4) / (3/4) = 1/3.
    assert summary.certainty.percent == pytest.approx(50.0)
    assert summary.certainty.kappa == pytest.approx(1 / 3)
    assert summary.certainty.level == "ordinal" and summary.verdict.level == "nominal"
    (pair,) = summary.verdict_pairs
    assert (pair.rater_a, pair.rater_b, pair.items) == ("raj", "rita", 4)
    assert pair.kappa == pytest.approx(7 / 11)
    assert [a.article_id for a in everywhere.articles] == [team["article"]]
    with database.read() as session, pytest.raises(PermissionDenied):
        agreement_summary(session, rita)


def test_unanimous_reviews_become_the_decision_when_asked(database: Database, team: dict) -> None:
    edna, rita, raj, ana, ids = team["edna"], team["rita"], team["raj"], team["ana"], team["ids"]
    assign(database, edna, team["article"], [rita.user_id, raj.user_id])
    submit(database, rita, ids[0], "accurate", "high")
    submit(database, raj, ids[0], "accurate", "high")
    submit(database, rita, ids[1], "accurate", "high")
    submit(database, raj, ids[1], "accurate", "moderate")  # certainty differs: no decision
    submit(database, rita, ids[2], "misleading", "low")  # raj (assigned) has not reviewed yet

    def decisions() -> dict[int, Decision]:
        with database.read() as session:
            return {d.claim_id: d for d in session.scalars(select(Decision))}

    assert decisions() == {}  # the setting is off by default
    assert set_review_rules(database, edna, team["article"], auto_accept_unanimous=True) == 1
    decided = decisions()
    assert list(decided) == [ids[0]]
    assert (decided[ids[0]].verdict, decided[ids[0]].certainty) == ("accurate", "high")
    assert decided[ids[0]].reason == "unanimous" and decided[ids[0]].editor_id is None
    assert events(database, "auto_accept") == 1

    submit(database, raj, ids[2], "misleading", "low")  # now every assigned reviewer agrees
    assert set(decisions()) == {ids[0], ids[2]}
    submit(database, ana, ids[2], "inaccurate", "low")  # a later review disagrees
    assert set(decisions()) == {ids[0]} and events(database, "withdraw") == 1
    with database.read() as session:
        total, backlog = adjudication_backlog(session, edna, team["article"])
    assert total == 2 and [r.claim_id for r in backlog] == [ids[1], ids[2]]


def test_the_editor_adjudicates_a_disagreement_on_the_record(
    database: Database, team: dict
) -> None:
    edna, rita, raj, ids = team["edna"], team["rita"], team["raj"], team["ids"]
    (source,) = add_citations(database, rita, parse_identifiers("PMID 77")[0])
    cited = [CitedSource(source.id, "supports", quote="fewer strokes")]
    first = submit(database, rita, ids[3], "accurate", "moderate", citations=cited)
    second = submit(database, raj, ids[3], "misleading", "low", rationale="Surrogate outcome.")
    with database.read() as session:
        total, backlog = adjudication_backlog(session, edna, team["article"])
        claim = claim_for_adjudication(session, edna, ids[3])
    assert total == 1 and backlog[0].claim_id == ids[3]
    assert [(r.reviewer, r.verdict) for r in claim.reviews] == [("rita", "accurate"),
                                                                ("raj", "misleading")]  # fmt: skip
    assert claim.reviews[0].sources[0].quote == "fewer strokes"
    assert "77" in claim.reviews[0].sources[0].identifier
    assert claim.decision is None

    with pytest.raises(PermissionDenied):
        record_decision(database, rita, ids[3], verdict="accurate", certainty="low")
    record_decision(database, edna, ids[3], verdict="misleading", certainty="low",
                    reason="reviewer_error", note="Stroke risk is a surrogate here.",
                    based_on=[first.id, second.id])  # fmt: skip
    with database.read() as session:
        total, _ = adjudication_backlog(session, edna, team["article"])
        claim = claim_for_adjudication(session, edna, ids[3])
        everything, _ = adjudication_backlog(
            session, edna, team["article"], every_reviewed_claim=True
        )
        bundle = article_bundle(session, edna, team["article"])
    assert total == 0 and everything == 1
    assert claim.decision.reason == "reviewer_error" and claim.decision.editor == "edna"
    assert claim.decision.based_on == sorted([first.id, second.id])
    assert events(database, "create") >= 1
    decided = next(c for c in bundle["claims"] if c["id"] == ids[3])
    assert decided["decision"]["verdict"] == "misleading"


def test_blind_review_stays_on_when_a_reviewer_is_taken_off(database: Database, team: dict) -> None:
    edna, rita, raj, claim = team["edna"], team["rita"], team["raj"], team["ids"][0]
    assign(database, edna, team["article"], [rita.user_id, raj.user_id])
    submit(database, rita, claim, "inaccurate", "low", rationale="Rita's reasons.")
    unassign(database, edna, team["article"], rita.user_id)
    with database.read() as session:
        seen = readable_reviews(session, raj, claim)
        assert review_rules(session, edna, team["article"]).blind_review == "on"
    assert seen.reviews == [] and seen.hidden == 1


def test_a_submitted_review_is_final_once_others_are_open(database: Database, team: dict) -> None:
    edna, rita, raj, claim = team["edna"], team["rita"], team["raj"], team["ids"][0]
    assign(database, edna, team["article"], [rita.user_id, raj.user_id])
    first = submit(database, rita, claim, "inaccurate", "low")
    # Alone so far, Rita may still revise her submitted review.
    first = submit(database, rita, claim, "misleading", "low", expected_version=first.version)
    placeholder = submit(database, raj, claim, "accurate", "high")
    with pytest.raises(ClaimreviewError, match="final once the other reviews"):
        submit(database, raj, claim, "misleading", "low", expected_version=placeholder.version)
    assert [r.verdict for r in reviews_of_claim(database, raj, claim)] == ["misleading",
                                                                          "accurate"]  # fmt: skip


def test_an_automatic_decision_never_outlives_agreement(database: Database, team: dict) -> None:
    edna, rita, raj, ana, ids = team["edna"], team["rita"], team["raj"], team["ana"], team["ids"]
    set_review_rules(database, edna, team["article"], auto_accept_unanimous=True)
    submit(database, rita, ids[0], "accurate", "high")
    submit(database, raj, ids[0], "accurate", "high")
    set_review_rules(database, edna, team["article"], auto_accept_unanimous=False)
    submit(database, ana, ids[0], "inaccurate", "low")  # disagrees after the setting went off
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
        total, _ = adjudication_backlog(session, edna, team["article"])
    assert total == 1

    # Taking a silent assignee off lets the two who agree settle the claim.
    set_review_rules(database, edna, team["article"], auto_accept_unanimous=True)
    assign(database, edna, team["article"], [rita.user_id, raj.user_id, ana.user_id])
    submit(database, rita, ids[1], "accurate", "high")
    submit(database, raj, ids[1], "accurate", "high")
    with database.read() as session:
        assert session.scalar(select(Decision.id).where(Decision.claim_id == ids[1])) is None
    unassign(database, edna, team["article"], ana.user_id)
    with database.read() as session:
        decided = session.scalar(select(Decision).where(Decision.claim_id == ids[1]))
    assert decided is not None and decided.reason == "unanimous"
    with pytest.raises(ClaimreviewError, match="kept for decisions accepted automatically"):
        record_decision(database, edna, ids[2], verdict="accurate", certainty="high",
                        reason="unanimous")  # fmt: skip


def test_a_decision_made_meanwhile_is_not_overwritten(database: Database, team: dict) -> None:
    edna, ids = team["edna"], team["ids"]
    record_decision(database, edna, ids[0], verdict="accurate", certainty="high", reason="other")
    # Another editor opened the claim when it had no decision (version 0) and decides now.
    with pytest.raises(ClaimreviewError, match="changed elsewhere"):
        record_decision(database, edna, ids[0], verdict="inaccurate", certainty="low",
                        reason="new_evidence", expected_version=0)  # fmt: skip


def test_the_library_keeps_a_co_reviewers_sources_to_them(database: Database, team: dict) -> None:
    from db.citations import search_library

    rita, raj, edna = team["rita"], team["raj"], team["edna"]
    (source,) = add_citations(database, rita, parse_identifiers("PMID 27557302")[0])
    save_review(database, rita, team["ids"][0], verdict="accurate", certainty="high",
                citations=[CitedSource(source.id, "supports")])  # fmt: skip
    assert [c.id for c in search_library(database, rita, "")] == [source.id]
    assert search_library(database, raj, "") == []
    assert [c.id for c in search_library(database, edna, "")] == [source.id]


def test_a_pasted_identifier_tells_nothing_of_a_co_reviewers_sources(
    database: Database, team: dict
) -> None:
    """The review form shows a pasted identifier by its library entry; one that only another
    reviewer cites reads as new, as the library search hides it."""
    from db.citations import citations_by_id, library_entries

    rita, raj, edna = team["rita"], team["raj"], team["edna"]
    pasted = parse_identifiers("PMID 27557302")[0]
    (source,) = add_citations(database, rita, pasted)
    save_review(database, rita, team["ids"][0], verdict="accurate", certainty="high",
                citations=[CitedSource(source.id, "supports")])  # fmt: skip
    key = ("pmid", "27557302")
    assert library_entries(database, rita, pasted)[key].id == source.id
    assert library_entries(database, raj, pasted) == {}
    assert library_entries(database, edna, pasted)[key].id == source.id
    assert citations_by_id(database, raj, [source.id]) == {}
    assert set(citations_by_id(database, rita, [source.id])) == {source.id}


def test_an_administrator_who_reviews_reads_no_review_in_the_audit_trail(
    database: Database, team: dict
) -> None:
    from db.audit import list_events

    ada = actor_for(create_user(database, OPERATOR, "ada", ["reviewer", "admin"],
                                password="ada-password-1")[0])  # fmt: skip
    submit(database, team["rita"], team["ids"][0], "inaccurate", "low", rationale="Secret.")
    events_seen = list_events(database, ada, article_id=team["article"])
    reviews = [e for e in events_seen if e.entity_type == "review"]
    assert reviews and all("Secret." not in str(e.after) for e in reviews)
    editors = list_events(database, team["edna"], article_id=team["article"])
    assert any("Secret." in str(e.after) for e in editors if e.entity_type == "review")


def test_a_claim_marked_not_checkable_leaves_the_queue(database: Database, team: dict) -> None:
    from db.claim_edits import set_checkable

    edna, ana, ids = team["edna"], team["ana"], team["ids"]
    assign(database, edna, team["article"], [ana.user_id], ids[:2])
    set_checkable(database, edna, ids[0], False)
    with database.read() as session:
        total, queue = reviewer_queue(session, ana)
    assert total == 1 and [q.claim_id for q in queue] == [ids[1]]
