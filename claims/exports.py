"""Export formats built from an article bundle (plain data from db.queries.article_bundle)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claims.reports import (
    annotated_article_html,
    build_report,
    claimreview_jsonld,
    to_csv,
    to_html,
    to_markdown,
    web_annotations,
)
from claims.reports.docx_report import to_docx
from claims.reports.pdf import to_pdf
from claims.reports.xlsx import to_xlsx

JSON_FORMAT = "claimreview-article"
JSON_FORMAT_VERSION = 1


def to_json(bundle: dict[str, Any], *, exported_at: datetime | None = None) -> str:
    """The complete article as JSON: article, claims with cues, reviews, citations, decisions."""
    document = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "exported_at": (exported_at or datetime.now(UTC)).isoformat(),
        **bundle,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the reviews, for schema.org ClaimReview (configurable by environment)."""

    name: str
    url: str
    review_url: str  # where an article's review lives; "{article_id}" is filled in

    @classmethod
    def from_environment(cls) -> Publisher:
        return cls(
            name=os.environ.get("CLAIMREVIEW_ORG_NAME", "claimreview"),
            url=os.environ.get("CLAIMREVIEW_ORG_URL", "https://example.org"),
            review_url=os.environ.get(
                "CLAIMREVIEW_REVIEW_URL", "https://example.org/reviews/{article_id}"
            ),
        )


def _dump(data: object) -> str:
    """JSON-LD that can be pasted into a <script type="application/ld+json"> element as it is:
    no claim text can close the element ("</script>") or open a comment there."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text + "\n"


def _claimreview(bundle: dict[str, Any], publisher: Publisher) -> str:
    review_url = publisher.review_url.replace("{article_id}", str(bundle["article"]["id"]))
    return _dump(
        claimreview_jsonld(
            bundle, org_name=publisher.name, org_url=publisher.url, review_url=review_url
        )
    )


# format name -> (file extension, renderer); text formats give str, documents give bytes
EXPORTS: dict[str, tuple[str, Callable[[dict[str, Any], Publisher], str | bytes]]] = {
    "json": ("json", lambda bundle, _p: to_json(bundle)),
    "md": ("md", lambda bundle, _p: to_markdown(build_report(bundle))),
    "html": ("html", lambda bundle, _p: to_html(build_report(bundle))),
    "annotated": ("html", lambda bundle, _p: annotated_article_html(bundle)),
    "csv": ("csv", lambda bundle, _p: to_csv(build_report(bundle))),
    "claimreview": ("jsonld", _claimreview),
    "annotations": ("jsonld", lambda bundle, _p: _dump(web_annotations(bundle))),
    "pdf": ("pdf", lambda bundle, _p: to_pdf(build_report(bundle))),
    "docx": ("docx", lambda bundle, _p: to_docx(build_report(bundle))),
    "xlsx": ("xlsx", lambda bundle, _p: to_xlsx(build_report(bundle))),
}


def export(bundle: dict[str, Any], fmt: str, publisher: Publisher | None = None) -> str | bytes:
    return EXPORTS[fmt][1](bundle, publisher or Publisher.from_environment())
