"""Human-readable and machine-readable reports built from an article bundle.

``build_report(bundle)`` turns the plain data of ``db.queries.article_bundle`` into a frozen
``Report``; the renderers take that report (or the bundle, for linked data):

* ``to_markdown(report)`` (``claims.reports.markdown``)
* ``to_html(report)`` and ``annotated_article_html(bundle)`` (``claims.reports.html``)
* ``to_csv(report)`` and ``rows(report)`` (``claims.reports.tabular``)
* ``claimreview_jsonld(bundle, ...)`` and ``web_annotations(bundle)``
  (``claims.reports.linked_data``)
"""

from __future__ import annotations

from claims.reports.html import annotated_article_html, to_html
from claims.reports.linked_data import claimreview_jsonld, web_annotations
from claims.reports.markdown import to_markdown
from claims.reports.model import (
    ArticleInfo,
    BibEntry,
    ClaimCitation,
    Finding,
    Rationale,
    Report,
    Summary,
    build_report,
)
from claims.reports.tabular import formula_safe, rows, to_csv

__all__ = [
    "ArticleInfo",
    "BibEntry",
    "ClaimCitation",
    "Finding",
    "Rationale",
    "Report",
    "Summary",
    "annotated_article_html",
    "build_report",
    "claimreview_jsonld",
    "formula_safe",
    "rows",
    "to_csv",
    "to_html",
    "to_markdown",
    "web_annotations",
]
