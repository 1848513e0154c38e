"""The report model built from an article bundle (claims.reports.model)."""

from __future__ import annotations

import copy

from claims.reports import build_report
from claims.reports.model import citation_vancouver

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
MD_LINK = "[link](javascript:alert(1))"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = (SCRIPT, FORMULA, MD_LINK, IMG)

HEADING = "Immunotherapy today"
CLAIM_1 = f"{FORMULA} Immunotherapy can cure every cancer {SCRIPT}."
CLAIM_2 = "Statins lower the risk of a second stroke."
CLAIM_3 = f"Vitamin D prevents colds {MD_LINK} {IMG}."
TEXT = f"{HEADING}\n\n{CLAIM_1} {CLAIM_2}\n\n{CLAIM_3}\n"


def _claim(claim_id, ordinal, text, *, checkable=True, section=HEADING, kind="sentence"):
    start = TEXT.index(text)
    return {
        "id": claim_id,
        "ordinal": ordinal,
        "start": start,
        "end": start + len(text),
        "text": text,
        "section": section,
        "checkable": checkable,
        "kind": kind,
        "cues": [],
        "reviews": [],
        "decision": None,
    }


def _review(review_id, reviewer, verdict, certainty, rationale, citations, status="submitted"):
    return {
        "id": review_id,
        "reviewer": reviewer,
        "verdict": verdict,
        "certainty": certainty,
        "rationale": rationale,
        "status": status,
        "needs_second_look": False,
        "created_at": "2024-05-01T09:00:00+00:00",
        "updated_at": "2024-05-01T10:00:00+00:00",
        "submitted_at": "2024-05-01T10:00:00+00:00" if status == "submitted" else None,
        "citations": [
            {"citation_id": cid, "stance": stance, "quote": None, "locator": None}
            for cid, stance in citations
        ],
    }


def make_bundle() -> dict:
    heading = _claim(10, 1, HEADING, checkable=False, section=None, kind="heading")
    one = _claim(11, 2, CLAIM_1)
    one["cues"] = [
        {
            "kind": "cure",
            "start": CLAIM_1.index("cure"),
            "end": CLAIM_1.index("cure") + 4,
            "text": "cure",
            "reason": "overclaims",
        }
    ]
    one["reviews"] = [
        _review(1, "alice", "misleading", "low", f"Overstated. {SCRIPT}", [(102, "contradicts")]),
        _review(2, "bob", "inaccurate", "low", "No trial shows cure.", [(101, "contradicts")]),
    ]
    one["decision"] = {
        "verdict": "misleading",
        "certainty": "low",
        "reason": "reviewer_error",
        "note": f"{FORMULA} settled",
        "decided_at": "2024-05-03T12:00:00+00:00",
        "based_on_reviews": [1],
    }
    two = _claim(12, 3, CLAIM_2)
    two["reviews"] = [
        _review(3, "carol", "accurate", "high", "Well supported.", [(101, "supports")]),
        _review(4, "alice", "accurate", "high", f"{IMG} agreed", [(103, "supports")]),
        _review(7, "dave", "inaccurate", "low", "draft, ignored", [(104, "supports")], "draft"),
    ]
    three = _claim(13, 4, CLAIM_3)
    three["reviews"] = [
        _review(5, "bob", "unsupported", "no_evidence", MD_LINK, [(103, "background")]),
        _review(6, "carol", "inaccurate", "moderate", "Trials say no.", [(102, "contradicts")]),
    ]
    citations = [
        {
            "id": 101,
            "kind": "doi",
            "identifier": "10.5555/nejmoa1606038",
            "title": "Early statin therapy after minor stroke",
            "authors": "Okafor AN; Lindqvist B",
            "journal": "N Engl J Med",
            "year": 2016,
            "volume": "375",
            "issue": "8",
            "pages": "717-729",
            "study_design": "rct",
            "url": None,
        },
        {
            "id": 102,
            "kind": "url",
            "identifier": "https://example.org/review",
            "title": f"Hype review {SCRIPT} {MD_LINK}",
            "authors": None,
            "journal": None,
            "year": 2020,
            "volume": None,
            "issue": None,
            "pages": None,
            "study_design": "narrative_review",
            "url": "javascript:alert(1)",
        },
        {
            "id": 103,
            "kind": "pmid",
            "identifier": "12345678",
            "title": f"{FORMULA} Vitamin D {IMG}",
            "authors": "Smith J",
            "journal": "BMJ",
            "year": 2019,
            "volume": "364",
            "issue": None,
            "pages": "k4912",
            "study_design": "systematic_review",
            "url": "https://example.org/vitd",
        },
        {
            "id": 104,
            "kind": "pmid",
            "identifier": "999",
            "title": "Only in a draft",
            "authors": None,
            "journal": "Lancet",
            "year": 2021,
            "volume": None,
            "issue": None,
            "pages": None,
            "study_design": None,
            "url": None,
        },
    ]
    return {
        "article": {
            "id": 7,
            "title": f"Cancer news {SCRIPT}",
            "source_url": "https://news.example.com/story?a=1&b=2",
            "author": f"Jane Writer {IMG}",
            "published_on": "2024-04-30",
            "source_format": "txt",
            "source_filename": "story.txt",
            "content_hash": "0" * 64,
            "imported_at": "2024-05-01T08:00:00+00:00",
            "text": TEXT,
        },
        "claims": [three, heading, one, two],  # out of order on purpose
        "citations": citations,
    }


def test_bundle_offsets_are_consistent():
    bundle = make_bundle()
    for claim in bundle["claims"]:
        assert bundle["article"]["text"][claim["start"] : claim["end"]] == claim["text"]


def test_findings_follow_article_order_and_rules():
    report = build_report(make_bundle())
    assert [f.ordinal for f in report.findings] == [1, 2, 3, 4]
    assert [f.ordinal for f in report.checkable_findings] == [2, 3, 4]
    heading, decided, agreed, split = report.findings
    assert heading.status == "unreviewed" and not heading.checkable
    assert decided.status == "decided"
    assert (decided.verdict_label, decided.certainty_label) == ("Misleading", "Low")
    assert decided.decision_reason == "Reviewer error"
    assert [r.by for r in decided.rationales] == ["Editor", "alice"]  # only reviews decided on
    assert agreed.status == "provisional" and agreed.provisional
    assert (agreed.verdict_label, agreed.certainty_label) == ("Accurate", "High")
    assert agreed.reviewers == ("carol", "alice")  # the draft is not counted
    assert split.status == "disagreement"
    assert split.verdict is None and split.verdict_label is None and split.certainty is None
    assert {r.by for r in split.rationales} == {"bob", "carol"}


def test_citations_numbered_by_first_use_across_the_report():
    report = build_report(make_bundle())
    _, decided, agreed, split = report.findings
    # claim 2 (decision based on alice's review) cites 102 first -> [1]
    assert decided.citation_numbers == (1,)
    assert decided.citations[0].stances == ("Contradicts",)
    assert agreed.citation_numbers == (2, 3)  # 101 then 103
    assert split.citation_numbers == (1, 3)  # 102 re-used, 103 re-used
    assert [(e.number, e.citation_id) for e in report.bibliography] == [
        (1, 102),
        (2, 101),
        (3, 103),
    ]
    assert 104 not in {e.citation_id for e in report.bibliography}  # cited in a draft only
    assert report.bibliography[1].vancouver == (
        "Okafor AN, Lindqvist B. Early statin therapy after minor stroke. N Engl J Med. "
        "2016;375(8):717-29. doi:10.5555/nejmoa1606038"
    )
    assert report.bibliography[1].study_design == "Randomised trial"


def test_summary_counts_and_needs_correction():
    bundle = make_bundle()
    # make claim 4 agree on Inaccurate so two claims need correction
    bundle["claims"][0]["reviews"][0].update(verdict="inaccurate", certainty="moderate")
    report = build_report(bundle)
    s = report.summary
    assert s.checkable_claims == 3
    assert dict(s.by_verdict) == {"Accurate": 1, "Misleading": 1, "Inaccurate": 1}
    assert [label for label, _ in s.by_verdict] == ["Accurate", "Misleading", "Inaccurate"]
    assert dict(s.by_certainty) == {"High": 1, "Moderate": 1, "Low": 1}
    # worst rating first: Inaccurate (claim 4) before Misleading (claim 2)
    assert [f.ordinal for f in s.needs_correction] == [4, 2]
    assert report.reviewers == ("alice", "bob", "carol")


def test_disagreement_counts_as_not_rated():
    report = build_report(make_bundle())
    assert dict(report.summary.by_status) == {
        "Decided": 1,
        "Provisional": 1,
        "Reviewers disagree": 1,
    }
    assert dict(report.summary.by_certainty)["Not rated"] == 1


def test_bundle_is_not_mutated_and_report_is_frozen():
    bundle = make_bundle()
    before = copy.deepcopy(bundle)
    report = build_report(bundle)
    assert bundle == before
    try:
        report.findings[0].text = "x"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("Finding should be frozen")


def test_citation_without_details_falls_back_to_identifier():
    assert citation_vancouver({"id": 1, "kind": "pmid", "identifier": "42"}) == "PMID: 42"


def test_empty_bundle():
    report = build_report({"article": {"id": 1, "title": "", "text": ""}, "claims": []})
    assert report.findings == () and report.bibliography == ()
    assert report.summary.checkable_claims == 0
