"""The stored evidence-gap facts always equal the facts computed afresh from the reviews,
citations and decisions, whatever write changed them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, literal, select

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import import_file, set_archived
from db.citations import add_citations, set_study_design
from db.claim_edits import change_span, merge_with_next, set_checkable, split_claim
from db.claim_facts import COUNT_COLUMNS, INCREMENTAL_ARTICLES, ensure_facts, live_facts
from db.dashboard import DashboardFilter, overview
from db.decisions import record_decision
from db.engine import Database
from db.models import ArticleFact, ArticleTotal, ClaimFact
from db.queries import article_bundle, claim_page
from db.reviews import CitedSource, StaleReview, save_review
from db.transfer import import_bundle

OPERATOR = Actor.operator("test")
ARTICLE = b"""# Background

Drug A lowers blood pressure in adults. Drug B always cures migraine in children.

# Results

Drug C reduces pain after surgery in adults. Drug D prevents strokes in older adults.
Drug E shortens colds by two days in adults. Drug F is the only treatment that works.
"""


def stored(session) -> list[tuple]:
    rows = session.execute(
        select(ClaimFact.claim_id, ClaimFact.article_id, ClaimFact.section,
               ClaimFact.verdict_state, ClaimFact.certainty_state,
               *(getattr(ClaimFact, c) for c in COUNT_COLUMNS))
        .order_by(ClaimFact.claim_id)
    ).all()  # fmt: skip
    return [tuple(r) for r in rows]


def computed(session) -> list[tuple]:
    live = live_facts(literal(True)).subquery()
    return [tuple(r) for r in session.execute(select(live).order_by(live.c.claim_id)).all()]


def stored_sums(session) -> dict[tuple, tuple]:
    rows = session.execute(
        select(ArticleFact.article_id, ArticleFact.verdict_state, ArticleFact.certainty_state,
               *(getattr(ArticleFact, c) for c in COUNT_COLUMNS))
    ).all()  # fmt: skip
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def computed_sums(session) -> dict[tuple, tuple]:
    keys = (ClaimFact.article_id, ClaimFact.verdict_state, ClaimFact.certainty_state)
    rows = session.execute(
        select(*keys, *(func.sum(getattr(ClaimFact, c)) for c in COUNT_COLUMNS)).group_by(*keys)
    ).all()
    return {tuple(r[:3]): tuple(int(v) for v in r[3:]) for r in rows}


def stored_totals(session) -> dict[int, tuple]:
    columns = (getattr(ArticleTotal, c) for c in COUNT_COLUMNS)
    rows = session.execute(select(ArticleTotal.article_id, *columns)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def computed_totals(session) -> dict[int, tuple]:
    totals: dict[int, tuple] = {}
    for (article_id, _verdict, _certainty), counts in computed_sums(session).items():
        before = totals.get(article_id, (0,) * len(counts))
        totals[article_id] = tuple(a + b for a, b in zip(before, counts, strict=True))
    return totals


def assert_current(database: Database) -> list[tuple]:
    with database.read() as session:
        facts = stored(session)
        assert facts == computed(session)
        assert stored_sums(session) == computed_sums(session)
        assert stored_totals(session) == computed_totals(session)
    return facts


def test_facts_stay_current_through_every_kind_of_write(database: Database) -> None:
    article = import_file(database, ARTICLE, "drugs.md", actor=OPERATOR).article_id
    facts = assert_current(database)
    # Six sentences and the two headings (kept as claims that are not checkable).
    assert len(facts) == 8 and {f[2] for f in facts} == {"Background", "Results"}
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    raj = actor_for(create_user(database, OPERATOR, "raj", ["reviewer"], password="q" * 12)[0])
    with database.read() as session:
        ids = [c.id for c in claim_page(session, OPERATOR, article) if c.checkable]
    a, b = add_citations(database, rita, parse_identifiers("PMID 11 PMID 12")[0])

    draft = save_review(database, rita, ids[0], verdict="accurate", certainty="high")
    assert_current(database)
    first = save_review(database, rita, ids[0], verdict="accurate", certainty="high",
                        submit=True, citations=[CitedSource(a.id, "supports")],
                        expected_version=draft.version)  # fmt: skip
    assert_current(database)
    save_review(database, raj, ids[0], verdict="misleading", certainty="low", submit=True)
    facts = {f[0]: f for f in assert_current(database)}
    assert facts[ids[0]][3] == "disagreement"
    record_decision(database, OPERATOR, ids[0], verdict="accurate", certainty="very_low")
    facts = {f[0]: f for f in assert_current(database)}
    assert facts[ids[0]][3:5] == ("accurate", "very_low")
    both = [CitedSource(a.id, "supports"), CitedSource(b.id, "supports")]
    save_review(database, rita, ids[2], verdict="accurate", certainty="moderate", submit=True,
                citations=both)  # fmt: skip
    assert_current(database)
    # A citation's study design changes the facts of every claim that cites it.
    set_study_design(database, rita, a.id, "preclinical")
    assert_current(database)
    set_study_design(database, rita, b.id, "preprint")
    facts = assert_current(database)
    assert {f[0]: f for f in facts}[ids[2]][COUNT_COLUMNS.index("indirect_only") + 5] == 1

    # A refused (stale) save changes nothing.
    with pytest.raises(StaleReview):
        save_review(database, rita, ids[0], verdict="inaccurate", certainty="high",
                    submit=True, expected_version=first.version - 1)  # fmt: skip
    assert assert_current(database) == facts

    with database.read() as session:
        claims = {c.id: c for c in claim_page(session, OPERATOR, article)}
    second = claims[ids[1]]
    new_ids = split_claim(database, OPERATOR, second.id, second.start + 8)
    assert_current(database)
    merge_with_next(database, OPERATOR, new_ids[0])
    assert_current(database)
    set_checkable(database, OPERATOR, ids[3], False)
    facts = assert_current(database)
    assert [f[3] for f in facts if f[0] == ids[3]] == ["not_a_claim"]
    fifth = claims[ids[4]]
    change_span(database, OPERATOR, fifth.id, fifth.start, fifth.end - 9)
    assert_current(database)

    # A whole article through the JSON import, and a bulk load of synthetic claims.
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, article)
    set_archived(database, OPERATOR, article, True)
    bundle["article"]["title"] += " (copy)"
    bundle["article"]["text"] += " "
    import_bundle(database, OPERATOR, json.loads(json.dumps(bundle)))
    assert_current(database)

    from db.demo_data import generate

    generate(database, OPERATOR, 200)
    assert len(assert_current(database)) > 200


@pytest.mark.parametrize("articles", [3, INCREMENTAL_ARTICLES + 2])
def test_a_source_cited_across_articles_changes_each_articles_sums(
    database: Database, articles: int
) -> None:
    """A save changes its article's sums by the difference it makes; a change reaching many
    articles at once (a widely cited source's design) sums them afresh. Both stay exact."""
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    [source] = add_citations(database, rita, parse_identifiers("PMID 11")[0])
    cited = [CitedSource(source.id, "supports")]
    for n in range(articles):
        text = ARTICLE.replace(b"Drug A", f"Drug A{n}".encode())
        article = import_file(database, text, f"drugs-{n}.md", actor=OPERATOR).article_id
        with database.read() as session:
            first = next(c.id for c in claim_page(session, OPERATOR, article) if c.checkable)
        save_review(database, rita, first, verdict="accurate", certainty="high", submit=True,
                    citations=cited)  # fmt: skip
    before = assert_current(database)
    set_study_design(database, rita, source.id, "preclinical")
    facts = assert_current(database)
    indirect = COUNT_COLUMNS.index("indirect_only") + 5
    assert sum(f[indirect] for f in facts) == articles > sum(f[indirect] for f in before)
    set_study_design(database, rita, source.id, None)
    assert assert_current(database) == before


# Every kind of new claim: checkable or not (headings, a question), with no cue, only hedges,
# or a cue that is not a hedge; sections from headings and from a list label.
MIXED = b"""# Background

Drug A may lower blood pressure in adults. Drug B always cures migraine in children.
Does drug C always cure gout? Drug D might possibly be the only cure for gout.

# Results

1. Targeted Treatment: Drug E reduces pain after surgery in adults.
2. Drug F shortens colds by two days.
"""


def test_imported_articles_facts_equal_a_fresh_computation(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.claim_facts

    def no_refresh(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an import's facts were computed again by query at commit")

    # An import writes its facts itself, and the commit does not compute them again.
    monkeypatch.setattr(db.claim_facts, "refresh", no_refresh)
    first = import_file(database, MIXED, "mixed.md", actor=OPERATOR).article_id
    second = import_file(database, ARTICLE, "drugs.md", actor=OPERATOR).article_id
    facts = assert_current(database)
    monkeypatch.undo()

    by_text = {}
    with database.read() as session:
        for claim in claim_page(session, OPERATOR, first):
            by_text[claim.text] = next(f for f in facts if f[0] == claim.id)
    column = {name: 5 + COUNT_COLUMNS.index(name) for name in COUNT_COLUMNS}
    heading, hedged = by_text["Background"], by_text["Drug A may lower blood pressure in adults."]
    absolute = by_text["Drug B always cures migraine in children."]
    question = by_text["Does drug C always cure gout?"]
    mixed = by_text["Drug D might possibly be the only cure for gout."]
    plain = by_text["Drug E reduces pain after surgery in adults."]
    assert heading[3:5] == question[3:5] == ("not_a_claim", "not_a_claim")
    assert question[column["cues_unreviewed"]] == 0 and question[column["checkable"]] == 0
    assert plain[2] == "Targeted Treatment" and plain[3:5] == ("unreviewed", "not_rated")
    assert [f[column["cues_unreviewed"]] for f in (hedged, absolute, mixed, plain)] == [0, 1, 1, 0]
    assert all(f[column["no_review"]] == f[column["open_gap"]] == 1 for f in (hedged, plain))
    with database.read() as session:
        sums = stored_sums(session)
    assert {key[0] for key in sums} == {first, second}
    claims = COUNT_COLUMNS.index("claims")
    assert sums[first, "not_a_claim", "not_a_claim"][claims] == 4  # three headings, a question
    assert sums[first, "unreviewed", "not_rated"][claims] == 5

    # Its facts then change with reviews and edits like any other article's.
    rita = actor_for(create_user(database, OPERATOR, "rita", ["reviewer"], password="p" * 12)[0])
    with database.read() as session:
        ids = [c.id for c in claim_page(session, OPERATOR, first) if c.checkable]
    save_review(database, rita, ids[1], verdict="accurate", certainty="high", submit=True)
    set_checkable(database, OPERATOR, ids[0], False)
    assert_current(database)


def test_a_rejected_import_leaves_no_facts(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.articles

    real = db.articles.write_new_article_facts

    def write_then_fail(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # the facts are written...
        raise RuntimeError("disk full")  # ...then the transaction dies

    monkeypatch.setattr(db.articles, "write_new_article_facts", write_then_fail)
    with pytest.raises(RuntimeError):
        import_file(database, MIXED, "mixed.md", actor=OPERATOR)
    monkeypatch.undo()
    with database.read() as session:
        assert stored(session) == [] and stored_sums(session) == {}
    import_file(database, MIXED, "mixed.md", actor=OPERATOR)  # and the same file imports later
    assert len(assert_current(database)) == 9


def test_facts_are_rebuilt_when_missing(database: Database) -> None:
    import_file(database, ARTICLE, "drugs.md", actor=OPERATOR)
    with database.read() as session:
        before = overview(session, OPERATOR, DashboardFilter())
    with database.write() as session:
        session.execute(delete(ArticleFact))
        session.execute(delete(ClaimFact))
    with database.write() as session:
        assert ensure_facts(session) is True
    with database.write() as session:
        assert ensure_facts(session) is False  # current: nothing to do
    assert_current(database)
    with database.read() as session:
        assert overview(session, OPERATOR, DashboardFilter()) == before
    # A database upgraded to the per-article totals gets them filled at the next start.
    with database.write() as session:
        session.execute(delete(ArticleTotal))
    with database.write() as session:
        assert ensure_facts(session) is True
    assert_current(database)
    with database.read() as session:
        assert overview(session, OPERATOR, DashboardFilter()) == before
