"""Export formats built from an article bundle (plain data from db.queries.article_bundle)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

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
