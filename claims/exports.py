"""Export formats built from an article bundle (plain data from db.queries.article_bundle)."""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
import zipfile
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
        # The instance's organisation (and its logo's bytes) is not part of the article.
        **{key: value for key, value in bundle.items() if key != "organisation"},
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


def _report(bundle: dict[str, Any]) -> Any:
    """The report of a bundle, stamped with the moment it is generated."""
    return build_report(bundle, generated_at=datetime.now(UTC))


# format name -> (file extension, renderer); text formats give str, documents give bytes
EXPORTS: dict[str, tuple[str, Callable[[dict[str, Any], Publisher], str | bytes]]] = {
    "json": ("json", lambda bundle, _p: to_json(bundle)),
    "md": ("md", lambda bundle, _p: to_markdown(_report(bundle))),
    "html": ("html", lambda bundle, _p: to_html(_report(bundle))),
    "annotated": ("html", lambda bundle, _p: annotated_article_html(bundle)),
    "csv": ("csv", lambda bundle, _p: to_csv(_report(bundle))),
    "claimreview": ("jsonld", _claimreview),
    "annotations": ("jsonld", lambda bundle, _p: _dump(web_annotations(bundle))),
    "pdf": ("pdf", lambda bundle, _p: to_pdf(_report(bundle))),
    "docx": ("docx", lambda bundle, _p: to_docx(_report(bundle))),
    "xlsx": ("xlsx", lambda bundle, _p: to_xlsx(_report(bundle))),
}


# What "everything" holds: (file name in the zip, format), the report in every design first.
ZIP_CONTENTS = (
    ("report.pdf", "pdf"),
    ("report.docx", "docx"),
    ("report.html", "html"),
    ("report.md", "md"),
    ("annotated-article.html", "annotated"),
    ("claims.csv", "csv"),
    ("claims.xlsx", "xlsx"),
    ("article.json", "json"),
    ("claimreview.jsonld", "claimreview"),
    ("web-annotations.jsonld", "annotations"),
)


def slug(text: str, max_length: int = 60) -> str:
    """A file-name-safe form of a title: "Vitamin D & colds" -> "vitamin-d-colds"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:max_length].rstrip("-") or "article"


def export_name(bundle: dict[str, Any], fmt: str) -> str:
    """The file name a download or ``claimreview export`` gives: "article-1-title.pdf"."""
    article = bundle.get("article") or {}
    base = f"article-{article.get('id')}-{slug(str(article.get('title') or ''))}"
    if fmt == "annotated":
        base += "-annotated"
    return f"{base}.{EXPORTS[fmt][0]}"


# The formats drawn from the report itself: the zip builds the report once for all of them.
_REPORT_RENDERERS: dict[str, Callable[[Any], str | bytes]] = {
    "md": to_markdown,
    "html": to_html,
    "csv": to_csv,
    "pdf": to_pdf,
    "docx": to_docx,
    "xlsx": to_xlsx,
}


def _everything(bundle: dict[str, Any], publisher: Publisher) -> bytes:
    """Every format in one zip, in a folder named after the article (one report, one moment)."""
    folder = export_name(bundle, "zip").removesuffix(".zip")
    report = _report(bundle)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, fmt in ZIP_CONTENTS:
            if fmt in _REPORT_RENDERERS:
                data = _REPORT_RENDERERS[fmt](report)
            else:
                data = EXPORTS[fmt][1](bundle, publisher)
            archive.writestr(
                f"{folder}/{name}", data.encode("utf-8") if isinstance(data, str) else data
            )
    return buffer.getvalue()


EXPORTS["zip"] = ("zip", _everything)


def publisher_for(bundle: dict[str, Any]) -> Publisher:
    """Who publishes: the instance's organisation where an administrator set it, else the
    environment's settings."""
    publisher = Publisher.from_environment()
    organisation = bundle.get("organisation") or {}
    name = str(organisation.get("name") or "").strip()
    url = str(organisation.get("url") or "").strip()
    if name or url:
        publisher = Publisher(name or publisher.name, url or publisher.url, publisher.review_url)
    return publisher


def export(bundle: dict[str, Any], fmt: str, publisher: Publisher | None = None) -> str | bytes:
    return EXPORTS[fmt][1](bundle, publisher or publisher_for(bundle))
