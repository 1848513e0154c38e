"""Linked data: schema.org ClaimReview and W3C Web Annotations (claims.reports.linked_data)."""

from __future__ import annotations

import json

from claims.reports import claimreview_jsonld, web_annotations
from tests.claims.test_reports_model import CLAIM_1, CLAIM_2, make_bundle

ORG = {
    "org_name": "Health Check",
    "org_url": "https://check.example",
    "review_url": "https://check.example/r/7",
}


def reviews(bundle=None):
    data = claimreview_jsonld(bundle or make_bundle(), **ORG)
    return json.loads(json.dumps(data))  # JSON-ready


def test_one_claimreview_per_claim_with_a_verdict():
    data = reviews()
    # claim 2 decided, claim 3 agreeing reviews; claim 4 disagrees, the heading is unreviewed
    assert [d["url"] for d in data] == [
        "https://check.example/r/7#claim-2",
        "https://check.example/r/7#claim-3",
    ]
    for review in data:
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        for field in ("claimReviewed", "reviewRating", "url", "author", "datePublished"):
            assert review[field], field
        assert review["author"] == {
            "@type": "Organization",
            "name": "Health Check",
            "url": "https://check.example",
        }
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["appearance"]["@type"] == "CreativeWork"
        assert item["appearance"]["url"] == "https://news.example.com/story?a=1&b=2"
        assert item["author"]["name"].startswith("Jane Writer")
    first, second = data
    assert first["claimReviewed"] == CLAIM_1
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Misleading",
    }
    assert first["datePublished"] == "2024-05-03"
    assert second["claimReviewed"] == CLAIM_2
    assert second["reviewRating"]["ratingValue"] == 5
    assert second["reviewRating"]["alternateName"] == "Accurate"


def test_unrated_verdict_has_only_alternate_name():
    bundle = make_bundle()
    for review in bundle["claims"][0]["reviews"]:  # claim 4: make both say Unsupported
        review.update(verdict="unsupported", certainty="no_evidence")
    data = reviews(bundle)
    last = data[-1]
    assert last["url"].endswith("#claim-4")
    assert last["reviewRating"] == {"@type": "Rating", "alternateName": "Unsupported"}


def test_article_without_url_or_author():
    bundle = make_bundle()
    bundle["article"].update(source_url=None, author=None)
    data = reviews(bundle)
    assert "url" not in data[0]["itemReviewed"]["appearance"]
    assert "author" not in data[0]["itemReviewed"]


def test_web_annotations():
    bundle = make_bundle()
    text = bundle["article"]["text"]
    collection = json.loads(json.dumps(web_annotations(bundle)))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    items = collection["items"]
    assert len(items) == 4 and collection["total"] == 4
    by_claim = {c["id"]: c for c in bundle["claims"]}
    for item in items:
        assert item["type"] == "Annotation"
        target = item["target"]
        assert target["source"] == "https://news.example.com/story?a=1&b=2"
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        start, end = position["start"], position["end"]
        assert quote["exact"] == text[start:end]
        assert quote["prefix"] == text[max(0, start - 32) : start]
        assert quote["suffix"] == text[end : end + 32]
        assert len(quote["prefix"]) <= 32 and len(quote["suffix"]) <= 32
        claim = by_claim[int(item["id"].rsplit(":", 1)[1])]
        assert quote["exact"] == claim["text"]
    bodies = {item["id"]: item.get("body") for item in items}
    assert bodies["urn:claimreview:claim:11"]["value"] == "Misleading"
    assert bodies["urn:claimreview:claim:11"]["type"] == "TextualBody"
    assert bodies["urn:claimreview:claim:12"]["value"] == "Accurate"
    assert bodies["urn:claimreview:claim:13"] is None  # reviewers disagree: no verdict
    assert bodies["urn:claimreview:claim:10"] is None


def test_web_annotations_without_source_url():
    bundle = make_bundle()
    bundle["article"]["source_url"] = "javascript:alert(1)"
    collection = web_annotations(bundle)
    assert {i["target"]["source"] for i in collection["items"]} == {"urn:claimreview:article:7"}
