"""Linked data for other tools: schema.org ClaimReview and W3C Web Annotations.

``claimreview_jsonld`` gives one ClaimReview per claim whose finding has a verdict (an editor's
decision, or submitted reviews that agree); claims still in disagreement or unreviewed are left
out. A verdict with a number on the scale (Accurate 5 .. Inaccurate 1) carries ``ratingValue``,
``bestRating`` and ``worstRating``; one without (Unsupported, Not a checkable claim) carries only
``alternateName``, the label search engines show.

``web_annotations`` anchors every claim in the article with a TextQuoteSelector (exact, prefix,
suffix) and a TextPositionSelector (start, end), as the review standards describe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claims.reports.model import Finding, build_report
from claims.reports.richtext import http_url
from claims.scales import default_scales

__all__ = ["ANNO_CONTEXT", "CONTEXT_LENGTH", "claimreview_jsonld", "web_annotations"]

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_LENGTH = 32  # characters of prefix / suffix in a TextQuoteSelector


def _rating_bounds() -> tuple[int, int]:
    ratings = [v.rating for v in default_scales()["verdict"].values if v.rating is not None]
    return (max(ratings), min(ratings)) if ratings else (5, 1)


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def claimreview_jsonld(
    bundle: Mapping[str, Any], *, org_name: str, org_url: str, review_url: str
) -> list[dict[str, Any]]:
    """One schema.org ClaimReview (a JSON-ready dict) per claim with a verdict."""
    report = build_report(bundle)
    article = report.article
    best, worst = _rating_bounds()
    organization: dict[str, Any] = {"@type": "Organization", "name": org_name}
    if http_url(org_url):
        organization["url"] = org_url
    base = review_url.split("#", 1)[0]
    out = []
    for f in report.findings:
        if f.status not in ("decided", "provisional") or not f.verdict_label:
            continue
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": f.verdict_label}
        if f.verdict_rating is not None:
            rating.update(
                {"ratingValue": f.verdict_rating, "bestRating": best, "worstRating": worst}
            )
        appearance: dict[str, Any] = {"@type": "CreativeWork"}
        if http_url(article.source_url):
            appearance["url"] = article.source_url
        appearance["name"] = article.title
        if article.published_on:
            appearance["datePublished"] = _date(article.published_on)
        item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
        if article.author:
            item["author"] = {"@type": "Person", "name": article.author}
        if article.published_on:
            item["datePublished"] = _date(article.published_on)
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{base}#claim-{f.ordinal}",
            "claimReviewed": " ".join(f.text.split()),
            "reviewRating": rating,
            "author": dict(organization),
            "itemReviewed": item,
        }
        published = _date(f.decided_at or f.reviewed_at)
        if published:
            review["datePublished"] = published
        out.append(review)
    return out


def _annotation(f: Finding, text: str, source: str) -> dict[str, Any]:
    start = max(0, min(f.start, len(text)))
    end = max(start, min(f.end, len(text)))
    annotation: dict[str, Any] = {
        "type": "Annotation",
        "id": f"urn:claimreview:claim:{f.claim_id if f.claim_id is not None else f.ordinal}",
        "motivation": "assessing" if f.verdict_label else "highlighting",
        "target": {
            "source": source,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": text[start:end],
                    "prefix": text[max(0, start - CONTEXT_LENGTH) : start],
                    "suffix": text[end : end + CONTEXT_LENGTH],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        },
    }
    if f.verdict_label:
        annotation["body"] = {
            "type": "TextualBody",
            "purpose": "assessing",
            "format": "text/plain",
            "value": f.verdict_label,
        }
    return annotation


def web_annotations(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """A W3C AnnotationCollection: one Annotation per claim, anchored in the article text."""
    report = build_report(bundle)
    article = report.article
    source = http_url(article.source_url) or f"urn:claimreview:article:{article.id}"
    items = [_annotation(f, article.text, source) for f in report.findings]
    return {
        "@context": ANNO_CONTEXT,
        "id": f"urn:claimreview:article:{article.id}:annotations",
        "type": "AnnotationCollection",
        "label": article.title,
        "total": len(items),
        "items": items,
    }
