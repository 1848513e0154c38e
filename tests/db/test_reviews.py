"""Reviews, citations, decisions and claim edits: saved safely, offsets exact, all audited."""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from claims.errors import ClaimreviewError
from claims.exports import export
from claims.grade import assessment_from_form
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.accounts import actor_for, create_user
from db.articles import demo_article_bytes, import_file
from db.audit import claim_history
from db.citations import add_citations, import_reference_file, search_library
from db.claim_edits import change_span, merge_with_next, set_checkable, split_claim
from db.decisions import record_decision
from db.engine import Database
from db.models import Article, Claim, Review
from db.queries import article_bundle
from db.reviews import CitedSource, StaleReview, reviews_of_claim, save_review
from db.setup import prepare_database
from db.transfer import import_bundle

OPERATOR = Actor.operator("test")


@pytest.fixture
def setup(database: Database) -> dict:
    article = import_file(database, demo_article_bytes(), "demo.txt", actor=OPERATOR)
    people = {}
    for name, roles in (("rita", ["reviewer"]), ("raj", ["reviewer"]), ("edna", ["editor"])):
        user, _ = create_user(database, OPERATOR, name, roles, password="a long password")
        people[name] = actor_for(user)
    with database.read() as session:
        claims = session.scalars(
            select(Claim).where(Claim.article_id == article.article_id).order_by(Claim.ordinal)
        ).all()
    return {"article_id": article.article_id, "claims": [c.id for c in claims], **people}


def _claims(database: Database, article_id: int) -> tuple[str, list[Claim]]:
    with database.read() as session:
        text = session.get(Article, article_id).text
        claims = session.scalars(
            select(Claim)
            .where(Claim.article_id == article_id)
            .order_by(Claim.ordinal)
            .options(selectinload(Claim.cues))
        ).all()
        return text, list(claims)


def test_draft_then_submit_with_citations(database: Database, setup: dict) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    found, refused = parse_identifiers("PMID: 27557302, doi:10.1056/NEJMoa1606038. NCT01234567")
    assert refused == []
    library = add_citations(database, rita, found)
    assert [c.kind for c in library] == ["pmid", "doi", "nct"]
    draft = save_review(database, rita, claim_id, verdict="misleading", certainty=None)
    assert draft.status == "draft" and draft.version == 1
    cited = [
        CitedSource(library[0].id, "contradicts", "no benefit", "p. 4"),
        CitedSource(library[1].id, "supports"),
    ]
    submitted = save_review(
        database, rita, claim_id, verdict="misleading", certainty="low", rationale="Overstated.",
        submit=True, expected_version=draft.version, citations=cited,
    )  # fmt: skip
    assert submitted.status == "submitted" and submitted.version == 2
    assert [c.citation_id for c in submitted.citations] == [library[0].id, library[1].id]
    # Citing the same source again from another review reuses the library row.
    again = add_citations(database, setup["raj"], parse_identifiers("10.1056/nejmoa1606038")[0])
    assert again[0].id == library[1].id
    history = claim_history(database, setup["edna"], claim_id)
    assert [(e.entity_type, e.action) for e in history] == [
        ("review", "create"),
        ("review", "submit"),
    ]
    assert history[1].before["verdict"] == "misleading" and history[1].before["certainty"] is None
    assert history[1].after["citations"][0]["stance"] == "contradicts"


def test_submitting_needs_verdict_and_certainty(database: Database, setup: dict) -> None:
    with pytest.raises(ClaimreviewError, match="verdict and an evidence certainty"):
        save_review(database, setup["rita"], setup["claims"][8], verdict="accurate",
                    certainty=None, submit=True)  # fmt: skip
    with pytest.raises(ClaimreviewError, match="not on the verdicts scale"):
        save_review(database, setup["rita"], setup["claims"][8], verdict="true", certainty=None)
    assert reviews_of_claim(database, setup["edna"], setup["claims"][8]) == []


def test_a_stale_save_overwrites_nothing_and_shows_the_stored_version(
    database: Database, setup: dict
) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    first = save_review(database, rita, claim_id, verdict="accurate", certainty="high")
    # Two tabs opened version 1; the first tab saves...
    save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                rationale="Tab one", expected_version=first.version)  # fmt: skip
    # ...the second tab's save is refused, and carries what is stored now.
    with pytest.raises(StaleReview) as stale:
        save_review(database, rita, claim_id, verdict="inaccurate", certainty="very_low",
                    rationale="Tab two", expected_version=first.version)  # fmt: skip
    assert stale.value.stored.rationale == "Tab one"
    [stored] = reviews_of_claim(database, rita, claim_id)
    assert stored.rationale == "Tab one" and stored.version == 2


def test_changing_a_span_keeps_offsets_exact_and_flags_reviews(
    database: Database, setup: dict
) -> None:
    claim_id = setup["claims"][8]
    save_review(database, setup["rita"], claim_id, verdict="misleading", certainty="low")
    text, claims = _claims(database, setup["article_id"])
    claim = next(c for c in claims if c.id == claim_id)
    cut = claim.text.index(",")  # keep "One of ... cancer cells"
    change_span(database, setup["raj"], claim_id, claim.start, claim.start + cut)
    text, claims = _claims(database, setup["article_id"])
    changed = next(c for c in claims if c.id == claim_id)
    assert changed.text == text[changed.start : changed.end] == claim.text[:cut]
    assert any(cue.kind == "absolute" for cue in changed.cues)
    [review] = reviews_of_claim(database, setup["edna"], claim_id)
    assert review.needs_second_look
    previous = next(c for c in claims if c.ordinal == changed.ordinal - 1)
    with pytest.raises(ClaimreviewError, match="overlap"):
        change_span(database, setup["raj"], claim_id, previous.end - 5, changed.end)


def test_split_and_merge_keep_every_claim_exact_and_in_order(
    database: Database, setup: dict
) -> None:
    claim_id = setup["claims"][9]
    text, before = _claims(database, setup["article_id"])
    claim = next(c for c in before if c.id == claim_id)
    at = claim.start + claim.text.index(" while ")
    first, second = split_claim(database, setup["rita"], claim_id, at)
    text, after = _claims(database, setup["article_id"])
    assert len(after) == len(before) + 1
    assert [c.ordinal for c in after] == list(range(1, len(after) + 1))
    for c in after:
        assert text[c.start : c.end] == c.text
    assert [c.start for c in after] == sorted(c.start for c in after)
    merge_with_next(database, setup["rita"], first)
    text, merged = _claims(database, setup["article_id"])
    assert [(c.start, c.end, c.text) for c in merged] == [(c.start, c.end, c.text) for c in before]
    assert second not in {c.id for c in merged}
    events = [(e.action, e.claim_id) for e in claim_history(database, setup["edna"], first)]
    assert events == [("split", first), ("merge", first)]


def test_merge_refuses_to_lose_the_next_claims_reviews(database: Database, setup: dict) -> None:
    first, following = setup["claims"][3], setup["claims"][4]
    save_review(database, setup["rita"], following, verdict="accurate", certainty="high")
    with pytest.raises(ClaimreviewError, match="already has reviews"):
        merge_with_next(database, setup["rita"], first)
    assert len(_claims(database, setup["article_id"])[1]) == len(setup["claims"])


def test_marking_not_checkable_is_recorded(database: Database, setup: dict) -> None:
    claim_id = setup["claims"][0]
    set_checkable(database, setup["rita"], claim_id, False)
    [event] = claim_history(database, setup["rita"], claim_id)
    assert event.before["checkable"] is True and event.after["checkable"] is False


def test_a_decision_rests_on_reviews_of_its_claim(database: Database, setup: dict) -> None:
    claim_id = setup["claims"][8]
    review = save_review(database, setup["rita"], claim_id, verdict="misleading",
                         certainty="low", submit=True)  # fmt: skip
    decision = record_decision(
        database, setup["edna"], claim_id, verdict="misleading", certainty="low",
        reason="other", based_on=[review.id],
    )  # fmt: skip
    assert decision.based_on == (review.id,)
    other = save_review(database, setup["rita"], setup["claims"][9], verdict="accurate",
                        certainty="low")  # fmt: skip
    with pytest.raises(ClaimreviewError, match="not a review of claim"):
        record_decision(database, setup["edna"], claim_id, verdict="accurate",
                        certainty="low", based_on=[other.id])  # fmt: skip


def test_reference_files_fill_the_library(database: Database, setup: dict) -> None:
    ris = (
        b"TY  - JOUR\nAU  - Smith, John\nTI  - Daratumumab in myeloma\nJO  - N Engl J Med\n"
        b"PY  - 2016\nDO  - 10.1056/NEJMoa1606038\nER  - \n"
        b"TY  - JOUR\nTI  - No identifier at all\nER  - \n"
    )
    result = import_reference_file(database, setup["rita"], ris, "refs.ris")
    assert result.created == 1 and any("no DOI" in p for p in result.problems)
    [found] = search_library(database, setup["rita"], "daratumumab")
    assert found.identifier == "10.1056/nejmoa1606038" and found.year == 2016
    assert found.vancouver().startswith("Smith J. Daratumumab in myeloma. N Engl J Med. 2016")


def test_a_saves_study_designs_are_written_with_it_or_not_at_all(
    database: Database, setup: dict
) -> None:
    """The design a reviewer gives a cited source is shared by every review citing it: it is
    written in the review's own transaction, so a refused save changes no design."""
    from db.citations import search_library

    claim, rita = setup["claims"][8], setup["rita"]
    (source,) = add_citations(database, rita, parse_identifiers("PMID 27557302")[0])
    save_review(database, rita, claim, verdict="accurate", certainty="high",
                citations=[CitedSource(source.id)], study_designs={source.id: "rct"})  # fmt: skip
    [stored] = search_library(database, rita, "27557302")
    assert stored.study_design == "rct"
    with pytest.raises(StaleReview):  # saved on a version that is no longer the stored one
        save_review(database, rita, claim, verdict="accurate", certainty="high",
                    citations=[CitedSource(source.id)], study_designs={source.id: "cohort"},
                    expected_version=None)  # fmt: skip
    [unchanged] = search_library(database, rita, "27557302")
    assert unchanged.study_design == "rct"


RCT_DOWNGRADED = assessment_from_form(
    "randomised",
    {
        "risk_of_bias": (-1, "outcome assessors were not blinded in 2 of 3 trials"),
        "imprecision": (-1, "the confidence interval crosses no effect"),
    },
    {},
)  # 4 - 1 - 1: Low


def test_a_certainty_rated_by_domains_is_saved_with_them_and_audited(
    database: Database, setup: dict
) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    saved = save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                        grade=RCT_DOWNGRADED, submit=True)  # fmt: skip
    assert saved.grade == RCT_DOWNGRADED and saved.certainty == "low"
    [stored] = reviews_of_claim(database, OPERATOR, claim_id)
    assert stored.grade.footnotes()[0].startswith("a. Rated down one level for risk of bias")
    [event] = [e for e in claim_history(database, OPERATOR, claim_id) if e.action == "submit"]
    assert event.after["grade"]["down"]["imprecision"]["levels"] == -1


def test_a_certainty_that_is_not_what_the_domains_give_is_refused(
    database: Database, setup: dict
) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    with pytest.raises(ClaimreviewError, match="domains give Low certainty"):
        save_review(database, rita, claim_id, verdict="misleading", certainty="high",
                    grade=RCT_DOWNGRADED)  # fmt: skip
    assert reviews_of_claim(database, OPERATOR, claim_id) == []  # nothing saved
    overridden = assessment_from_form(
        "randomised", {"imprecision": (-1, "the interval crosses no effect")}, {},
        override="low", override_reason="the only trial stopped early for benefit",
    )  # fmt: skip
    saved = save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                        grade=overridden)  # fmt: skip
    assert saved.grade.computed() == "moderate" and saved.certainty == "low"


def test_domains_stay_until_the_reviewer_rates_directly(database: Database, setup: dict) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    first = save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                        grade=RCT_DOWNGRADED)  # fmt: skip
    # A save that says nothing of the domains keeps them, and must still agree with them.
    kept = save_review(database, rita, claim_id, verdict="inaccurate", certainty="low",
                       expected_version=first.version)  # fmt: skip
    assert kept.grade == RCT_DOWNGRADED
    with pytest.raises(ClaimreviewError, match="domains give Low"):
        save_review(database, rita, claim_id, verdict="inaccurate", certainty="moderate",
                    expected_version=kept.version)  # fmt: skip
    direct = save_review(database, rita, claim_id, verdict="inaccurate", certainty="moderate",
                         expected_version=kept.version, grade=None)  # fmt: skip
    assert direct.grade is None and direct.certainty == "moderate"


def test_an_export_carries_the_domains_and_a_tampered_one_is_refused(
    database: Database, setup: dict, tmp_path
) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                grade=RCT_DOWNGRADED, submit=True)  # fmt: skip
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, setup["article_id"])
    [review] = [r for c in bundle["claims"] for r in c["reviews"]]
    assert review["grade"]["start"] == "randomised"
    other = prepare_database(Database(f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        import_bundle(other, OPERATOR, json.loads(json.dumps(bundle)))
        with other.read() as session:
            [copy] = session.scalars(select(Review)).all()
            assert json.loads(copy.grade)["down"]["risk_of_bias"]["levels"] == -1
    finally:
        other.dispose()
    review["grade"]["down"]["risk_of_bias"]["levels"] = 7
    third = prepare_database(Database(f"sqlite:///{tmp_path / 'third.db'}"))
    try:
        with pytest.raises(ClaimreviewError, match=r"[Rr]isk of bias"):
            import_bundle(third, OPERATOR, bundle)
        with third.read() as session:
            assert session.scalars(select(Review)).all() == []  # refused whole
    finally:
        third.dispose()


def test_reports_give_each_claims_evidence_profile_with_footnotes(
    database: Database, setup: dict
) -> None:
    rita, claim_id = setup["rita"], setup["claims"][8]
    save_review(database, rita, claim_id, verdict="misleading", certainty="low",
                grade=RCT_DOWNGRADED, submit=True)  # fmt: skip
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, setup["article_id"])
    row = ("rita", "Randomised trials", "Serious (a)", "Not serious", "Not serious",
           "Serious (b)", "Not serious", "None", "Low ⊕⊕◯◯")  # fmt: skip
    note = "rita, a. Rated down one level for risk of bias: outcome assessors were not blinded"
    markdown = export(bundle, "md").replace("\\", "")  # as read: Markdown's escapes gone
    assert "| " + " | ".join(row) + " |" in markdown and note in markdown
    html = export(bundle, "html")
    assert "<caption>Evidence profile (GRADE)</caption>" in html
    assert "".join(f"<td>{cell}</td>" for cell in row) in html
    pages = PdfReader(io.BytesIO(export(bundle, "pdf"))).pages
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Evidence profile (GRADE)" in pdf_text and "Serious (a)" in pdf_text
    assert "Rated down one level for risk of bias" in pdf_text
    document = docx.Document(io.BytesIO(export(bundle, "docx")))
    rows = [tuple(c.text for c in r.cells) for t in document.tables for r in t.rows]
    assert row in rows
    assert note in "\n".join(p.text for p in document.paragraphs)


def test_reports_give_dates_as_people_write_them(database: Database, setup: dict) -> None:
    save_review(database, setup["rita"], setup["claims"][8], verdict="accurate",
                certainty="high", submit=True)  # fmt: skip
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, setup["article_id"])
    bundle["article"]["imported_at"] = "2026-12-02T17:47:33.696555+00:00"
    bundle["article"]["published_on"] = "2026-11-30"
    iso = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
    reviewed = re.compile(r"Reviewed:? \d{1,2} (January|February|March|April|May|June|July|"
                          r"August|September|October|November|December) 20\d\d")  # fmt: skip
    generated = re.compile(r"Generated \d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d UTC")
    pages = PdfReader(io.BytesIO(export(bundle, "pdf"))).pages
    first = " ".join(pages[0].extract_text().split())
    assert "Published 30 November 2026" in first
    assert reviewed.search(first) and generated.search(first)
    assert not iso.search(first)
    html = export(bundle, "html")
    assert "30 November 2026" in html and reviewed.search(html.replace("</dt><dd>", " "))
    assert not iso.search(html)
    document = docx.Document(io.BytesIO(export(bundle, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Published: 30 November 2026" in text and reviewed.search(text)
    assert not iso.search(text)
